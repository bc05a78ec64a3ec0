package bucketpolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

const bucketArn = "arn:aws:s3:::user-uploads-dev-00000000000000000000000001"

func TestDataBucketPolicy(t *testing.T) {
	reader := "arn:aws:iam::123456789012:role/web-bff-task-role-1234567"
	writer := "arn:aws:iam::123456789012:role/users-task-role-1234567"
	const endpoint = "vpce-0123456789abcdef0"
	text, err := DataBucketPolicy(bucketArn, []string{reader}, []string{writer}, endpoint).JSON()
	require.NoError(t, err)
	doc, err := policydoc.Parse(text)
	require.NoError(t, err)
	bySid := map[string]policydoc.Statement{}
	for _, st := range doc.Statement {
		bySid[st.Sid] = st
	}

	plaintext := bySid["DenyPlaintext"]
	assert.Equal(t, policydoc.Deny, plaintext.Effect)
	assert.Equal(t, "false", plaintext.Condition["Bool"]["aws:SecureTransport"])
	assert.ElementsMatch(t, []string{bucketArn, bucketArn + "/*"}, plaintext.Resource)
	assert.Equal(t, "1.2", bySid["DenyTLSOlderThan12"].Condition["NumericLessThan"]["s3:TlsVersion"])

	reads := bySid["DenyReadsButReaders"]
	assert.Equal(t, []any{reader}, reads.Condition["ArnNotEquals"]["aws:PrincipalArn"], "everyone but the reader is denied reads")
	writes := bySid["DenyWritesButWriters"]
	assert.Equal(t, []any{writer}, writes.Condition["ArnNotEquals"]["aws:PrincipalArn"])
	for _, a := range awslimits.S3ObjectReadActions {
		assert.True(t, reads.Covers(a), "reads deny %s by wildcard", a)
		assert.False(t, writes.Covers(a), "%s is a read, not a write", a)
	}
	for _, a := range awslimits.S3ObjectWriteActions {
		assert.True(t, writes.Covers(a), "writes deny %s by wildcard", a)
		assert.False(t, reads.Covers(a), "%s is a write, not a read", a)
	}
	assert.False(t, writes.Covers("s3:PutBucketPolicy"), "bucket-level actions stay the deploying identity's")
	assert.Equal(t, []string{bucketArn + "/*"}, writes.Resource)

	versions := bySid["DenyDestroyingVersions"]
	assert.Empty(t, versions.Condition, "no principal may destroy a version, writers included")
	assert.Equal(t, "*", versions.Principal)
	for _, a := range awslimits.S3VersionDestroyActions {
		assert.True(t, versions.Covers(a), a)
		assert.False(t, bySid["WritersWrite"].Covers(a), "writers are not granted %s", a)
	}
	assert.True(t, bySid["WritersWrite"].Covers("s3:DeleteObject"), "a writer may still delete an object: a delete marker, the versions stay")

	outside := bySid["DenyTaskRolesOutsideTheS3Endpoint"]
	assert.Equal(t, []string{"s3:*"}, outside.Action)
	assert.ElementsMatch(t, []string{bucketArn, bucketArn + "/*"}, outside.Resource)
	assert.Equal(t, []any{writer, reader}, outside.Condition["ArnEquals"]["aws:PrincipalArn"], "only the task roles are held to the endpoint")
	assert.Equal(t, endpoint, outside.Condition["StringNotEquals"]["aws:SourceVpce"])

	assert.NotContains(t, bySid["ReadersRead"].Action, "s3:PutObject", "readers cannot write")
	assert.Equal(t, []string{reader}, bySid["ReadersRead"].Principals()["AWS"])
	assert.Equal(t, []string{writer}, bySid["WritersWrite"].Principals()["AWS"])

	noReaders, err := DataBucketPolicy(bucketArn, nil, []string{writer}, endpoint).JSON()
	require.NoError(t, err)
	doc, err = policydoc.Parse(noReaders)
	require.NoError(t, err)
	for _, st := range doc.Statement {
		if st.Sid == "DenyReadsButReaders" {
			assert.Empty(t, st.Condition, "with no readers, reads are denied to everyone")
		}
		assert.NotEqual(t, "ReadersRead", st.Sid)
	}
}

func TestLogBucketPolicy(t *testing.T) {
	doc := LogBucketPolicy(bucketArn, "123456789012", "arn:aws:iam::156460612806:root")
	var delivery []policydoc.Statement
	bySid := map[string]policydoc.Statement{}
	for _, st := range doc.Statement {
		bySid[st.Sid] = st
		if st.Effect == policydoc.Allow {
			delivery = append(delivery, st)
			assert.Equal(t, []string{"s3:PutObject"}, st.Action, "%s only writes logs", st.Sid)
		}
	}
	require.Len(t, delivery, 3)
	assert.Equal(t, []string{bucketArn + "/alb/AWSLogs/123456789012/*"}, delivery[0].Resource, "ALB logs only under this account's prefix")
	assert.Equal(t, "123456789012", delivery[1].Condition["StringEquals"]["aws:SourceAccount"], "S3 logging only for this account's buckets")

	writes := bySid["DenyWritesButLogDelivery"]
	assert.Equal(t, "*", writes.Principal)
	assert.Equal(t, map[string]map[string]any{"StringNotEquals": {
		"aws:PrincipalServiceName": []string{"logdelivery.elasticloadbalancing.amazonaws.com", "logging.s3.amazonaws.com"},
		"aws:PrincipalAccount":     "156460612806",
	}}, writes.Condition, "every in-account principal is denied; the delivery services and the ELB account are not")
	for _, a := range awslimits.S3ObjectWriteActions {
		assert.True(t, writes.Covers(a), a)
	}
	deletes := bySid["DenyDeletingLogs"]
	assert.Empty(t, deletes.Condition, "no one deletes a log: only the lifecycle expires them")
	assert.True(t, deletes.Covers("s3:DeleteObject") && deletes.Covers("s3:DeleteObjectVersion"))
	assert.Empty(t, bySid["DenyDestroyingVersions"].Condition)

	newer := LogBucketPolicy(bucketArn, "123456789012", "")
	assert.Len(t, newer.Statement, 7, "newer regions have no ELB account statement")
	for _, st := range newer.Statement {
		if st.Sid == "DenyWritesButLogDelivery" {
			assert.NotContains(t, st.Condition["StringNotEquals"], "aws:PrincipalAccount", "no foreign account is spared")
		}
	}
}
