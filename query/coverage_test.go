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

// Each kind of resource the audit does not model is reported, and its modelled neighbours are not.
func TestNotEvaluatedKinds(t *testing.T) {
	cases := []struct {
		r    stackstate.Resource
		want string // "" when the resource is evaluated
	}{
		{stackstate.Resource{Type: "aws:ec2/instance:Instance"}, "an EC2 instance"},
		{stackstate.Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate"}, "a launch template"},
		{stackstate.Resource{Type: "aws:lambda/function:Function"}, "a Lambda function"},
		{stackstate.Resource{Type: "aws:rds/cluster:Cluster"}, "an RDS or Aurora cluster"},
		{stackstate.Resource{Type: "aws:elb/loadBalancer:LoadBalancer"}, "a Classic Load Balancer"},
		{stackstate.Resource{Type: "aws:apigatewayv2/api:Api"}, "API Gateway"},
		{stackstate.Resource{Type: "aws:eks/cluster:Cluster"}, "EKS"},
		{stackstate.Resource{Type: "aws:opensearch/domain:Domain"}, "OpenSearch"},
		{stackstate.Resource{Type: "aws:efs/mountTarget:MountTarget"}, "an EFS mount target"},
		{stackstate.Resource{Type: "aws:ec2/networkInterface:NetworkInterface"}, "a network interface"},
		{stackstate.Resource{Type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"}, "a VPC peering connection"},
		{stackstate.Resource{Type: "aws:ec2transitgateway/transitGateway:TransitGateway"}, "a transit gateway"},
		{stackstate.Resource{Type: contract.TypeSecurityGroup, Inputs: map[string]any{"ingress": []any{map[string]any{"fromPort": 22}}}}, "inline rules"},
		{stackstate.Resource{Type: contract.TypeSecurityGroup, Inputs: map[string]any{"ingress": []any{}}, Outputs: map[string]any{"ingress": []any{map[string]any{"fromPort": 443}}}}, ""},
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "network"}}, "a network load balancer"},
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "application"}}, ""},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"transitGatewayId": "tgw-1"}}, "a route through transitGatewayId"},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"natGatewayId": "nat-1"}}, ""},
		{stackstate.Resource{Type: contract.TypeVpc}, ""},
	}
	for _, tc := range cases {
		e := &stackstate.Export{Version: 3}
		tc.r.URN = "urn:pulumi:dev::p::" + tc.r.Type + "::x"
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
