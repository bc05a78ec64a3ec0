package netplan

import (
	"fmt"
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// The names a task of this platform resolves through the VPC resolver, which the DNS Firewall
// must allow before it blocks everything else. Fargate (platform version 1.4.0 and later) pulls
// the image, reads the secrets and ships the logs through the task's own network interface, so
// through the VPC resolver (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html);
// the task's role credentials come from 169.254.170.2, an address, which asks no name.

// EndpointHostNames are the DNS names the private-DNS interface endpoints answer for in a region
// and account: contract.InterfaceEndpoints (Secrets Manager, KMS, the ECR API, the account's ECR
// registry, CloudWatch Logs and STS) and the extra endpoints the stack adds (acm-pca with AWS
// Private CA). Each endpoint's private hosted zone answers these names with the endpoint's
// addresses (awslimits.InterfaceEndpointHostName).
func EndpointHostNames(region, accountID string, extra ...string) []string {
	services := append(slices.Clone(contract.InterfaceEndpoints), extra...)
	out := make([]string, 0, len(services))
	for _, svc := range services {
		// The registry of the account: the only one the endpoint policy admits.
		out = append(out, awslimits.InterfaceEndpointHostName(svc, region, accountID))
	}
	return out
}

// S3HostNames are the S3 names a task resolves through the S3 gateway endpoint (which routes,
// and answers no name): the regional endpoint, the region's ECR layer bucket
// (prod-<region>-starport-layer-bucket, from which Fargate downloads the image's layers:
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway)
// and each data bucket by its virtual-hosted name, <bucket>.s3.<region>.amazonaws.com.
func S3HostNames(region string, buckets ...string) []string {
	out := []string{
		fmt.Sprintf("s3.%s.amazonaws.com", region),
		awslimits.ECRLayerBucketHostName(region),
	}
	for _, b := range buckets {
		out = append(out, fmt.Sprintf("%s.s3.%s.amazonaws.com", b, region))
	}
	return out
}

// NamespaceNames are the Cloud Map names a service calls another by: the private DNS namespace
// and every name under it ("*.<namespace>" in DNS Firewall's syntax, which matches subdomains
// only).
func NamespaceNames(namespace string) []string { return []string{namespace, "*." + namespace} }

// The priorities of the DNS Firewall's rules in its rule group: the platform's ALLOW rule
// first, then one ALLOW rule per service that declares destinations (by service name, one
// FirewallRuleStep apart), and the BLOCK rule of every name last, at BlockAllPriority.
const (
	PlatformRulePriority = 100
	FirewallRuleStep     = 100
	BlockAllPriority     = 10000
	// FirewallAssociationPriority is the rule group's priority among the VPC's associations: the
	// lowest AWS accepts, so it is evaluated first (awslimits.FirewallAssociationPriority).
	FirewallAssociationPriority = 100
	// MaxEgressServices is how many services may declare destinations: their rules must fit
	// between the platform's rule and the BLOCK rule.
	MaxEgressServices = (BlockAllPriority-PlatformRulePriority)/FirewallRuleStep - 1
)

// ServiceRulePriority is the priority of the ALLOW rule of the i-th (0-based, by name) service
// that declares destinations.
func ServiceRulePriority(i int) int { return PlatformRulePriority + (i+1)*FirewallRuleStep }

// QueryLogDeliveryPolicy is the CloudWatch Logs resource policy that lets the log delivery
// service write Resolver query logs into one log group: Route 53 Resolver query logging is
// delivered by delivery.logs.amazonaws.com, which needs logs:CreateLogStream and
// logs:PutLogEvents on the group, from this account's deliveries only
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html#AWS-logs-infrastructure-CWL).
// Without it, AWS adds an account-wide policy (AWSLogDeliveryWrite20150319) on the deployer's
// behalf, if the deployer may.
func QueryLogDeliveryPolicy(groupArn, region, accountID string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "ResolverQueryLogsToTheirGroup",
		Effect:    policydoc.Allow,
		Principal: policydoc.ServicePrincipal(LogDeliveryService),
		Action:    []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource:  []string{groupArn + ":log-stream:*"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": accountID},
			"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:aws:logs:%s:%s:*", region, accountID)},
		},
	})
}

// LogDeliveryService is the service principal that delivers vended logs (Resolver query logs
// among them) to CloudWatch Logs.
const LogDeliveryService = "delivery.logs.amazonaws.com"

// FailOpen is the FirewallFailOpen value of a fail-open choice.
func FailOpen(open bool) string {
	if open {
		return awslimits.FailOpenEnabled
	}
	return awslimits.FailOpenDisabled
}

// The labels of the DNS Firewall's resources: their Pulumi names after the component's, and the
// stack's Name ("<project>-<stack>-<label>") as their AWS names, which Route 53 Resolver limits
// to 64 characters (awslimits.ResolverNameProblem).
const (
	PlatformListLabel = "dns-platform"
	BlockListLabel    = "dns-block-all"
	RuleGroupLabel    = "dns-firewall"
	QueryLogLabel     = "dns-queries"       // the query log group (/<project>/<stack>/dns-queries)
	QueryLoggingLabel = "dns-query-logging" // the query log config and its delivery policy
)

// EgressListLabel is the label of the domain list of a service's declared destinations.
func EgressListLabel(service string) string { return "egress-" + service }
