// Package bucketpolicy writes the S3 bucket policies of the stack as data, with no cloud SDK:
// TLS 1.2+ only on every bucket; data buckets readable and writable by exactly their configured
// services, only through the stack's S3 gateway endpoint, with no version ever destroyed; and the
// access-log bucket writable only by log delivery for this account, with no log deleted.
// data.Bucket and data.LogBucket attach them; the config loader sizes them against S3's limit.
package bucketpolicy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// What readers and writers are granted: the object actions their task roles' IAM policies use
// (compute/rolepolicy). Writers may delete an object (a delete marker, with its versions kept) but
// never a version.
var (
	readActions  = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTagging"}
	writeActions = []string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload"}
)

// What the Deny statements name, by wildcard so that an action S3 adds under the same prefix is
// denied too: every object action of the Service Authorization Reference that reads an object, or
// changes one (awslimits.S3ObjectReadActions, S3ObjectWriteActions;
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
var (
	// ReadPatterns read objects: their data, versions, tags, ACLs, lock state, parts.
	ReadPatterns = []string{"s3:GetObject*", "s3:ListMultipartUploadParts"}
	// WritePatterns create, overwrite, delete, restore, replicate or re-tag objects, or change
	// their ACLs, owner or lock state.
	WritePatterns = []string{"s3:PutObject*", "s3:DeleteObject*", "s3:AbortMultipartUpload", "s3:RestoreObject", "s3:Replicate*",
		"s3:InitiateReplication", "s3:ObjectOwnerOverrideToBucketOwner", "s3:BypassGovernanceRetention"}
	// VersionDestroyers make an object version disappear for good, or can be made to (a shortened
	// retention, a lifted legal hold, bypassing governance mode): denied to every principal
	// (awslimits.S3VersionDestroyActions). Lifecycle expiration is not a request, and no bucket
	// policy applies to it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-managing-lifecycle).
	VersionDestroyers = []string{"s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention"}
)

// DataBucketPolicy is a data bucket's policy: TLS 1.2+ only; reading objects denied to every
// principal but the readers and changing them to every principal but the writers, by wildcard and
// whatever their IAM policies say (within an account an IAM Allow alone would do); destroying a
// version denied to every principal; and the readers and writers (task roles) denied everything
// on the bucket outside the stack's S3 gateway endpoint s3EndpointID (vpce-...; the aws:SourceVpce
// key, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce),
// so that stolen task credentials are useless elsewhere. Only the task roles get the endpoint
// condition: the deploying identity works from outside the VPC and never touches objects. Readers
// and writers are role ARNs; with none of one kind, that access is denied to everyone.
func DataBucketPolicy(bucketArn string, readers, writers []string, s3EndpointID string) policydoc.Document {
	objects := bucketArn + "/*"
	statements := TLSOnlyStatements(bucketArn)
	only := func(sid string, actions, roles []string) {
		st := policydoc.Statement{Sid: sid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: actions, Resource: []string{objects}}
		if len(roles) > 0 {
			st.Condition = map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": slices.Sorted(slices.Values(roles))}}
		}
		statements = append(statements, st)
	}
	only("DenyReadsButReaders", ReadPatterns, readers)
	only("DenyWritesButWriters", WritePatterns, writers)
	statements = append(statements, DenyDestroyingVersions(objects))
	taskRoles := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(readers), writers...))))
	statements = append(statements, policydoc.Statement{
		Sid: "DenyTaskRolesOutsideTheS3Endpoint", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal,
		Action: []string{"s3:*"}, Resource: []string{bucketArn, objects},
		Condition: map[string]map[string]any{
			"ArnEquals":       {"aws:PrincipalArn": taskRoles},
			"StringNotEquals": {"aws:SourceVpce": s3EndpointID},
		},
	})
	if len(readers) > 0 {
		statements = append(statements, policydoc.Statement{Sid: "ReadersRead", Effect: policydoc.Allow,
			Principal: map[string]any{"AWS": slices.Sorted(slices.Values(readers))}, Action: readActions, Resource: []string{objects}})
	}
	if len(writers) > 0 {
		statements = append(statements, policydoc.Statement{Sid: "WritersWrite", Effect: policydoc.Allow,
			Principal: map[string]any{"AWS": slices.Sorted(slices.Values(writers))}, Action: writeActions, Resource: []string{objects}})
	}
	return policydoc.New(statements...)
}

// DenyDestroyingVersions denies every principal, whatever its IAM policies, what would make an
// object version under objects (an ARN pattern, <bucket-arn>/*) disappear: VersionDestroyers.
// Lifting it takes a change of the bucket policy (s3:PutBucketPolicy, a management event
// CloudTrail records).
func DenyDestroyingVersions(objects string) policydoc.Statement {
	return policydoc.Statement{Sid: "DenyDestroyingVersions", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal,
		Action: VersionDestroyers, Resource: []string{objects}}
}

// TLSOnlyStatements deny every request to a bucket that is not over TLS 1.2 or later
// (Security Hub S3.5).
func TLSOnlyStatements(bucketArn string) []policydoc.Statement {
	resources := []string{bucketArn, bucketArn + "/*"}
	return []policydoc.Statement{
		{Sid: "DenyPlaintext", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: []string{"s3:*"}, Resource: resources,
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}},
		{Sid: "DenyTLSOlderThan12", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: []string{"s3:*"}, Resource: resources,
			Condition: map[string]map[string]any{"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
	}
}

// The services that deliver logs to the access-log bucket: Elastic Load Balancing (regions
// opened since August 2022, and every region's log-delivery principal) and S3 server access
// logging.
const (
	elbLogDelivery = "logdelivery.elasticloadbalancing.amazonaws.com"
	s3LogDelivery  = "logging.s3.amazonaws.com"
)

// LogBucketPolicy admits only log delivery for this account: Elastic Load Balancing under
// alb/AWSLogs/<account>/ and S3 server access logging under s3/; and only over TLS. It denies
// changing any object to every principal but those delivery services (by aws:PrincipalServiceName)
// and the regional Elastic Load Balancing account (by aws:PrincipalAccount), and deleting any
// object or version to every principal: logs leave only by the lifecycle's expiry. (Object Lock
// is not an option: S3 refuses a bucket with Object Lock as a server access log target,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html.) The
// condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
func LogBucketPolicy(bucketArn, accountID, elbAccountArn string) policydoc.Document {
	albLogs := fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketArn, contract.ALBAccessLogPrefix, accountID)
	objects := bucketArn + "/*"
	spared := map[string]any{"aws:PrincipalServiceName": []string{elbLogDelivery, s3LogDelivery}}
	if elbAccountArn != "" {
		spared["aws:PrincipalAccount"] = accountOf(elbAccountArn)
	}
	statements := append(TLSOnlyStatements(bucketArn),
		policydoc.Statement{Sid: "DenyWritesButLogDelivery", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal,
			Action: WritePatterns, Resource: []string{objects}, Condition: map[string]map[string]any{"StringNotEquals": spared}},
		policydoc.Statement{Sid: "DenyDeletingLogs", Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal,
			Action: []string{"s3:DeleteObject*"}, Resource: []string{objects}},
		DenyDestroyingVersions(objects),
		policydoc.Statement{
			Sid: "LoadBalancersDeliverAccessLogs", Effect: policydoc.Allow,
			Principal: policydoc.ServicePrincipal(elbLogDelivery),
			Action:    []string{"s3:PutObject"}, Resource: []string{albLogs},
		},
		policydoc.Statement{
			Sid: "S3DeliversServerAccessLogs", Effect: policydoc.Allow,
			Principal: policydoc.ServicePrincipal(s3LogDelivery),
			Action:    []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/%s/*", bucketArn, contract.S3AccessLogPrefix)},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": accountID}},
		},
	)
	if elbAccountArn != "" {
		statements = append(statements, policydoc.Statement{
			Sid: "RegionalLoadBalancingAccountDeliversAccessLogs", Effect: policydoc.Allow,
			Principal: policydoc.AWSPrincipal(elbAccountArn),
			Action:    []string{"s3:PutObject"}, Resource: []string{albLogs},
		})
	}
	return policydoc.New(statements...)
}

// accountOf is the account id of an IAM ARN (arn:aws:iam::<account>:root), or the ARN itself when
// it has no account field.
func accountOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 4 && parts[4] != "" {
		return parts[4]
	}
	return arn
}
