package awslimits

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

func TestCheck(t *testing.T) {
	res := func(typ string, inputs, outputs map[string]any) stackstate.Resource {
		return stackstate.Resource{URN: "urn:pulumi:s::p::" + typ + "::x", Type: typ, Custom: true, Inputs: inputs, Outputs: outputs}
	}
	cases := []struct {
		name    string
		r       []stackstate.Resource
		wantMsg string // "" = valid
	}{
		{"valid role", []stackstate.Resource{res(contract.TypeIAMRole, nil, map[string]any{"name": "flow-logs-abc1234"})}, ""},
		{"role name too long", []stackstate.Resource{res(contract.TypeIAMRole, nil, map[string]any{"name": strings.Repeat("r", 65)})}, "1-64 characters"},
		{"log retention not allowed", []stackstate.Resource{res(contract.TypeLogGroup, map[string]any{"retentionInDays": int64(45)}, map[string]any{"name": "/a/b"})}, "retentionInDays 45"},
		{"alias without prefix", []stackstate.Resource{res(contract.TypeKMSAlias, nil, map[string]any{"name": "logs"})}, "alias/"},
		{"reserved alias", []stackstate.Resource{res(contract.TypeKMSAlias, nil, map[string]any{"name": "alias/aws/logs"})}, "alias/aws"},
		{"sg default description", []stackstate.Resource{res(contract.TypeSecurityGroup, map[string]any{"description": "Managed by Pulumi"}, map[string]any{"name": "web-1234567"})}, "description"},
		{"sg named sg-", []stackstate.Resource{res(contract.TypeSecurityGroup, map[string]any{"description": "web"}, map[string]any{"name": "sg-web-1234567"})}, "must not start with sg-"},
		{"sg inline rules", []stackstate.Resource{res(contract.TypeSecurityGroup, map[string]any{"description": "web", "ingress": []any{}}, map[string]any{"name": "web-1234567"})}, "inline ingress"},
		{"rule with two sources", []stackstate.Resource{res(contract.TypeSGIngressRule, map[string]any{"cidrIpv4": "10.0.0.0/8", "referencedSecurityGroupId": "sg-1", "description": "x"}, nil)}, "exactly one of"},
		{"rule without description", []stackstate.Resource{res(contract.TypeSGIngressRule, map[string]any{"cidrIpv4": "10.0.0.0/8"}, nil)}, "no description"},
		{"route with two targets", []stackstate.Resource{res(contract.TypeRoute, map[string]any{"gatewayId": "igw-1", "natGatewayId": "nat-1"}, nil)}, "exactly one target"},
		{"duplicate NACL rule number", []stackstate.Resource{
			res(contract.TypeNetworkACLRule, map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
			res(contract.TypeNetworkACLRule, map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
		}, "used twice"},
		{"same NACL number other direction", []stackstate.Resource{
			res(contract.TypeNetworkACLRule, map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
			res(contract.TypeNetworkACLRule, map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": true}, nil),
		}, ""},
		{"eip without domain", []stackstate.Resource{res(contract.TypeEip, map[string]any{}, nil)}, "domain vpc"},
		{"gateway endpoint with subnets", []stackstate.Resource{res(contract.TypeVpcEndpoint, map[string]any{"vpcEndpointType": "Gateway", "subnetIds": []any{"subnet-1"}}, nil)}, "takes no subnetIds"},
		{"valid database", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "users-db-dev", "username": "dbadmin", "manageMasterUserPassword": true, "engineVersion": "16", "skipFinalSnapshot": true}, nil)}, ""},
		{"RDS identifier with uppercase", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "UsersDb", "manageMasterUserPassword": true, "skipFinalSnapshot": true}, nil)}, "lowercase"},
		{"reserved master user", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "db", "username": "admin", "manageMasterUserPassword": true, "skipFinalSnapshot": true}, nil)}, "reserved"},
		{"password and managed password", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "db", "password": "x", "manageMasterUserPassword": true, "skipFinalSnapshot": true}, nil)}, "exactly one of password"},
		{"minor version pinned", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "db", "manageMasterUserPassword": true, "engineVersion": "16.3", "skipFinalSnapshot": true}, nil)}, "major version only"},
		{"no final snapshot", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "db", "manageMasterUserPassword": true}, nil)}, "finalSnapshotIdentifier"},
		{"fixed final snapshot name", []stackstate.Resource{res(contract.TypeDBInstance, map[string]any{"identifier": "db-prod", "manageMasterUserPassword": true, "finalSnapshotIdentifier": "db-prod-final"}, nil)}, "is fixed"},
		{"final snapshot name per incarnation", []stackstate.Resource{{URN: "urn:pulumi:s::p::aws:rds/instance:Instance::x", Type: contract.TypeDBInstance, Custom: true,
			Inputs:               map[string]any{"identifier": "db-prod", "manageMasterUserPassword": true, "finalSnapshotIdentifier": "db-prod-final-0a1b2c3d"},
			PropertyDependencies: map[string][]string{"finalSnapshotIdentifier": {"urn:pulumi:s::p::tls:index/privateKey:PrivateKey::db-final-snapshot"}}}}, ""},
		{"family mismatch", []stackstate.Resource{
			res(contract.TypeDBParameterGroup, map[string]any{"family": "postgres15"}, map[string]any{"name": "db-1234567"}),
			res(contract.TypeDBInstance, map[string]any{"identifier": "db", "manageMasterUserPassword": true, "engineVersion": "16", "parameterGroupName": "db-1234567", "skipFinalSnapshot": true}, nil),
		}, "does not match engine version"},
		{"bucket prefix too long", []stackstate.Resource{res(contract.TypeBucket, map[string]any{"bucketPrefix": "a-very-long-bucket-name-for-a-long-stack-"}, nil)}, "at most 37"},
		{"secret recovery window", []stackstate.Resource{res(contract.TypeSecret, map[string]any{"recoveryWindowInDays": int64(3)}, map[string]any{"name": "a/b"})}, "0 or 7-30"},
		{"multi-AZ cache with one node", []stackstate.Resource{res(contract.TypeCache, map[string]any{"replicationGroupId": "sessions-dev", "multiAzEnabled": true, "automaticFailoverEnabled": true, "numCacheClusters": int64(1)}, nil)}, "at least 2"},
		{"auth token without TLS", []stackstate.Resource{res(contract.TypeCache, map[string]any{"replicationGroupId": "sessions-dev", "authToken": "x"}, nil)}, "transitEncryptionEnabled"},
		{"lifecycle rule without filter", []stackstate.Resource{res(contract.TypeBucketLifecycle, map[string]any{"rules": []any{map[string]any{"id": "x"}}}, nil)}, "needs a filter"},
		{"ALB name too long", []stackstate.Resource{res(contract.TypeLoadBalancer, map[string]any{"loadBalancerType": "network"}, map[string]any{"name": "a-very-long-service-name-alb-1234567"})}, "at most 32"},
		{"ALB named internal-", []stackstate.Resource{res(contract.TypeLoadBalancer, map[string]any{"loadBalancerType": "network"}, map[string]any{"name": "internal-web-alb-1234567"})}, "internal-"},
		{"ALB in one AZ", []stackstate.Resource{
			{URN: "urn:pulumi:s::p::aws:ec2/subnet:Subnet::a", Type: contract.TypeSubnet, ID: "subnet-a", Inputs: map[string]any{"availabilityZone": "eu-west-1a"}},
			res(contract.TypeLoadBalancer, map[string]any{"subnets": []any{"subnet-a"}}, map[string]any{"name": "web-alb-1234567"}),
		}, "at least two AZs"},
		{"target group by instance", []stackstate.Resource{res(contract.TypeTargetGroup, map[string]any{"targetType": "instance"}, map[string]any{"name": "web-tg-1234567"})}, "targetType must be ip"},
		{"HTTPS listener without certificate", []stackstate.Resource{res(contract.TypeListener, map[string]any{"protocol": "HTTPS"}, nil)}, "needs a certificateArn"},
		{"Fargate size", []stackstate.Resource{res(contract.TypeTaskDefinition, map[string]any{"family": "svc", "cpu": "256", "memory": "4096"}, nil)}, "not a Fargate task size"},
		{"autonamed Cloud Map service", []stackstate.Resource{res(contract.TypeDiscoveryService, map[string]any{}, nil)}, "set explicitly"},
		{"web ACL for CloudFront", []stackstate.Resource{res(contract.TypeWebACL, map[string]any{"scope": "CLOUDFRONT"}, map[string]any{"name": "web-waf-1234567"})}, "REGIONAL"},
		{"six groups on a task", []stackstate.Resource{res(contract.TypeECSService, map[string]any{"networkConfiguration": map[string]any{"securityGroups": []any{"a", "b", "c", "d", "e", "f"}}}, map[string]any{"name": "svc-1234567"})}, "AWS allows 5"},
		{"flow log interval", []stackstate.Resource{res(contract.TypeFlowLog, map[string]any{"maxAggregationInterval": int64(30)}, nil)}, "60 or 600"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.r)
			if tc.wantMsg == "" {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, 1, "%v", got) {
				assert.Contains(t, got[0], tc.wantMsg)
				assert.Contains(t, got[0], tc.r[len(tc.r)-1].URN, "names the resource")
			}
		})
	}
}
