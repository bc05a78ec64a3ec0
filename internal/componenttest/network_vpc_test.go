package componenttest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/network"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// Moved from network's TestVpcArgsValidation: the Vpc refuses args without a logs key, or with
// an AZ of another region, before it registers anything.
func TestVpcArgsValidation(t *testing.T) {
	var vpc *network.Vpc
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		var err error
		vpc, err = network.NewVpc(ctx, "network", &network.VpcArgs{Scope: stack.Scope{Project: "p", Stack: "s", Region: "eu-west-1", AccountID: "123456789012"},
			Settings:   netplan.Settings{AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"}, NATGateways: netplan.NATSingle, FlowLogRetentionDays: 30},
			LogsKeyArn: nil})
		return err
	})
	assert.Error(t, err, "a logs key is required")
	assert.Nil(t, vpc)
	_, err = testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := network.NewVpc(ctx, "network", &network.VpcArgs{Scope: stack.Scope{Project: "p", Stack: "s", Region: "eu-west-1", AccountID: "123456789012"},
			Settings:   netplan.Settings{AvailabilityZones: []string{"eu-west-1a", "us-east-1b"}, NATGateways: netplan.NATSingle, FlowLogRetentionDays: 30},
			LogsKeyArn: pulumi.String("arn:aws:kms:eu-west-1:123456789012:key/x")})
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "us-east-1b")
}
