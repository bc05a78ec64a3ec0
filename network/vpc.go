// Package network builds the stack's VPC: three subnet tiers per AZ, routing, NAT, network ACLs,
// flow logs and the VPC endpoints that let services reach AWS without the internet.
package network

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// VpcArgs configures a Vpc.
type VpcArgs struct {
	// Scope is the stack the network belongs to; all of it is required. Protect adds Pulumi's
	// protect to the stateful child (the flow log group).
	stack.Scope
	// Settings are the network's CIDR, AZs (of the scope's region, at least 2), NAT strategy and
	// flow log retention, as the spec holds them.
	netplan.Settings
	// DataPorts are the ports the isolated tier's NACL admits from the private tier, in any order.
	// Optional: none closes the isolated tier entirely.
	DataPorts []int
	// LogsKeyArn is the customer-managed key that encrypts the flow log group. Required.
	LogsKeyArn pulumi.StringInput
	// ExtraInterfaceEndpoints are interface endpoints the stack needs beside
	// contract.InterfaceEndpoints, by short service name (contract.PrivateCAEndpoint when the
	// tasks obtain their certificates from AWS Private CA). Optional.
	ExtraInterfaceEndpoints []string
}

// Vpc is the stack's network.
type Vpc struct {
	pulumi.ResourceState

	VpcID                   pulumi.IDOutput          `pulumi:"vpcId"`
	CIDR                    string                   // the VPC block, known at plan time
	Plan                    *netplan.CIDRPlan        // the subnet plan, known at plan time
	PublicSubnetIDs         pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIDs        pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	IsolatedSubnetIDs       pulumi.StringArrayOutput `pulumi:"isolatedSubnetIds"`
	EndpointSecurityGroupID pulumi.IDOutput          `pulumi:"endpointSecurityGroupId"`
	S3PrefixListID          pulumi.StringOutput      `pulumi:"s3PrefixListId"`
	// S3EndpointID is the S3 gateway endpoint's id (vpce-...): data buckets admit their task roles
	// only through it (aws:SourceVpce).
	S3EndpointID     pulumi.StringOutput `pulumi:"s3EndpointId"`
	FlowLogGroupName pulumi.StringOutput `pulumi:"flowLogGroupName"`

	// Endpoints are the VPC endpoints (interface and S3 gateway): a task pulls its image, reads
	// its secrets and writes its logs through them when it starts, so services wait for them.
	Endpoints []pulumi.Resource
	// NATRoutes are the private tier's default routes to NAT (none without NAT): a service that
	// declares internet egress waits for them, and for the public tier the NAT gateways sit in.
	NATRoutes []pulumi.Resource
	// InternetGateway is the VPC's internet gateway: Elastic Load Balancing refuses an
	// internet-facing load balancer in a VPC that has none attached yet.
	InternetGateway pulumi.Resource

	ready map[contract.Tier][]pulumi.Resource
}

// TierReady returns what makes a tier's subnets carry traffic: their network ACL associations
// and rules (until its association exists, a subnet uses the VPC's default network ACL, which
// this program locks to deny everything), their route table associations (until then, the main
// route table) and, for the public tier, its route to the internet gateway. Whatever runs in the
// tier at once (tasks, load balancers' health checks, NAT'd traffic) waits for them.
func (v *Vpc) TierReady(t contract.Tier) []pulumi.Resource { return v.ready[t] }

// FlowLogTrafficType captures accepted and rejected traffic alike (CIS 3.7 asks for at least REJECT).
const FlowLogTrafficType = "ALL"

func (a *VpcArgs) validate() (*netplan.CIDRPlan, error) {
	switch {
	case a.Check() != nil:
		return nil, fmt.Errorf("vpc: %w", a.Check())
	case len(a.AvailabilityZones) < 2:
		return nil, fmt.Errorf("vpc: at least 2 availability zones are required, got %d", len(a.AvailabilityZones))
	case a.NATGateways != netplan.NATNone && a.NATGateways != netplan.NATSingle && a.NATGateways != netplan.NATPerAZ:
		return nil, fmt.Errorf("vpc: NAT strategy %q is not none, single or perAz", a.NATGateways)
	case !awslimits.ValidLogRetention(a.FlowLogRetentionDays):
		return nil, fmt.Errorf("vpc: flow log retention %d is not a value CloudWatch Logs accepts", a.FlowLogRetentionDays)
	case a.LogsKeyArn == nil:
		return nil, fmt.Errorf("vpc: a logs KMS key is required to encrypt flow logs")
	}
	for _, az := range a.AvailabilityZones {
		if !strings.HasPrefix(az, a.Region) || len(az) != len(a.Region)+1 {
			return nil, fmt.Errorf("vpc: %q is not an availability zone of %s", az, a.Region)
		}
	}
	return netplan.PlanCIDRs(a.CIDR, a.AvailabilityZones)
}

// NewVpc creates the network.
func NewVpc(ctx *pulumi.Context, name string, args *VpcArgs, opts ...pulumi.ResourceOption) (*Vpc, error) {
	if args == nil {
		return nil, fmt.Errorf("vpc: args are required")
	}
	plan, err := args.validate()
	if err != nil {
		return nil, err
	}
	v := &Vpc{CIDR: plan.VPC.String(), Plan: plan, ready: map[contract.Tier][]pulumi.Resource{}}
	if err := ctx.RegisterComponentResource(contract.TypeVpcComp, name, v, opts...); err != nil {
		return nil, fmt.Errorf("registering vpc: %w", err)
	}
	b := &vpcBuilder{ctx: ctx, name: name, args: args, plan: plan, v: v, parent: pulumi.Parent(v)}
	steps := []func() error{b.buildVpc, b.buildSubnets, b.buildRouting, b.buildNACLs, b.lockDefaults, b.buildFlowLogs, b.buildEndpoints}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(v, pulumi.Map{
		"vpcId":                   v.VpcID,
		"publicSubnetIds":         v.PublicSubnetIDs,
		"privateSubnetIds":        v.PrivateSubnetIDs,
		"isolatedSubnetIds":       v.IsolatedSubnetIDs,
		"endpointSecurityGroupId": v.EndpointSecurityGroupID,
		"s3PrefixListId":          v.S3PrefixListID,
		"s3EndpointId":            v.S3EndpointID,
		"flowLogGroupName":        v.FlowLogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("registering vpc outputs: %w", err)
	}
	return v, nil
}

type vpcBuilder struct {
	ctx    *pulumi.Context
	name   string
	args   *VpcArgs
	plan   *netplan.CIDRPlan
	v      *Vpc
	parent pulumi.ResourceOption

	vpc        *ec2.Vpc
	igw        *ec2.InternetGateway
	subnets    map[contract.Tier][]*ec2.Subnet
	privateRTs []*ec2.RouteTable
	isolatedRT *ec2.RouteTable
}

func (b *vpcBuilder) tags(name string, extra map[string]string) pulumi.StringMap {
	return pulumi.ToStringMap(b.args.Tags(name, extra))
}

// azSuffix is the zone letter, which names per-AZ resources so that their names survive
// reordering of the AZ list.
func (b *vpcBuilder) azSuffix(az string) string { return strings.TrimPrefix(az, b.args.Region) }

func (b *vpcBuilder) buildVpc() error {
	vpc, err := ec2.NewVpc(b.ctx, b.name, &ec2.VpcArgs{
		CidrBlock: pulumi.String(b.plan.VPC.String()),
		// Both are needed for the interface endpoints' private DNS and for Cloud Map.
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               b.tags("vpc", nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating vpc: %w", err)
	}
	b.vpc = vpc
	b.v.VpcID = vpc.ID()

	igw, err := ec2.NewInternetGateway(b.ctx, b.name, &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  b.tags("igw", nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating internet gateway: %w", err)
	}
	b.igw = igw
	b.v.InternetGateway = igw
	return nil
}

func (b *vpcBuilder) buildSubnets() error {
	b.subnets = map[contract.Tier][]*ec2.Subnet{}
	for _, s := range b.plan.Subnets {
		label := fmt.Sprintf("%s-%s", s.Tier, b.azSuffix(s.AZ))
		subnet, err := ec2.NewSubnet(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.SubnetArgs{
			VpcId:            b.vpc.ID(),
			CidrBlock:        pulumi.String(s.CIDR.String()),
			AvailabilityZone: pulumi.String(s.AZ),
			// Nothing in this platform gets a public IP: load balancers and NAT gateways bring their
			// own addresses, so even the public tier keeps this off (Security Hub EC2.15).
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                b.tags(label, map[string]string{contract.TierTag: string(s.Tier)}),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("creating %s subnet: %w", label, err)
		}
		b.subnets[s.Tier] = append(b.subnets[s.Tier], subnet)
	}
	ids := func(t contract.Tier) pulumi.StringArrayOutput {
		var arr pulumi.StringArray
		for _, s := range b.subnets[t] {
			arr = append(arr, s.ID().ToStringOutput())
		}
		return arr.ToStringArrayOutput()
	}
	b.v.PublicSubnetIDs = ids(contract.Public)
	b.v.PrivateSubnetIDs = ids(contract.Private)
	b.v.IsolatedSubnetIDs = ids(contract.Isolated)
	return nil
}

func (b *vpcBuilder) routeTable(label string, tier contract.Tier) (*ec2.RouteTable, error) {
	rt, err := ec2.NewRouteTable(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.RouteTableArgs{
		VpcId: b.vpc.ID(),
		Tags:  b.tags(label, map[string]string{contract.TierTag: string(tier)}),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating %s route table: %w", label, err)
	}
	return rt, nil
}

func (b *vpcBuilder) associate(rt *ec2.RouteTable, tier contract.Tier, i int) error {
	label := fmt.Sprintf("%s-%s", tier, b.azSuffix(b.args.AvailabilityZones[i]))
	assoc, err := ec2.NewRouteTableAssociation(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.RouteTableAssociationArgs{
		SubnetId:     b.subnets[tier][i].ID(),
		RouteTableId: rt.ID(),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("associating %s subnet with its route table: %w", label, err)
	}
	b.v.ready[tier] = append(b.v.ready[tier], assoc)
	return nil
}

func (b *vpcBuilder) buildRouting() error {
	// Public tier: one route table, default route to the internet gateway.
	publicRT, err := b.routeTable("public", contract.Public)
	if err != nil {
		return err
	}
	publicRoute, err := ec2.NewRoute(b.ctx, b.name+"-public-internet", &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String(netplan.Anywhere),
		GatewayId:            b.igw.ID(),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating public default route: %w", err)
	}
	b.v.ready[contract.Public] = append(b.v.ready[contract.Public], publicRoute)
	for i := range b.args.AvailabilityZones {
		if err := b.associate(publicRT, contract.Public, i); err != nil {
			return err
		}
	}

	// NAT gateways live in the public tier: one in the first AZ, or one per AZ.
	var nats []*ec2.NatGateway
	natCount := map[netplan.NATStrategy]int{netplan.NATNone: 0, netplan.NATSingle: 1, netplan.NATPerAZ: len(b.args.AvailabilityZones)}[b.args.NATGateways]
	for i := 0; i < natCount; i++ {
		label := "nat-" + b.azSuffix(b.args.AvailabilityZones[i])
		eip, err := ec2.NewEip(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   b.tags(label, nil),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("creating %s address: %w", label, err)
		}
		nat, err := ec2.NewNatGateway(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.NatGatewayArgs{
			AllocationId:     eip.AllocationId,
			SubnetId:         b.subnets[contract.Public][i].ID(),
			ConnectivityType: pulumi.String("public"),
			Tags:             b.tags(label, nil),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{b.igw}))
		if err != nil {
			return fmt.Errorf("creating %s: %w", label, err)
		}
		nats = append(nats, nat)
	}

	// Private tier: a route table per AZ, so each AZ can use its own NAT; no default route at all
	// when the strategy is none.
	for i, az := range b.args.AvailabilityZones {
		label := "private-" + b.azSuffix(az)
		rt, err := b.routeTable(label, contract.Private)
		if err != nil {
			return err
		}
		if len(nats) > 0 {
			nat := nats[min(i, len(nats)-1)]
			route, err := ec2.NewRoute(b.ctx, fmt.Sprintf("%s-%s-nat", b.name, label), &ec2.RouteArgs{
				RouteTableId:         rt.ID(),
				DestinationCidrBlock: pulumi.String(netplan.Anywhere),
				NatGatewayId:         nat.ID(),
			}, b.parent)
			if err != nil {
				return fmt.Errorf("creating %s default route: %w", label, err)
			}
			b.v.NATRoutes = append(b.v.NATRoutes, route)
		}
		if err := b.associate(rt, contract.Private, i); err != nil {
			return err
		}
		b.privateRTs = append(b.privateRTs, rt)
	}

	// Isolated tier: one route table with only the implicit local route.
	isolatedRT, err := b.routeTable("isolated", contract.Isolated)
	if err != nil {
		return err
	}
	for i := range b.args.AvailabilityZones {
		if err := b.associate(isolatedRT, contract.Isolated, i); err != nil {
			return err
		}
	}
	b.isolatedRT = isolatedRT
	return nil
}

func (b *vpcBuilder) buildNACLs() error {
	rules := netplan.PlanNACLs(b.plan, b.args.DataPorts)
	for _, tier := range contract.Tiers {
		acl, err := ec2.NewNetworkAcl(b.ctx, fmt.Sprintf("%s-%s", b.name, tier), &ec2.NetworkAclArgs{
			VpcId: b.vpc.ID(),
			Tags:  b.tags(string(tier), map[string]string{contract.TierTag: string(tier)}),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("creating %s network acl: %w", tier, err)
		}
		for _, r := range rules[tier] {
			dir := "in"
			if r.Egress {
				dir = "out"
			}
			ruleArgs := &ec2.NetworkAclRuleArgs{
				NetworkAclId: acl.ID(),
				RuleNumber:   pulumi.Int(r.Number),
				Egress:       pulumi.Bool(r.Egress),
				Protocol:     pulumi.String(r.Protocol),
				RuleAction:   pulumi.String("allow"),
				CidrBlock:    pulumi.String(r.CIDR),
			}
			if r.Protocol == "icmp" {
				ruleArgs.IcmpType, ruleArgs.IcmpCode = pulumi.Int(r.ICMPType), pulumi.Int(r.ICMPCode)
			} else {
				ruleArgs.FromPort, ruleArgs.ToPort = pulumi.Int(r.FromPort), pulumi.Int(r.ToPort)
			}
			// The rule number is the entry's key in its ACL: a changed rule must go before its
			// replacement is made, or AWS refuses the duplicate number.
			rule, err := ec2.NewNetworkAclRule(b.ctx, fmt.Sprintf("%s-%s-%s-%d", b.name, tier, dir, r.Number), ruleArgs, b.parent, pulumi.DeleteBeforeReplace(true))
			if err != nil {
				return fmt.Errorf("creating %s network acl rule %s %d: %w", tier, dir, r.Number, err)
			}
			b.v.ready[tier] = append(b.v.ready[tier], rule)
		}
		for i, subnet := range b.subnets[tier] {
			label := fmt.Sprintf("%s-%s", tier, b.azSuffix(b.args.AvailabilityZones[i]))
			assoc, err := ec2.NewNetworkAclAssociation(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.NetworkAclAssociationArgs{
				NetworkAclId: acl.ID(),
				SubnetId:     subnet.ID(),
			}, b.parent)
			if err != nil {
				return fmt.Errorf("associating %s subnet with its network acl: %w", label, err)
			}
			b.v.ready[tier] = append(b.v.ready[tier], assoc)
		}
	}
	return nil
}

// lockDefaults adopts the VPC's default security group and default network ACL with no rules,
// which removes AWS's allow-all defaults (Security Hub EC2.2, CIS 5.4): anything that lands in
// them by mistake can talk to nothing.
func (b *vpcBuilder) lockDefaults() error {
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: b.vpc.ID(),
		Tags:  b.tags("default-locked", nil),
	}, b.parent); err != nil {
		return fmt.Errorf("locking default security group: %w", err)
	}
	if _, err := ec2.NewDefaultNetworkAcl(b.ctx, b.name+"-default", &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: b.vpc.DefaultNetworkAclId,
		Tags:                b.tags("default-locked", nil),
	}, b.parent, pulumi.IgnoreChanges([]string{"subnetIds"})); err != nil {
		return fmt.Errorf("locking default network acl: %w", err)
	}
	return nil
}

func (b *vpcBuilder) buildFlowLogs() error {
	a := b.args
	group, err := cloudwatch.NewLogGroup(b.ctx, b.name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.LogGroup("vpc-flow-logs")),
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
		KmsKeyId:        a.LogsKeyArn,
		Tags:            b.tags("vpc-flow-logs", nil),
	}, b.parent, pulumi.Protect(a.Protect))
	if err != nil {
		return fmt.Errorf("creating flow log group: %w", err)
	}
	b.v.FlowLogGroupName = group.Name

	trust, err := policydoc.New(policydoc.Statement{
		Sid:       "FlowLogsOfThisAccountOnly",
		Effect:    policydoc.Allow,
		Principal: policydoc.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": a.AccountID},
			"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:aws:ec2:%s:%s:vpc-flow-log/*", a.Region, a.AccountID)},
		},
	}).JSON()
	if err != nil {
		return fmt.Errorf("building flow log trust policy: %w", err)
	}
	role, err := iam.NewRole(b.ctx, b.name+"-flow-logs", &iam.RoleArgs{
		Description:      pulumi.String("Delivers VPC flow logs of " + a.Path() + " to CloudWatch Logs"),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags("vpc-flow-logs", nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating flow log role: %w", err)
	}
	delivery := group.Arn.ApplyT(func(groupArn string) (string, error) {
		return netplan.FlowLogDeliveryPolicy(groupArn, a.Region, a.AccountID).JSON()
	}).(pulumi.StringOutput)
	policy, err := iam.NewRolePolicy(b.ctx, b.name+"-flow-logs", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: delivery,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating flow log delivery policy: %w", err)
	}
	if _, err := ec2.NewFlowLog(b.ctx, b.name, &ec2.FlowLogArgs{
		VpcId:                  b.vpc.ID(),
		TrafficType:            pulumi.String(FlowLogTrafficType),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   b.tags("vpc-flow-logs", nil),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return fmt.Errorf("creating flow log: %w", err)
	}
	return nil
}

func (b *vpcBuilder) buildEndpoints() error {
	a := b.args
	sg, err := ec2.NewSecurityGroup(b.ctx, b.name+"-endpoints", &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.String(a.Describe("VPC interface endpoints, HTTPS from service tasks only")),
		Tags:        b.tags("endpoints", map[string]string{contract.GroupKindTag: string(contract.EndpointsGroup), contract.GroupNameTag: ""}),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating endpoint security group: %w", err)
	}
	// Its rules (HTTPS from the services' shared group) are planned and owned by the Firewall.
	b.v.EndpointSecurityGroupID = sg.ID()

	var privateSubnets pulumi.StringArray
	for _, s := range b.subnets[contract.Private] {
		privateSubnets = append(privateSubnets, s.ID())
	}
	for _, svc := range append(slices.Clone(contract.InterfaceEndpoints), a.ExtraInterfaceEndpoints...) {
		label := strings.ReplaceAll(svc, ".", "-")
		policy, err := netplan.EndpointPolicy(svc, a.AccountID, a.Region).JSON()
		if err != nil {
			return fmt.Errorf("building %s endpoint policy: %w", svc, err)
		}
		ep, err := ec2.NewVpcEndpoint(b.ctx, fmt.Sprintf("%s-%s", b.name, label), &ec2.VpcEndpointArgs{
			VpcId:             b.vpc.ID(),
			ServiceName:       pulumi.String(netplan.EndpointServiceName(a.Region, svc)),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         privateSubnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			PrivateDnsEnabled: pulumi.Bool(true),
			Policy:            pulumi.String(policy),
			Tags:              b.tags("endpoint-"+label, nil),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("creating %s endpoint: %w", svc, err)
		}
		b.v.Endpoints = append(b.v.Endpoints, ep)
	}

	gatewayPolicy, err := netplan.EndpointPolicy(contract.S3GatewayEndpoint, a.AccountID, a.Region).JSON()
	if err != nil {
		return fmt.Errorf("building s3 endpoint policy: %w", err)
	}
	// The S3 gateway endpoint serves the private tier only: the isolated tier stays without any
	// route out of the VPC.
	var privateRTs pulumi.StringArray
	for _, rt := range b.privateRTs {
		privateRTs = append(privateRTs, rt.ID())
	}
	s3, err := ec2.NewVpcEndpoint(b.ctx, b.name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           b.vpc.ID(),
		ServiceName:     pulumi.String(netplan.EndpointServiceName(a.Region, contract.S3GatewayEndpoint)),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   privateRTs,
		Policy:          pulumi.String(gatewayPolicy),
		Tags:            b.tags("endpoint-s3", nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating s3 gateway endpoint: %w", err)
	}
	b.v.S3PrefixListID = s3.PrefixListId
	b.v.S3EndpointID = s3.ID().ToStringOutput()
	b.v.Endpoints = append(b.v.Endpoints, s3)
	return nil
}
