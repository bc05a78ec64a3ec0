package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyEgress = `Strategy 2, "Network Security": "All other traffic is denied by default", egress included: no name resolves, and no connection leaves for the internet, unless declared`

var egressInvariants = []Invariant{
	{
		ID: "EGRESS-01",
		Statement: "Every VPC has a DNS Firewall rule group association whose last rule blocks every name (*) of every query type, with no rule before it that lets every name (* or a whole top-level domain) through, created before the ECS services, its DNS queries are logged to a KMS-encrypted log group with a retention (delivered only into the stack's own log groups), " +
			"and a stack that protects its stores fails closed",
		Enforces: strategyEgress + "; DNS tunnelling out of a task without NAT is blocked and every name looked up is recorded",
		Covers: []string{contract.TypeVpc, contract.TypeFirewallRuleGroupAssoc, contract.TypeFirewallRuleGroup, contract.TypeFirewallRule, contract.TypeFirewallDomainList,
			contract.TypeFirewallConfig, contract.TypeQueryLogConfig, contract.TypeQueryLogConfigAssociation, contract.TypeLogResourcePolicy, contract.TypeLogGroup, contract.TypeECSService},
		check: checkDNSFirewall,
	},
	{
		ID:        "EGRESS-02",
		Statement: "Only services that declare egress destinations reach the internet: a security group's egress to a public address opens HTTPS (tcp 443) only, from a service whose declared destinations the VPC's DNS Firewall allows",
		Enforces:  strategyEgress,
		Covers:    []string{contract.TypeSecurityGroup, contract.TypeSGEgressRule, contract.TypeSGRule, contract.TypeFirewallDomainList, contract.TypeFirewallRule},
		check:     checkDeclaredEgress,
	},
	{
		ID: "EGRESS-03",
		Statement: "A VPC's DNS Firewall allows, before it blocks everything, every name its tasks need to work: each interface endpoint's private DNS name (and the region's ECR layer bucket), " +
			"each Cloud Map service, each database and cache endpoint in the VPC, and each data bucket reached through its S3 gateway endpoint",
		Enforces: strategyEgress + "; a deny-by-default resolver must not deny the platform itself: a blocked endpoint name leaves tasks unable to pull, read their secrets or log, though AWS accepts the stack",
		Covers: []string{contract.TypeVpc, contract.TypeVpcEndpoint, contract.TypeDNSNamespace, contract.TypeDiscoveryService, contract.TypeDBInstance, contract.TypeDBSubnetGroup,
			contract.TypeCache, contract.TypeCacheSubnetGroup, contract.TypeSubnet, contract.TypeBucket, contract.TypeFirewallRule, contract.TypeFirewallDomainList},
		check: checkNeededNamesAllowed,
	},
}

// checkNeededNamesAllowed judges, in each VPC with a DNS Firewall, every name its tasks need
// (query.NamesTasksNeed) against the names the firewall allows before its block rule; a name or
// a domain list the audit cannot read is reported.
func checkNeededNamesAllowed(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, fw := range ix.DNSFirewalls() {
		if len(fw.Associations) == 0 {
			continue // EGRESS-01 reports a VPC without a DNS Firewall
		}
		for _, need := range ix.NamesTasksNeed(fw.VPC) {
			checked++
			if need.Host == "" {
				fs = append(fs, finding(need.Resource, "the audit cannot read the name tasks resolve for %s, so it cannot tell whether the DNS Firewall of VPC %s allows it", need.For, query.Name(fw.VPC)))
				continue
			}
			rule, known := fw.Decide(need.Host)
			switch {
			case !known:
				fs = append(fs, finding(need.Resource, "the audit cannot tell what the DNS Firewall of VPC %s does with %s (%s): a rule before any that matches it has a domain list or rule group the stack does not show", query.Name(fw.VPC), need.Host, need.For))
			case rule == nil || rule.LetsThrough():
			default:
				fs = append(fs, finding(need.Resource, "%s (%s) is blocked by the DNS Firewall of VPC %s: the first rule that matches it is %s (priority %d, %s), so tasks cannot resolve it; allow it in the platform's domain list before that rule",
					need.Host, need.For, query.Name(fw.VPC), query.Name(rule.Resource), rule.Priority, rule.Action))
			}
		}
	}
	return checked, fs
}

// protectsStores reports whether the stack keeps its stores (Pulumi protect): the audit's proxy
// for staging and prod, as in BUCKET-04 and DATA-09.
func protectsStores(ix *query.Index) bool {
	return slices.ContainsFunc(ix.OfType(contract.TypeKMSKey, contract.TypeBucket, contract.TypeDBInstance, contract.TypeCache, contract.TypeSecret),
		func(r *query.Resource) bool { return r.Protect })
}

func checkDNSFirewall(ix *query.Index) (int, []Finding) {
	var fs []Finding
	firewalls := ix.DNSFirewalls()
	kept := protectsStores(ix)
	for _, fw := range firewalls {
		fs = append(fs, lastRuleBlocks(fw)...)
		fs = append(fs, nothingLetsAllThrough(fw)...)
		fs = append(fs, servicesWait(ix, fw)...)
		fs = append(fs, failsClosed(fw, kept)...)
		fs = append(fs, queryLogged(fw)...)
	}
	policies := ix.OfType(contract.TypeLogResourcePolicy)
	for _, p := range policies {
		fs = append(fs, deliveryConfined(ix, p)...)
	}
	return len(firewalls) + len(policies), fs
}

// lastRuleBlocks judges the rule group DNS Firewall evaluates last: its last rule must block *.
func lastRuleBlocks(fw query.DNSFirewall) []Finding {
	if len(fw.Associations) == 0 {
		return []Finding{finding(fw.VPC, "has no DNS Firewall rule group association: any task may resolve any name, and tunnel data out through DNS without NAT; associate a rule group whose last rule blocks *")}
	}
	last := fw.Associations[len(fw.Associations)-1]
	if last.Group == nil {
		return []Finding{finding(last.Resource, "associates the rule group %s, which the stack does not hold: the audit cannot read its rules", orNone(query.Str(last.Resource, "firewallRuleGroupId")))}
	}
	rule := last.LastRule()
	switch {
	case rule == nil:
		return []Finding{finding(last.Group, "is the VPC's last DNS Firewall rule group and has no rules; add a last rule that blocks *")}
	case !rule.DomainsKnown:
		return []Finding{finding(rule.Resource, "is the VPC's last DNS Firewall rule but the audit cannot read its domain list (%s); a list it cannot read is not taken as blocking", orNone(query.Str(rule.Resource, "firewallDomainListId")))}
	case rule.Action == "BLOCK" && slices.Contains(rule.Domains, "*") && rule.QType != "":
		return []Finding{finding(rule.Resource, "is the VPC's last DNS Firewall rule (priority %d) but blocks * only for %s queries: every other query type (TXT, the tunnelling one, included) resolves; drop its qType",
			rule.Priority, rule.QType)}
	case !rule.BlocksEverything():
		return []Finding{finding(rule.Resource, "is the VPC's last DNS Firewall rule (priority %d) but does %s on %s, not BLOCK on *: names no rule lists resolve; end the rule group with a rule that blocks *",
			rule.Priority, orNone(rule.Action), strings.Join(rule.Domains, ", "))}
	}
	return nil
}

// nothingLetsAllThrough judges the rules DNS Firewall evaluates before its first rule that blocks
// everything: since the first rule that matches decides, an ALLOW or ALERT on * (or on every name
// under a top-level domain, "*.com", which anyone can register under) there lets every name
// through, and the block rule after it blocks nothing; a list the audit cannot read there is
// reported.
func nothingLetsAllThrough(fw query.DNSFirewall) []Finding {
	var fs []Finding
	for _, r := range fw.Rules() {
		if r.BlocksEverything() {
			break
		}
		if !r.LetsThrough() {
			continue
		}
		if !r.DomainsKnown {
			fs = append(fs, finding(r.Resource, "%s (priority %d) comes before the rule that blocks every name, but the audit cannot read its domain list: it may let every name through", r.Action, r.Priority))
			continue
		}
		for _, d := range r.Domains {
			if d == "*" || strings.HasPrefix(d, "*.") && !strings.Contains(strings.Trim(d[2:], "."), ".") {
				fs = append(fs, finding(r.Resource, "does %s on %s (priority %d) before the rule that blocks every name: the first matching rule decides, so every such name resolves and data can be tunnelled out through DNS; list exact names or wildcards under a domain you control", r.Action, d, r.Priority))
			}
		}
	}
	return fs
}

// servicesWait judges the ECS services' create order: each waits for the VPC's last association,
// which waits for its rules, so that no task starts before the names it needs are allowed and
// every other name is blocked.
func servicesWait(ix *query.Index, fw query.DNSFirewall) []Finding {
	if len(fw.Associations) == 0 {
		return nil
	}
	assoc := fw.Associations[len(fw.Associations)-1].Resource
	var fs []Finding
	for _, svc := range ix.OfType(contract.TypeECSService) {
		if !ix.DependsOn(svc)[assoc.URN] {
			fs = append(fs, finding(svc, "can be created before the DNS Firewall association %s: its tasks would start before the names they need are allowed (or any name is blocked); make it depend on it", query.Name(assoc)))
		}
	}
	return fs
}

// failsClosed judges the VPC's firewall config in a stack that keeps its stores.
func failsClosed(fw query.DNSFirewall, kept bool) []Finding {
	switch {
	case !kept:
		return nil
	case fw.Config == nil:
		return []Finding{finding(fw.VPC, "is in a stack that protects its stores but declares no DNS Firewall config; declare one with firewallFailOpen DISABLED (fail closed)")}
	case fw.FailOpen == "":
		return []Finding{finding(fw.Config, "the audit cannot read its firewallFailOpen; set DISABLED (fail closed)")}
	case fw.FailOpen != "DISABLED":
		return []Finding{finding(fw.Config, "fails open (firewallFailOpen %s) in a stack that protects its stores: queries DNS Firewall cannot evaluate pass unfiltered; set DISABLED", fw.FailOpen)}
	}
	return nil
}

// queryLogged judges the VPC's query logging: to a log group of the stack, encrypted with a
// customer-managed key, with a retention.
func queryLogged(fw query.DNSFirewall) []Finding {
	if len(fw.QueryLog) == 0 {
		return []Finding{finding(fw.VPC, "has no Resolver query logging: nothing records which names its tasks look up; associate a query log config that delivers to an encrypted log group")}
	}
	var fs []Finding
	for _, q := range fw.QueryLog {
		switch {
		case q.Config == nil:
			fs = append(fs, finding(q.Association, "associates the query log config %s, which the stack does not hold: the audit cannot read where the logs go", orNone(query.Str(q.Association, "resolverQueryLogConfigId"))))
		case q.LogGroup == nil:
			fs = append(fs, finding(q.Config, "delivers query logs to %s, not a log group of the stack: the audit cannot check their encryption; deliver them to a KMS-encrypted log group", orNone(q.Destination)))
		case query.Str(q.LogGroup, "kmsKeyId") == "":
			fs = append(fs, finding(q.LogGroup, "receives the VPC's DNS query logs but is not encrypted with a KMS key; set kmsKeyId to the stack's logs key"))
		default:
			if days, _ := query.Int(q.LogGroup, "retentionInDays"); days <= 0 {
				fs = append(fs, finding(q.LogGroup, "receives the VPC's DNS query logs but keeps them forever (no retentionInDays); set the stack's retention"))
			}
		}
	}
	return fs
}

// deliveryConfined judges a CloudWatch Logs resource policy: it may admit the log delivery
// service into the stack's own log groups only, from the stack's account only.
func deliveryConfined(ix *query.Index, p *query.Resource) []Finding {
	doc := query.LogResourcePolicyOf(p)
	if doc == nil {
		return []Finding{finding(p, "the audit cannot read its policy document; a log resource policy it cannot read is not taken as confined")}
	}
	account := ix.Identity().Account
	var fs []Finding
	for i, st := range doc.Statement {
		if st.Effect != policydoc.Allow {
			continue
		}
		sid := st.Sid
		if sid == "" {
			sid = fmt.Sprintf("#%d", i+1)
		}
		if st.Negated() != "" {
			fs = append(fs, finding(p, "statement %s allows with %s: it admits all but what it lists", sid, st.Negated()))
			continue
		}
		for _, res := range st.Resource {
			group, _, _ := strings.Cut(res, ":log-stream:")
			group = strings.TrimSuffix(group, ":*")
			if lg := ix.Ref(group); lg == nil || lg.Type != contract.TypeLogGroup {
				fs = append(fs, finding(p, "statement %s lets %s write to %s, not a log group of the stack; name the stack's log group", sid, principalsOf(st), res))
			}
		}
		if cond := st.Condition["StringEquals"]["aws:SourceAccount"]; account != "" && !slices.Equal(policydoc.StringList(cond), []string{account}) {
			fs = append(fs, finding(p, "statement %s does not confine delivery to the stack's account (StringEquals aws:SourceAccount %s): another account's deliveries could write", sid, account))
		}
	}
	return fs
}

func principalsOf(st policydoc.Statement) string {
	var out []string
	for kind, ids := range st.Principals() {
		for _, id := range ids {
			out = append(out, kind+" "+id)
		}
	}
	slices.Sort(out)
	return orNone(strings.Join(out, ", "))
}

func checkDeclaredEgress(ix *query.Index) (int, []Finding) {
	var fs []Finding
	allowed := map[string]bool{} // domain lists the VPCs' DNS Firewalls allow, by URN
	firewalls := ix.DNSFirewalls()
	for _, fw := range firewalls {
		for list := range fw.AllowedNames() {
			allowed[list.URN] = true
		}
	}
	lists := map[string]*query.Resource{} // each service's destination list
	for _, l := range ix.OfType(contract.TypeFirewallDomainList) {
		if tags := query.Tags(l); contract.DomainListKind(tags[contract.DomainListTag]) == contract.ServiceDomains {
			lists[tags[contract.ServiceTag]] = l
		}
	}
	rules := ix.PublicEgress()
	for _, r := range rules {
		if f := judgePublicEgress(r, lists, allowed, firewalls); f != "" {
			fs = append(fs, finding(r.Source, "%s", f))
		}
	}
	return len(ix.OfType(contract.TypeSecurityGroup)) + len(lists), fs // every group examined, every destination list
}

// judgePublicEgress says what is wrong with one egress rule to a public address ("" if nothing).
func judgePublicEgress(r query.PublicRule, lists map[string]*query.Resource, allowed map[string]bool, firewalls []query.DNSFirewall) string {
	to := fmt.Sprintf("%s %s to %s", r.Proto, query.PortRange(r.From, r.To), r.CIDR)
	if r.Group == nil {
		return "opens " + to + " for a security group the stack does not hold: no service's declared destinations cover it"
	}
	svc := query.Tags(r.Group)[contract.GroupNameTag]
	if query.GroupKind(r.Group) != contract.ServiceGroup {
		return fmt.Sprintf("opens %s for the %s group %s: only a service that declares egress destinations may reach the internet", to, orNone(string(query.GroupKind(r.Group))), orNone(svc))
	}
	if !query.IsTCP(r.Proto) || r.From != 443 || r.To != 443 {
		return fmt.Sprintf("opens %s for service %s: internet egress is HTTPS only (tcp 443)", to, svc)
	}
	list := lists[svc]
	switch {
	case list == nil:
		return fmt.Sprintf("opens %s for service %s, which declares no egress destinations (no DNS Firewall domain list tagged %s=%s): declare them under services.%s.egress", to, svc, contract.ServiceTag, svc, svc)
	case !allowed[list.URN]:
		return fmt.Sprintf("opens %s for service %s, whose declared destinations (domain list %s) the VPC's DNS Firewall does not allow before it blocks everything", to, svc, query.Name(list))
	}
	if _, known := query.Prop(list, "domains"); !known || len(query.Strings(list, "domains")) == 0 {
		return fmt.Sprintf("opens %s for service %s, whose declared destinations (domain list %s) the audit cannot read or are empty", to, svc, query.Name(list))
	}
	for _, fw := range firewalls {
		for _, dest := range query.Strings(list, "domains") {
			host := strings.Replace(dest, "*", "any", 1) // a name a wildcard covers
			if rule, known := fw.Decide(host); known && rule != nil && !rule.LetsThrough() {
				return fmt.Sprintf("opens %s for service %s, whose declared destination %s the DNS Firewall of VPC %s blocks: the first rule that matches it is %s (priority %d, %s)",
					to, svc, dest, query.Name(fw.VPC), query.Name(rule.Resource), rule.Priority, rule.Action)
			}
		}
	}
	return ""
}
