package network

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// DNSFirewallArgs configures a DNSFirewall.
type DNSFirewallArgs struct {
	// Scope is the stack the firewall belongs to; all of it is required. Protect adds Pulumi's
	// protect to the query log group.
	stack.Scope
	// VpcID is the VPC whose resolver the firewall filters. Required.
	VpcID pulumi.StringInput
	// Namespace is the Cloud Map private DNS namespace the services find each other in. Required.
	Namespace string
	// ExtraEndpoints are the interface endpoints the VPC has beside contract.InterfaceEndpoints
	// (VpcArgs.ExtraInterfaceEndpoints): their names are allowed too. Optional.
	ExtraEndpoints []string
	// Destinations are the host names each service declares (services.<name>.egress), by
	// service; a service with none has no list. Each name is one awslimits.EgressNameProblem
	// accepts. At most netplan.MaxEgressServices services.
	Destinations map[string][]string
	// Buckets are the names of the data buckets the tasks use (resolved as
	// <bucket>.s3.<region>.amazonaws.com). Optional.
	Buckets pulumi.StringArrayInput
	// StoreEndpoints are the exact DNS names of the stores the tasks connect to: the RDS
	// instances' addresses and the caches' primary endpoints. Optional.
	StoreEndpoints pulumi.StringArrayInput
	// FailOpen lets queries through when DNS Firewall cannot evaluate them (FirewallFailOpen
	// ENABLED); false blocks them (DISABLED, fail closed).
	FailOpen bool
	// LogsKeyArn is the customer-managed key that encrypts the query log group. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the query log group's retention: a value CloudWatch Logs accepts.
	LogRetentionDays int
}

// DNSFirewall is the VPC's Route 53 Resolver DNS Firewall, deny by default: a rule group with an
// ALLOW rule for the platform's names, one per service that declares destinations, and a last
// rule that BLOCKs every name (answering NXDOMAIN), associated with the VPC, with the VPC's
// firewall config and its query logging to an encrypted log group.
type DNSFirewall struct {
	pulumi.ResourceState

	RuleGroupID       pulumi.IDOutput     `pulumi:"ruleGroupId"`
	QueryLogGroupName pulumi.StringOutput `pulumi:"queryLogGroupName"`

	// Ready is what makes the VPC's queries filtered as planned: the association (created after
	// every rule), the firewall config and the query logging. A task resolves names from its
	// first start, so the services wait for it.
	Ready []pulumi.Resource
}

func (a *DNSFirewallArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("dns firewall: args are required")
	case a.Check() != nil:
		return fmt.Errorf("dns firewall: %w", a.Check())
	case a.VpcID == nil || a.LogsKeyArn == nil:
		return fmt.Errorf("dns firewall: a VPC id and a logs KMS key are required")
	case a.Namespace == "":
		return fmt.Errorf("dns firewall: the service discovery namespace is required")
	case !awslimits.ValidLogRetention(a.LogRetentionDays):
		return fmt.Errorf("dns firewall: query log retention %d is not a value CloudWatch Logs accepts", a.LogRetentionDays)
	case len(a.Destinations) > netplan.MaxEgressServices:
		return fmt.Errorf("dns firewall: %d services declare destinations; at most %d fit before the block rule", len(a.Destinations), netplan.MaxEgressServices)
	}
	for svc, names := range a.Destinations {
		for _, n := range names {
			if p := awslimits.EgressNameProblem(n); p != "" {
				return fmt.Errorf("dns firewall: destination %q of %s %s", n, svc, p)
			}
		}
		if p := awslimits.ResolverNameProblem(a.Name(netplan.EgressListLabel(svc))); p != "" {
			return fmt.Errorf("dns firewall: the domain list of %s: %s", svc, p)
		}
	}
	return nil
}

// NewDNSFirewall creates the VPC's DNS Firewall and query logging.
func NewDNSFirewall(ctx *pulumi.Context, name string, args *DNSFirewallArgs, opts ...pulumi.ResourceOption) (*DNSFirewall, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	f := &DNSFirewall{}
	if err := ctx.RegisterComponentResource(contract.TypeDNSFirewall, name, f, opts...); err != nil {
		return nil, fmt.Errorf("registering dns firewall: %w", err)
	}
	b := &dnsBuilder{ctx: ctx, name: name, args: args, f: f, parent: pulumi.Parent(f)}
	for _, step := range []func() error{b.buildRules, b.buildAssociation, b.buildQueryLogging} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"ruleGroupId":       f.RuleGroupID,
		"queryLogGroupName": f.QueryLogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("registering dns firewall outputs: %w", err)
	}
	return f, nil
}

type dnsBuilder struct {
	ctx    *pulumi.Context
	name   string
	args   *DNSFirewallArgs
	f      *DNSFirewall
	parent pulumi.ResourceOption

	group *route53.ResolverFirewallRuleGroup
	rules []pulumi.Resource
}

func (b *dnsBuilder) tags(label string, extra map[string]string) pulumi.StringMap {
	return pulumi.ToStringMap(b.args.Tags(label, extra))
}

// list creates a domain list named for its label.
func (b *dnsBuilder) list(label string, domains pulumi.StringArrayInput, tags map[string]string) (*route53.ResolverFirewallDomainList, error) {
	l, err := route53.NewResolverFirewallDomainList(b.ctx, b.name+"-"+label, &route53.ResolverFirewallDomainListArgs{
		Name:    pulumi.String(b.args.Name(label)),
		Domains: domains,
		Tags:    b.tags(label, tags),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating domain list %s: %w", label, err)
	}
	return l, nil
}

// rule creates a rule of the group for a list.
func (b *dnsBuilder) rule(label string, list *route53.ResolverFirewallDomainList, action string, priority int) error {
	args := &route53.ResolverFirewallRuleArgs{
		Name:                 pulumi.String(b.args.Name(label)),
		FirewallRuleGroupId:  b.group.ID(),
		FirewallDomainListId: list.ID(),
		Action:               pulumi.String(action),
		Priority:             pulumi.Int(priority),
	}
	if action == awslimits.FirewallBlock {
		args.BlockResponse = pulumi.String(awslimits.FirewallBlockNXDomain)
	} else {
		// An allowed name's CNAME targets (an RDS endpoint's host, a SaaS API's CDN) are not
		// inspected: the allowed name is the decision.
		args.FirewallDomainRedirectionAction = pulumi.String(awslimits.FirewallTrustRedirection)
	}
	r, err := route53.NewResolverFirewallRule(b.ctx, b.name+"-"+label, args, b.parent)
	if err != nil {
		return fmt.Errorf("creating dns firewall rule %s: %w", label, err)
	}
	b.rules = append(b.rules, r)
	return nil
}

func (b *dnsBuilder) platformDomains() pulumi.StringArrayOutput {
	a := b.args
	static := append(netplan.EndpointHostNames(a.Region, a.AccountID, a.ExtraEndpoints...), netplan.NamespaceNames(a.Namespace)...)
	buckets, stores := a.Buckets, a.StoreEndpoints
	if buckets == nil {
		buckets = pulumi.StringArray{}
	}
	if stores == nil {
		stores = pulumi.StringArray{}
	}
	return pulumi.All(buckets, stores).ApplyT(func(in []any) []string {
		out := append([]string(nil), static...)
		out = append(out, netplan.S3HostNames(a.Region, in[0].([]string)...)...)
		return append(out, in[1].([]string)...)
	}).(pulumi.StringArrayOutput)
}

func (b *dnsBuilder) buildRules() error {
	a := b.args
	group, err := route53.NewResolverFirewallRuleGroup(b.ctx, b.name, &route53.ResolverFirewallRuleGroupArgs{
		Name: pulumi.String(a.Name(netplan.RuleGroupLabel)),
		Tags: b.tags(netplan.RuleGroupLabel, nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating dns firewall rule group: %w", err)
	}
	b.group = group
	b.f.RuleGroupID = group.ID()

	platform, err := b.list(netplan.PlatformListLabel, b.platformDomains(), map[string]string{contract.DomainListTag: string(contract.PlatformDomains)})
	if err != nil {
		return err
	}
	if err := b.rule(netplan.PlatformListLabel, platform, awslimits.FirewallAllow, netplan.PlatformRulePriority); err != nil {
		return err
	}
	services := make([]string, 0, len(a.Destinations))
	for svc := range a.Destinations {
		services = append(services, svc)
	}
	slices.Sort(services)
	for i, svc := range services {
		label := netplan.EgressListLabel(svc)
		names := slices.Sorted(slices.Values(a.Destinations[svc]))
		list, err := b.list(label, pulumi.ToStringArray(slices.Compact(names)),
			map[string]string{contract.DomainListTag: string(contract.ServiceDomains), contract.ServiceTag: svc})
		if err != nil {
			return err
		}
		if err := b.rule(label, list, awslimits.FirewallAllow, netplan.ServiceRulePriority(i)); err != nil {
			return err
		}
	}
	all, err := b.list(netplan.BlockListLabel, pulumi.ToStringArray([]string{awslimits.FirewallBlockAll}),
		map[string]string{contract.DomainListTag: string(contract.BlockedDomains)})
	if err != nil {
		return err
	}
	return b.rule(netplan.BlockListLabel, all, awslimits.FirewallBlock, netplan.BlockAllPriority)
}

// buildAssociation associates the rule group with the VPC only once every rule exists: an
// association of a group holding only its BLOCK rule would cut every name off, and one holding
// only ALLOW rules would filter nothing.
func (b *dnsBuilder) buildAssociation() error {
	a := b.args
	assoc, err := route53.NewResolverFirewallRuleGroupAssociation(b.ctx, b.name, &route53.ResolverFirewallRuleGroupAssociationArgs{
		Name:                pulumi.String(a.Name(netplan.RuleGroupLabel)),
		FirewallRuleGroupId: b.group.ID(),
		VpcId:               a.VpcID,
		Priority:            pulumi.Int(netplan.FirewallAssociationPriority),
		Tags:                b.tags(netplan.RuleGroupLabel, nil),
	}, b.parent, pulumi.DependsOn(b.rules))
	if err != nil {
		return fmt.Errorf("associating the dns firewall with the vpc: %w", err)
	}
	config, err := route53.NewResolverFirewallConfig(b.ctx, b.name, &route53.ResolverFirewallConfigArgs{
		ResourceId:       a.VpcID,
		FirewallFailOpen: pulumi.String(netplan.FailOpen(a.FailOpen)),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating the vpc's dns firewall config: %w", err)
	}
	b.f.Ready = append(b.f.Ready, assoc, config)
	return nil
}

func (b *dnsBuilder) buildQueryLogging() error {
	a := b.args
	group, err := cloudwatch.NewLogGroup(b.ctx, b.name+"-"+netplan.QueryLogLabel, &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(a.LogGroup(netplan.QueryLogLabel)),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.LogsKeyArn,
		Tags:            b.tags(netplan.QueryLogLabel, nil),
	}, b.parent, pulumi.Protect(a.Protect))
	if err != nil {
		return fmt.Errorf("creating query log group: %w", err)
	}
	b.f.QueryLogGroupName = group.Name
	delivery := group.Arn.ApplyT(func(groupArn string) (string, error) {
		return netplan.QueryLogDeliveryPolicy(groupArn, a.Region, a.AccountID).JSON()
	}).(pulumi.StringOutput)
	policy, err := cloudwatch.NewLogResourcePolicy(b.ctx, b.name+"-"+netplan.QueryLogLabel, &cloudwatch.LogResourcePolicyArgs{
		PolicyName:     pulumi.String(a.Name(netplan.QueryLoggingLabel + "-delivery")),
		PolicyDocument: delivery,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating query log delivery policy: %w", err)
	}
	config, err := route53.NewResolverQueryLogConfig(b.ctx, b.name, &route53.ResolverQueryLogConfigArgs{
		Name:           pulumi.String(a.Name(netplan.QueryLoggingLabel)),
		DestinationArn: group.Arn,
		Tags:           b.tags(netplan.QueryLoggingLabel, nil),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return fmt.Errorf("creating query log config: %w", err)
	}
	assoc, err := route53.NewResolverQueryLogConfigAssociation(b.ctx, b.name, &route53.ResolverQueryLogConfigAssociationArgs{
		ResolverQueryLogConfigId: config.ID(),
		ResourceId:               a.VpcID,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("associating query logging with the vpc: %w", err)
	}
	b.f.Ready = append(b.f.Ready, assoc)
	return nil
}
