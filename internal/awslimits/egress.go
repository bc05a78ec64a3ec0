package awslimits

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// dnsLabel is one label of a host name: 1-63 lowercase letters, digits and hyphens, neither
// first nor last a hyphen (RFC 1035 section 2.3.1, RFC 1123 section 2.1).
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// MaxDNSName is the length of a DNS name in text form, at most 253 characters (RFC 1035 section
// 2.3.4: 255 octets on the wire).
const MaxDNSName = 253

// EgressNameProblem says why a declared egress destination is refused ("" when it is accepted):
// it must be a lowercase host name of at least two labels, at most MaxDNSName characters, with a
// wildcard only as its whole first label ("*.stripe.com"), never a bare "*" and never an IP
// address (a connection to a literal address asks no DNS name, so DNS filtering cannot see it).
func EgressNameProblem(name string) string {
	switch {
	case name == "" || name == "*" || name == "*.":
		return "names nothing; declare a host name such as api.example.com or *.example.com (a bare * would allow the whole internet)"
	case len(name) > MaxDNSName:
		return "is longer than the 253 characters of a DNS name"
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return "is an IP address; declare the host name the service calls (a connection to a literal address bypasses DNS filtering)"
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) < 2 {
		return "has a single label; declare a fully qualified name such as api.example.com"
	}
	for i, l := range labels {
		switch {
		case l == "*" && i == 0:
			if len(labels) < 3 {
				return "wildcards a whole top-level domain; a wildcard needs at least two labels after it, as in *.stripe.com"
			}
		case strings.Contains(l, "*"):
			return "has a wildcard that is not its whole first label; write *.example.com"
		case !dnsLabel.MatchString(l):
			return "has the label " + l + ", which is not 1-63 lowercase letters, digits or hyphens (not first or last)"
		}
	}
	return ""
}

// InterfaceEndpointHostName is the name an interface endpoint with private DNS answers for: the
// service's regional endpoint, <service>.<region>.amazonaws.com, except ECR's, whose API is
// api.ecr.<region>.amazonaws.com and whose registry is <account>.dkr.ecr.<region>.amazonaws.com
// (the registry of one account; "*" for any). service is the endpoint's service name after
// com.amazonaws.<region>. ("secretsmanager", "ecr.dkr"). Sources:
// https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html.
func InterfaceEndpointHostName(service, region, accountID string) string {
	switch service {
	case "ecr.api":
		return fmt.Sprintf("api.ecr.%s.amazonaws.com", region)
	case "ecr.dkr":
		return ECRRegistryHost(accountID, region)
	}
	return fmt.Sprintf("%s.%s.amazonaws.com", service, region)
}

// ECRLayerBucketHostName is the S3 name Fargate downloads an ECR image's layers from in a region,
// through the S3 gateway endpoint (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway).
func ECRLayerBucketHostName(region string) string {
	return fmt.Sprintf("prod-%s-starport-layer-bucket.s3.%s.amazonaws.com", region, region)
}
