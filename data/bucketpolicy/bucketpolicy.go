// Package bucketpolicy writes the S3 bucket policies of the stack as data, with no cloud SDK:
// TLS 1.2+ only on every bucket, data buckets readable and writable by exactly their configured
// services, and the access-log bucket writable only by log delivery for this account.
// data.Bucket and data.LogBucket attach them; the config loader sizes them against S3's limit.
package bucketpolicy

import (
	"fmt"
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Object-level actions, split by what readers and writers may do.
var (
	readActions  = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTagging"}
	writeActions = []string{"s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"}
)

// DataBucketPolicy refuses plaintext and old TLS, lets the readers read and the writers write,
// and denies reading or writing objects to every other principal, whatever its IAM policies say.
func DataBucketPolicy(bucketArn string, readers, writers []string) policydoc.Document {
	objects := bucketArn + "/*"
	statements := TLSOnlyStatements(bucketArn)
	only := func(sid string, actions, roles []string) {
		if len(roles) == 0 {
			statements = append(statements, policydoc.Statement{
				Sid: sid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: actions, Resource: []string{objects},
			})
			return
		}
		sorted := slices.Sorted(slices.Values(roles))
		statements = append(statements,
			policydoc.Statement{Sid: sid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: actions, Resource: []string{objects},
				Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": sorted}}},
		)
	}
	only("DenyReadsButReaders", readActions, readers)
	only("DenyWritesButWriters", writeActions, writers)
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

// LogBucketPolicy admits only log delivery for this account: Elastic Load Balancing under
// alb/AWSLogs/<account>/ and S3 server access logging under s3/; and only over TLS.
func LogBucketPolicy(bucketArn, accountID, elbAccountArn string) policydoc.Document {
	albLogs := fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketArn, contract.ALBAccessLogPrefix, accountID)
	statements := append(TLSOnlyStatements(bucketArn),
		policydoc.Statement{
			Sid: "LoadBalancersDeliverAccessLogs", Effect: policydoc.Allow,
			Principal: policydoc.ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com"),
			Action:    []string{"s3:PutObject"}, Resource: []string{albLogs},
		},
		policydoc.Statement{
			Sid: "S3DeliversServerAccessLogs", Effect: policydoc.Allow,
			Principal: policydoc.ServicePrincipal("logging.s3.amazonaws.com"),
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
