// Package awslimits checks what the program registers against limits AWS and the provider
// enforce but Pulumi's mocks do not (names, allowed values, conflicting properties). Tests run it
// on every committed stack; see ../shared/reference/aws-constraints.md for the sources.
package awslimits

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

var (
	iamName      = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	logGroupName = regexp.MustCompile(`^[0-9A-Za-z_./#-]{1,512}$`)
	kmsAlias     = regexp.MustCompile(`^alias/[a-zA-Z0-9:/_-]+$`)
	ascii        = regexp.MustCompile(`^[\x20-\x7E]*$`)
)

// LogRetentionDays are the retentions CloudWatch Logs accepts (terraform-provider-aws
// internal/service/logs/group.go).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidLogRetention reports whether CloudWatch Logs accepts a retention.
func ValidLogRetention(days int) bool { return slices.Contains(LogRetentionDays, days) }

// Check returns one line per violation, naming the resource.
func Check(resources []stackstate.Resource) []string {
	var out []string
	bad := func(r stackstate.Resource, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", r.URN, fmt.Sprintf(format, args...)))
	}
	naclRules := map[string]bool{}
	for _, r := range resources {
		in := r.Inputs
		name, _ := r.Outputs["name"].(string)
		switch r.Type {
		case "aws:iam/role:Role":
			if !iamName.MatchString(name) {
				bad(r, "IAM role name %q must be 1-64 characters of [\\w+=,.@-]", name)
			}
		case "aws:iam/rolePolicy:RolePolicy":
			if len(name) > 128 {
				bad(r, "inline policy name %q is longer than 128 characters", name)
			}
		case "aws:cloudwatch/logGroup:LogGroup":
			if !logGroupName.MatchString(name) {
				bad(r, "log group name %q is not valid", name)
			}
			if d, ok := asInt(in["retentionInDays"]); ok && !ValidLogRetention(d) {
				bad(r, "retentionInDays %d is not an allowed value", d)
			}
		case "aws:kms/alias:Alias":
			if !kmsAlias.MatchString(name) || strings.HasPrefix(name, "alias/aws") {
				bad(r, "KMS alias %q must match alias/[a-zA-Z0-9:/_-]+ and not start with alias/aws", name)
			}
		case "aws:kms/key:Key":
			if d, ok := asInt(in["deletionWindowInDays"]); ok && (d < 7 || d > 30) {
				bad(r, "deletionWindowInDays %d must be 7-30", d)
			}
		case "aws:ec2/securityGroup:SecurityGroup":
			desc, _ := in["description"].(string)
			if desc == "" || desc == "Managed by Pulumi" || !ascii.MatchString(desc) || len(desc) > 255 {
				bad(r, "security group description %q must be set, ASCII and at most 255 characters", desc)
			}
			if strings.HasPrefix(name, "sg-") || len(name) > 255 {
				bad(r, "security group name %q must not start with sg- and be at most 255 characters", name)
			}
			if _, inline := in["ingress"]; inline {
				bad(r, "inline ingress rules fight standalone rules; use vpc.SecurityGroupIngressRule")
			}
			if _, inline := in["egress"]; inline {
				bad(r, "inline egress rules fight standalone rules; use vpc.SecurityGroupEgressRule")
			}
		case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
			sources := 0
			for _, k := range []string{"cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"} {
				if s, _ := in[k].(string); s != "" {
					sources++
				}
			}
			if sources != 1 {
				bad(r, "a security group rule needs exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId (has %d)", sources)
			}
			if d, _ := in["description"].(string); d == "" {
				bad(r, "security group rule has no description")
			}
		case "aws:ec2/route:Route":
			targets := 0
			for _, k := range []string{"gatewayId", "natGatewayId", "vpcEndpointId", "transitGatewayId", "networkInterfaceId", "vpcPeeringConnectionId", "egressOnlyGatewayId"} {
				if s, _ := in[k].(string); s != "" {
					targets++
				}
			}
			if targets != 1 {
				bad(r, "a route needs exactly one target (has %d)", targets)
			}
		case "aws:ec2/networkAclRule:NetworkAclRule":
			n, _ := asInt(in["ruleNumber"])
			egress, _ := in["egress"].(bool)
			key := fmt.Sprintf("%v/%v/%d", in["networkAclId"], egress, n)
			if naclRules[key] {
				bad(r, "rule number %d is used twice in the same direction of one network ACL", n)
			}
			naclRules[key] = true
			if n < 1 || n > 32766 {
				bad(r, "rule number %d must be 1-32766", n)
			}
		case "aws:ec2/eip:Eip":
			if d, _ := in["domain"].(string); d != "vpc" {
				bad(r, "an Elastic IP for a NAT gateway needs domain vpc")
			}
		case "aws:ec2/vpcEndpoint:VpcEndpoint":
			typ, _ := in["vpcEndpointType"].(string)
			if typ == "Gateway" {
				for _, k := range []string{"subnetIds", "securityGroupIds", "privateDnsEnabled"} {
					if _, set := in[k]; set {
						bad(r, "a gateway endpoint takes no %s", k)
					}
				}
			}
		case "aws:ec2/flowLog:FlowLog":
			if d, ok := asInt(in["maxAggregationInterval"]); ok && d != 60 && d != 600 {
				bad(r, "maxAggregationInterval must be 60 or 600")
			}
			if _, set := in["logGroupName"]; set {
				bad(r, "logGroupName is deprecated; use logDestination")
			}
		}
	}
	return out
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}
