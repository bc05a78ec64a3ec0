package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// Egress is what may leave the VPC for the internet: each VPC's DNS Firewall and each service's
// declared destinations with the path its HTTPS takes.
type Egress struct {
	Firewalls []DNSFirewallRow `json:"dnsFirewalls"`
	Services  []EgressRow      `json:"services"`
}

// DNSFirewallRow is a VPC's DNS Firewall in a reviewer's words.
type DNSFirewallRow struct {
	VPC      string   `json:"vpc"`
	Rules    []string `json:"rules"`    // in evaluation order: "100 ALLOW dns-platform (14 names)"
	LastRule string   `json:"lastRule"` // what a name no rule allows gets: "BLOCK *", or "none: every name resolves"
	FailOpen string   `json:"failOpen"` // DISABLED (fail closed), ENABLED, or "not declared"
	QueryLog []string `json:"queryLogs"`
}

// EgressRow is a service, the host names it declares and the path its internet traffic takes.
type EgressRow struct {
	Service      string   `json:"service"`
	Destinations []string `json:"destinations"`
	Path         string   `json:"path"`
}

func egress(ix *query.Index) Egress {
	var out Egress
	fws := ix.DNSFirewalls()
	allowed := map[string]bool{} // allowed domain lists, by URN
	for _, fw := range fws {
		out.Firewalls = append(out.Firewalls, firewallRow(fw))
		for l := range fw.AllowedNames() {
			allowed[l.URN] = true
		}
	}
	lists := map[string]*query.Resource{}
	for _, l := range ix.OfType(contract.TypeFirewallDomainList) {
		if tags := query.Tags(l); contract.DomainListKind(tags[contract.DomainListTag]) == contract.ServiceDomains {
			lists[tags[contract.ServiceTag]] = l
		}
	}
	open := map[string][]string{} // public egress rules, by service group name
	for _, r := range ix.PublicEgress() {
		if r.Group != nil && query.GroupKind(r.Group) == contract.ServiceGroup {
			name := query.Tags(r.Group)[contract.GroupNameTag]
			open[name] = append(open[name], fmt.Sprintf("%s %s to %s", r.Proto, query.PortRange(r.From, r.To), r.CIDR))
		}
	}
	nats := natGateways(ix)
	for _, sg := range ix.OfType(contract.TypeSecurityGroup) {
		if query.GroupKind(sg) != contract.ServiceGroup {
			continue
		}
		svc := query.Tags(sg)[contract.GroupNameTag]
		row := EgressRow{Service: svc, Destinations: []string{}}
		if l := lists[svc]; l != nil {
			row.Destinations = query.Strings(l, "domains")
		}
		row.Path = egressPath(len(row.Destinations) > 0, open[svc], lists[svc] != nil && allowed[lists[svc].URN], nats)
		out.Services = append(out.Services, row)
	}
	sort.Slice(out.Services, func(i, j int) bool { return out.Services[i].Service < out.Services[j].Service })
	return out
}

// egressPath says where a service's internet traffic goes.
func egressPath(declares bool, open []string, allowed bool, nats []string) string {
	switch {
	case !declares && len(open) == 0:
		return "none: AWS endpoints only"
	case !declares:
		return "open without declared destinations (" + strings.Join(open, ", ") + "): see EGRESS-02"
	case len(open) == 0:
		return "blocked: its security group opens nothing to the internet"
	case !allowed:
		return "blocked: the DNS Firewall does not allow its destinations"
	case len(nats) == 0:
		return "blocked: the private tier has no route to a NAT gateway"
	}
	return strings.Join(open, ", ") + " via " + strings.Join(nats, ", ") + "; names allowed by the DNS Firewall"
}

// natGateways names the NAT gateways the private tier's default routes lead to.
func natGateways(ix *query.Index) []string {
	seen := map[string]bool{}
	for _, s := range ix.OfType(contract.TypeSubnet) {
		if query.Tier(s) != contract.Private {
			continue
		}
		for _, id := range ix.DefaultRouteTargets(s, contract.NATGatewayTarget) {
			name := id
			if nat := ix.Ref(id); nat != nil {
				name = query.Name(nat)
			}
			seen["NAT gateway "+name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func firewallRow(fw query.DNSFirewall) DNSFirewallRow {
	row := DNSFirewallRow{VPC: query.Name(fw.VPC), LastRule: "none: every name resolves", FailOpen: "not declared"}
	for _, a := range fw.Associations {
		for _, r := range a.Rules {
			list := "a list the stack does not hold"
			if r.List != nil {
				list = fmt.Sprintf("%s (%d names)", query.Name(r.List), len(r.Domains))
				if len(r.Domains) == 1 {
					list = query.Name(r.List) + " (" + r.Domains[0] + ")"
				}
			}
			row.Rules = append(row.Rules, fmt.Sprintf("%d %s %s", r.Priority, r.Action, list))
		}
		if last := a.LastRule(); last != nil && last.BlocksEverything() {
			row.LastRule = "BLOCK * (" + query.Name(last.Resource) + ")"
		}
	}
	if fw.Config != nil {
		row.FailOpen = orDash(fw.FailOpen)
	}
	row.QueryLog = []string{}
	for _, q := range fw.QueryLog {
		dest := q.Destination
		if q.LogGroup != nil {
			dest = query.Str(q.LogGroup, "name")
			if query.Str(q.LogGroup, "kmsKeyId") != "" {
				dest += " (KMS-encrypted)"
			}
		}
		row.QueryLog = append(row.QueryLog, orDash(dest))
	}
	return row
}

// egressFacts are what the diff compares of egress: the names each VPC's DNS Firewall allows, by
// list ("service orders: api.payments.example", "platform: ..."), and its guards (a last rule
// that blocks everything, failing closed, query logging, each BLOCK rule).
func egressFacts(ix *query.Index) (allowed, guards []string) {
	for _, fw := range ix.DNSFirewalls() {
		vpc := query.Name(fw.VPC)
		for l, names := range fw.AllowedNames() {
			owner := "list " + query.Name(l)
			if tags := query.Tags(l); contract.DomainListKind(tags[contract.DomainListTag]) == contract.ServiceDomains {
				owner = "service " + tags[contract.ServiceTag]
			} else if contract.DomainListKind(tags[contract.DomainListTag]) == contract.PlatformDomains {
				owner = "the platform"
			}
			for _, n := range names {
				allowed = append(allowed, fmt.Sprintf("%s may resolve %s", owner, n))
			}
		}
		for _, a := range fw.Associations {
			if last := a.LastRule(); last != nil && last.BlocksEverything() {
				guards = append(guards, vpc+"'s DNS Firewall blocks every name no rule allows")
			}
			for _, r := range a.Rules {
				if r.Action == "BLOCK" {
					guards = append(guards, fmt.Sprintf("%s's DNS Firewall rule %s blocks %s", vpc, query.Name(r.Resource), strings.Join(r.Domains, ", ")))
				}
			}
		}
		if fw.Config != nil && fw.FailOpen == "DISABLED" {
			guards = append(guards, vpc+"'s DNS Firewall fails closed")
		}
		if len(fw.QueryLog) > 0 {
			guards = append(guards, vpc+"'s DNS queries are logged")
		}
	}
	slices.Sort(allowed)
	slices.Sort(guards)
	return slices.Compact(allowed), slices.Compact(guards)
}

// writeEgressText writes the egress section of the text report.
func (r *Report) writeEgressText(b *strings.Builder) {
	fmt.Fprintf(b, "\nEgress: DNS Firewall and declared destinations\n")
	if len(r.Egress.Firewalls) == 0 {
		fmt.Fprintf(b, "  no VPC\n")
	}
	for _, fw := range r.Egress.Firewalls {
		fmt.Fprintf(b, "  VPC %s: a name no rule allows gets %s; fail open: %s; query logs: %s\n", fw.VPC, fw.LastRule, fw.FailOpen, joinOr(fw.QueryLog, "none"))
		for _, rule := range fw.Rules {
			fmt.Fprintf(b, "    rule %s\n", rule)
		}
	}
	tw := tabwriter.NewWriter(b, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  SERVICE\tDESTINATIONS\tPATH\n")
	for _, e := range r.Egress.Services {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", e.Service, joinOr(e.Destinations, "none"), e.Path)
	}
	_ = tw.Flush()
}

// dnsFirewallLines are the markdown lines of each VPC's DNS Firewall.
func (r *Report) dnsFirewallLines() string {
	b := &strings.Builder{}
	for _, fw := range r.Egress.Firewalls {
		fmt.Fprintf(b, "- VPC `%s`: a name no rule allows gets **%s**; fail open: %s; query logs: %s; rules: %s\n",
			fw.VPC, fw.LastRule, fw.FailOpen, joinOr(fw.QueryLog, "none"), joinOr(fw.Rules, "none"))
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// egressTable is the markdown table of services, destinations and paths.
func (r *Report) egressTable() table {
	t := table{header: "| Service | Destinations | Path |\n|---|---|---|\n", empty: "| none | | |\n"}
	for _, e := range r.Egress.Services {
		t.rows = append(t.rows, fmt.Sprintf("| %s | %s | %s |\n", e.Service, joinOr(e.Destinations, "none"), e.Path))
	}
	return t
}
