package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestParseImage(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		image string
		want  query.ImageRef
		ok    bool
	}{
		{"nginx:1.27", query.ImageRef{Registry: "docker.io", Repository: "nginx", Tag: "1.27"}, true},
		{"localhost:5000/app@" + digest, query.ImageRef{Registry: "localhost:5000", Repository: "app", Digest: digest}, true},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/users:2.0.1", query.ImageRef{Registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", Repository: "secure-vpc-dev/users", Tag: "2.0.1"}, true},
		{"ghcr.io/x/y:1@" + digest, query.ImageRef{Registry: "ghcr.io", Repository: "x/y", Tag: "1", Digest: digest}, true},
		{"ghcr.io/x/y", query.ImageRef{Registry: "ghcr.io", Repository: "x/y"}, false},
		{"ghcr.io/x/y@sha256:short", query.ImageRef{Registry: "ghcr.io", Digest: "sha256:short"}, false},
		{"", query.ImageRef{Registry: "docker.io"}, false},
	} {
		got, ok := query.ParseImage(tc.image)
		assert.Equal(t, tc.ok, ok, tc.image)
		if ok {
			assert.Equal(t, tc.want, got, tc.image)
		}
	}
}

// Every task of the committed dev stack runs from a repository of the stack.
func TestTaskImagesOfDev(t *testing.T) {
	ix := query.NewIndex(fixtures.Plan(t, "dev"))
	images := ix.TaskImages()
	assert.Len(t, images, 5)
	for _, ti := range images {
		if assert.NotNil(t, ti.Repository, ti.Image) {
			assert.True(t, ti.Repository.Immutable)
			assert.True(t, ti.Repository.ScanOnPush)
			assert.NotNil(t, ti.Repository.Policy)
			assert.NotNil(t, ti.Repository.Lifecycle)
		}
	}
	assert.Empty(t, ix.EnhancedScanning(), "dev turns no enhanced scanning on")
	assert.True(t, query.ScannedByEnhanced([]string{"*"}, "secure-vpc-dev/users"), "* matches across /")
	assert.True(t, query.ScannedByEnhanced([]string{"secure-vpc-dev/*"}, "secure-vpc-dev/users"))
	assert.False(t, query.ScannedByEnhanced([]string{"secure-vpc-prod/*"}, "secure-vpc-dev/users"))
}

// An export whose repositories carry no repositoryUrl (a provider that leaves it out) still
// places each image in its repository, by the URI ECR gives it (registry id, else the ARN's
// account, and the ARN's region); with neither, the image is in no repository of the stack.
func TestRepositoryURLWithoutTheOutput(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	for i := range e.Deployment.Resources {
		if r := &e.Deployment.Resources[i]; r.Type == contract.TypeECRRepository {
			delete(r.Outputs, "repositoryUrl")
			delete(r.Outputs, "registryId")
		}
	}
	for _, ti := range query.NewIndex(e).TaskImages() {
		assert.NotNil(t, ti.Repository, "%s is placed by the ARN's account and region", ti.Image)
	}
	for i := range e.Deployment.Resources {
		if r := &e.Deployment.Resources[i]; r.Type == contract.TypeECRRepository {
			delete(r.Outputs, "arn")
		}
	}
	for _, ti := range query.NewIndex(e).TaskImages() {
		assert.Nil(t, ti.Repository, "%s: no URL, no ARN: not placed", ti.Image)
	}
}
