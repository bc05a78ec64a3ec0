package query

import (
	"fmt"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// SGRule is a normalised security-group rule, from a standalone vpc.SecurityGroupIngressRule or
// EgressRule, an ec2.SecurityGroupRule or an inline rule of a group.
type SGRule struct {
	Source   *Resource // the resource that declares the rule
	Proto    string    // as written: "tcp", "6", "-1", "all"...
	From, To int       // port range; 0-65535 for all protocols on a standalone rule
	// The peer: exactly one of these is set, a rule naming several peers is one SGRule per peer
	// (all empty when the rule names none).
	Group      string // a security group id
	CIDR       string // an IPv4 or IPv6 CIDR
	PrefixList string // a prefix list id
}

// perPeer splits a rule written with several peers into one rule per peer; with none, the rule
// is returned as it is.
func perPeer(base SGRule, groups, cidrs, prefixLists []string) []SGRule {
	base = allPorts(base)
	var out []SGRule
	for _, g := range groups {
		r := base
		r.Group = g
		out = append(out, r)
	}
	for _, c := range cidrs {
		r := base
		r.CIDR = c
		out = append(out, r)
	}
	for _, p := range prefixLists {
		r := base
		r.PrefixList = p
		out = append(out, r)
	}
	if out == nil {
		out = []SGRule{base}
	}
	return out
}

// IngressRules returns the normalised ingress rules of a security group: its standalone
// vpc.SecurityGroupIngressRule and ec2.SecurityGroupRule (type "ingress") resources and its
// inline rules.
func (ix *Index) IngressRules(sg *Resource) []SGRule { return ix.rules(sg, "ingress") }

// EgressRules returns the normalised egress rules of a security group: its standalone
// vpc.SecurityGroupEgressRule and ec2.SecurityGroupRule (type "egress") resources and its
// inline rules.
func (ix *Index) EgressRules(sg *Resource) []SGRule { return ix.rules(sg, "egress") }

// rules gathers one direction ("ingress" or "egress", the ec2.SecurityGroupRule type and the
// group's inline property of that name) of a group's rules.
func (ix *Index) rules(sg *Resource, direction string) []SGRule {
	standalone := contract.TypeSGIngressRule
	if direction == "egress" {
		standalone = contract.TypeSGEgressRule
	}
	var out []SGRule
	for _, r := range ix.Where(standalone, "securityGroupId", sg.ID) {
		out = append(out, vpcRule(r))
	}
	for _, r := range ix.Where(contract.TypeSGRule, "securityGroupId", sg.ID) {
		if Str(r, "type") != direction {
			continue
		}
		out = append(out, ec2Rule(r)...)
	}
	// Inline rules from the inputs only: AWS reports every rule of a group in its outputs, those
	// of the standalone rule resources above too.
	inline, _ := sg.Inputs[direction].([]any)
	for _, x := range inline {
		m, _ := x.(map[string]any)
		groups := policydoc.StringList(m["securityGroups"])
		if self, _ := m["self"].(bool); self {
			groups = append(groups, sg.ID)
		}
		out = append(out, perPeer(SGRule{Source: sg, Proto: fmt.Sprint(m["protocol"]), From: ToInt(m["fromPort"]), To: ToInt(m["toPort"])},
			groups, append(policydoc.StringList(m["cidrBlocks"]), policydoc.StringList(m["ipv6CidrBlocks"])...), policydoc.StringList(m["prefixListIds"]))...)
	}
	return out
}

// vpcRule normalises a standalone vpc.SecurityGroupIngressRule or EgressRule.
func vpcRule(r *Resource) SGRule {
	from, _ := Int(r, "fromPort")
	to, _ := Int(r, "toPort")
	return allPorts(SGRule{Source: r, Proto: Str(r, "ipProtocol"), From: from, To: to,
		Group: Str(r, "referencedSecurityGroupId"), CIDR: Str(r, "cidrIpv4") + Str(r, "cidrIpv6"), PrefixList: Str(r, "prefixListId")})
}

// ec2Rule normalises an ec2.SecurityGroupRule: one SGRule per peer it names.
func ec2Rule(r *Resource) []SGRule {
	var groups []string
	if g := Str(r, "sourceSecurityGroupId"); g != "" { // for an egress rule, the destination group
		groups = append(groups, g)
	}
	if self, _ := Bool(r, "self"); self {
		groups = append(groups, Str(r, "securityGroupId"))
	}
	from, _ := Int(r, "fromPort")
	to, _ := Int(r, "toPort")
	return perPeer(SGRule{Source: r, Proto: Str(r, "protocol"), From: from, To: to},
		groups, append(Strings(r, "cidrBlocks"), Strings(r, "ipv6CidrBlocks")...), Strings(r, "prefixListIds"))
}

// allPorts widens a rule for all protocols ("-1") to every port: AWS ignores the ports written
// on such a rule.
func allPorts(r SGRule) SGRule {
	if r.Proto == "-1" || r.Proto == "all" {
		r.From, r.To = 0, 65535
	}
	return r
}

// IsWorld reports whether a CIDR is 0.0.0.0/0 or ::/0.
func IsWorld(cidr string) bool { return cidr == "0.0.0.0/0" || cidr == "::/0" }

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
	Rule  *Resource // the resource that declares the rule: a rule resource, or the group for an inline rule
	Group string    // the group's declared name (tag), its logical name, or its id when the stack does not hold it
	Proto string
	From  int
	To    int
	CIDR  string
}

// WorldEgress lists the egress rules to 0.0.0.0/0 or ::/0: group by group in export order, then
// the standalone rules of groups the stack does not hold.
func (ix *Index) WorldEgress() []WorldRule { return ix.worldRules("egress") }

// WorldIngress lists the ingress rules from 0.0.0.0/0 or ::/0, in the order of WorldEgress.
func (ix *Index) WorldIngress() []WorldRule { return ix.worldRules("ingress") }

func (ix *Index) worldRules(direction string) []WorldRule {
	var out []WorldRule
	add := func(r SGRule, group string) {
		if IsWorld(r.CIDR) {
			out = append(out, WorldRule{Rule: r.Source, Group: group, Proto: r.Proto, From: r.From, To: r.To, CIDR: r.CIDR})
		}
	}
	for _, sg := range ix.OfType(contract.TypeSecurityGroup) {
		name := Tags(sg)[contract.GroupNameTag]
		if name == "" {
			name = Name(sg)
		}
		for _, r := range ix.rules(sg, direction) {
			add(r, name)
		}
	}
	standalone := contract.TypeSGIngressRule
	if direction == "egress" {
		standalone = contract.TypeSGEgressRule
	}
	for _, rule := range ix.OfType(standalone, contract.TypeSGRule) {
		owner := Str(rule, "securityGroupId")
		if ix.Ref(owner) != nil || (rule.Type == contract.TypeSGRule && Str(rule, "type") != direction) {
			continue
		}
		if rule.Type == standalone {
			add(vpcRule(rule), owner)
			continue
		}
		for _, r := range ec2Rule(rule) {
			add(r, owner)
		}
	}
	return out
}
