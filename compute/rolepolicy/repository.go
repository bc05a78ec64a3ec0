package rolepolicy

import (
	"fmt"
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// The ECR actions a repository policy names
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html).
var (
	// PullActions read an image: what an execution role needs to start a task.
	PullActions = awslimits.ECRPullActions
	// PushActions write an image (docker push); BatchDeleteImage removes one.
	PushActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}
	// writeActions change the images of a repository: pushing and deleting.
	writeActions = awslimits.ECRWriteActions
	// guardActions change what guards a repository: its policy, lifecycle, tag mutability,
	// scanning, or the repository itself.
	guardActions = awslimits.ECRGuardActions
)

// Statement ids of the repository policy's denials; the audit judges them by meaning, not by id.
const (
	denyPullSid    = "DenyPullToAllButItsExecutionRoles"
	denyWriteSid   = "DenyPushToAllButPushersAndDeployers"
	denyChangesSid = "DenyGuardChangesToAllButDeployers"
)

// RepositoryPolicy is the policy of one service's ECR repository. Within one account an Allow in
// either the IAM policy or the repository policy is enough, so a policy that only allows
// restricts nothing; it therefore also denies:
//   - pulling (PullActions) to every principal but the pullers (the execution roles it admits),
//     the pushers and the deploying roles (a push checks the layers the repository has, with
//     ecr:BatchCheckLayerAvailability) and Amazon Inspector's service-linked role
//     (awslimits.InspectorServiceLinkedRole: enhanced scanning reads the images with it);
//   - writing images to every principal but the pushers and the deploying roles;
//   - changing the repository's policy, lifecycle, mutability or scanning, or deleting it, to
//     every principal but the deploying roles.
//
// The principal is matched by aws:PrincipalArn, which for a role session is the role's ARN
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
// All lists are role ARNs; pullers and deployers must not be empty.
func RepositoryPolicy(accountID string, pullers, pushers, deployers []string) policydoc.Document {
	sorted := func(xs ...[]string) []string {
		var all []string
		for _, x := range xs {
			all = append(all, x...)
		}
		return slices.Compact(slices.Sorted(slices.Values(all)))
	}
	pull, push, deploy := sorted(pullers), sorted(pushers), sorted(deployers)
	sts := []policydoc.Statement{{
		Sid: "ItsExecutionRolesPull", Effect: policydoc.Allow, Principal: policydoc.AWSPrincipal(pull...), Action: PullActions,
	}}
	if len(push) > 0 {
		sts = append(sts, policydoc.Statement{
			Sid: "ItsPushersPush", Effect: policydoc.Allow, Principal: policydoc.AWSPrincipal(push...), Action: sorted(PushActions, PullActions),
		})
	}
	return policydoc.New(append(sts,
		policydoc.Statement{Sid: denyPullSid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: PullActions,
			Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": sorted(pull, push, deploy, []string{awslimits.InspectorServiceLinkedRole(accountID)})}}},
		policydoc.Statement{Sid: denyWriteSid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: writeActions,
			Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": sorted(push, deploy)}}},
		policydoc.Statement{Sid: denyChangesSid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: guardActions,
			Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": deploy}}},
	)...)
}

// UntaggedExpiryDays is how long an untagged image (one a push of the same tag cannot replace,
// since tags are immutable, but an interrupted or digest-only push leaves) stays, in days.
const UntaggedExpiryDays = 14

// LifecyclePolicy expires the repository's untagged images UntaggedExpiryDays after their push
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
// Tagged images are kept: a running task definition names one.
func LifecyclePolicy() map[string]any {
	return map[string]any{"rules": []map[string]any{{
		"rulePriority": 1,
		"description":  fmt.Sprintf("expire untagged images %d days after their push", UntaggedExpiryDays),
		"selection": map[string]any{
			"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": UntaggedExpiryDays,
		},
		"action": map[string]any{"type": "expire"},
	}}}
}
