package awslimits

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEgressCovers(t *testing.T) {
	for _, tc := range []struct {
		dest, host string
		want       bool
	}{
		{"auth.docker.io", "auth.docker.io", true},
		{"*.docker.io", "auth.docker.io", true},
		{"*.docker.io", "docker.io", false},
		{"*.docker.io", "evildocker.io", false},
		{"*.docker.io", "a.b.docker.io", true},
		{"api.docker.io", "auth.docker.io", false},
		{"auth.docker.io.", "auth.docker.io", true},
	} {
		assert.Equal(t, tc.want, EgressCovers(tc.dest, tc.host), "%s covers %s", tc.dest, tc.host)
	}
}

func TestRegistryPullHosts(t *testing.T) {
	assert.Equal(t, DockerHubPullHosts, RegistryPullHosts("docker.io"))
	assert.Equal(t, DockerHubPullHosts, RegistryPullHosts("registry-1.docker.io"))
	assert.Equal(t, []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com", "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"},
		RegistryPullHosts("123456789012.dkr.ecr.us-east-1.amazonaws.com"))
	assert.Equal(t, []string{"ghcr.io"}, RegistryPullHosts("ghcr.io"))
	for _, h := range DockerHubPullHosts {
		assert.Empty(t, EgressNameProblem(h), "%s is a destination the loader accepts", h)
	}
}

func TestECRNames(t *testing.T) {
	assert.True(t, ECRRepositoryName.MatchString("secure-vpc-dev/users"))
	assert.False(t, ECRRepositoryName.MatchString("Secure/users"))
	assert.False(t, ECRRepositoryName.MatchString("a//b"))
	assert.True(t, ECRImageTag.MatchString("1.4.2"))
	assert.False(t, ECRImageTag.MatchString("-x"))
	assert.True(t, ImageDigest.MatchString("sha256:"+"ab"+"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"))
	assert.False(t, ImageDigest.MatchString("sha256:ab"))
}

// The registry host the program writes is the one it parses: ECRPrivateRegistry reads the region
// back from ECRRegistryHost.
func TestECRRegistryHostIsWhatItParses(t *testing.T) {
	m := ECRPrivateRegistry.FindStringSubmatch(ECRRegistryHost("123456789012", "eu-west-1"))
	if assert.NotNil(t, m) {
		assert.Equal(t, "eu-west-1", m[1])
	}
	assert.Nil(t, ECRPrivateRegistry.FindStringSubmatch(ECRRegistryHost("1234", "eu-west-1")), "an account id is 12 digits")
}
