package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/policy"
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
			n := len(policy.Catalogue())
			for _, want := range []string{"Subnets and routes", "What faces the internet", "isolated", "none (local only)",
				"Data stores", "users-db", "users (tcp 5432)", "Secrets: encryption key and readers", fmt.Sprintf("%d of %d invariants hold", n, n)} {
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

// The edits a reviewer fears most, made by hand to a plan file: audit exits 1 and names the
// resource and the invariant.
func TestAuditCatchesHandEditedPlans(t *testing.T) {
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	code, _, _ := runCLI("plan", "-stack", "dev", "-dir", testkit.ProjectDir(), "-out", planFile)
	require.Equal(t, 0, code)

	byName := func(e *stackstate.Export, typ, name string) *stackstate.Resource {
		for i, r := range e.Deployment.Resources {
			if r.Type == typ && strings.HasSuffix(r.URN, "::"+name) {
				return &e.Deployment.Resources[i]
			}
		}
		t.Fatalf("no %s %s in the plan", typ, name)
		return nil
	}
	ingress := func(e *stackstate.Export, name, group string, source map[string]any) {
		in := map[string]any{"securityGroupId": byName(e, "aws:ec2/securityGroup:SecurityGroup", group).ID,
			"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "description": "hand edit"}
		for k, v := range source {
			in[k] = v
		}
		e.Deployment.Resources = append(e.Deployment.Resources, stackstate.Resource{
			URN:    "urn:pulumi:dev::secure-vpc::secure-vpc:network:Firewall$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::" + name,
			Custom: true, ID: "sgr-" + name, Type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", Inputs: in})
	}
	const db = "urn:pulumi:dev::secure-vpc::secure-vpc:data:Database$aws:rds/instance:Instance::users-db"
	cases := []struct {
		name, invariant, culprit string
		edit                     func(e *stackstate.Export)
	}{
		{"the internet reaches the database", "DATA-03", db, func(e *stackstate.Export) {
			ingress(e, "internet-to-db", "db-users-db", map[string]any{"cidrIpv4": "0.0.0.0/0"})
		}},
		{"a second service reaches the database", "DATA-03", db, func(e *stackstate.Export) {
			ingress(e, "orders-to-db", "db-users-db", map[string]any{"referencedSecurityGroupId": byName(e, "aws:ec2/securityGroup:SecurityGroup", "svc-orders").ID})
		}},
		{"the database is public", "DATA-06", db, func(e *stackstate.Export) {
			byName(e, "aws:rds/instance:Instance", "users-db").Inputs["publiclyAccessible"] = true
		}},
		{"an isolated subnet maps public IPs", "NET-03", "urn:pulumi:dev::secure-vpc::secure-vpc:network:Vpc$aws:ec2/subnet:Subnet::network-isolated-a", func(e *stackstate.Export) {
			byName(e, "aws:ec2/subnet:Subnet", "network-isolated-a").Inputs["mapPublicIpOnLaunch"] = true
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			export, err := stackstate.Read(planFile)
			require.NoError(t, err)
			tc.edit(export)
			data, err := json.Marshal(export)
			require.NoError(t, err)
			edited := filepath.Join(t.TempDir(), "edited.json")
			require.NoError(t, os.WriteFile(edited, data, 0o600))

			code, out, _ := runCLI("audit", "-state", edited)
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "FAIL "+tc.invariant)
			assert.Contains(t, out, tc.culprit)
		})
	}
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
