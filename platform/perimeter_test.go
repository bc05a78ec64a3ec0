package platform_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
)

// The VPC endpoints admit only this account's ECR repositories (aws:ResourceAccount), and ECR of
// the stack's region is always reached through them: an image in another account's registry of
// that region is a config error before anything is registered; one of this account's deploys.
func TestImageOfAnotherAccountsRegistryRegistersNothing(t *testing.T) {
	t.Parallel()
	src := testkit.Source(t, "dev")
	src.Values["secure-vpc:services"] = strings.Replace(src.Values["secure-vpc:services"],
		`"imageTag":"3.2.0"`, `"image":"210987654321.dkr.ecr.eu-west-1.amazonaws.com/orders:3.2.0"`, 1)
	cloud, err := testkit.Run(t, src)
	var cfgErr *platform.ConfigError
	require.True(t, errors.As(err, &cfgErr), "want a config error, got %v", err)
	require.Len(t, cfgErr.Problems, 1)
	assert.Equal(t, "secure-vpc:services.orders.image", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "push the image to 123456789012.dkr.ecr.eu-west-1.amazonaws.com")
	for _, r := range cloud.Records() {
		assert.False(t, r.Custom, "config errors must come before any resource: %s was registered", r.URN)
	}

	_, err = testkit.Run(t, testkit.Source(t, "dev"))
	assert.NoError(t, err, "images of this account's registry deploy")
}
