package awslimits

// The S3 actions on the object resource type (arn:aws:s3:::<bucket>/<key>) that read an object
// or change it, from the Service Authorization Reference for Amazon S3,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html (the
// "object*" resource type). The bucket policies deny them by wildcard; the audit checks that every
// action listed here falls under such a Deny, so a pattern that misses one is caught. Bucket-level
// actions (s3:ListBucket, s3:PutBucket*) are not object actions: the deploying identity needs
// them, and HeadBucket is authorised as s3:ListBucket.
var (
	// S3ObjectReadActions read an object's data, metadata, tags, ACL, lock state or parts.
	S3ObjectReadActions = []string{
		"s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectAttributes", "s3:GetObjectLegalHold", "s3:GetObjectRetention",
		"s3:GetObjectTagging", "s3:GetObjectTorrent", "s3:GetObjectVersion", "s3:GetObjectVersionAcl",
		"s3:GetObjectVersionAttributes", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging",
		"s3:GetObjectVersionTorrent", "s3:ListMultipartUploadParts",
	}
	// S3ObjectWriteActions create, overwrite, delete, restore, replicate or re-tag an object, or
	// change its ACL, owner or lock state.
	S3ObjectWriteActions = []string{
		"s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging",
		"s3:PutObjectVersionAcl", "s3:PutObjectVersionTagging",
		"s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersion", "s3:DeleteObjectVersionTagging",
		"s3:AbortMultipartUpload", "s3:RestoreObject", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
		"s3:InitiateReplication", "s3:ObjectOwnerOverrideToBucketOwner", "s3:BypassGovernanceRetention",
	}
	// S3VersionDestroyActions can make a version of an object disappear, or be made to: delete a
	// version for good, shorten or lift its retention or legal hold, or bypass governance-mode
	// retention (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-permissions).
	S3VersionDestroyActions = []string{"s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"}
)
