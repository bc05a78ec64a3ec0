package platform_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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
	assert.ErrorContains(t, err, "a logs KMS key is required", "a logs key is required")
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

// vpcArgs is a two-AZ network with the given NAT strategy and the data ports of a database and a
// cache.
func vpcArgs(scope stack.Scope, nat netplan.NATStrategy) *network.VpcArgs {
	return &network.VpcArgs{Scope: scope,
		Settings: netplan.Settings{CIDR: netip.MustParsePrefix("10.20.0.0/16"), AvailabilityZones: []string{"eu-west-1a", "eu-west-1b"},
			NATGateways: nat, FlowLogRetentionDays: 30},
		DataPorts: []int{6379, 5432}, LogsKeyArn: pulumi.String(logsKey)}
}

// A Vpc is three tiers of subnets per AZ as netplan plans them, routed by tier, with a network
// ACL per tier holding exactly the planned rules, locked defaults, encrypted flow logs of all
// traffic, and the endpoints that let services reach AWS with no NAT.
func TestVpc(t *testing.T) {
	var vpc *network.Vpc
	p := runAlone(t, func(ctx *pulumi.Context) (err error) {
		vpc, err = network.NewVpc(ctx, "network", vpcArgs(testScope, netplan.NATSingle))
		return err
	})
	comp := p.component(contract.TypeVpcComp)
	for _, r := range p.Deployment.Resources {
		if r.URN != comp.URN && r.Type != contract.TypeStack {
			assert.Equal(t, comp.URN, r.Parent, "%s is a child of the Vpc", r.URN)
		}
	}
	v := p.one(contract.TypeVpc, "network")
	assert.Equal(t, "10.20.0.0/16", v.Inputs["cidrBlock"])
	assert.Equal(t, true, v.Inputs["enableDnsHostnames"], "private DNS of the interface endpoints needs it")
	assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-vpc"}, tags(v))

	plan, err := netplan.PlanCIDRs(netip.MustParsePrefix("10.20.0.0/16"), []string{"eu-west-1a", "eu-west-1b"})
	require.NoError(t, err)
	assert.Equal(t, plan, vpc.Plan, "the Vpc exposes its plan")
	require.Len(t, p.all(contract.TypeSubnet), 6)
	for _, s := range plan.Subnets {
		label := string(s.Tier) + "-" + s.AZ[len(s.AZ)-1:]
		subnet := p.one(contract.TypeSubnet, "network-"+label)
		assert.Equal(t, s.CIDR.String(), subnet.Inputs["cidrBlock"], label)
		assert.Equal(t, s.AZ, subnet.Inputs["availabilityZone"])
		assert.Equal(t, false, subnet.Inputs["mapPublicIpOnLaunch"], "%s: nothing gets a public IP", label)
		assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-" + label, contract.TierTag: string(s.Tier)}, tags(subnet))
	}

	// Routing: the public tier to the internet gateway, the private tier to the one NAT, the
	// isolated tier nowhere.
	igw := p.one(contract.TypeInternetGateway, "network")
	routes := p.all(contract.TypeRoute)
	require.Len(t, routes, 3, "one public route, one per private route table")
	publicRT := p.one(contract.TypeRouteTable, "network-public")
	assert.Equal(t, string(contract.Public), tags(publicRT)[contract.TierTag])
	internet := p.one(contract.TypeRoute, "network-public-internet")
	assert.Equal(t, igw.ID, internet.Inputs["gatewayId"])
	assert.Equal(t, publicRT.ID, internet.Inputs["routeTableId"])
	require.Len(t, p.all(contract.TypeNatGateway), 1, "single: one NAT gateway")
	nat := p.all(contract.TypeNatGateway)[0]
	assert.Equal(t, p.one(contract.TypeSubnet, "network-public-a").ID, nat.Inputs["subnetId"], "the NAT gateway lives in the public tier")
	assert.Contains(t, nat.Dependencies, igw.URN)
	for _, az := range []string{"a", "b"} {
		route := p.one(contract.TypeRoute, "network-private-"+az+"-nat")
		assert.Equal(t, nat.ID, route.Inputs["natGatewayId"])
		assert.Equal(t, p.one(contract.TypeRouteTable, "network-private-"+az).ID, route.Inputs["routeTableId"])
	}
	isolatedRT := p.one(contract.TypeRouteTable, "network-isolated")
	for _, r := range routes {
		assert.NotEqual(t, isolatedRT.ID, r.Inputs["routeTableId"], "the isolated tier routes nowhere")
	}
	assert.Len(t, p.all(contract.TypeRouteTableAssoc), 6, "every subnet is associated with its tier's table")

	// NACLs: exactly the planned rules, one ACL per tier, replaced delete-first.
	rules := netplan.PlanNACLs(plan, []int{5432, 6379})
	for _, tier := range contract.Tiers {
		acl := p.one(contract.TypeNetworkACL, "network-"+string(tier))
		assert.Equal(t, string(tier), tags(acl)[contract.TierTag])
		var got int
		for _, r := range p.all(contract.TypeNetworkACLRule) {
			if r.Inputs["networkAclId"] == acl.ID {
				got++
			}
		}
		assert.Equal(t, len(rules[tier]), got, "%s ACL holds the planned rules", tier)
	}
	in5432 := p.one(contract.TypeNetworkACLRule, "network-isolated-in-100")
	assert.Equal(t, plan.Tier[contract.Private].String(), in5432.Inputs["cidrBlock"], "the isolated tier admits only the private tier")
	assert.EqualValues(t, 5432, in5432.Inputs["fromPort"])
	assert.Len(t, p.all(contract.TypeNetworkACLAssoc), 6)
	assert.Len(t, vpc.TierReady(contract.Private), len(rules[contract.Private])+2+2, "private: its rules, its NACL and route table associations")
	assert.Len(t, vpc.TierReady(contract.Public), len(rules[contract.Public])+2+2+1, "public: and the route to the internet gateway")

	// Locked defaults.
	dsg := p.one(contract.TypeDefaultSecurityGroup, "network-default")
	assert.Nil(t, dsg.Inputs["ingress"], "the default group admits nothing")
	assert.Nil(t, dsg.Inputs["egress"])
	dacl := p.one(contract.TypeDefaultNetworkACL, "network-default")
	assert.Equal(t, v.Outputs["defaultNetworkAclId"], dacl.Inputs["defaultNetworkAclId"])
	assert.Nil(t, dacl.Inputs["ingress"])

	// Flow logs of all traffic, to an encrypted log group of the stack.
	group := p.one(contract.TypeLogGroup, "network-flow-logs")
	assert.Equal(t, "/secure-vpc/test/vpc-flow-logs", group.Inputs["name"])
	assert.Equal(t, logsKey, group.Inputs["kmsKeyId"])
	assert.EqualValues(t, 30, group.Inputs["retentionInDays"])
	assert.False(t, group.Protect)
	flow := p.one(contract.TypeFlowLog, "network")
	assert.Equal(t, "ALL", flow.Inputs["trafficType"])
	assert.Equal(t, group.Outputs["arn"], flow.Inputs["logDestination"])
	assert.Contains(t, flow.Dependencies, p.one(contract.TypeRolePolicy, "network-flow-logs").URN, "the flow log waits for its delivery permission")
	assert.Contains(t, p.one(contract.TypeIAMRole, "network-flow-logs").Inputs["assumeRolePolicy"], `"aws:SourceAccount":"123456789012"`)

	// Endpoints: every interface endpoint in the private tier with private DNS, and S3 on the
	// private route tables only.
	endpoints := p.all(contract.TypeVpcEndpoint)
	require.Len(t, endpoints, len(contract.InterfaceEndpoints)+1)
	assert.Len(t, vpc.Endpoints, len(endpoints))
	sg := p.one(contract.TypeSecurityGroup, "network-endpoints")
	assert.Equal(t, string(contract.EndpointsGroup), tags(sg)[contract.GroupKindTag])
	for _, svc := range contract.InterfaceEndpoints {
		ep := p.one(contract.TypeVpcEndpoint, "network-"+strings.ReplaceAll(svc, ".", "-"))
		assert.Equal(t, "com.amazonaws.eu-west-1."+svc, ep.Inputs["serviceName"])
		assert.Equal(t, true, ep.Inputs["privateDnsEnabled"])
		assert.Equal(t, []any{p.one(contract.TypeSubnet, "network-private-a").ID, p.one(contract.TypeSubnet, "network-private-b").ID}, ep.Inputs["subnetIds"])
		assert.Equal(t, []any{sg.ID}, ep.Inputs["securityGroupIds"])
		assert.Contains(t, ep.Inputs["policy"], `"aws:PrincipalAccount":"123456789012"`)
	}
	s3 := p.one(contract.TypeVpcEndpoint, "network-s3")
	assert.Equal(t, "Gateway", s3.Inputs["vpcEndpointType"])
	assert.ElementsMatch(t, []any{p.one(contract.TypeRouteTable, "network-private-a").ID, p.one(contract.TypeRouteTable, "network-private-b").ID}, s3.Inputs["routeTableIds"])
}

// The NAT strategy decides how many NAT gateways there are and whether the private tier has a
// default route at all; protect reaches the flow log group.
func TestVpcNATAndProtect(t *testing.T) {
	for _, tc := range []struct {
		nat          netplan.NATStrategy
		nats, routes int
	}{
		{netplan.NATNone, 0, 1},
		{netplan.NATSingle, 1, 3},
		{netplan.NATPerAZ, 2, 3},
	} {
		var vpc *network.Vpc
		p := runAlone(t, func(ctx *pulumi.Context) (err error) {
			vpc, err = network.NewVpc(ctx, "network", vpcArgs(protected, tc.nat))
			return err
		})
		assert.Len(t, p.all(contract.TypeNatGateway), tc.nats, tc.nat)
		assert.Len(t, p.all(contract.TypeEip), tc.nats, tc.nat)
		assert.Len(t, p.all(contract.TypeRoute), tc.routes, tc.nat)
		assert.Len(t, vpc.NATRoutes, tc.routes-1, tc.nat)
		assert.True(t, p.one(contract.TypeLogGroup, "network-flow-logs").Protect, "protect keeps the flow logs")
		if tc.nat == netplan.NATPerAZ {
			assert.NotEqual(t, p.one(contract.TypeRoute, "network-private-a-nat").Inputs["natGatewayId"], p.one(contract.TypeRoute, "network-private-b-nat").Inputs["natGatewayId"], "each AZ uses its own NAT")
		}
	}
}
