package platform_test

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// graph is the dev stack's service graph.
func graph() netplan.FirewallGraph {
	return netplan.FirewallGraph{
		Services: []netplan.ServiceNode{
			{Name: "web-bff", Port: 8443, Public: true, Calls: []string{"users", "orders"}},
			{Name: "users", Port: 8443},
			{Name: "orders", Port: 9443, Calls: []string{"users"}, InternetEgress: true},
		},
		Databases: []netplan.StoreNode{{Name: "users-db", Port: 5432, Users: []string{"users"}}},
		Caches:    []netplan.StoreNode{{Name: "sessions", Port: 6379, Users: []string{"web-bff"}}},
	}
}

func firewallArgs(g netplan.FirewallGraph) *network.FirewallArgs {
	return &network.FirewallArgs{Scope: testScope, VpcID: pulumi.String("vpc-0123456789abcdef0"), Graph: g,
		EndpointSecurityGroupID: pulumi.String("sg-0endpoints0000000"), S3PrefixListID: pulumi.String("pl-6da54004")}
}

// A Firewall is exactly the planned groups, tagged with what they guard, and the planned rules as
// standalone SG-to-SG rules (the internet and S3 only where the plan says).
func TestFirewall(t *testing.T) {
	var fw *network.Firewall
	p := runAlone(t, func(ctx *pulumi.Context) (err error) {
		fw, err = network.NewFirewall(ctx, "firewall", firewallArgs(graph()))
		return err
	})
	groups, rules := netplan.PlanFirewall(graph())
	comp := p.component(contract.TypeFirewall)
	assert.Equal(t, map[string]int{contract.TypeSecurityGroup: len(groups), contract.TypeSGIngressRule: len(rules) / 2, contract.TypeSGEgressRule: len(rules) - len(rules)/2},
		count(p.children(comp.URN)), "the planned groups and rules, nothing else")

	ids := map[string]string{"endpoints": "sg-0endpoints0000000"}
	for _, g := range groups {
		sg := p.one(contract.TypeSecurityGroup, g.Label())
		ids[g.Label()] = sg.ID
		assert.Equal(t, "vpc-0123456789abcdef0", sg.Inputs["vpcId"])
		assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-" + g.Label(), contract.GroupKindTag: string(g.Kind), contract.GroupNameTag: g.Name}, tags(sg))
		assert.Regexp(t, `^secure-vpc/test: `, sg.Inputs["description"])
		assert.Nil(t, sg.Inputs["ingress"], "%s: never inline rules", g.Label())
		assert.Nil(t, sg.Inputs["egress"])
	}
	var ingress, egress int
	for _, r := range rules {
		typ := contract.TypeSGIngressRule
		if r.Egress {
			typ, egress = contract.TypeSGEgressRule, egress+1
		} else {
			ingress++
		}
		rule := p.one(typ, r.Name())
		assert.Equal(t, ids[r.Group.Label()], rule.Inputs["securityGroupId"], r.Name())
		assert.Equal(t, "tcp", rule.Inputs["ipProtocol"])
		assert.EqualValues(t, r.Port, rule.Inputs["fromPort"])
		assert.EqualValues(t, r.Port, rule.Inputs["toPort"])
		switch {
		case r.Peer.Group != nil:
			assert.Equal(t, ids[r.Peer.Group.Label()], rule.Inputs["referencedSecurityGroupId"], "%s names its peer's group", r.Name())
			assert.Nil(t, rule.Inputs["cidrIpv4"])
		case r.Peer.S3:
			assert.Equal(t, "pl-6da54004", rule.Inputs["prefixListId"])
		default:
			assert.Equal(t, netplan.Anywhere, rule.Inputs["cidrIpv4"])
		}
	}
	assert.Equal(t, len(p.all(contract.TypeSGIngressRule)), ingress)
	assert.Equal(t, len(p.all(contract.TypeSGEgressRule)), egress)

	// What a service's tasks wait for: the rules of its group, of the groups naming it, and of the
	// shared groups.
	assert.Len(t, fw.ServiceRules("users"), 3+3+3+2,
		"users: its 3 rules (from web-bff, from orders, to users-db), the 3 naming it, the shared group's 3 and the endpoints' 2")
	assert.Len(t, fw.ServiceRules("web-bff"), 4+4+3+2, "web-bff: its 4 rules (from its load balancer, to users, orders and sessions), their 4 mirrors, and the shared ones")
}

// A graph whose busiest group needs more rules than AWS allows is refused before anything is made.
func TestFirewallRuleQuota(t *testing.T) {
	g := netplan.FirewallGraph{Services: []netplan.ServiceNode{{Name: "hub", Port: 8443}}}
	for i := 0; i <= netplan.MaxRulesPerGroup; i++ {
		g.Services = append(g.Services, netplan.ServiceNode{Name: fmt.Sprintf("caller-%02d", i), Port: 8443, Calls: []string{"hub"}})
	}
	cloud, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := network.NewFirewall(ctx, "firewall", firewallArgs(g))
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "svc-hub needs 61 inbound")
	assert.Empty(t, cloud.Records(), "nothing is registered")
}
