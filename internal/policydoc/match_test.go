package policydoc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestActionMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{
		{"s3:GetObject", "s3:GetObject", true},
		{"s3:getobject", "S3:GetObject", true},
		{"s3:GetObject*", "s3:GetObjectVersionTagging", true},
		{"s3:GetObject*", "s3:GetBucketPolicy", false},
		{"s3:*", "s3:DeleteObjectVersion", true},
		{"*", "kms:Decrypt", true},
		{"s3:*Object", "s3:PutObject", true},
		{"s3:*Object", "s3:PutObjectAcl", false},
		{"s3:Replicate*", "s3:ReplicateDelete", true},
		{"s3:Put?bject", "s3:PutObject", true},
		{"s3:GetObject", "s3:GetObjectAcl", false},
		{"kms:*", "s3:GetObject", false},
		{"s3:*Object*Tag*", "s3:DeleteObjectVersionTagging", true},
	} {
		assert.Equal(t, c.want, ActionMatches(c.pattern, c.action), "%s ~ %s", c.pattern, c.action)
	}
}
