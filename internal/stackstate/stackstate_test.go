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
	_, err = stackstate.Read("/nonexistent/export.json")
	assert.ErrorContains(t, err, "reading /nonexistent/export.json")
}

// Every way an input can be wrong is one line naming the file, what it holds, and what to pass.
func TestParseSaysWhatTheFileIs(t *testing.T) {
	dev := string(fixtures.PlanBytes(t, "dev"))
	cases := []struct{ name, data, want string }{
		{"empty", "", "x.json is empty"},
		{"blank", " \n\t", "x.json is empty"},
		{"truncated", dev[:len(dev)/2], "x.json ends before its JSON does"},
		{"stack config", "config:\n  aws:region: eu-west-1\n", "x.json is not JSON (it reads like YAML"},
		{"broken JSON", `{"version": 3,, }`, "x.json is not valid JSON (at byte"},
		{"array", `[]`, "x.json holds a JSON array, not a stack export"},
		{"string", `"export"`, "x.json holds a JSON string, not a stack export"},
		{"empty object", `{}`, `x.json is a JSON object without "version" and "deployment"`},
		{"report", `{"title": "secure-vpc plan: stack dev", "invariants": []}`, "x.json is a securevpc report (-format json), not a plan"},
		{"diff", `{"before": "a.json", "after": "b.json", "widens": false}`, "x.json is a securevpc diff (-format json), not a plan"},
		{"checkpoint", `{"version": 3, "checkpoint": {"stack": "dev"}}`, "x.json is a Pulumi checkpoint (a state file), not an export"},
		{"no deployment", `{"version": 3}`, `x.json has "version" but no "deployment"`},
		{"version 4", `{"version": 4, "deployment": {}}`, "x.json: deployment version 4 is not supported"},
		{"wrong version type", `{"version": "3", "deployment": {}}`, "x.json has a string at version, where a stack export has a number"},
		{"wrong type", `{"version": 3, "deployment": {"resources": "none"}}`, "x.json has a string at deployment.resources, where a stack export has an array"},
	}
	for _, tc := range cases {
		_, err := stackstate.Parse([]byte(tc.data), "x.json")
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
			assert.Contains(t, err.Error(), stackstate.WhatToPass, tc.name)
			assert.NotContains(t, err.Error(), "\n", "%s: one line", tc.name)
		}
	}
	// What is right is accepted: a real export's extra fields, and a stack with no resources.
	e, err := stackstate.Parse([]byte(`{"version": 3, "deployment": {"manifest": {"time": "t"}, "secrets_providers": {"type": "service"}}}`), "x.json")
	require.NoError(t, err)
	assert.Empty(t, e.Deployment.Resources)
}

func TestSecretMarks(t *testing.T) {
	assert.True(t, stackstate.IsSecret(stackstate.SecretPlaceholder()))
	assert.False(t, stackstate.IsSecret(map[string]any{"ciphertext": "x"}))
	assert.False(t, stackstate.IsSecret("plain"))
}
