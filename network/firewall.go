package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Tags that let the audit tell, from a stack export alone, what a security group protects.
const (
	GroupKindTag = "secure-vpc:group-kind"
	GroupNameTag = "secure-vpc:group-name"
)

// FirewallArgs configures the Firewall.
type FirewallArgs struct {
	Project string
	Stack   string
	VpcID   pulumi.StringInput
	Graph   FirewallGraph
	// EndpointSecurityGroupID is the Vpc's endpoint group; the firewall owns its rules.
	EndpointSecurityGroupID pulumi.StringInput
	// S3PrefixListID is the prefix list of the S3 gateway endpoint.
	S3PrefixListID pulumi.StringInput
}

// Firewall is every security group of the stack but the endpoints' (which the Vpc owns) and every
// rule, all planned from the graph by PlanFirewall and emitted as standalone SG-to-SG rules.
type Firewall struct {
	pulumi.ResourceState

	GroupIDs pulumi.StringMapOutput `pulumi:"groupIds"`

	ids   map[Group]pulumi.StringOutput
	rules map[Group][]pulumi.Resource // the rules of a group and the rules naming it as their peer
}

// ServiceRules returns every rule a service's tasks rely on from their first start: the rules of
// its own group and the rules that name it (its load balancer, callers, callees, stores), and the
// rules of the shared all-services and endpoints groups (image pulls, logs and secrets go through
// the VPC endpoints). The ECS service waits for them, so no task starts without its network.
func (f *Firewall) ServiceRules(name string) []pulumi.Resource {
	out := append([]pulumi.Resource(nil), f.rules[Group{Kind: ServiceGroup, Name: name}]...)
	out = append(out, f.rules[Group{Kind: AllServicesGroup}]...)
	return append(out, f.rules[Group{Kind: EndpointsGroup}]...)
}

// ID returns the security group id of a planned group.
func (f *Firewall) ID(g Group) pulumi.StringOutput { return f.ids[g] }

// Service returns the security group of a service's tasks.
func (f *Firewall) Service(name string) pulumi.StringOutput {
	return f.ids[Group{Kind: ServiceGroup, Name: name}]
}

// AllServices returns the group every task also carries, for AWS endpoint access.
func (f *Firewall) AllServices() pulumi.StringOutput { return f.ids[Group{Kind: AllServicesGroup}] }

// LoadBalancer returns the security group of a BFF's load balancer.
func (f *Firewall) LoadBalancer(name string) pulumi.StringOutput {
	return f.ids[Group{Kind: LoadBalancerGroup, Name: name}]
}

// Database returns the security group of a database.
func (f *Firewall) Database(name string) pulumi.StringOutput {
	return f.ids[Group{Kind: DatabaseGroup, Name: name}]
}

// Cache returns the security group of a cache.
func (f *Firewall) Cache(name string) pulumi.StringOutput {
	return f.ids[Group{Kind: CacheGroup, Name: name}]
}

var groupPurpose = map[GroupKind]string{
	ServiceGroup:      "tasks of the %s service",
	LoadBalancerGroup: "internet-facing load balancer of the %s BFF",
	DatabaseGroup:     "the %s database",
	CacheGroup:        "the %s cache",
	AllServicesGroup:  "every service task: access to the AWS endpoints%s",
}

// NewFirewall creates the groups and rules.
func NewFirewall(ctx *pulumi.Context, name string, args *FirewallArgs, opts ...pulumi.ResourceOption) (*Firewall, error) {
	if args == nil || args.VpcID == nil || args.EndpointSecurityGroupID == nil || args.S3PrefixListID == nil {
		return nil, fmt.Errorf("firewall: the vpc id, endpoint security group and S3 prefix list are required")
	}
	groups, rules := PlanFirewall(args.Graph)
	for g, counts := range RuleCounts(rules) {
		if counts[0] > MaxRulesPerGroup || counts[1] > MaxRulesPerGroup {
			return nil, fmt.Errorf("firewall: group %s needs %d inbound and %d outbound rules; AWS allows %d each", g.Label(), counts[0], counts[1], MaxRulesPerGroup)
		}
	}
	f := &Firewall{ids: map[Group]pulumi.StringOutput{}, rules: map[Group][]pulumi.Resource{}}
	if err := ctx.RegisterComponentResource("secure-vpc:network:Firewall", name, f, opts...); err != nil {
		return nil, fmt.Errorf("registering firewall: %w", err)
	}
	f.ids[Group{Kind: EndpointsGroup}] = args.EndpointSecurityGroupID.ToStringOutput()

	all := pulumi.StringMap{}
	for _, g := range groups {
		sg, err := ec2.NewSecurityGroup(ctx, g.Label(), &ec2.SecurityGroupArgs{
			VpcId:       args.VpcID,
			Description: pulumi.String(fmt.Sprintf("%s/%s: %s", args.Project, args.Stack, fmt.Sprintf(groupPurpose[g.Kind], g.Name))),
			Tags: pulumi.StringMap{
				"Name":       pulumi.String(fmt.Sprintf("%s-%s-%s", args.Project, args.Stack, g.Label())),
				GroupKindTag: pulumi.String(string(g.Kind)),
				GroupNameTag: pulumi.String(g.Name),
			},
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
