package awslimits

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointExceptions(t *testing.T) {
	assert.Equal(t, "prod-eu-west-1-starport-layer-bucket", ECRLayerBucket("eu-west-1"))
	for _, e := range EndpointExceptions {
		assert.NotEmpty(t, e.Actions, e.Sid)
		assert.Contains(t, e.Source, "https://docs.aws.amazon.com/", e.Sid)
		assert.NotEmpty(t, e.Why, e.Sid)
		for _, r := range e.ResourcesIn("eu-west-1") {
			assert.NotContains(t, r, "{region}")
			if r != "*" {
				assert.Equal(t, 1, strings.Count(r, "*"), "only the object key is a wildcard, never the bucket name: %s", r)
				assert.True(t, strings.HasSuffix(r, "/*"), r)
			}
		}
	}

	layers := EndpointExceptionFor("s3", []string{"s3:GetObject"})
	require.NotNil(t, layers)
	assert.Equal(t, []string{"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"}, layers.ResourcesIn("us-east-1"))
	assert.False(t, layers.CallerIsThisAccount, "ECR signs the layer URLs itself")
	assert.Nil(t, EndpointExceptionFor("s3", []string{"s3:GetObject", "s3:PutObject"}), "writes to AWS's bucket are no exception")
	assert.Nil(t, EndpointExceptionFor("logs", []string{"s3:GetObject"}), "an exception is for its own endpoint")
	assert.Nil(t, EndpointExceptionFor("s3", nil))
	token := EndpointExceptionFor("ecr.api", []string{"ecr:GetAuthorizationToken"})
	require.NotNil(t, token)
	assert.True(t, token.CallerIsThisAccount)
	assert.Empty(t, EndpointExceptionsOf("sts"))
}
