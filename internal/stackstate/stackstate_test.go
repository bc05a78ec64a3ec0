package stackstate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// A recorded plan reads and writes back byte for byte: the audit reads exactly what plan wrote.
func TestRecordedPlansRoundTrip(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		data := fixtures.PlanBytes(t, stack)
		e, err := stackstate.Parse(data, stack)
		require.NoError(t, err)
		again, err := stackstate.Encode(e)
		require.NoError(t, err)
		assert.Equal(t, string(data), string(again), stack)
	}
}

func TestParseRejectsOtherVersions(t *testing.T) {
	_, err := stackstate.Parse([]byte(`{"version":2}`), "old.json")
	assert.ErrorContains(t, err, "old.json: deployment version 2 is not supported")
	_, err = stackstate.Parse([]byte(`{`), "broken.json")
	assert.ErrorContains(t, err, "parsing broken.json")
	_, err = stackstate.Read("/nonexistent/export.json")
	assert.ErrorContains(t, err, "reading /nonexistent/export.json")
}

func TestSecretMarks(t *testing.T) {
	assert.True(t, stackstate.IsSecret(stackstate.SecretPlaceholder()))
	assert.False(t, stackstate.IsSecret(map[string]any{"ciphertext": "x"}))
	assert.False(t, stackstate.IsSecret("plain"))
}
