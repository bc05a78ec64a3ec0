package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// withoutPCAEndpoint drops the acm-pca interface endpoint from a plan, reporting whether it had one.
func withoutPCAEndpoint(e *stackstate.Export) bool {
	kept, dropped := e.Deployment.Resources[:0], false
	for _, r := range e.Deployment.Resources {
		if r.Type == contract.TypeVpcEndpoint && strings.HasSuffix(r.Inputs["serviceName"].(string), "."+contract.PrivateCAEndpoint) {
			dropped = true
			continue
		}
		kept = append(kept, r)
	}
	e.Deployment.Resources = kept
	return dropped
}

// With AWS Private CA, tasks obtain their certificates from it at start, through the acm-pca
// endpoint: NET-07 wants it in the VPC then, and only then.
func TestPrivateCAEndpointIsRequiredWithAPrivateCA(t *testing.T) {
	e := privateCAPlan(t)
	assert.Empty(t, findingOf(t, e, "NET-07"), "the option's plan has its endpoint")
	require.True(t, withoutPCAEndpoint(e), "the option's plan has an acm-pca endpoint to remove")
	fs := findingOf(t, e, "NET-07")
	require.Len(t, fs, 1)
	assert.Equal(t, find(e, func(r *stackstate.Resource) bool { return r.Type == contract.TypeVpc }).URN, fs[0].URN)
	assert.Contains(t, fs[0].Message, "has no acm-pca interface endpoint, but the stack has 1 AWS Private CA(s)")

	dev := devPlan(t)
	assert.False(t, withoutPCAEndpoint(dev), "dev (pulumi-tls) has no acm-pca endpoint")
	assert.Empty(t, findingOf(t, dev, "NET-07"), "and needs none")
}
