package awslimits

import "fmt"

// Quota is an AWS service quota at its default value. An account's applied value of an
// adjustable quota may be higher; the Service Quotas console shows it.
type Quota struct {
	Name       string // what is limited, in AWS's words
	Limit      int    // the default value, in unit
	Adjustable bool   // whether Service Quotas (or AWS Support) can raise it
	Source     string // the AWS page that gives it
	unit       string // what Limit counts when it is not Name's things, e.g. "characters"
}

// String renders the quota with its limit, e.g. "Secrets Manager resource policy size (20480
// characters)".
func (q Quota) String() string {
	if q.unit == "" {
		return fmt.Sprintf("%s (%d)", q.Name, q.Limit)
	}
	return fmt.Sprintf("%s (%d %s)", q.Name, q.Limit, q.unit)
}

const (
	iamQuotasPage = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	vpcQuotasPage = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
	albQuotasPage = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"
	mapQuotasPage = "https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-limits.html"
)

// Quotas the program's resources count against, at their defaults.
var (
	// SecretPolicyChars: the JSON text of a secret's resource-based policy.
	SecretPolicyChars = Quota{"Secrets Manager resource policy size", 20480, false,
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html", "characters"}
	// RoleInlinePolicyChars: all inline policies of one IAM role together; whitespace does not
	// count. (The live page renders its table client-side; the value was read in copies of it.)
	RoleInlinePolicyChars = Quota{"IAM inline policy size per role, all policies together", 10240, false,
		iamQuotasPage, "characters excluding whitespace"}
	// BucketPolicyBytes: "Bucket policies are limited to 20 KB in size."
	BucketPolicyBytes = Quota{"S3 bucket policy size", 20480, false,
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html", "bytes"}
	// IAMRolesPerAccount: adjustable up to 5000.
	IAMRolesPerAccount = Quota{"IAM roles per account", 1000, true, iamQuotasPage, ""}
	// SecurityGroupsPerRegion: VPC security groups per Region.
	SecurityGroupsPerRegion = Quota{"VPC security groups per Region", 2500, true, vpcQuotasPage, ""}
	// RulesPerSecurityGroup: inbound and outbound rules count separately, as do IPv4 and IPv6
	// rules; this quota times SecurityGroupsPerInterface cannot exceed 1000.
	RulesPerSecurityGroup = Quota{"inbound or outbound rules per security group", 60, true, vpcQuotasPage, ""}
	// SecurityGroupsPerInterface: adjustable up to 16 (the same number as MaxGroupsPerInterface).
	SecurityGroupsPerInterface = Quota{"security groups per network interface", 5, true, vpcQuotasPage, ""}
	// RulesPerNetworkACL: one direction; IPv4 and IPv6 rules count separately and the default
	// deny rule counts. Adjustable up to 40.
	RulesPerNetworkACL = Quota{"inbound or outbound rules per network ACL", 20, true, vpcQuotasPage, ""}
	// ALBsPerRegion: Application Load Balancers per Region.
	ALBsPerRegion = Quota{"Application Load Balancers per Region", 50, true, albQuotasPage, ""}
	// TargetGroupsPerRegion: shared by Application and Network Load Balancers.
	TargetGroupsPerRegion = Quota{"target groups per Region", 3000, true, albQuotasPage, ""}
	// WebACLsPerRegion: AWS WAF web ACLs (protection packs) per account per Region.
	WebACLsPerRegion = Quota{"AWS WAF web ACLs per Region", 100, true,
		"https://docs.aws.amazon.com/waf/latest/developerguide/limits.html", ""}
	// ElasticIPsPerRegion: Elastic IP addresses per Region; each public NAT gateway takes one.
	ElasticIPsPerRegion = Quota{"Elastic IP addresses per Region", 5, true, vpcQuotasPage, ""}
	// NATGatewaysPerAZ: NAT gateways per Availability Zone.
	NATGatewaysPerAZ = Quota{"NAT gateways per Availability Zone", 5, true, vpcQuotasPage, ""}
	// CloudMapInstancesPerNamespace: service instances registered in one Cloud Map namespace.
	CloudMapInstancesPerNamespace = Quota{"Cloud Map instances per namespace", 2000, true, mapQuotasPage, ""}
	// CloudMapInstancesPerService: instances of one Cloud Map service, hence at most this many
	// tasks in an ECS service that uses service discovery.
	CloudMapInstancesPerService = Quota{"Cloud Map instances per service", 1000, false, mapQuotasPage, ""}
	// InterfaceEndpointsPerVPC: interface VPC endpoints per VPC.
	InterfaceEndpointsPerVPC = Quota{"interface VPC endpoints per VPC", 50, true, vpcQuotasPage, ""}
)

// More quotas a large graph reaches.
var (
	// DBInstancesPerRegion: RDS DB instances per account and Region (a Multi-AZ instance counts
	// once).
	DBInstancesPerRegion = Quota{"RDS DB instances per Region", 40, true,
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html", ""}
	// CacheNodesPerRegion: ElastiCache nodes per account and Region, across all clusters.
	CacheNodesPerRegion = Quota{"ElastiCache nodes per Region", 300, true,
		"https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/quota-limits.html", ""}
)

// Addresses of a subnet.
const (
	// ReservedAddressesPerSubnet: AWS keeps the first four addresses and the last one of every
	// subnet (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html).
	ReservedAddressesPerSubnet = 5
	// FreeAddressesPerALB: an Application Load Balancer needs at least 8 free addresses in each
	// of its subnets, and takes more as it scales
	// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
	FreeAddressesPerALB = 8
)
