package awslimits

import (
	"fmt"
	"regexp"
	"strings"
)

// Container images: which host names a task must reach to pull one, and the shapes of what the
// stack's own ECR repositories accept.

// DockerHubPullHosts are the host names a client pulls a Docker Hub image from: the token
// service, the registry, and the two CDNs that serve the layers (Docker's allowlist:
// https://docs.docker.com/desktop/setup/allow-list/, "Docker Pull/Push"). Docker Hub is the
// registry of an image reference that names no host (docker.io).
var DockerHubPullHosts = []string{
	"auth.docker.io",
	"registry-1.docker.io",
	"production.cloudflare.docker.com",
	"docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
}

// RegistryPullHosts are the host names a task must resolve and reach over HTTPS to pull from a
// registry (its host, as in an image reference): Docker Hub's DockerHubPullHosts; for ECR of a
// region the task does not reach through the VPC endpoints, the registry, the ECR API (the
// registry login) and the region's layer bucket in S3
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, "Amazon S3 gateway
// endpoint": prod-<region>-starport-layer-bucket); for any other registry, the registry's own
// host. A registry that redirects layer downloads to a CDN of its own needs that host too, which
// the loader cannot know: the task would fail to start, not gain access.
func RegistryPullHosts(registry string) []string {
	if registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io" {
		return DockerHubPullHosts
	}
	if m := ECRPrivateRegistry.FindStringSubmatch(registry); m != nil {
		return []string{registry, fmt.Sprintf("api.ecr.%s.amazonaws.com", m[1]), fmt.Sprintf("prod-%s-starport-layer-bucket.s3.%s.amazonaws.com", m[1], m[1])}
	}
	return []string{registry}
}

// EgressCovers reports whether a declared egress destination (EgressNameProblem accepts it)
// admits a host name: the same name, or a wildcard "*.example.com" and a name under it with at
// least one more label (Route 53 Resolver DNS Firewall's wildcard:
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall-domain-lists.html).
func EgressCovers(dest, host string) bool {
	dest, host = strings.TrimSuffix(dest, "."), strings.TrimSuffix(host, ".")
	if suffix, ok := strings.CutPrefix(dest, "*"); ok {
		return strings.HasSuffix(host, suffix) && len(host) > len(suffix)
	}
	return dest == host
}

// ECRImageTag is what ECR accepts as an image tag (PutImage imageTag: 1-300 characters; the
// Docker/OCI reference grammar the tools use allows [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}, the
// stricter of the two; https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html,
// https://github.com/distribution/reference/blob/main/regexp.go).
var ECRImageTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// ImageDigest is an image digest as a reference pins it: sha256 and 64 lowercase hex digits
// (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests).
var ImageDigest = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)

// ECRRepositoryName is what CreateRepository accepts as repositoryName: 2-256 characters,
// lowercase, with namespaces separated by "/"
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
var (
	ECRRepositoryName    = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	ECRRepositoryNameLen = Range{2, 256, "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"}
)

// ECRPullActions are the ECR actions that read an image: what an execution role needs to start a
// task from a repository (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html).
var ECRPullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// Image-work fixes (IMG-03 by meaning): the actions a repository policy denies to all but its
// pushers and deployers, shared by rolepolicy (which writes the denials) and the audit (which
// judges them) (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html).
var (
	// ECRWriteActions change the images of a repository: pushing and deleting.
	ECRWriteActions = []string{"ecr:BatchDeleteImage", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}
	// ECRGuardActions change what guards a repository: its policy, lifecycle, tag mutability,
	// scanning, or the repository itself.
	ECRGuardActions = []string{"ecr:DeleteLifecyclePolicy", "ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy", "ecr:PutImageScanningConfiguration",
		"ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:SetRepositoryPolicy"}
)

// InspectorServiceLinkedRole is the role Amazon Inspector reads images with when ECR enhanced
// scanning is on (https://docs.aws.amazon.com/inspector/latest/user/using-service-linked-roles.html).
func InspectorServiceLinkedRole(accountID string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2", accountID)
}
