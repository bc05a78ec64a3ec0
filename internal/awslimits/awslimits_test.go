package awslimits

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

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
		{"valid role", []stackstate.Resource{res("aws:iam/role:Role", nil, map[string]any{"name": "flow-logs-abc1234"})}, ""},
		{"role name too long", []stackstate.Resource{res("aws:iam/role:Role", nil, map[string]any{"name": strings.Repeat("r", 65)})}, "1-64 characters"},
		{"log retention not allowed", []stackstate.Resource{res("aws:cloudwatch/logGroup:LogGroup", map[string]any{"retentionInDays": int64(45)}, map[string]any{"name": "/a/b"})}, "retentionInDays 45"},
		{"alias without prefix", []stackstate.Resource{res("aws:kms/alias:Alias", nil, map[string]any{"name": "logs"})}, "alias/"},
		{"reserved alias", []stackstate.Resource{res("aws:kms/alias:Alias", nil, map[string]any{"name": "alias/aws/logs"})}, "alias/aws"},
		{"sg default description", []stackstate.Resource{res("aws:ec2/securityGroup:SecurityGroup", map[string]any{"description": "Managed by Pulumi"}, map[string]any{"name": "web-1234567"})}, "description"},
		{"sg named sg-", []stackstate.Resource{res("aws:ec2/securityGroup:SecurityGroup", map[string]any{"description": "web"}, map[string]any{"name": "sg-web-1234567"})}, "must not start with sg-"},
		{"sg inline rules", []stackstate.Resource{res("aws:ec2/securityGroup:SecurityGroup", map[string]any{"description": "web", "ingress": []any{}}, map[string]any{"name": "web-1234567"})}, "inline ingress"},
		{"rule with two sources", []stackstate.Resource{res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", map[string]any{"cidrIpv4": "10.0.0.0/8", "referencedSecurityGroupId": "sg-1", "description": "x"}, nil)}, "exactly one of"},
		{"rule without description", []stackstate.Resource{res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", map[string]any{"cidrIpv4": "10.0.0.0/8"}, nil)}, "no description"},
		{"route with two targets", []stackstate.Resource{res("aws:ec2/route:Route", map[string]any{"gatewayId": "igw-1", "natGatewayId": "nat-1"}, nil)}, "exactly one target"},
		{"duplicate NACL rule number", []stackstate.Resource{
			res("aws:ec2/networkAclRule:NetworkAclRule", map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
			res("aws:ec2/networkAclRule:NetworkAclRule", map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
		}, "used twice"},
		{"same NACL number other direction", []stackstate.Resource{
			res("aws:ec2/networkAclRule:NetworkAclRule", map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": false}, nil),
			res("aws:ec2/networkAclRule:NetworkAclRule", map[string]any{"networkAclId": "acl-1", "ruleNumber": int64(100), "egress": true}, nil),
		}, ""},
		{"eip without domain", []stackstate.Resource{res("aws:ec2/eip:Eip", map[string]any{}, nil)}, "domain vpc"},
		{"gateway endpoint with subnets", []stackstate.Resource{res("aws:ec2/vpcEndpoint:VpcEndpoint", map[string]any{"vpcEndpointType": "Gateway", "subnetIds": []any{"subnet-1"}}, nil)}, "takes no subnetIds"},
		{"flow log interval", []stackstate.Resource{res("aws:ec2/flowLog:FlowLog", map[string]any{"maxAggregationInterval": int64(30)}, nil)}, "60 or 600"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.r)
			if tc.wantMsg == "" {
				assert.Empty(t, got)
				return
			}
			if assert.Len(t, got, 1) {
				assert.Contains(t, got[0], tc.wantMsg)
				assert.Contains(t, got[0], tc.r[0].URN, "names the resource")
			}
		})
	}
}
