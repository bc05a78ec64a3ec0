package awslimits

import (
	"slices"
	"strings"
)

// The data perimeter of the VPC endpoints (issue 12, "Endpoints as a data perimeter"): every
// endpoint policy admits only requests in which both the principal and the resource belong to the
// stack's account (aws:PrincipalAccount and aws:ResourceAccount, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
// except for the AWS-owned resources the platform needs, each listed here with its source. AWS's
// own data-perimeter examples list which calls reach AWS-owned resources through each service's
// endpoint (https://github.com/aws-samples/data-perimeter-policy-examples/tree/main/vpc_endpoint_policies,
// service_specific_guidance/): of the platform's endpoints (secretsmanager, kms, ecr.api, ecr.dkr,
// logs, sts, s3) only S3 (ECR's image layers) and ECR (repositories owned by AWS services, which
// the platform does not pull from) have any.

// ECRLayerBucket is the AWS-owned bucket that holds the image layers of ECR private registries in
// a region: prod-<region>-starport-layer-bucket. A task pulling an image fetches each layer from
// it through the S3 gateway endpoint
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms).
func ECRLayerBucket(region string) string { return "prod-" + region + "-starport-layer-bucket" }

// LogsEncryptionContext is the encryption context key in which CloudWatch Logs names the log
// group it uses a KMS key for; its value is the group's ARN,
// arn:aws:logs:<region>:<account>:log-group:<name>
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
const LogsEncryptionContext = "kms:EncryptionContext:aws:logs:arn"

// EndpointException is a statement a VPC endpoint policy needs that cannot bind the resource to
// the stack's account, because the resource is AWS's or the action has none.
type EndpointException struct {
	Endpoint string   // the endpoint it is for, by its short service name ("s3", "ecr.api")
	Sid      string   // the statement's Sid
	Actions  []string // the only actions it allows
	// Resources are the only resources it allows; "{region}" stands for the endpoint's region.
	Resources []string
	// CallerIsThisAccount is true when the caller is still a principal of the stack's account
	// (the statement keeps aws:PrincipalAccount), false when AWS signs the request itself.
	CallerIsThisAccount bool
	Why                 string // why aws:ResourceAccount cannot be this account's
	Source              string // the AWS page that documents it
}

// ResourcesIn are the exception's resources in a region.
func (e EndpointException) ResourcesIn(region string) []string {
	out := make([]string, len(e.Resources))
	for i, r := range e.Resources {
		out[i] = strings.ReplaceAll(r, "{region}", region)
	}
	return out
}

// EndpointExceptions are the documented exceptions to aws:ResourceAccount in the platform's
// endpoint policies, one statement each.
var EndpointExceptions = []EndpointException{
	{
		Endpoint:  "s3",
		Sid:       "EcrImageLayersInTheRegionsAwsOwnedBucket",
		Actions:   []string{"s3:GetObject"},
		Resources: []string{"arn:aws:s3:::" + ECRLayerBucket("{region}") + "/*"},
		Why: "ECR keeps image layers in an AWS-owned bucket and hands the task a URL it pre-signs with an ECR service account's identity, " +
			"so neither the bucket nor the signing principal is this account's; the bucket is named exactly, since anyone can create a bucket matching a wildcard",
		Source: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms; " +
			"https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/vpc_endpoint_policies/README.md (AllowRequestsToAWSOwnedResources, Amazon ECR)",
	},
	{
		Endpoint:            "ecr.api",
		Sid:                 "EcrAuthorizationTokenHasNoResource",
		Actions:             []string{"ecr:GetAuthorizationToken"},
		Resources:           []string{"*"},
		CallerIsThisAccount: true,
		Why: "GetAuthorizationToken, which every image pull starts with, acts on no resource (its policy Resource must be \"*\"), " +
			"so no resource account can be asserted for it; the pulls it authorises go through the ecr.dkr endpoint, which binds the repository to this account",
		Source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html (GetAuthorizationToken: no resource type); " +
			"https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
	},
}

// EndpointExceptionFor is the exception of an endpoint that allows every one of the given
// actions, or nil when there is none.
func EndpointExceptionFor(endpoint string, actions []string) *EndpointException {
	for i, e := range EndpointExceptions {
		if e.Endpoint != endpoint || len(actions) == 0 {
			continue
		}
		if !slices.ContainsFunc(actions, func(a string) bool { return !slices.Contains(e.Actions, a) }) {
			return &EndpointExceptions[i]
		}
	}
	return nil
}

// EndpointExceptionsOf are the exceptions of one endpoint, in catalogue order.
func EndpointExceptionsOf(endpoint string) []EndpointException {
	var out []EndpointException
	for _, e := range EndpointExceptions {
		if e.Endpoint == endpoint {
			out = append(out, e)
		}
	}
	return out
}
