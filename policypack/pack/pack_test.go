package pack_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/policypack/pack"
)

// The engine loads the pack as the Go language host's: PulumiPolicy.yaml names the go runtime,
// and its version is the pack's.
func TestPulumiPolicyYAML(t *testing.T) {
	proj, err := workspace.LoadPolicyPack("../PulumiPolicy.yaml")
	require.NoError(t, err)
	assert.Equal(t, "go", proj.Runtime.Name())
	assert.Equal(t, pack.Version.String(), proj.Version)
}

// The first-update config sets every policy advisory, and only that.
func TestFirstUpdateConfig(t *testing.T) {
	data, err := os.ReadFile("../first-update.json")
	require.NoError(t, err)
	var cfg map[string]string
	require.NoError(t, json.Unmarshal(data, &cfg))
	assert.Equal(t, map[string]string{"all": "advisory"}, cfg)
}
