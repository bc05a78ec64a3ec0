package query

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// DNSFirewall is what a VPC's Route 53 Resolver DNS Firewall does, as the stack declares it: its
// rule group associations in evaluation order, its firewall config and its query logging.
type DNSFirewall struct {
	VPC          *Resource
	Associations []FirewallAssociation // by priority, lowest (evaluated first) first
	// Config is the VPC's firewall config (nil when the stack declares none); FailOpen its
	// firewallFailOpen as written ("" when unset or unknown).
	Config   *Resource
	FailOpen string
	QueryLog []QueryLogging // the query log config associations of the VPC
}

// FirewallAssociation is a rule group associated with a VPC, with its rules.
type FirewallAssociation struct {
	Resource *Resource
	Priority int
	Group    *Resource      // nil when the stack does not hold the rule group
	Rules    []FirewallRule // by priority, lowest (evaluated first) first
}

// FirewallRule is a rule of a rule group with its domain list.
type FirewallRule struct {
	Resource *Resource
	Priority int
	Action   string // ALLOW, BLOCK or ALERT
	List     *Resource
	// Domains are the list's domain specifications; DomainsKnown is false when the stack does not
	// hold the list or its domains are not known (an output not resolved yet).
	Domains      []string
	DomainsKnown bool
	// QType is the DNS query type the rule inspects ("" for every type): a rule limited to one
	// type lets the others through (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-rule-settings.html).
	QType string
}

// LastRule is the rule DNS Firewall evaluates last in the association (nil without rules).
func (a FirewallAssociation) LastRule() *FirewallRule {
	if len(a.Rules) == 0 {
		return nil
	}
	return &a.Rules[len(a.Rules)-1]
}

// BlocksEverything reports whether a rule blocks every name: action BLOCK on a list of "*", for
// every query type.
func (r FirewallRule) BlocksEverything() bool {
	return r.Action == "BLOCK" && r.DomainsKnown && slices.Contains(r.Domains, "*") && r.QType == ""
}

// LetsThrough reports whether a rule lets a matching query through: ALLOW, or ALERT, which only
// logs it (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_CreateFirewallRule.html).
func (r FirewallRule) LetsThrough() bool { return r.Action == "ALLOW" || r.Action == "ALERT" }

// Rules are the VPC's DNS Firewall rules in the order DNS Firewall evaluates them: associations
// by priority, then each rule group's rules by priority; the first rule whose list matches a
// query decides it.
func (fw DNSFirewall) Rules() []FirewallRule {
	var out []FirewallRule
	for _, a := range fw.Associations {
		out = append(out, a.Rules...)
	}
	return out
}

// Decide is the rule that decides a query for host (an A query: a rule limited to another
// query type does not decide it): the first rule whose domain list covers the name. known is
// false when a rule before it has a list the audit cannot read, or an association's rule group
// is not in the stack; rule is nil when no rule matches (the query resolves).
func (fw DNSFirewall) Decide(host string) (rule *FirewallRule, known bool) {
	for _, a := range fw.Associations {
		if a.Group == nil {
			return nil, false
		}
		for i := range a.Rules {
			r := &a.Rules[i]
			switch {
			case !r.DomainsKnown:
				return nil, false
			case r.QType != "" && r.QType != "A":
				continue // decides only queries of another type
			case Allows(r.Domains, host):
				return r, true
			}
		}
	}
	return nil, true
}

// QueryLogging is a query log config association of a VPC, its config and the log group the
// config delivers to (nil when the stack does not hold it, or the destination is not a log group).
type QueryLogging struct {
	Association, Config, LogGroup *Resource
	Destination                   string // the config's destination ARN as written
}

// DNSFirewalls returns the DNS Firewall of every VPC of the stack, in export order.
func (ix *Index) DNSFirewalls() []DNSFirewall {
	var out []DNSFirewall
	for _, vpc := range ix.OfType(contract.TypeVpc) {
		fw := DNSFirewall{VPC: vpc}
		for _, a := range ix.Where(contract.TypeFirewallRuleGroupAssoc, "vpcId", vpc.ID) {
			p, _ := Int(a, "priority")
			assoc := FirewallAssociation{Resource: a, Priority: p, Group: ix.Ref(Str(a, "firewallRuleGroupId"))}
			if assoc.Group != nil {
				assoc.Rules = ix.firewallRules(assoc.Group)
			}
			fw.Associations = append(fw.Associations, assoc)
		}
		slices.SortStableFunc(fw.Associations, func(a, b FirewallAssociation) int { return a.Priority - b.Priority })
		if cfgs := ix.Where(contract.TypeFirewallConfig, "resourceId", vpc.ID); len(cfgs) > 0 {
			fw.Config, fw.FailOpen = cfgs[0], Str(cfgs[0], "firewallFailOpen")
		}
		for _, a := range ix.Where(contract.TypeQueryLogConfigAssociation, "resourceId", vpc.ID) {
			q := QueryLogging{Association: a, Config: ix.Ref(Str(a, "resolverQueryLogConfigId"))}
			if q.Config != nil {
				q.Destination = Str(q.Config, "destinationArn")
				if lg := ix.Ref(strings.TrimSuffix(q.Destination, ":*")); lg != nil && lg.Type == contract.TypeLogGroup {
					q.LogGroup = lg
				}
			}
			fw.QueryLog = append(fw.QueryLog, q)
		}
		out = append(out, fw)
	}
	return out
}

// firewallRules are the rules of a rule group, by priority.
func (ix *Index) firewallRules(group *Resource) []FirewallRule {
	var rules []FirewallRule
	for _, r := range ix.Where(contract.TypeFirewallRule, "firewallRuleGroupId", group.ID) {
		p, _ := Int(r, "priority")
		rule := FirewallRule{Resource: r, Priority: p, Action: Str(r, "action"), List: ix.Ref(Str(r, "firewallDomainListId")), QType: Str(r, "qType")}
		if rule.List != nil {
			_, present := Prop(rule.List, "domains")
			rule.Domains, rule.DomainsKnown = Strings(rule.List, "domains"), present
		}
		rules = append(rules, rule)
	}
	slices.SortStableFunc(rules, func(a, b FirewallRule) int { return a.Priority - b.Priority })
	return rules
}

// AllowedNames are the domain specifications a VPC's DNS Firewall allows before its first rule
// that blocks everything, by the domain list that holds them: what the VPC may resolve. A list
// whose domains are not known is present with a nil slice.
func (fw DNSFirewall) AllowedNames() map[*Resource][]string {
	out := map[*Resource][]string{}
	for _, a := range fw.Associations {
		for _, r := range a.Rules {
			if r.BlocksEverything() {
				return out
			}
			if r.Action != "ALLOW" && r.Action != "ALERT" || r.List == nil {
				continue
			}
			out[r.List] = r.Domains
		}
	}
	return out
}

// ServiceDestinations are the declared destinations of each service, as its DNS Firewall domain
// list holds them (DomainListTag service, ServiceTag the service), by service; a list whose
// domains are not known is present with a nil slice.
func (ix *Index) ServiceDestinations() map[string][]string {
	out := map[string][]string{}
	for _, l := range ix.OfType(contract.TypeFirewallDomainList) {
		tags := Tags(l)
		if contract.DomainListKind(tags[contract.DomainListTag]) != contract.ServiceDomains || tags[contract.ServiceTag] == "" {
			continue
		}
		out[tags[contract.ServiceTag]] = Strings(l, "domains")
	}
	return out
}

// LogResourcePolicyOf parses a CloudWatch Logs resource policy's document (nil when absent or
// not valid).
func LogResourcePolicyOf(r *Resource) *policydoc.Document {
	doc, err := policydoc.Parse(Str(r, "policyDocument"))
	if err != nil || Str(r, "policyDocument") == "" {
		return nil
	}
	return &doc
}

// IsPrivateCIDR reports whether a CIDR lies inside the private ranges of RFC 1918 or the shared
// address space of RFC 6598 (100.64.0.0/10): a security group rule to it does not leave for the
// internet. A CIDR that does not parse is not private.
func IsPrivateCIDR(cidr string) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, r := range privateBlocks {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// PublicRule is a security-group egress rule to an address outside the private ranges.
type PublicRule struct {
	SGRule
	Group *Resource // the group the rule belongs to; nil when the stack does not hold it
}

// PublicEgress lists the security-group egress rules to an address outside the private ranges
// (IsPrivateCIDR): what can leave for the internet through NAT. Group by group in export order,
// then the standalone rules of groups the stack does not hold.
func (ix *Index) PublicEgress() []PublicRule {
	var out []PublicRule
	for _, sg := range ix.OfType(contract.TypeSecurityGroup) {
		for _, r := range ix.rules(sg, "egress") {
			if r.CIDR != "" && !IsPrivateCIDR(r.CIDR) {
				out = append(out, PublicRule{SGRule: r, Group: sg})
			}
		}
	}
	for _, rule := range ix.OfType(contract.TypeSGEgressRule, contract.TypeSGRule) {
		if ix.Ref(Str(rule, "securityGroupId")) != nil || (rule.Type == contract.TypeSGRule && Str(rule, "type") != "egress") {
			continue
		}
		rules := []SGRule{vpcRule(rule)}
		if rule.Type == contract.TypeSGRule {
			rules = ec2Rule(rule)
		}
		for _, r := range rules {
			if r.CIDR != "" && !IsPrivateCIDR(r.CIDR) {
				out = append(out, PublicRule{SGRule: r})
			}
		}
	}
	return out
}

// NeededName is a host name the tasks of a VPC resolve to work at all, and what they need it for:
// the resource that answers it.
type NeededName struct {
	Resource *Resource
	Host     string // "" when the audit cannot read it (an output not known yet)
	For      string // what the tasks reach by it, for a message
}

// NamesTasksNeed are the names the tasks in a VPC must resolve, whatever they declare: each
// interface endpoint with private DNS of the VPC (awslimits.InterfaceEndpointHostName, the
// account's registry for ecr.dkr, with the region's ECR layer bucket behind the S3 gateway
// endpoint), each Cloud Map service of a namespace of the VPC, each database and cache in the
// VPC's subnets, and, through an S3 gateway endpoint of the VPC, each data bucket. The region
// and account are the stack's (Identity).
func (ix *Index) NamesTasksNeed(vpc *Resource) []NeededName {
	id := ix.Identity()
	var out []NeededName
	hasS3 := false
	for _, ep := range ix.Where(contract.TypeVpcEndpoint, "vpcId", vpc.ID) {
		service := strings.TrimPrefix(Str(ep, "serviceName"), "com.amazonaws."+id.Region+".")
		if IsGatewayEndpoint(ep) {
			hasS3 = hasS3 || service == contract.S3GatewayEndpoint
			continue
		}
		if dns, _ := Bool(ep, "privateDnsEnabled"); !IsInterfaceEndpoint(ep) || !dns {
			continue
		}
		out = append(out, NeededName{ep, awslimits.InterfaceEndpointHostName(service, id.Region, id.Account), service + " through its interface endpoint"})
		if service == "ecr.dkr" {
			out = append(out, NeededName{ep, awslimits.ECRLayerBucketHostName(id.Region), "the layers of ECR images"})
		}
	}
	for _, ns := range ix.Where(contract.TypeDNSNamespace, "vpc", vpc.ID) {
		for _, svc := range ix.OfType(contract.TypeDiscoveryService) {
			cfg, _ := Prop(svc, "dnsConfig")
			if m, ok := cfg.(map[string]any); ok && m["namespaceId"] == ns.ID {
				host := ""
				if name, zone := known(Str(svc, "name")), known(Str(ns, "name")); name != "" && zone != "" {
					host = name + "." + zone
				}
				out = append(out, NeededName{svc, host, "service " + Str(svc, "name") + " in Cloud Map"})
			}
		}
	}
	for _, store := range ix.OfType(contract.TypeDBInstance, contract.TypeCache) {
		group := ix.SubnetGroupOf(store)
		if group == nil {
			continue
		}
		subnets := Strings(group, "subnetIds")
		if len(subnets) == 0 || ix.Ref(subnets[0]) == nil || Str(ix.Ref(subnets[0]), "vpcId") != vpc.ID {
			continue
		}
		key := "address"
		if store.Type == contract.TypeCache {
			key = "primaryEndpointAddress"
		}
		out = append(out, NeededName{store, known(Str(store, key)), "the " + ShortType(store.Type) + "'s endpoint"})
	}
	if hasS3 {
		for _, b := range ix.OfType(contract.TypeBucket) {
			if contract.Purpose(Tags(b)[contract.PurposeTag]) == contract.DataPurpose {
				out = append(out, NeededName{b, known(Str(b, "bucketRegionalDomainName")), "the bucket through the S3 gateway endpoint"})
			}
		}
	}
	return out
}

// known is a name as written, or "" when it is not known yet (a preview's unknown output).
func known(name string) string {
	if name == stackstate.Unknown || strings.Contains(name, "[unknown") {
		return ""
	}
	return name
}

// Allows reports whether a domain list's specifications admit a host name (awslimits.EgressCovers).
func Allows(domains []string, host string) bool {
	return slices.ContainsFunc(domains, func(d string) bool { return awslimits.EgressCovers(d, host) })
}
