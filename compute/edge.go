package compute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// TLSPolicy is the listener policy of every BFF: TLS 1.3 preferred, TLS 1.2 the minimum, forward
// secret ciphers only (on the Security Hub ELB.17 list).
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// HSTS tells browsers to use HTTPS only, for a year, subdomains included.
const HSTS = "max-age=31536000; includeSubDomains"

// The AWS managed rule groups every BFF's web ACL applies, in order.
var managedRuleGroups = []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}

// EdgeArgs configures a BFF's edge.
type EdgeArgs struct {
	// Scope is the stack the edge belongs to; all of it is required. Protect turns on the load
	// balancer's deletion protection and protects the WAF log group (staging and prod).
	stack.Scope
	// EdgeSettings are the certificate, domain and rate limit shared by every BFF, as the spec
	// holds them. An empty CertificateARN imports a self-signed certificate (dev only: the config
	// loader refuses it elsewhere).
	EdgeSettings
	// Port is the BFF's container port, which the target group forwards to over TLS. Required.
	Port int
	// HealthCheckPath is requested over HTTPS on the tasks, for example /healthz. Required.
	HealthCheckPath string
	// VpcID is the VPC of the target group. Required.
	VpcID pulumi.StringInput
	// PublicSubnetIDs are the public tier's subnets, where the load balancer's nodes live. Required.
	PublicSubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the load balancer's group (the Firewall's). Required.
	SecurityGroupID pulumi.StringInput
	// LogBucket is the access-log bucket (its name). Required.
	LogBucket pulumi.StringInput
	// LogBucketPolicy must exist before the load balancer logs to the bucket. Required.
	LogBucketPolicy pulumi.Resource
	// InternetGateway must be attached before an internet-facing load balancer is created
	// (InvalidSubnet: "VPC ... has no internet gateway" otherwise). Required.
	InternetGateway pulumi.Resource
	// LogsKeyArn is the customer-managed key of the WAF log group. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of the WAF log group, in days: a value CloudWatch Logs
	// accepts. Required.
	LogRetentionDays int
}

// Edge is a BFF's internet-facing side: an ALB in the public tier that speaks only HTTPS (HTTP
// only redirects), drops invalid headers, logs every request and sits behind a WAF web ACL.
type Edge struct {
	pulumi.ResourceState

	DNSName        pulumi.StringOutput `pulumi:"dnsName"`
	URL            pulumi.StringOutput `pulumi:"url"`
	TargetGroupArn pulumi.StringOutput `pulumi:"targetGroupArn"`
	// HTTPSListener must exist before the service registers with the target group.
	HTTPSListener *lb.Listener
}

func (a *EdgeArgs) validate(name string) error {
	switch {
	case a == nil:
		return fmt.Errorf("edge %s: args are required", name)
	case a.VpcID == nil || a.PublicSubnetIDs == nil || a.SecurityGroupID == nil:
		return fmt.Errorf("edge %s: the vpc, public subnets and security group are required", name)
	case a.LogBucket == nil || a.LogBucketPolicy == nil || a.LogsKeyArn == nil || a.InternetGateway == nil:
		return fmt.Errorf("edge %s: the access-log bucket, its policy, the logs key and the internet gateway are required", name)
	case a.RateLimit < 10:
		return fmt.Errorf("edge %s: rate limit %d is below WAF's minimum of 10", name, a.RateLimit)
	case a.Check() != nil:
		return fmt.Errorf("edge %s: %w", name, a.Check())
	}
	return nil
}

// NewEdge creates the edge of one BFF.
func NewEdge(ctx *pulumi.Context, name string, args *EdgeArgs, opts ...pulumi.ResourceOption) (*Edge, error) {
	if err := args.validate(name); err != nil {
		return nil, err
	}
	e := &Edge{}
	if err := ctx.RegisterComponentResource(contract.TypeEdge, name, e, opts...); err != nil {
		return nil, fmt.Errorf("registering edge %s: %w", name, err)
	}
	parent := pulumi.Parent(e)
	tags := pulumi.StringMap{contract.BFFTag: pulumi.String(name), contract.ServiceTag: pulumi.String(name)}

	certArn := pulumi.String(args.CertificateARN).ToStringOutput()
	if args.CertificateARN == "" {
		arn, err := selfSignedCertificate(ctx, name, args, parent)
		if err != nil {
			return nil, err
		}
		certArn = arn
	}

	alb, err := lb.NewLoadBalancer(ctx, naming.LoadBalancer(name), &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		IpAddressType:            pulumi.String("ipv4"),
		Subnets:                  args.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{args.SecurityGroupID},
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableDeletionProtection: pulumi.Bool(args.Protect),
		EnableWafFailOpen:        pulumi.Bool(false),
		EnableHttp2:              pulumi.Bool(true),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket: args.LogBucket, Prefix: pulumi.String(contract.ALBAccessLogPrefix), Enabled: pulumi.Bool(true),
		},
		Tags: tags,
	}, parent, pulumi.DependsOn([]pulumi.Resource{args.LogBucketPolicy, args.InternetGateway}))
	if err != nil {
		return nil, fmt.Errorf("creating load balancer of %s: %w", name, err)
	}

	tg, err := lb.NewTargetGroup(ctx, naming.TargetGroup(name), &lb.TargetGroupArgs{
		VpcId:               args.VpcID,
		TargetType:          pulumi.String("ip"),
		Protocol:            pulumi.String("HTTPS"),
		ProtocolVersion:     pulumi.String("HTTP1"),
		Port:                pulumi.Int(args.Port),
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled: pulumi.Bool(true), Protocol: pulumi.String("HTTPS"), Path: pulumi.String(args.HealthCheckPath),
			Port: pulumi.String("traffic-port"), Matcher: pulumi.String("200-399"),
			Interval: pulumi.Int(15), Timeout: pulumi.Int(5), HealthyThreshold: pulumi.Int(3), UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating target group of %s: %w", name, err)
	}

	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(TLSPolicy),
		CertificateArn:  certArn,
		DefaultActions:  lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}},
		RoutingHttpResponseStrictTransportSecurityHeaderValue: pulumi.String(HSTS),
		RoutingHttpResponseXContentTypeOptionsHeaderValue:     pulumi.String("nosniff"),
		RoutingHttpResponseXFrameOptionsHeaderValue:           pulumi.String("DENY"),
		RoutingHttpResponseServerEnabled:                      pulumi.Bool(false),
		Tags:                                                  tags,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating HTTPS listener of %s: %w", name, err)
	}
	if _, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol: pulumi.String("HTTPS"), Port: pulumi.String("443"), StatusCode: pulumi.String("HTTP_301"),
			},
		}},
		Tags: tags,
	}, parent); err != nil {
		return nil, fmt.Errorf("creating HTTP redirect listener of %s: %w", name, err)
	}

	if err := webACL(ctx, name, args, alb, parent); err != nil {
		return nil, err
	}

	e.DNSName, e.TargetGroupArn, e.HTTPSListener = alb.DnsName, tg.Arn, https
	if args.DomainName != "" {
		e.URL = pulumi.Sprintf("https://%s", args.EdgeHost(name, args.DomainName))
	} else {
		e.URL = pulumi.Sprintf("https://%s", alb.DnsName)
	}
	if err := ctx.RegisterResourceOutputs(e, pulumi.Map{"dnsName": e.DNSName, "url": e.URL, "targetGroupArn": e.TargetGroupArn}); err != nil {
		return nil, fmt.Errorf("registering edge %s outputs: %w", name, err)
	}
	return e, nil
}

// selfSignedCertificate imports a self-signed certificate into ACM, for dev stacks without a real
// one: browsers will warn, traffic is still encrypted.
func selfSignedCertificate(ctx *pulumi.Context, name string, args *EdgeArgs, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	host := args.EdgeHost(name, args.DomainName)
	key, err := tls.NewPrivateKey(ctx, name+"-edge", &tls.PrivateKeyArgs{Algorithm: pulumi.String("RSA"), RsaBits: pulumi.Int(2048)}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating edge key of %s: %w", name, err)
	}
	cert, err := tls.NewSelfSignedCert(ctx, name+"-edge", &tls.SelfSignedCertArgs{
		PrivateKeyPem:       key.PrivateKeyPem,
		DnsNames:            pulumi.ToStringArray([]string{host}),
		ValidityPeriodHours: pulumi.Int(90 * 24),
		EarlyRenewalHours:   pulumi.Int(14 * 24),
		AllowedUses:         pulumi.ToStringArray([]string{"digital_signature", "key_encipherment", "server_auth"}),
		Subject:             &tls.SelfSignedCertSubjectArgs{CommonName: pulumi.String(host), Organization: pulumi.String(args.Project + " dev")},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating edge certificate of %s: %w", name, err)
	}
	imported, err := acm.NewCertificate(ctx, name+"-edge", &acm.CertificateArgs{
		PrivateKey:      key.PrivateKeyPem,
		CertificateBody: cert.CertPem,
		Tags:            pulumi.StringMap{contract.ServiceTag: pulumi.String(name), contract.SelfSignedTag: pulumi.String("true")},
	}, parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("importing edge certificate of %s: %w", name, err)
	}
	return imported.Arn, nil
}

// webACL puts AWS's managed rule groups and a per-client-IP rate limit in front of the ALB, and
// logs its decisions (with credentials redacted) to an encrypted log group.
func webACL(ctx *pulumi.Context, name string, args *EdgeArgs, alb *lb.LoadBalancer, parent pulumi.ResourceOption) error {
	metric := func(s string) pulumi.String { return pulumi.String(strings.ReplaceAll(s, "_", "-")) }
	visibility := func(m string) *wafv2.WebAclRuleVisibilityConfigArgs {
		return &wafv2.WebAclRuleVisibilityConfigArgs{CloudwatchMetricsEnabled: pulumi.Bool(true), SampledRequestsEnabled: pulumi.Bool(true), MetricName: metric(m)}
	}
	var rules wafv2.WebAclRuleArray
	for i, group := range managedRuleGroups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(10 * (i + 1)),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				VendorName: pulumi.String("AWS"), Name: pulumi.String(group),
			}},
			VisibilityConfig: visibility(name + "-" + group),
		})
	}
	rules = append(rules, &wafv2.WebAclRuleArgs{
		Name:     pulumi.String("per-ip-rate-limit"),
		Priority: pulumi.Int(10 * (len(managedRuleGroups) + 1)),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: &wafv2.WebAclRuleStatementArgs{RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
			Limit: pulumi.Int(args.RateLimit), AggregateKeyType: pulumi.String("IP"), EvaluationWindowSec: pulumi.Int(300),
		}},
		VisibilityConfig: visibility(name + "-rate-limit"),
	})
	acl, err := wafv2.NewWebAcl(ctx, naming.WebACL(name), &wafv2.WebAclArgs{
		Description:      pulumi.String(args.Describe("edge of the " + name + " BFF")),
		Scope:            pulumi.String("REGIONAL"),
		DefaultAction:    &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:            rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{CloudwatchMetricsEnabled: pulumi.Bool(true), SampledRequestsEnabled: pulumi.Bool(true), MetricName: metric(name + "-waf")},
		Tags:             pulumi.StringMap{contract.ServiceTag: pulumi.String(name)},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating web ACL of %s: %w", name, err)
	}
	if _, err := wafv2.NewWebAclAssociation(ctx, name, &wafv2.WebAclAssociationArgs{ResourceArn: alb.Arn, WebAclArn: acl.Arn}, parent); err != nil {
		return fmt.Errorf("associating web ACL of %s: %w", name, err)
	}
	// WAF only delivers to log groups whose names start with aws-waf-logs-.
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-waf", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.WAFLogGroup(name)),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.LogsKeyArn,
	}, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return fmt.Errorf("creating WAF log group of %s: %w", name, err)
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name, &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logs.Arn},
		RedactedFields: wafv2.WebAclLoggingConfigurationRedactedFieldArray{
			&wafv2.WebAclLoggingConfigurationRedactedFieldArgs{SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String("authorization")}},
			&wafv2.WebAclLoggingConfigurationRedactedFieldArgs{SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String("cookie")}},
		},
	}, parent); err != nil {
		return fmt.Errorf("logging web ACL of %s: %w", name, err)
	}
	return nil
}
