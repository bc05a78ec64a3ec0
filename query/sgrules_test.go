package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestSecurityGroupRulesOfDev(t *testing.T) {
	ix, _ := dev(t)
	db := named(t, ix, contract.TypeSecurityGroup, "db-users-db")
	users := named(t, ix, contract.TypeSecurityGroup, "svc-users")
	migration := named(t, ix, contract.TypeSecurityGroup, "mig-users-db-migration")
	in := ix.IngressRules(db)
	require.Len(t, in, 2, "only the owner's group and the migration task's reach the database")
	var from []string
	for _, r := range in {
		from = append(from, r.Group)
		assert.True(t, query.IsTCP(r.Proto))
		assert.Equal(t, [2]int{5432, 5432}, [2]int{r.From, r.To})
	}
	assert.ElementsMatch(t, []string{users.ID, migration.ID}, from)
	assert.Equal(t, "users-db-migration", ix.MigrationOfGroup(migration.ID))
	assert.Equal(t, "", ix.MigrationOfGroup(users.ID), "a service's group is no migration's")
	assert.Equal(t, "", ix.ServiceOfGroup(migration.ID), "a migration's group is no service's")
	assert.Empty(t, ix.EgressRules(db), "a database sends nothing")
	assert.Equal(t, "users", ix.ServiceOfGroup(users.ID))
	assert.Equal(t, "", ix.ServiceOfGroup(db.ID), "not a service's group")

	var open []string
	for _, r := range ix.WorldIngress() {
		open = append(open, r.Group)
		assert.Equal(t, "0.0.0.0/0", r.CIDR)
		assert.Contains(t, []int{443, 80}, r.From)
	}
	assert.Len(t, open, 4, "443 and 80 into each BFF load balancer")
	out := ix.WorldEgress()
	require.Len(t, out, 1, "only orders, which declares a destination, is let out to the internet")
	assert.Equal(t, query.WorldRule{Rule: out[0].Rule, Group: "orders", Proto: "tcp", From: 443, To: 443, CIDR: "0.0.0.0/0"}, out[0])
}

func TestRuleNormalisation(t *testing.T) {
	sg := res(contract.TypeSecurityGroup, "g", "sg-1", map[string]any{"ingress": []any{
		map[string]any{"protocol": "tcp", "fromPort": float64(22), "toPort": float64(22), "cidrBlocks": []any{"10.0.0.0/8"}, "ipv6CidrBlocks": []any{"::/0"}},
	}})
	all := res(contract.TypeSGIngressRule, "all", "sgr-1", map[string]any{"securityGroupId": "sg-1", "ipProtocol": "-1", "referencedSecurityGroupId": "sg-2"})
	old := res(contract.TypeSGRule, "old", "sgr-2", map[string]any{"securityGroupId": "sg-1", "type": "ingress", "protocol": "6", "fromPort": float64(1), "toPort": float64(2), "sourceSecurityGroupId": "sg-3"})
	ix := indexOf(sg, all, old)
	rules := ix.IngressRules(ix.Ref("sg-1"))
	require.Len(t, rules, 4, "an inline rule with two CIDRs is one rule per peer")
	assert.Equal(t, query.SGRule{Source: ix.Ref("sgr-1"), Proto: "-1", From: 0, To: 65535, Group: "sg-2"}, rules[0], "all protocols span every port")
	assert.Equal(t, "sg-3", rules[1].Group)
	assert.Equal(t, query.SGRule{Source: ix.Ref("sg-1"), Proto: "tcp", From: 22, To: 22, CIDR: "10.0.0.0/8"}, rules[2])
	assert.Equal(t, query.SGRule{Source: ix.Ref("sg-1"), Proto: "tcp", From: 22, To: 22, CIDR: "::/0"}, rules[3])
	assert.True(t, query.IsWorld(rules[3].CIDR))
	assert.False(t, query.IsWorld("10.0.0.0/8"))
	assert.False(t, query.IsWorld("10.0.0.0/8,0.0.0.0/0"), "one CIDR per rule")
}
