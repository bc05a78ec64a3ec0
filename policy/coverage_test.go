package policy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// Every resource of the committed stacks is judged: its type is read by some invariant or
// carries nothing to judge, and the analysis can place it.
func TestCommittedStacksAreFullyEvaluated(t *testing.T) {
	covered := policy.CoveredTypes()
	for _, stack := range fixtures.Stacks {
		e := fixtures.Plan(t, stack)
		assert.Empty(t, policy.NotEvaluated(query.NewIndex(e)), stack)
		for _, r := range e.Deployment.Resources {
			if r.Custom {
				assert.True(t, covered[r.Type] != nil || policy.Inert(r.Type) != "", "%s: %s is neither covered nor inert", stack, r.Type)
			}
		}
	}
}

var typeToken = regexp.MustCompile(`^aws:[a-z0-9]+/[a-zA-Z0-9]+:[A-Z][A-Za-z0-9]+$|^tls:index/[a-zA-Z]+:[A-Z][A-Za-z]+$`)

// Each invariant says which types it reads, and each is a resource type token.
func TestEveryInvariantDeclaresItsTypes(t *testing.T) {
	for _, inv := range policy.Catalogue() {
		assert.NotEmpty(t, inv.Covers, inv.ID)
		for _, typ := range inv.Covers {
			assert.Regexp(t, typeToken, typ, inv.ID)
		}
	}
	assert.Equal(t, []string{"REACH-01", "REACH-02", "REACH-03"}, policy.CoveredTypes()[contract.TypeInstance], "instances are judged on reachability")
}

// Each kind of resource the audit does not judge is reported, with why, and its judged
// neighbours are not: types no invariant reads (a named kind, or any other type), and resources
// of read types the analysis cannot place.
func TestNotEvaluatedKinds(t *testing.T) {
	cases := []struct {
		r    stackstate.Resource
		want string // "" when the resource is evaluated
	}{
		{stackstate.Resource{Type: "aws:ec2/launchTemplate:LaunchTemplate"}, "a launch template"},
		{stackstate.Resource{Type: "aws:autoscaling/group:Group"}, "an Auto Scaling group"},
		{stackstate.Resource{Type: "aws:lambda/function:Function"}, "a Lambda function"},
		{stackstate.Resource{Type: "aws:lambda/functionUrl:FunctionUrl"}, "a Lambda function URL"},
		{stackstate.Resource{Type: "aws:rds/cluster:Cluster"}, "an RDS or Aurora cluster"},
		{stackstate.Resource{Type: "aws:rds/clusterInstance:ClusterInstance"}, "an Aurora instance"},
		{stackstate.Resource{Type: "aws:elb/loadBalancer:LoadBalancer"}, "a Classic Load Balancer"},
		{stackstate.Resource{Type: "aws:apigatewayv2/api:Api"}, "API Gateway"},
		{stackstate.Resource{Type: "aws:eks/cluster:Cluster"}, "EKS"},
		{stackstate.Resource{Type: "aws:opensearch/domain:Domain"}, "OpenSearch"},
		{stackstate.Resource{Type: "aws:efs/mountTarget:MountTarget"}, "an EFS mount target"},
		{stackstate.Resource{Type: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection"}, "a VPC peering connection"},
		{stackstate.Resource{Type: "aws:ec2transitgateway/transitGateway:TransitGateway"}, "a transit gateway"},
		{stackstate.Resource{Type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment"}, "IAM: permissions the analysis does not read"},
		{stackstate.Resource{Type: "aws:dynamodb/table:Table"}, "no invariant reads Table resources"},
		{stackstate.Resource{Type: "aws:sagemaker/notebookInstance:NotebookInstance"}, "no invariant reads NotebookInstance resources"},
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "network"}}, "a network load balancer"},
		{stackstate.Resource{Type: contract.TypeLoadBalancer, Inputs: map[string]any{"loadBalancerType": "application"}}, ""},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"transitGatewayId": "tgw-1"}}, "a route through transitGatewayId"},
		{stackstate.Resource{Type: contract.TypeRoute, Inputs: map[string]any{"natGatewayId": "nat-1"}}, ""},
		{stackstate.Resource{Type: contract.TypeInstance}, "default VPC"},
		{stackstate.Resource{Type: contract.TypeNetworkInterface, Inputs: map[string]any{"subnetId": "subnet-1"}}, ""},
		{stackstate.Resource{Type: contract.TypeSecurityGroup, Inputs: map[string]any{"ingress": []any{map[string]any{"fromPort": 22}}}}, ""},
		{stackstate.Resource{Type: contract.TypeVpc}, ""},
		{stackstate.Resource{Type: contract.TypeKMSAlias}, ""},                  // inert
		{stackstate.Resource{Type: contract.TypeProviderPrefix + "aws"}, ""},    // a provider
		{stackstate.Resource{Type: contract.TypeBucketComp, Custom: false}, ""}, // a component
	}
	for _, tc := range cases {
		e := &stackstate.Export{Version: 3}
		tc.r.URN = "urn:pulumi:dev::p::" + tc.r.Type + "::x"
		tc.r.Custom = tc.r.Type != contract.TypeBucketComp
		e.Deployment.Resources = []stackstate.Resource{tc.r}
		got := policy.NotEvaluated(query.NewIndex(e))
		if tc.want == "" {
			assert.Empty(t, got, tc.r.Type)
		} else if assert.Len(t, got, 1, tc.r.Type) {
			assert.Contains(t, got[0].Why, tc.want)
			assert.Equal(t, tc.r.URN, got[0].Resource.URN)
		}
	}
}

// The README's table of invariants says what the catalogue says, row for row.
func TestReadmeListsEachInvariantAsTheCatalogue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	rows := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if cells := strings.Split(line, " | "); len(cells) >= 3 && strings.HasPrefix(line, "| ") {
			rows[strings.TrimPrefix(cells[0], "| ")] = cells[1]
		}
	}
	for _, inv := range policy.Catalogue() {
		assert.Equal(t, inv.Statement, rows[inv.ID], "README row %s", inv.ID)
	}
}
