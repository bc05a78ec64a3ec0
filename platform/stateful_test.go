package platform_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files (stateful resources, recorded plans)")

// statefulTypes are the resources whose replacement or deletion loses data or access to it.
var statefulTypes = map[string]bool{
	contract.TypeKMSKey:                  true,
	contract.TypeDBInstance:              true,
	contract.TypeBucket:                  true,
	contract.TypeCache:                   true,
	contract.TypeLogGroup:                true,
	contract.TypePCACertificateAuthority: true, // with vault.certificateAuthority: aws-private-ca
}

// stateful maps each stateful resource's URN to its inputs.
func stateful(t *testing.T, e *stackstate.Export) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, r := range e.Deployment.Resources {
		if statefulTypes[r.Type] {
			out[r.URN] = r.Inputs
		}
	}
	require.NotEmpty(t, out)
	return out
}

// TestStatefulResourcesArePinned compares every committed stack's databases, keys, buckets,
// caches and log groups (URN and inputs) with a golden file, so that a refactor that would
// replace one of them, or move it to a new URN, fails here before it fails in production.
// After an intended change: go test ./platform -run TestStatefulResourcesArePinned -update
func TestStatefulResourcesArePinned(t *testing.T) {
	t.Parallel()
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			_, export := testkit.Plan(t, stack)
			got := stateful(t, export)
			path := filepath.Join("testdata", "stateful-"+stack+".json")
			if *update {
				data, err := json.MarshalIndent(got, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.MkdirAll("testdata", 0o750))
				require.NoError(t, os.WriteFile(path, append(data, '\n'), 0o600))
			}
			data, err := os.ReadFile(path)
			require.NoError(t, err, "no golden file; run the test with -update once")
			var want map[string]map[string]any
			require.NoError(t, json.Unmarshal(data, &want))
			gotJSON, _ := json.Marshal(got)
			var gotNorm map[string]map[string]any
			require.NoError(t, json.Unmarshal(gotJSON, &gotNorm))
			assert.Equal(t, sortedKeys(want), sortedKeys(gotNorm), "stateful URNs changed: a refactor would replace these resources")
			for urn, inputs := range want {
				assert.Equal(t, inputs, gotNorm[urn], "inputs of %s changed", urn)
			}
		})
	}
}

// TestAddingAServiceLeavesStoresAlone adds a private service that orders calls: existing
// databases, keys, buckets, caches and log groups keep their URNs and inputs.
func TestAddingAServiceLeavesStoresAlone(t *testing.T) {
	t.Parallel()
	_, before := testkit.Plan(t, "dev")
	src := testkit.Source(t, "dev")
	var services map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:services"]), &services))
	services["billing"] = map[string]any{"port": 8443, "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:1.0.0"}
	services["orders"]["calls"] = []any{"users", "billing"}
	data, err := json.Marshal(services)
	require.NoError(t, err)
	src.Values["secure-vpc:services"] = string(data)
	cloud, err := testkit.Run(t, src)
	require.NoError(t, err)
	after := cloud.Export()

	want, got := stateful(t, before), stateful(t, &after)
	for urn, inputs := range want {
		require.Contains(t, got, urn, "adding a service moved or removed %s", urn)
		assert.Equal(t, inputs, got[urn], "adding a service changed %s", urn)
	}
	for urn := range got {
		if _, existed := want[urn]; !existed {
			assert.Contains(t, urn, "billing", "only the new service's own stateful resources are new")
		}
	}
	// The new service did get its own group and identity.
	assert.NotEmpty(t, cloud.ByType(contract.TypeSecurityGroup))
	found := false
	for _, r := range cloud.ByType(contract.TypeIAMRole) {
		found = found || r.Name == "billing-task-role"
	}
	assert.True(t, found)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
