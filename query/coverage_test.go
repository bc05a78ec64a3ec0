package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestCommittedStacksAreFullyEvaluated(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		assert.Empty(t, query.NewIndex(fixtures.Plan(t, stack)).NotEvaluated(), stack)
	}
}

// Resources of the types the analysis reads that it still cannot judge are reported, and their
// judged neighbours are not (types no invariant reads at all: policy.NotEvaluated).
func TestNotEvaluatedKinds(t *testing.T) {
	cases := []struct {
		r    stackstate.Resource
		want string // "" when the resource is evaluated
	}{
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "network"}}, "a network load balancer"},
		{stackstate.Resource{Type: contract.TypeALBLoadBalancer, Inputs: map[string]any{"loadBalancerType": "gateway"}}, "a gateway load balancer"},
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "application"}}, ""},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"transitGatewayId": "tgw-1"}}, "a route through transitGatewayId"},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"vpcPeeringConnectionId": "pcx-1"}}, "a route through vpcPeeringConnectionId"},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"networkInterfaceId": "eni-1"}}, "a route through networkInterfaceId"},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"natGatewayId": "nat-1"}}, ""},
		{stackstate.Resource{Type: contract.TypeInstance}, "default VPC"},
		{stackstate.Resource{Type: contract.TypeSpotInstanceRequest, Inputs: map[string]any{"subnetId": "subnet-1", "launchTemplate": map[string]any{"name": "lt"}}}, "launch template"},
		{stackstate.Resource{Type: contract.TypeInstance, Inputs: map[string]any{"subnetId": "subnet-1"}}, ""},
		{stackstate.Resource{Type: contract.TypeEIPAssoc, Inputs: map[string]any{"instanceId": "i-elsewhere"}}, "does not hold"},
		{stackstate.Resource{Type: contract.TypeEIPAssoc, Inputs: map[string]any{"allocationId": "eipalloc-1"}}, "does not hold"},
		{stackstate.Resource{Type: contract.TypeEip, Inputs: map[string]any{"networkInterface": "eni-elsewhere"}}, "does not hold"},
		{stackstate.Resource{Type: contract.TypeEip, Inputs: map[string]any{"domain": "vpc"}}, ""},
		{stackstate.Resource{Type: contract.TypeNetworkInterfaceSGAttachment, Inputs: map[string]any{"networkInterfaceId": "eni-elsewhere"}}, "does not hold"},
		{stackstate.Resource{Type: contract.TypeSecurityGroup, Inputs: map[string]any{"ingress": []any{map[string]any{"fromPort": 22}}}}, ""},
		{stackstate.Resource{Type: contract.TypeIAMRole, Inputs: map[string]any{"managedPolicyArns": []any{"arn:aws:iam::aws:policy/AdministratorAccess"}}}, "AdministratorAccess, which this stack does not hold"},
		{stackstate.Resource{Type: contract.TypeIAMRole, Inputs: map[string]any{"managedPolicyArns": []any{}}}, ""},
		{stackstate.Resource{Type: contract.TypeVpc}, ""},
	}
	for _, tc := range cases {
		e := &stackstate.Export{Version: 3}
		tc.r.URN = "urn:pulumi:dev::p::" + tc.r.Type + "::x"
		tc.r.Custom = true
		e.Deployment.Resources = []stackstate.Resource{tc.r}
		got := query.NewIndex(e).NotEvaluated()
		if tc.want == "" {
			assert.Empty(t, got, tc.r.Type)
		} else if assert.Len(t, got, 1, tc.r.Type) {
			assert.Contains(t, got[0].Why, tc.want)
			assert.Equal(t, tc.r.URN, got[0].Resource.URN)
		}
	}
}
