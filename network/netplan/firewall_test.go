package netplan

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

func devGraph() FirewallGraph {
	return FirewallGraph{
		Services: []ServiceNode{
			{Name: "web-bff", Port: 8443, Public: true, Calls: []string{"users", "orders"}},
			{Name: "mobile-bff", Port: 8443, Public: true, Calls: []string{"users"}},
			{Name: "users", Port: 8443},
			{Name: "orders", Port: 9443, Calls: []string{"users"}, InternetEgress: true},
		},
		Databases: []StoreNode{{Name: "users-db", Port: 5432, Users: []string{"users"}, Migration: "users-db-migration"}},
		Caches:    []StoreNode{{Name: "sessions", Port: 6379, Users: []string{"web-bff", "mobile-bff"}}},
	}
}

// flows renders a rule set as "group dir peer:port" lines for exact comparison.
func flows(rules []FirewallRule, group Group) []string {
	var out []string
	for _, r := range rules {
		if r.Group != group {
			continue
		}
		dir := "in<-"
		if r.Egress {
			dir = "out->"
		}
		out = append(out, fmt.Sprintf("%s %s:%d", dir, r.Peer.Label(), r.Port))
	}
	return out
}

func TestPlanFirewall(t *testing.T) {
	groups, rules := PlanFirewall(devGraph())
	svc := func(n string) Group { return Group{Kind: contract.ServiceGroup, Name: n} }

	assert.ElementsMatch(t, []Group{
		{Kind: contract.AllServicesGroup}, svc("web-bff"), {Kind: contract.LoadBalancerGroup, Name: "web-bff"}, svc("mobile-bff"),
		{Kind: contract.LoadBalancerGroup, Name: "mobile-bff"}, svc("users"), svc("orders"),
		{Kind: contract.DatabaseGroup, Name: "users-db"}, {Kind: contract.MigrationGroup, Name: "users-db-migration"}, {Kind: contract.CacheGroup, Name: "sessions"},
	}, groups, "one group per service, BFF load balancer, database, database migration task and cache, plus the shared one")

	cases := []struct {
		group Group
		want  []string
	}{
		{Group{Kind: contract.DatabaseGroup, Name: "users-db"}, []string{"in<- svc-users:5432", "in<- mig-users-db-migration:5432"}},
		// The migration task reaches its database and the AWS endpoints, nothing else, and nothing reaches it.
		{Group{Kind: contract.MigrationGroup, Name: "users-db-migration"}, []string{"out-> db-users-db:5432", "out-> endpoints:443", "out-> s3:443"}},
		{Group{Kind: contract.CacheGroup, Name: "sessions"}, []string{"in<- svc-mobile-bff:6379", "in<- svc-web-bff:6379"}},
		{Group{Kind: contract.LoadBalancerGroup, Name: "web-bff"}, []string{"in<- internet:443", "in<- internet:80", "out-> svc-web-bff:8443"}},
		{svc("users"), []string{"in<- svc-mobile-bff:8443", "in<- svc-orders:8443", "in<- svc-web-bff:8443", "out-> db-users-db:5432"}},
		{svc("orders"), []string{"in<- svc-web-bff:9443", "out-> internet:443", "out-> svc-users:8443"}},
		{svc("web-bff"), []string{"in<- lb-web-bff:8443", "out-> cache-sessions:6379", "out-> svc-orders:9443", "out-> svc-users:8443"}},
		{Group{Kind: contract.AllServicesGroup}, []string{"out-> endpoints:443", "out-> s3:443"}},
		{Group{Kind: contract.EndpointsGroup}, []string{"in<- all-services:443", "in<- mig-users-db-migration:443"}},
	}
	for _, tc := range cases {
		assert.ElementsMatch(t, tc.want, flows(rules, tc.group), tc.group.Label())
	}

	names := map[string]bool{}
	for _, r := range rules {
		assert.False(t, names[r.Name()], "duplicate rule name %s", r.Name())
		names[r.Name()] = true
		assert.NotEmpty(t, r.Description)
		if r.Peer.CIDR == Anywhere && !r.Egress {
			assert.Equal(t, contract.LoadBalancerGroup, r.Group.Kind, "only load balancers take traffic from the internet")
			assert.Contains(t, []int{HTTPS, HTTP}, r.Port)
		}
		if r.Peer.CIDR == Anywhere && r.Egress {
			assert.Equal(t, svc("orders"), r.Group, "only services that declare internetEgress reach the internet")
		}
	}

	noMigration := devGraph()
	noMigration.Databases[0].Migration = ""
	bareGroups, bareRules := PlanFirewall(noMigration)
	assert.NotContains(t, bareGroups, Group{Kind: contract.MigrationGroup, Name: "users-db-migration"}, "a database without a migration task has no migration group")
	assert.Equal(t, []string{"in<- svc-users:5432"}, flows(bareRules, Group{Kind: contract.DatabaseGroup, Name: "users-db"}), "and admits only its owner")

	_, again := PlanFirewall(devGraph())
	assert.Equal(t, rules, again, "deterministic")
}

func TestPlanFirewallPairsEveryFlow(t *testing.T) {
	_, rules := PlanFirewall(devGraph())
	for _, r := range rules {
		if r.Peer.Group == nil {
			continue
		}
		mirrored := false
		for _, m := range rules {
			if m.Peer.Group != nil && *m.Peer.Group == r.Group && m.Group == *r.Peer.Group && m.Port == r.Port && m.Egress != r.Egress {
				mirrored = true
			}
		}
		assert.True(t, mirrored, "%s has no mirror on the other side", r.Name())
	}
}

func TestRuleCountsAgainstQuota(t *testing.T) {
	g := FirewallGraph{Services: []ServiceNode{{Name: "hub", Port: 8443}}}
	for i := 0; i < MaxRulesPerGroup+1; i++ {
		g.Services = append(g.Services, ServiceNode{Name: fmt.Sprintf("caller-%02d", i), Port: 8443, Calls: []string{"hub"}})
	}
	_, rules := PlanFirewall(g)
	counts := RuleCounts(rules)
	require.Equal(t, MaxRulesPerGroup+1, counts[Group{Kind: contract.ServiceGroup, Name: "hub"}][0])
	assert.Equal(t, 1, counts[Group{Kind: contract.EndpointsGroup}][0], "the endpoints admit one shared group, whatever the number of services")
}
