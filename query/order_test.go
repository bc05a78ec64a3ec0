package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/query"
)

// dev records every prerequisite as a dependency: each subject's needs are among what it depends
// on, directly or through others.
func TestCreateOrderOfDev(t *testing.T) {
	ix, _ := dev(t)
	subjects := map[string]int{}
	services := map[string][]query.Prerequisite{}
	for _, s := range ix.CreateOrder() {
		subjects[s.Resource.Type]++
		before := ix.DependsOn(s.Resource)
		for _, need := range s.Prerequisites {
			assert.True(t, before[need.Resource.URN], "%s needs %s (%s)", query.Name(s.Resource), query.Name(need.Resource), need.Why)
		}
		for _, e := range s.LogExports {
			assert.NotNil(t, e.Group, e.GroupName)
			assert.Equal(t, naming.RDSLogGroup(query.Str(s.Resource, "identifier"), e.Kind), query.Str(e.Group, "name"), "the log group data creates")
		}
		if s.Resource.Type == contract.TypeECSService {
			services[query.Name(s.Resource)] = s.Prerequisites
		}
	}
	assert.Equal(t, map[string]int{contract.TypeBucketLogging: 1, contract.TypeLoadBalancer: 2, contract.TypeNatGateway: 1,
		contract.TypeFlowLog: 1, contract.TypeDBInstance: 1, contract.TypeECSService: 4}, subjects)

	require.Contains(t, services, "web-bff")
	whys := map[string]bool{}
	for _, p := range services["web-bff"] {
		whys[p.Why] = true
		if p.AnyOf != nil {
			assert.Same(t, p.Resource, p.AnyOf[0])
		}
	}
	for _, want := range []string{
		"holds the value ECS injects when a task starts",
		"admits the task's execution role",
		"lets the tasks' traffic out",
		"attaches the target group to a load balancer (ECS refuses a target group without one)",
		"the tasks pull their image, read their secrets and write their logs through",
		"carries the tasks' S3 traffic (image layers)",
	} {
		assert.True(t, whys[want], "web-bff needs what %s", want)
	}
}

func TestDependsOnFollowsTheChain(t *testing.T) {
	a, b, c := res("t:m/a:A", "a", "a", nil), res("t:m/b:B", "b", "b", nil), res("t:m/c:C", "c", "c", nil)
	b.Dependencies = []string{a.URN}
	c.Dependencies = []string{b.URN}
	ix := indexOf(a, b, c)
	assert.Equal(t, map[string]bool{a.URN: true, b.URN: true}, ix.DependsOn(ix.Ref("c")))
}

func TestSecretArnOf(t *testing.T) {
	arn := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf"
	for in, want := range map[string]string{arn: arn, arn + ":password::": arn, arn + ":key:AWSCURRENT:v1": arn} {
		assert.Equal(t, want, query.SecretArnOf(in))
	}
}
