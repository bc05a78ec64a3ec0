package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// FirewallArgs configures the Firewall.
type FirewallArgs struct {
	// Scope is the stack the groups belong to; all of it is required.
	stack.Scope
	// VpcID is the VPC the groups are made in. Required.
	VpcID pulumi.StringInput
	// Graph is the declared service graph the groups and rules are planned from
	// (netplan.PlanFirewall). Optional: an empty graph gives the shared groups only.
	Graph netplan.FirewallGraph
	// EndpointSecurityGroupID is the Vpc's endpoint group; the firewall owns its rules. Required.
	EndpointSecurityGroupID pulumi.StringInput
	// S3PrefixListID is the prefix list of the S3 gateway endpoint. Required.
	S3PrefixListID pulumi.StringInput
}

// Firewall is every security group of the stack but the endpoints' (which the Vpc owns) and every
// rule, all planned from the graph by netplan.PlanFirewall and emitted as standalone SG-to-SG rules.
type Firewall struct {
	pulumi.ResourceState

	GroupIDs pulumi.StringMapOutput `pulumi:"groupIds"`

	ids   map[netplan.Group]pulumi.StringOutput
	rules map[netplan.Group][]pulumi.Resource // the rules of a group and the rules naming it as their peer
}

// ServiceRules returns every rule a service's tasks rely on from their first start: the rules of
// its own group and the rules that name it (its load balancer, callers, callees, stores), and the
// rules of the shared all-services and endpoints groups (image pulls, logs and secrets go through
// the VPC endpoints). The ECS service waits for them, so no task starts without its network.
func (f *Firewall) ServiceRules(name string) []pulumi.Resource {
	out := append([]pulumi.Resource(nil), f.rules[netplan.Group{Kind: contract.ServiceGroup, Name: name}]...)
	out = append(out, f.rules[netplan.Group{Kind: contract.AllServicesGroup}]...)
	return append(out, f.rules[netplan.Group{Kind: contract.EndpointsGroup}]...)
}

// ID returns the security group id of a planned group.
func (f *Firewall) ID(g netplan.Group) pulumi.StringOutput { return f.ids[g] }

// Service returns the security group of a service's tasks.
func (f *Firewall) Service(name string) pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.ServiceGroup, Name: name}]
}

// AllServices returns the group every task also carries, for AWS endpoint access.
func (f *Firewall) AllServices() pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.AllServicesGroup}]
}

// LoadBalancer returns the security group of a BFF's load balancer.
func (f *Firewall) LoadBalancer(name string) pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.LoadBalancerGroup, Name: name}]
}

// Database returns the security group of a database.
func (f *Firewall) Database(name string) pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.DatabaseGroup, Name: name}]
}

// Cache returns the security group of a cache.
func (f *Firewall) Cache(name string) pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.CacheGroup, Name: name}]
}

// Migration returns the security group of a database's migration task, by the migration's name
// (naming.Migration).
func (f *Firewall) Migration(name string) pulumi.StringOutput {
	return f.ids[netplan.Group{Kind: contract.MigrationGroup, Name: name}]
}

var groupPurpose = map[contract.GroupKind]string{
	contract.MigrationGroup:    "the one-off %s task: its database and the AWS endpoints only",
	contract.ServiceGroup:      "tasks of the %s service",
	contract.LoadBalancerGroup: "internet-facing load balancer of the %s BFF",
	contract.DatabaseGroup:     "the %s database",
	contract.CacheGroup:        "the %s cache",
	contract.AllServicesGroup:  "every service task: access to the AWS endpoints%s",
}

// NewFirewall creates the groups and rules.
func NewFirewall(ctx *pulumi.Context, name string, args *FirewallArgs, opts ...pulumi.ResourceOption) (*Firewall, error) {
	if args == nil || args.VpcID == nil || args.EndpointSecurityGroupID == nil || args.S3PrefixListID == nil {
		return nil, fmt.Errorf("firewall: the vpc id, endpoint security group and S3 prefix list are required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("firewall: %w", err)
	}
	groups, rules := netplan.PlanFirewall(args.Graph)
	for g, counts := range netplan.RuleCounts(rules) {
		if counts[0] > netplan.MaxRulesPerGroup || counts[1] > netplan.MaxRulesPerGroup {
			return nil, fmt.Errorf("firewall: group %s needs %d inbound and %d outbound rules; AWS allows %d each", g.Label(), counts[0], counts[1], netplan.MaxRulesPerGroup)
		}
	}
	f := &Firewall{ids: map[netplan.Group]pulumi.StringOutput{}, rules: map[netplan.Group][]pulumi.Resource{}}
	if err := ctx.RegisterComponentResource(contract.TypeFirewall, name, f, opts...); err != nil {
		return nil, fmt.Errorf("registering firewall: %w", err)
	}
	f.ids[netplan.Group{Kind: contract.EndpointsGroup}] = args.EndpointSecurityGroupID.ToStringOutput()

	all := pulumi.StringMap{}
	for _, g := range groups {
		sg, err := ec2.NewSecurityGroup(ctx, g.Label(), &ec2.SecurityGroupArgs{
			VpcId:       args.VpcID,
			Description: pulumi.String(args.Describe(fmt.Sprintf(groupPurpose[g.Kind], g.Name))),
			Tags:        pulumi.ToStringMap(args.Tags(g.Label(), map[string]string{contract.GroupKindTag: string(g.Kind), contract.GroupNameTag: g.Name})),
		}, pulumi.Parent(f))
		if err != nil {
			return nil, fmt.Errorf("creating security group %s: %w", g.Label(), err)
		}
		f.ids[g] = sg.ID().ToStringOutput()
		all[g.Label()] = sg.ID().ToStringOutput()
	}

	for _, r := range rules {
		peerGroup, peerCIDR, peerPrefixList := pulumi.StringPtrInput(nil), pulumi.StringPtrInput(nil), pulumi.StringPtrInput(nil)
		switch {
		case r.Peer.Group != nil:
			peerGroup = f.ids[*r.Peer.Group]
		case r.Peer.S3:
			peerPrefixList = args.S3PrefixListID
		default:
			peerCIDR = pulumi.String(r.Peer.CIDR)
		}
		var (
			rule pulumi.Resource
			err  error
		)
		if r.Egress {
			rule, err = vpc.NewSecurityGroupEgressRule(ctx, r.Name(), &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId:           f.ids[r.Group],
				IpProtocol:                pulumi.String("tcp"),
				FromPort:                  pulumi.Int(r.Port),
				ToPort:                    pulumi.Int(r.Port),
				ReferencedSecurityGroupId: peerGroup,
				CidrIpv4:                  peerCIDR,
				PrefixListId:              peerPrefixList,
				Description:               pulumi.String(r.Description),
			}, pulumi.Parent(f))
		} else {
			rule, err = vpc.NewSecurityGroupIngressRule(ctx, r.Name(), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId:           f.ids[r.Group],
				IpProtocol:                pulumi.String("tcp"),
				FromPort:                  pulumi.Int(r.Port),
				ToPort:                    pulumi.Int(r.Port),
				ReferencedSecurityGroupId: peerGroup,
				CidrIpv4:                  peerCIDR,
				PrefixListId:              peerPrefixList,
				Description:               pulumi.String(r.Description),
			}, pulumi.Parent(f))
		}
		if err != nil {
			return nil, fmt.Errorf("creating rule %s: %w", r.Name(), err)
		}
		f.rules[r.Group] = append(f.rules[r.Group], rule)
		if r.Peer.Group != nil && *r.Peer.Group != r.Group {
			f.rules[*r.Peer.Group] = append(f.rules[*r.Peer.Group], rule)
		}
	}

	f.GroupIDs = all.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{"groupIds": f.GroupIDs}); err != nil {
		return nil, fmt.Errorf("registering firewall outputs: %w", err)
	}
	return f, nil
}
