package query

import (
	"fmt"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// SGRule is a normalised security-group rule, from a standalone vpc.SecurityGroupIngressRule or
// EgressRule, an ec2.SecurityGroupRule or an inline rule of a group.
type SGRule struct {
	Source     *Resource // the resource that declares the rule
	Proto      string    // as written: "tcp", "6", "-1", "all"...
	From, To   int       // port range; 0-65535 for all protocols on a standalone rule
	Group      string    // the peer security group id(s), comma-separated; "" when the peer is a CIDR or prefix list
	CIDR       string    // the peer CIDR(s), comma-separated
	PrefixList string    // the peer prefix list id(s), comma-separated
}

// IngressRules returns the normalised ingress rules of a security group.
func (ix *Index) IngressRules(sg *Resource) []SGRule {
	var out []SGRule
	for _, r := range ix.Where(contract.TypeSGIngressRule, "securityGroupId", sg.ID) {
		out = append(out, vpcRule(r))
	}
	for _, r := range ix.Where(contract.TypeSGRule, "securityGroupId", sg.ID) {
		if Str(r, "type") == "ingress" {
			from, _ := Int(r, "fromPort")
			to, _ := Int(r, "toPort")
			out = append(out, SGRule{Source: r, Proto: Str(r, "protocol"), From: from, To: to,
				Group: Str(r, "sourceSecurityGroupId"), CIDR: strings.Join(append(Strings(r, "cidrBlocks"), Strings(r, "ipv6CidrBlocks")...), ","), PrefixList: strings.Join(Strings(r, "prefixListIds"), ",")})
		}
	}
	for _, x := range List(sg, "ingress") {
		m, _ := x.(map[string]any)
		out = append(out, SGRule{Source: sg, Proto: fmt.Sprint(m["protocol"]), From: ToInt(m["fromPort"]), To: ToInt(m["toPort"]),
			Group: strings.Join(policydoc.StringList(m["securityGroups"]), ","), CIDR: strings.Join(append(policydoc.StringList(m["cidrBlocks"]), policydoc.StringList(m["ipv6CidrBlocks"])...), ",")})
	}
	return out
}

// EgressRules returns the normalised egress rules of a security group (the program writes
// standalone rules only).
func (ix *Index) EgressRules(sg *Resource) []SGRule {
	var out []SGRule
	for _, r := range ix.Where(contract.TypeSGEgressRule, "securityGroupId", sg.ID) {
		out = append(out, vpcRule(r))
	}
	return out
}

// vpcRule normalises a standalone vpc.SecurityGroupIngressRule or EgressRule.
func vpcRule(r *Resource) SGRule {
	from, _ := Int(r, "fromPort")
	to, _ := Int(r, "toPort")
	proto := Str(r, "ipProtocol")
	if proto == "-1" || proto == "all" {
		from, to = 0, 65535
	}
	return SGRule{Source: r, Proto: proto, From: from, To: to,
		Group: Str(r, "referencedSecurityGroupId"), CIDR: Str(r, "cidrIpv4") + Str(r, "cidrIpv6"), PrefixList: Str(r, "prefixListId")}
}

// IsWorld reports whether a comma-separated CIDR list holds 0.0.0.0/0 or ::/0.
func IsWorld(cidr string) bool {
	for _, c := range strings.Split(cidr, ",") {
		if c == "0.0.0.0/0" || c == "::/0" {
			return true
		}
	}
	return false
}

// IsTCP reports whether a protocol as written is TCP.
func IsTCP(proto string) bool { return proto == "tcp" || proto == "6" }

// ServiceOfGroup names the service whose tasks carry a security group ("" if it is not a
// service's group).
func (ix *Index) ServiceOfGroup(id string) string {
	sg := ix.Ref(id)
	if sg == nil || GroupKind(sg) != contract.ServiceGroup {
		return ""
	}
	return Tags(sg)[contract.GroupNameTag]
}

// WorldRule is a security-group rule open to the internet at large, for a reader.
type WorldRule struct {
	Rule  *Resource // the standalone rule
	Group string    // egress: the group's declared name, or its id when the stack does not hold it
	Proto string
	From  int
	To    int
	CIDR  string
}

// WorldEgress lists the standalone egress rules to 0.0.0.0/0 or ::/0, in export order.
func (ix *Index) WorldEgress() []WorldRule { return ix.worldRules(contract.TypeSGEgressRule) }

// WorldIngress lists the standalone ingress rules from 0.0.0.0/0 or ::/0, in export order.
func (ix *Index) WorldIngress() []WorldRule { return ix.worldRules(contract.TypeSGIngressRule) }

func (ix *Index) worldRules(typ string) []WorldRule {
	var out []WorldRule
	for _, rule := range ix.OfType(typ) {
		cidr := Str(rule, "cidrIpv4") + Str(rule, "cidrIpv6")
		if cidr != "0.0.0.0/0" && cidr != "::/0" {
			continue
		}
		from, _ := Int(rule, "fromPort")
		to, _ := Int(rule, "toPort")
		owner := Str(rule, "securityGroupId")
		if sg := ix.Ref(owner); sg != nil {
			owner = Tags(sg)[contract.GroupNameTag]
		}
		out = append(out, WorldRule{Rule: rule, Group: owner, Proto: Str(rule, "ipProtocol"), From: from, To: to, CIDR: cidr})
	}
	return out
}
