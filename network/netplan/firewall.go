package netplan

import (
	"fmt"
	"slices"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// Group names one security group of the plan.
type Group struct {
	Kind contract.GroupKind
	Name string // the service, database, cache or migration task; empty for the shared groups
}

// Label is the short name of a group, used in resource names.
func (g Group) Label() string {
	prefix := map[contract.GroupKind]string{contract.ServiceGroup: "svc", contract.LoadBalancerGroup: "lb", contract.DatabaseGroup: "db", contract.CacheGroup: "cache",
		contract.MigrationGroup: "mig"}[g.Kind]
	if prefix == "" {
		return string(g.Kind)
	}
	return prefix + "-" + g.Name
}

// Peer is the other end of a rule: exactly one of a group, a CIDR or the S3 prefix list.
type Peer struct {
	Group *Group
	CIDR  string
	S3    bool
}

// Label is the short name of a peer, used in resource names.
func (p Peer) Label() string {
	switch {
	case p.Group != nil:
		return p.Group.Label()
	case p.S3:
		return contract.S3GatewayEndpoint
	case p.CIDR == Anywhere:
		return "internet"
	}
	return p.CIDR
}

// FirewallRule is one planned security group rule (always TCP, one port).
type FirewallRule struct {
	Group       Group
	Egress      bool
	Peer        Peer
	Port        int
	Description string
}

// Name is the rule's logical name: stable, unique, and readable in a preview.
func (r FirewallRule) Name() string {
	dir := "from"
	if r.Egress {
		dir = "to"
	}
	return fmt.Sprintf("%s-%s-%s-%d", r.Group.Label(), dir, r.Peer.Label(), r.Port)
}

// ServiceNode is a service as the firewall sees it.
type ServiceNode struct {
	Name           string
	Port           int
	Public         bool
	Calls          []string
	InternetEgress bool
}

// StoreNode is a database or cache and the services that may use it.
type StoreNode struct {
	Name  string
	Port  int
	Users []string
	// Migration is the name of a database's one-off migration task ("" for none, and for a
	// cache): it gets a group of its own that reaches the database on its port and the AWS
	// endpoints over HTTPS, and nothing else.
	Migration string
}

// FirewallGraph is the declared graph the rules are derived from.
type FirewallGraph struct {
	Services  []ServiceNode
	Databases []StoreNode
	Caches    []StoreNode
}

// HTTPS is the port of the load balancers and the AWS endpoints.
const HTTPS = 443

// HTTP is the port of the redirect-only listener.
const HTTP = 80

// PlanFirewall derives every security group and rule from the graph. Rules always come in
// pairs, the source's egress and the destination's ingress, so that both sides are least
// privilege: a service reaches only its callees, its stores, the AWS endpoints (through the shared
// all-services group) and, if it declares egress destinations, HTTPS on the internet. The internet
// reaches only BFF load balancers, on 443 and on 80 (which only redirects).
func PlanFirewall(g FirewallGraph) ([]Group, []FirewallRule) {
	services := map[string]ServiceNode{}
	for _, s := range g.Services {
		services[s.Name] = s
	}
	var groups []Group
	var rules []FirewallRule
	pair := func(from, to Group, port int, what string) {
		f, t := from, to
		rules = append(rules,
			FirewallRule{Group: from, Egress: true, Peer: Peer{Group: &t}, Port: port, Description: what},
			FirewallRule{Group: to, Egress: false, Peer: Peer{Group: &f}, Port: port, Description: what},
		)
	}

	all := Group{Kind: contract.AllServicesGroup}
	endpoints := Group{Kind: contract.EndpointsGroup}
	groups = append(groups, all)
	pair(all, endpoints, HTTPS, "services call AWS APIs through the VPC endpoints")
	rules = append(rules, FirewallRule{Group: all, Egress: true, Peer: Peer{S3: true}, Port: HTTPS, Description: "services reach S3 (and ECR image layers) through the gateway endpoint"})

	for _, s := range sortedServices(g.Services) {
		svc := Group{Kind: contract.ServiceGroup, Name: s.Name}
		groups = append(groups, svc)
		if s.Public {
			lb := Group{Kind: contract.LoadBalancerGroup, Name: s.Name}
			groups = append(groups, lb)
			for _, port := range []int{HTTPS, HTTP} {
				what := "clients reach the BFF over HTTPS"
				if port == HTTP {
					what = "clients' plain HTTP, answered only with a redirect to HTTPS"
				}
				rules = append(rules, FirewallRule{Group: lb, Peer: Peer{CIDR: Anywhere}, Port: port, Description: what})
			}
			pair(lb, svc, s.Port, fmt.Sprintf("the %s load balancer forwards to its tasks over TLS", s.Name))
		}
		for _, callee := range slices.Sorted(slices.Values(s.Calls)) {
			c, ok := services[callee]
			if !ok {
				continue
			}
			pair(svc, Group{Kind: contract.ServiceGroup, Name: callee}, c.Port, fmt.Sprintf("%s calls %s (mTLS)", s.Name, callee))
		}
		if s.InternetEgress {
			rules = append(rules, FirewallRule{Group: svc, Egress: true, Peer: Peer{CIDR: Anywhere}, Port: HTTPS, Description: fmt.Sprintf("%s declares egress destinations: HTTPS to the internet through NAT", s.Name)})
		}
	}
	stores := func(kind contract.GroupKind, nodes []StoreNode, what string) {
		sorted := append([]StoreNode(nil), nodes...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
		for _, st := range sorted {
			store := Group{Kind: kind, Name: st.Name}
			groups = append(groups, store)
			for _, user := range slices.Sorted(slices.Values(st.Users)) {
				if _, ok := services[user]; ok {
					pair(Group{Kind: contract.ServiceGroup, Name: user}, store, st.Port, fmt.Sprintf("%s uses the %s %s (TLS)", user, st.Name, what))
				}
			}
			if st.Migration != "" {
				// The migration task pulls its image (ECR through the endpoints, layers from S3),
				// has ECS inject the master secret and write its logs, then connects to its database.
				m := Group{Kind: contract.MigrationGroup, Name: st.Migration}
				groups = append(groups, m)
				pair(m, store, st.Port, fmt.Sprintf("the %s migration task connects to its %s (TLS)", st.Name, what))
				pair(m, endpoints, HTTPS, fmt.Sprintf("the %s migration task calls AWS APIs through the VPC endpoints", st.Name))
				rules = append(rules, FirewallRule{Group: m, Egress: true, Peer: Peer{S3: true}, Port: HTTPS, Description: fmt.Sprintf("the %s migration task reaches ECR image layers through the S3 gateway endpoint", st.Name)})
			}
		}
	}
	stores(contract.DatabaseGroup, g.Databases, "database")
	stores(contract.CacheGroup, g.Caches, "cache")

	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Name() < rules[j].Name() })
	return groups, rules
}

// RuleCounts counts the planned rules of each group by direction (ingress, egress).
func RuleCounts(rules []FirewallRule) map[Group][2]int {
	out := map[Group][2]int{}
	for _, r := range rules {
		c := out[r.Group]
		if r.Egress {
			c[1]++
		} else {
			c[0]++
		}
		out[r.Group] = c
	}
	return out
}

// MaxRulesPerGroup is AWS's default quota of inbound (and, separately, outbound) rules per
// security group.
const MaxRulesPerGroup = 60

func sortedServices(in []ServiceNode) []ServiceNode {
	out := append([]ServiceNode(nil), in...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
