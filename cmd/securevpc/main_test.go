package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPlanCommittedStacks(t *testing.T) {
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			planFile := filepath.Join(t.TempDir(), "plan.json")
			code, out, errOut := runCLI("plan", "-stack", stack, "-dir", testkit.ProjectDir(), "-out", planFile)
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Empty(t, errOut)
			for _, want := range []string{"Subnets and routes", "What faces the internet", "isolated", "none (local only)", "7 of 7 invariants hold"} {
				assert.Contains(t, out, want)
			}
			export, err := stackstate.Read(planFile)
			require.NoError(t, err, "the plan file has the shape of pulumi stack export")
			assert.Equal(t, 3, export.Version)
			assert.Greater(t, len(export.Deployment.Resources), 50)

			code, out, _ = runCLI("audit", "-state", planFile)
			assert.Equal(t, 0, code, out)
		})
	}
}

// Bad input exits 2 with one line that names the key; nothing else, and no stack trace.
func TestPlanRejectsInvalidConfig(t *testing.T) {
	dev := testkit.CommittedStackYAML(t, "dev")
	prod := testkit.CommittedStackYAML(t, "prod")
	cases := []struct {
		name, base, old, new, wantKey string
	}{
		{"typo'd key", dev, "  secure-vpc:network:", "  secure-vpc:netwrok: {}\n  secure-vpc:network:", "secure-vpc:netwrok"},
		{"typo'd nested key", dev, "    natGateways: single", "    natGateway: single", "secure-vpc:network.natGateway"},
		{"unknown service in calls", dev, "calls: [users, orders]", "calls: [users, billing]", "secure-vpc:services.web-bff.calls"},
		{"overlapping CIDR", dev, "    natGateways: single", "    natGateways: single\n    connectedCidrs: [10.20.0.0/20]", "secure-vpc:network.connectedCidrs[0]"},
		{"public CIDR", dev, "cidr: 10.20.0.0/16", "cidr: 54.20.0.0/16", "secure-vpc:network.cidr"},
		{"one AZ", dev, "availabilityZones: [eu-west-1a, eu-west-1b]", "availabilityZones: [eu-west-1a]", "secure-vpc:network.availabilityZones"},
		{"prod without certificate", prod, "    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000002\n", "", "secure-vpc:edge.certificateArn"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, tc.base, tc.old, "the test's edit must apply")
			dir := testkit.StackDir(t, "broken", strings.Replace(tc.base, tc.old, tc.new, 1))
			code, out, errOut := runCLI("plan", "-stack", "broken", "-dir", dir)
			assert.Equal(t, 2, code)
			assert.Empty(t, out, "nothing is planned")
			lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
			require.Len(t, lines, 1, "exactly one line:\n%s", errOut)
			assert.True(t, strings.HasPrefix(lines[0], "error: "+tc.wantKey+": "), lines[0])
			assert.NotContains(t, errOut, "goroutine")
		})
	}
}

func TestAuditCatchesAHandEditedPlan(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	code, _, _ := runCLI("plan", "-stack", "dev", "-dir", testkit.ProjectDir(), "-out", planFile)
	require.Equal(t, 0, code)

	export, err := stackstate.Read(planFile)
	require.NoError(t, err)
	var culprit string
	for i, r := range export.Deployment.Resources {
		if r.Type == "aws:ec2/subnet:Subnet" && strings.Contains(r.URN, "isolated") {
			export.Deployment.Resources[i].Inputs["mapPublicIpOnLaunch"] = true
			culprit = r.URN
			break
		}
	}
	data, err := json.Marshal(export)
	require.NoError(t, err)
	edited := filepath.Join(dir, "edited.json")
	require.NoError(t, os.WriteFile(edited, data, 0o600))

	code, out, _ := runCLI("audit", "-state", edited)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL NET-03")
	assert.Contains(t, out, culprit)
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"deploy"},
		{"plan"},
		{"plan", "-stack", "nope", "-dir", testkit.ProjectDir()},
		{"audit"},
		{"audit", "-state", "/nonexistent/export.json"},
	} {
		code, _, errOut := runCLI(args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.NotEmpty(t, errOut, "%v", args)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":2}`), 0o600))
	code, _, errOut := runCLI("audit", "-state", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "version 2 is not supported")
}
