// Package data holds the stores that keep user data: PostgreSQL databases, S3 buckets and
// caches, all in the isolated tier or behind VPC endpoints, all encrypted with the stack's data
// key, all reachable only by the services the config names.
package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/data/bucketpolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// Object lifecycle of every bucket.
const (
	abortMultipartDays     = 7
	noncurrentVersionsDays = 90
)

// Reader is a service allowed to use a store, by its task role.
type Reader struct {
	Service string             // the service's name
	RoleArn pulumi.StringInput // its task role's ARN. Required.
}

// BucketArgs configures a data bucket.
type BucketArgs struct {
	// Scope is the stack the bucket belongs to; all of it is required. Protect keeps the bucket
	// and everything that guards it (public access block, ownership, versioning, encryption,
	// lifecycle, logging, policy) from deletion: staging and prod.
	stack.Scope
	// DataKeyArn is the customer-managed key of the bucket's default encryption. Required.
	DataKeyArn pulumi.StringInput
	// Readers and Writers are the services that may read and write its objects, by task role.
	// Required: at least one of either.
	Readers []Reader
	Writers []Reader
	// LogBucket receives the bucket's S3 server access logs (its name). Required.
	LogBucket pulumi.StringInput
	// LogBucketPolicy is the log bucket's policy: S3 checks, when logging is turned on, that the
	// target bucket lets the logging service write (InvalidTargetBucketForLogging otherwise), so
	// logging is configured only after it exists. Required.
	LogBucketPolicy pulumi.Resource
	// S3EndpointID is the id (vpce-...) of the stack's S3 gateway endpoint: the readers and
	// writers reach the bucket only through it (the policy denies them aws:SourceVpce elsewhere).
	// Required.
	S3EndpointID pulumi.StringInput
	// ObjectLockDays is the default retention, in days, of S3 Object Lock in governance mode: every
	// new object version is kept that long whatever a request says. 0 turns Object Lock off (dev);
	// once on, S3 never turns it off for the bucket. Optional, default 0.
	ObjectLockDays int
}

// Bucket is an S3 bucket for user data.
type Bucket struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	Arn        pulumi.StringOutput `pulumi:"arn"`
}

// ObjectLockMode is the Object Lock retention mode of data buckets: GOVERNANCE, which a principal
// allowed s3:BypassGovernanceRetention could lift, and the bucket policy denies that action to
// every principal; unlike COMPLIANCE, a mistaken retention can still be undone by changing the
// policy first (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes).
const ObjectLockMode = "GOVERNANCE"

// NewBucket creates a data bucket: SSE-KMS with the data key and a bucket key, every public
// access block, ACLs disabled, versioning, Object Lock when ObjectLockDays is set, access logs,
// and a policy that refuses anything but TLS 1.2+, any reader or writer but the configured
// services, those services outside the stack's S3 endpoint, and destroying any version.
func NewBucket(ctx *pulumi.Context, name string, args *BucketArgs, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if args == nil || args.DataKeyArn == nil || args.LogBucket == nil || args.LogBucketPolicy == nil || args.S3EndpointID == nil {
		return nil, fmt.Errorf("bucket %s: the data key, the log bucket and its policy, and the S3 endpoint are required", name)
	}
	if args.ObjectLockDays < 0 {
		return nil, fmt.Errorf("bucket %s: object lock retention of %d days is negative; use 0 (off) or more", name, args.ObjectLockDays)
	}
	if len(args.Readers)+len(args.Writers) == 0 {
		return nil, fmt.Errorf("bucket %s: at least one reader or writer is required", name)
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("bucket %s: %w", name, err)
	}
	b := &Bucket{}
	if err := ctx.RegisterComponentResource(contract.TypeBucketComp, name, b, opts...); err != nil {
		return nil, fmt.Errorf("registering bucket %s: %w", name, err)
	}
	bucket, versioning, err := newPrivateBucket(ctx, b, name, args.Scope, map[string]string{contract.PurposeTag: string(contract.DataPurpose)})
	if err != nil {
		return nil, err
	}
	if args.ObjectLockDays > 0 {
		// Enabling Object Lock on an existing bucket needs versioning on first (InvalidBucketState
		// otherwise): this resource, not the bucket's ForceNew objectLockEnabled, so that turning
		// it on for a bucket that already holds data does not replace the bucket.
		// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name, &s3.BucketObjectLockConfigurationV2Args{
			Bucket:            bucket.ID(),
			ObjectLockEnabled: pulumi.String("Enabled"),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
				Mode: pulumi.String(ObjectLockMode), Days: pulumi.Int(args.ObjectLockDays),
			}},
		}, pulumi.Parent(b), pulumi.Protect(args.Protect), pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
			return nil, fmt.Errorf("locking objects of bucket %s: %w", name, err)
		}
	}
	if err := encryptBucket(ctx, b, name, bucket, args.DataKeyArn, args.Protect); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLoggingV2(ctx, name, &s3.BucketLoggingV2Args{
		Bucket:       bucket.ID(),
		TargetBucket: args.LogBucket,
		TargetPrefix: pulumi.String(fmt.Sprintf("%s/%s/", contract.S3AccessLogPrefix, name)),
	}, pulumi.Parent(b), pulumi.Protect(args.Protect), pulumi.DependsOn([]pulumi.Resource{args.LogBucketPolicy})); err != nil {
		return nil, fmt.Errorf("logging bucket %s: %w", name, err)
	}

	roles := func(rs []Reader) []any {
		out := make([]any, len(rs))
		for i, r := range rs {
			out[i] = r.RoleArn
		}
		return out
	}
	nr := len(args.Readers)
	inputs := append([]any{bucket.Arn, args.S3EndpointID}, append(roles(args.Readers), roles(args.Writers)...)...)
	policy := pulumi.All(inputs...).ApplyT(func(xs []any) (string, error) {
		strs := make([]string, len(xs))
		for i, x := range xs {
			strs[i] = x.(string)
		}
		return bucketpolicy.DataBucketPolicy(strs[0], strs[2:2+nr], strs[2+nr:], strs[1]).JSON()
	}).(pulumi.StringOutput)
	if _, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: policy}, pulumi.Parent(b), pulumi.Protect(args.Protect)); err != nil {
		return nil, fmt.Errorf("creating policy of bucket %s: %w", name, err)
	}

	b.BucketName, b.Arn = bucket.Bucket, bucket.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"bucketName": b.BucketName, "arn": b.Arn}); err != nil {
		return nil, fmt.Errorf("registering bucket %s outputs: %w", name, err)
	}
	return b, nil
}

// newPrivateBucket creates a bucket with every public access block, ACLs disabled, versioning
// and a lifecycle that cleans up, the parts every bucket of this program shares. With protect,
// the bucket and each of those guards are protected alike, so that no destroy order can leave a
// kept bucket public, ACL-governed or unversioned.
// It returns the bucket and its versioning configuration.
func newPrivateBucket(ctx *pulumi.Context, parent pulumi.Resource, name string, scope stack.Scope, tags map[string]string, extraRules ...s3.BucketLifecycleConfigurationV2RuleInput) (*s3.BucketV2, *s3.BucketVersioningV2, error) {
	protect := scope.Protect
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		BucketPrefix: pulumi.String(naming.BucketPrefix(name, scope.Stack)),
		ForceDestroy: pulumi.Bool(false),
		Tags:         pulumi.ToStringMap(scope.Tags(name, tags)),
	}, pulumi.Parent(parent), pulumi.Protect(protect))
	if err != nil {
		return nil, nil, fmt.Errorf("creating bucket %s: %w", name, err)
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, pulumi.Parent(parent), pulumi.Protect(protect)); err != nil {
		return nil, nil, fmt.Errorf("blocking public access to bucket %s: %w", name, err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, pulumi.Parent(parent), pulumi.Protect(protect)); err != nil {
		return nil, nil, fmt.Errorf("disabling ACLs of bucket %s: %w", name, err)
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, pulumi.Parent(parent), pulumi.Protect(protect))
	if err != nil {
		return nil, nil, fmt.Errorf("versioning bucket %s: %w", name, err)
	}
	rules := s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:                             pulumi.String("clean-up"),
		Status:                         pulumi.String("Enabled"),
		Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(abortMultipartDays)},
		NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(noncurrentVersionsDays)},
	}}
	rules = append(rules, extraRules...)
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  rules,
	}, pulumi.Parent(parent), pulumi.Protect(protect)); err != nil {
		return nil, nil, fmt.Errorf("setting lifecycle of bucket %s: %w", name, err)
	}
	return bucket, versioning, nil
}

// encryptBucket sets a bucket's default encryption: SSE-KMS with the given key and a bucket key
// (which cuts KMS calls, and cost, by ~99% without weakening the encryption), or SSE-S3 when key
// is nil.
func encryptBucket(ctx *pulumi.Context, parent pulumi.Resource, name string, bucket *s3.BucketV2, key pulumi.StringInput, protect bool) error {
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm: pulumi.String("AES256"),
		},
	}
	if key != nil {
		rule.ApplyServerSideEncryptionByDefault = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: key,
		}
		rule.BucketKeyEnabled = pulumi.Bool(true)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, pulumi.Parent(parent), pulumi.Protect(protect)); err != nil {
		return fmt.Errorf("encrypting bucket %s: %w", name, err)
	}
	return nil
}
