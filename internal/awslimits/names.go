package awslimits

import (
	"fmt"
	"regexp"
	"strings"
)

// LoadBalancerReservedPrefix is the prefix an Elastic Load Balancing load balancer's name must
// not begin with ("must not begin with internal-"),
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (Name).
const LoadBalancerReservedPrefix = "internal-"

// S3 reserves these beginnings and endings of general purpose bucket names, per
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html.
var (
	// BucketReservedPrefixes: xn-- (punycode), sthree- (which also covers the older
	// sthree-configurator) and amzn-s3-demo- (documentation examples).
	BucketReservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	// BucketReservedSuffixes: -s3alias (access point aliases), --ol-s3 (Object Lambda Access
	// Point aliases), .mrap (Multi-Region Access Points), --x-s3 (directory buckets),
	// --table-s3 (S3 Tables table buckets) and -an (buckets in an account regional namespace,
	// <prefix>-<account>-<region>-an, which this program does not create).
	BucketReservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "-an"}
)

var (
	s3BucketChars = regexp.MustCompile(`^[a-z0-9.-]*$`)
	s3BucketIPv4  = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,3}){3}$`)
)

// CheckBucketName checks an S3 general purpose bucket name against the naming rules of
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html: 3-63 lowercase
// letters, digits, dots and hyphens, beginning and ending with a letter or digit, no two
// adjacent dots, not an IP address, and none of the reserved prefixes and suffixes.
func CheckBucketName(name string) error {
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	switch {
	case len(name) < 3 || len(name) > 63:
		return fmt.Errorf("bucket name %q is %d characters; S3 takes 3-63", name, len(name))
	case !s3BucketChars.MatchString(name):
		return fmt.Errorf("bucket name %s may hold only lowercase letters, digits, dots and hyphens", name)
	case !isAlnum(name[0]) || !isAlnum(name[len(name)-1]):
		return fmt.Errorf("bucket name %s must begin and end with a letter or digit", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("bucket name %s has two adjacent dots", name)
	case s3BucketIPv4.MatchString(name):
		return fmt.Errorf("bucket name %s is formatted as an IP address", name)
	}
	for _, p := range BucketReservedPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Errorf("bucket name %s begins with %s, which S3 reserves", name, p)
		}
	}
	for _, s := range BucketReservedSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Errorf("bucket name %s ends with %s, which S3 reserves", name, s)
		}
	}
	return nil
}
