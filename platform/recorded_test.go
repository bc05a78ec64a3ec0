package platform_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// TestRecordedPlansAreCurrent holds two promises. The recorded plans under testdata/plans, which
// the query, invariant, report and CLI tests read instead of running the program, are exactly
// what `securevpc plan -stack <stack> -out` writes today. And a change meant to keep behaviour
// (a refactor) leaves every committed stack's plan byte-for-byte the same: if this test fails
// after a refactor, the refactor changed what would be deployed.
//
// After an intended change: go test ./platform -run TestRecordedPlansAreCurrent -update, and
// review the diff of testdata/plans like any other change to the infrastructure.
func TestRecordedPlansAreCurrent(t *testing.T) {
	t.Parallel()
	for _, stack := range fixtures.Stacks {
		t.Run(stack, func(t *testing.T) {
			_, export := testkit.Plan(t, stack)
			got, err := stackstate.Encode(export)
			require.NoError(t, err)
			if *update {
				path := filepath.Join(fixtures.ProjectDir(), fixtures.PlanPath(stack))
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
				require.NoError(t, os.WriteFile(path, got, 0o600))
			}
			want := fixtures.PlanBytes(t, stack)
			if !bytes.Equal(got, want) {
				t.Fatalf("the plan of %s differs from %s (%d bytes now, %d recorded): the change alters what would be deployed; if that is intended, rerun with -update and review the diff",
					stack, fixtures.PlanPath(stack), len(got), len(want))
			}
		})
	}
}
