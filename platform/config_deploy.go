package platform

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
)

type rawDeploy struct {
	RoleArns              []string `json:"roleArns"`
	ImagePushRoleArns     []string `json:"imagePushRoleArns"`
	EnhancedImageScanning bool     `json:"enhancedImageScanning"`
}

// loadDeploy reads the deploying identities: the IAM roles that run `pulumi up` and `pulumi
// refresh` for the stack. Every secret's resource policy denies changes to every other principal,
// and denies reading the values Pulumi writes to everyone but their readers and these roles, so
// the key is required in every environment: without it no one could update the stack's secrets.
func loadDeploy(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyDeploy)
	var rd rawDeploy
	data, ok := raw(src, keyDeploy)
	if ok {
		decodeObject(key, data, &rd, ps)
	}
	for _, arn := range rd.ImagePushRoleArns {
		if !awslimits.IAMRoleARN.MatchString(arn) {
			ps.add(key+".imagePushRoleArns", "%q is not an IAM role ARN (arn:aws:iam::<account>:role/<path/name>); name the role CI pushes images with", arn)
		}
	}
	spec.ImagePushRoleArns = slices.Compact(slices.Sorted(slices.Values(rd.ImagePushRoleArns)))
	spec.EnhancedImageScanning = rd.EnhancedImageScanning
	if len(rd.RoleArns) == 0 {
		ps.add(key+".roleArns", "required; name the IAM role(s) that run pulumi up for this stack, e.g. the CI deploy role "+
			"(pulumi config set --path 'deploy.roleArns[0]' arn:aws:iam::<account>:role/<name>): every secret denies changes to everyone else")
		return
	}
	for _, arn := range rd.RoleArns {
		if !awslimits.IAMRoleARN.MatchString(arn) {
			ps.add(key+".roleArns", "%q is not an IAM role ARN (arn:aws:iam::<account>:role/<path/name>); name a role, not a user or an assumed-role session", arn)
		}
	}
	spec.DeployRoleArns = slices.Compact(slices.Sorted(slices.Values(rd.RoleArns)))
}
