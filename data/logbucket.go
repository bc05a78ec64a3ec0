package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/data/bucketpolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// LogBucketArgs configures the access-log bucket.
type LogBucketArgs struct {
	// Scope is the stack the bucket belongs to; all of it is required (the account scopes the
	// delivery statements). Protect keeps the bucket and its guards from deletion.
	stack.Scope
	// ELBAccountArn is the regional Elastic Load Balancing account of regions older than August
	// 2022. Optional: "" in newer regions, which only know the log-delivery service principal.
	ELBAccountArn string
	// RetentionDays is how long logs are kept, in days, at least 1. Required.
	RetentionDays int
}

// LogBucket receives the load balancers' access logs and the data buckets' S3 access logs.
type LogBucket struct {
	pulumi.ResourceState

	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	Arn        pulumi.StringOutput `pulumi:"arn"`
	// Policy is the bucket policy; load balancers must wait for it before logging.
	Policy *s3.BucketPolicy
}

// NewLogBucket creates the access-log bucket. It is the documented exception to "every store
// uses a customer key": ALB access logs and S3 server access logs can only be delivered to SSE-S3
// (AES256) buckets. Everything else holds: no public access, ACLs disabled, versioning, TLS only.
func NewLogBucket(ctx *pulumi.Context, name string, args *LogBucketArgs, opts ...pulumi.ResourceOption) (*LogBucket, error) {
	if args == nil || args.RetentionDays < 1 {
		return nil, fmt.Errorf("log bucket: retention is required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("log bucket: %w", err)
	}
	lb := &LogBucket{}
	if err := ctx.RegisterComponentResource(contract.TypeLogBucket, name, lb, opts...); err != nil {
		return nil, fmt.Errorf("registering log bucket: %w", err)
	}
	expire := &s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:         pulumi.String("expire-logs"),
		Status:     pulumi.String("Enabled"),
		Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.RetentionDays)},
	}
	bucket, _, err := newPrivateBucket(ctx, lb, name, args.Scope, map[string]string{contract.PurposeTag: string(contract.AccessLogsPurpose)}, expire)
	if err != nil {
		return nil, err
	}
	if err := encryptBucket(ctx, lb, name, bucket, nil, args.Protect); err != nil {
		return nil, err
	}
	policy := bucket.Arn.ApplyT(func(arn string) (string, error) {
		return bucketpolicy.LogBucketPolicy(arn, args.AccountID, args.ELBAccountArn).JSON()
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{Bucket: bucket.ID(), Policy: policy}, pulumi.Parent(lb), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating log bucket policy: %w", err)
	}
	lb.BucketName, lb.Arn, lb.Policy = bucket.Bucket, bucket.Arn, bp
	if err := ctx.RegisterResourceOutputs(lb, pulumi.Map{"bucketName": lb.BucketName, "arn": lb.Arn}); err != nil {
		return nil, fmt.Errorf("registering log bucket outputs: %w", err)
	}
	return lb, nil
}
