package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestEndpointGrantsOfDev(t *testing.T) {
	ix, _ := dev(t)
	eps := ix.OfType(contract.TypeVpcEndpoint)
	require.Len(t, eps, 7)
	for _, ep := range eps {
		assert.Equal(t, "eu-west-1", query.EndpointRegion(ep))
		grants, ok := ix.EndpointGrants(ep)
		require.True(t, ok, ep.URN)
		main := grants[0]
		assert.True(t, main.BindsPrincipalTo("123456789012") && main.BindsResourceTo("123456789012"), ep.URN)
		assert.False(t, main.BindsResourceTo("210987654321"))
		assert.True(t, main.Broad(), "the general statement allows every action on every resource of the account")
	}
	layers, _ := ix.EndpointGrants(named(t, ix, contract.TypeVpcEndpoint, "network-s3"))
	require.Len(t, layers, 2)
	assert.False(t, layers[1].BindsPrincipal() || layers[1].Broad(), "ECR's layer reads: unbound, but narrow")
	assert.False(t, layers[1].BindsResourceTo("123456789012"))
}

func TestEndpointGrantsReadConditions(t *testing.T) {
	ix := indexOf(
		res(contract.TypeVpcEndpoint, "ok", "vpce-1", map[string]any{"serviceName": "com.amazonaws.us-east-1.sts",
			"policy": `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*",` +
				`"Condition":{"StringEquals":{"AWS:principalaccount":["111111111111","222222222222"],"aws:PrincipalOrgID":"o-1"}}}]}`}),
		res(contract.TypeVpcEndpoint, "none", "vpce-2", map[string]any{"serviceName": "weird"}),
	)
	grants, ok := ix.EndpointGrants(ix.Ref("vpce-1"))
	require.True(t, ok)
	require.Len(t, grants, 1, "a Deny grants nothing")
	g := grants[0]
	assert.Equal(t, []string{"111111111111", "222222222222"}, g.PrincipalAccounts, "condition keys are case-insensitive")
	assert.True(t, g.BindsPrincipal())
	assert.False(t, g.BindsPrincipalTo("111111111111"), "two accounts are not one")
	assert.False(t, g.BindsResourceTo("111111111111"))
	assert.True(t, g.Broad(), "s3:* is every action of a service")
	assert.Equal(t, "us-east-1", query.EndpointRegion(ix.Ref("vpce-1")))

	_, ok = ix.EndpointGrants(ix.Ref("vpce-2"))
	assert.False(t, ok, "no policy: AWS's default, full access")
	assert.Empty(t, query.EndpointRegion(ix.Ref("vpce-2")))
}

func TestLogsKeyGrantsOfDev(t *testing.T) {
	ix, _ := dev(t)
	grants := ix.LogsKeyGrants()
	require.Len(t, grants, 1, "only the logs key admits CloudWatch Logs")
	g := grants[0]
	assert.Equal(t, "keys-logs", query.Name(g.Key))
	assert.ElementsMatch(t, ix.StackLogGroupArns(), g.LogGroups, "the key names exactly the stack's log-group patterns")
	assert.Contains(t, ix.StackLogGroupArns(), "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/rds/instance/users-db-dev/*")
	for _, group := range ix.OfType(contract.TypeLogGroup) {
		assert.True(t, g.Admits(ix.LogGroupArn(group)), query.Name(group))
	}
	assert.False(t, g.Admits("arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/staging/services/users"), "another stack's group")
	assert.False(t, g.Admits("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/rds/instance/other-dev/postgresql"))
	assert.True(t, query.LogsKeyGrant{}.Admits("arn:aws:logs:eu-west-1:1:log-group:x"), "an unbound grant admits every group")
	assert.True(t, query.LogsKeyGrant{LogGroups: []string{"arn:aws:logs:r:1:log-group:a?c"}}.Admits("arn:aws:logs:r:1:log-group:abc"))
}
