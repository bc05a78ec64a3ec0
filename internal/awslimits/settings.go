package awslimits

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
)

// Facts the config loader checks a stack's settings against (they used to live in platform).

// Range is an inclusive range of values AWS accepts for a setting, with the page that gives it.
type Range struct {
	Min, Max int
	Source   string
}

// Contains reports whether v is in the range.
func (r Range) Contains(v int) bool { return v >= r.Min && v <= r.Max }

// RDS for PostgreSQL storage and backups.
var (
	// PostgresGP3StorageGiB is the storage (GiB) RDS for PostgreSQL gives a gp3 instance, the
	// storage type the platform uses: AllocatedStorage and the autoscaling ceiling
	// MaxAllocatedStorage are bounded by it.
	PostgresGP3StorageGiB = Range{20, 65536, "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html"}
	// BackupRetentionDays is what CreateDBInstance accepts for BackupRetentionPeriod ("Must be a
	// value from 0 to 35"); 0 turns automated backups off.
	BackupRetentionDays = Range{0, 35, "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (BackupRetentionPeriod)"}
)

// WAFRateLimit is what a WAF rate-based rule accepts as its Limit: requests per evaluation
// window (5 minutes by default) per aggregation key ("Minimum value of 10. Maximum value of
// 2000000000.").
var WAFRateLimit = Range{10, 2000000000, "https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html"}

// ECRPrivateRegistry matches the host of an ECR private registry,
// <account>.dkr.ecr.<region>.amazonaws.com, capturing the region
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html). A task with no route
// to the internet pulls only from the registries of its own region, through the VPC endpoints.
var ECRPrivateRegistry = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// ECRRegistryHost is the host of an account's ECR private registry in a region,
// <account>.dkr.ecr.<region>.amazonaws.com (the form ECRPrivateRegistry matches): a repository's
// URI is this host, "/" and its name.
func ECRRegistryHost(accountID, region string) string {
	return accountID + ".dkr.ecr." + region + ".amazonaws.com"
}

// IAMRoleARN matches the ARN of an IAM role in the commercial partition: the account, then the
// role's path and name (a name is 1-64 of the characters letters, digits and +=,.@_-; a path is
// /, or /-delimited segments of printable ASCII; see
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html). Its groups are
// the account and the path with the name.
var IAMRoleARN = regexp.MustCompile(`^arn:aws:iam::([0-9]{12}):role/((?:[\x21-\x7e]+/)*[\w+=,.@-]{1,64})$`)

// ACMCertificateARN matches the ARN of an ACM certificate in the commercial partition,
// arn:aws:acm:<region>:<account>:certificate/<id>, capturing the region
// (https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html).
var ACMCertificateARN = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)

// FargateCPUChoices lists the Fargate task CPU values (CPU units), e.g.
// "256, 512, 1024, 2048, 4096, 8192 or 16384".
func FargateCPUChoices() string {
	var values []string
	for _, cpu := range slices.Sorted(maps.Keys(FargateSizes)) {
		values = append(values, strconv.Itoa(cpu))
	}
	return orList(values)
}
