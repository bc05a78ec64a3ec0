package network

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newHTTPSIngress admits HTTPS from one CIDR into a group, as a standalone rule (never inline, so
// rules owned elsewhere never fight over the group).
func newHTTPSIngress(ctx *pulumi.Context, name string, sg *ec2.SecurityGroup, cidr, description string, opts ...pulumi.ResourceOption) (*vpc.SecurityGroupIngressRule, error) {
	return vpc.NewSecurityGroupIngressRule(ctx, name, &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String(cidr),
		Description:     pulumi.String(description),
	}, opts...)
}
