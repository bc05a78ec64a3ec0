package awslimits

import (
	"regexp"
	"strings"
)

// Region is one commercial (partition aws) AWS Region.
type Region struct {
	// Name is the Region code, e.g. "eu-west-1".
	Name string
	// Zones are the Availability Zone letters that exist in at least one account, e.g. "abcdef".
	// An account may see fewer: AWS maps zone names to physical zones per account in its oldest
	// Regions, and some zones are open only to accounts that used them before.
	Zones string
	// ELBAccountID is the Region's Elastic Load Balancing account, the principal
	// arn:aws:iam::<id>:root of the legacy ALB access-log bucket policy; "" where the Region has
	// none (Regions opened since August 2022 only take the log-delivery service principal
	// logdelivery.elasticloadbalancing.amazonaws.com, which every Region accepts).
	ELBAccountID string
}

// Regions are the commercial Regions, keyed by Name.
//
// Sources:
//   - The list: boto/botocore botocore/data/partitions.json, partition "aws" (snapshot
//     0e6e2404b85dc336dd2889814e089bde7d1a4c55, 2026-08-07; the file last changed 2026-01-15),
//     https://github.com/boto/botocore/blob/develop/botocore/data/partitions.json. Regions
//     announced after that snapshot are missing.
//   - The zone letters: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
//     and https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html, one
//     account's mapping in networknext/next terraform/prod/relays/amazon/generated.tf
//     (b4efefcad40c05d72f43ffa9f5b91b4472033f32, 2026-01-29), and the constrained AZ IDs the EKS
//     (https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html) and VPC Lattice docs
//     name: use1-az3 (us-east-1e here), usw1-az2, apne1-az3 (ap-northeast-1b), cac1-az3
//     (ca-central-1c, a letter inferred from the mapping, not confirmed by AWS). The letters say
//     what may exist, not what an account has; ec2:DescribeAvailabilityZones says that.
//   - The ELB accounts: hashicorp/terraform-provider-aws
//     internal/service/elb/service_account_data_source.go (blob
//     01f431114674c27cf790fafb67ac274bf8f765e1) and step 2 of
//     https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
//     ("Regions available before August 2022"). The data source fails with "unsupported AWS
//     Region" where ELBAccountID is "".
var Regions = map[string]Region{
	"af-south-1":     {"af-south-1", "abc", "098369216593"},      // Africa (Cape Town)
	"ap-east-1":      {"ap-east-1", "abc", "754344448648"},       // Asia Pacific (Hong Kong)
	"ap-east-2":      {"ap-east-2", "abc", ""},                   // Asia Pacific (Taipei); letters from a third-party listing only
	"ap-northeast-1": {"ap-northeast-1", "abcd", "582318560864"}, // Asia Pacific (Tokyo); b only in older accounts
	"ap-northeast-2": {"ap-northeast-2", "abcd", "600734575887"}, // Asia Pacific (Seoul)
	"ap-northeast-3": {"ap-northeast-3", "abc", "383597477331"},  // Asia Pacific (Osaka)
	"ap-south-1":     {"ap-south-1", "abc", "718504428378"},      // Asia Pacific (Mumbai)
	"ap-south-2":     {"ap-south-2", "abc", ""},                  // Asia Pacific (Hyderabad)
	"ap-southeast-1": {"ap-southeast-1", "abc", "114774131450"},  // Asia Pacific (Singapore)
	"ap-southeast-2": {"ap-southeast-2", "abc", "783225319266"},  // Asia Pacific (Sydney)
	"ap-southeast-3": {"ap-southeast-3", "abc", "589379963580"},  // Asia Pacific (Jakarta)
	"ap-southeast-4": {"ap-southeast-4", "abc", ""},              // Asia Pacific (Melbourne)
	"ap-southeast-5": {"ap-southeast-5", "abc", ""},              // Asia Pacific (Malaysia)
	"ap-southeast-6": {"ap-southeast-6", "abc", ""},              // Asia Pacific (New Zealand)
	"ap-southeast-7": {"ap-southeast-7", "abc", ""},              // Asia Pacific (Thailand)
	"ca-central-1":   {"ca-central-1", "abcd", "985666609251"},   // Canada (Central); c only in older accounts
	"ca-west-1":      {"ca-west-1", "abc", ""},                   // Canada West (Calgary)
	"eu-central-1":   {"eu-central-1", "abc", "054676820928"},    // Europe (Frankfurt)
	"eu-central-2":   {"eu-central-2", "abc", ""},                // Europe (Zurich)
	"eu-north-1":     {"eu-north-1", "abc", "897822967062"},      // Europe (Stockholm)
	"eu-south-1":     {"eu-south-1", "abc", "635631232127"},      // Europe (Milan)
	"eu-south-2":     {"eu-south-2", "abc", ""},                  // Europe (Spain)
	"eu-west-1":      {"eu-west-1", "abc", "156460612806"},       // Europe (Ireland)
	"eu-west-2":      {"eu-west-2", "abc", "652711504416"},       // Europe (London)
	"eu-west-3":      {"eu-west-3", "abc", "009996457667"},       // Europe (Paris)
	"il-central-1":   {"il-central-1", "abc", ""},                // Israel (Tel Aviv)
	"me-central-1":   {"me-central-1", "abc", ""},                // Middle East (UAE)
	"me-south-1":     {"me-south-1", "abc", "076674570225"},      // Middle East (Bahrain)
	"mx-central-1":   {"mx-central-1", "abc", ""},                // Mexico (Central)
	"sa-east-1":      {"sa-east-1", "abc", "507241528517"},       // South America (Sao Paulo)
	"us-east-1":      {"us-east-1", "abcdef", "127311923021"},    // US East (N. Virginia)
	"us-east-2":      {"us-east-2", "abc", "033677994240"},       // US East (Ohio)
	"us-west-1":      {"us-west-1", "abc", "027434742980"},       // US West (N. California); an account sees two of the three
	"us-west-2":      {"us-west-2", "abcd", "797873946194"},      // US West (Oregon)
}

// LookupRegion returns the commercial Region with a name, and whether there is one.
func LookupRegion(name string) (Region, bool) {
	r, ok := Regions[name]
	return r, ok
}

// HasZone reports whether az names an Availability Zone of the Region that exists in at least one
// account: exactly r.Name followed by one letter of r.Zones (Local Zones such as us-east-1-bos-1a
// are not Availability Zones of the Region).
func (r Region) HasZone(az string) bool {
	if len(az) != len(r.Name)+1 || az[:len(r.Name)] != r.Name {
		return false
	}
	return strings.IndexByte(r.Zones, az[len(r.Name)]) >= 0
}

// ZoneNames returns the Region's Availability Zone names in letter order, e.g. eu-west-1a,
// eu-west-1b, eu-west-1c.
func (r Region) ZoneNames() []string {
	names := make([]string, 0, len(r.Zones))
	for _, letter := range r.Zones {
		names = append(names, r.Name+string(letter))
	}
	return names
}

// Partition is an AWS partition other than the commercial one: its Regions have other
// endpoints, ARNs (arn:<partition>:…) and accounts, so what the program builds for partition aws
// does not carry over.
type Partition struct {
	Name    string
	Pattern *regexp.Regexp // the Region codes of the partition
}

// OtherPartitions are the partitions besides aws, each with botocore's regionRegex for it
// (boto/botocore botocore/data/partitions.json, snapshot 0e6e2404b85dc336dd2889814e089bde7d1a4c55).
// The patterns do not overlap; PartitionOf tries them in order, the more specific prefixes first.
var OtherPartitions = []Partition{
	{"aws-us-gov", regexp.MustCompile(`^us\-gov\-\w+\-\d+$`)},
	{"aws-iso", regexp.MustCompile(`^us\-iso\-\w+\-\d+$`)},
	{"aws-iso-b", regexp.MustCompile(`^us\-isob\-\w+\-\d+$`)},
	{"aws-iso-e", regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`)},
	{"aws-iso-f", regexp.MustCompile(`^us\-isof\-\w+\-\d+$`)},
	{"aws-eusc", regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`)}, // AWS European Sovereign Cloud
	{"aws-cn", regexp.MustCompile(`^cn\-\w+\-\d+$`)},
}

// PartitionOf returns the partition of a Region code: "aws" when the Region is in Regions, the
// partition's name when an OtherPartitions pattern matches, and "" otherwise (including a code
// that looks commercial but is not a known Region, such as an announced Region or a typo).
func PartitionOf(region string) string {
	if _, ok := Regions[region]; ok {
		return "aws"
	}
	for _, p := range OtherPartitions {
		if p.Pattern.MatchString(region) {
			return p.Name
		}
	}
	return ""
}

// ProviderUnknownRegions are commercial Regions that the pinned AWS provider does not know yet:
// pulumi-aws v6.83.4 (built on the Terraform AWS provider 5.x) validates the region and refuses
// these with "Invalid AWS Region" (hashicorp/terraform-provider-aws#44113). They are missing from
// its Region enum (pulumi/pulumi-aws sdk/v6 go/aws/pulumiEnums.go at v6.83.4), which a test keeps
// in step with this catalogue. Upgrading the provider is what makes them usable.
var ProviderUnknownRegions = map[string]bool{
	"ap-east-2":      true, // Asia Pacific (Taipei), opened 2025
	"ap-southeast-6": true, // Asia Pacific (New Zealand), opened 2025
}
