package bucketpolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

const bucketArn = "arn:aws:s3:::user-uploads-dev-00000000000000000000000001"

func TestDataBucketPolicy(t *testing.T) {
	reader := "arn:aws:iam::123456789012:role/web-bff-task-role-1234567"
	writer := "arn:aws:iam::123456789012:role/users-task-role-1234567"
	text, err := DataBucketPolicy(bucketArn, []string{reader}, []string{writer}).JSON()
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
	assert.Contains(t, reads.Action, "s3:GetObject")
	writes := bySid["DenyWritesButWriters"]
	assert.Equal(t, []any{writer}, writes.Condition["ArnNotEquals"]["aws:PrincipalArn"])
	assert.Contains(t, writes.Action, "s3:PutObject")
	assert.NotContains(t, bySid["ReadersRead"].Action, "s3:PutObject", "readers cannot write")
	assert.Equal(t, []string{reader}, bySid["ReadersRead"].Principals()["AWS"])
	assert.Equal(t, []string{writer}, bySid["WritersWrite"].Principals()["AWS"])

	noReaders, err := DataBucketPolicy(bucketArn, nil, []string{writer}).JSON()
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
	for _, st := range doc.Statement {
		if st.Effect == policydoc.Allow {
			delivery = append(delivery, st)
			assert.Equal(t, []string{"s3:PutObject"}, st.Action, "%s only writes logs", st.Sid)
		}
	}
	require.Len(t, delivery, 3)
	assert.Equal(t, []string{bucketArn + "/alb/AWSLogs/123456789012/*"}, delivery[0].Resource, "ALB logs only under this account's prefix")
	assert.Equal(t, "123456789012", delivery[1].Condition["StringEquals"]["aws:SourceAccount"], "S3 logging only for this account's buckets")
	assert.Len(t, LogBucketPolicy(bucketArn, "123456789012", "").Statement, 4, "newer regions have no ELB account statement")
}
