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

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
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
	type edit struct{ old, new string } // every occurrence of old becomes new
	cases := []struct {
		name    string
		base    string
		edits   []edit
		wantKey string
	}{
		{"typo'd key", dev, []edit{{"  secure-vpc:network:", "  secure-vpc:netwrok: {}\n  secure-vpc:network:"}}, "secure-vpc:netwrok"},
		{"typo'd nested key", dev, []edit{{"    natGateways: single", "    natGateway: single"}}, "secure-vpc:network.natGateway"},
		{"unknown service in calls", dev, []edit{{"calls: [users, orders]", "calls: [users, billing]"}}, "secure-vpc:services.web-bff.calls"},
		{"overlapping CIDR", dev, []edit{{"    natGateways: single", "    natGateways: single\n    connectedCidrs: [10.20.0.0/20]"}}, "secure-vpc:network.connectedCidrs[0]"},
		{"public CIDR", dev, []edit{{"cidr: 10.20.0.0/16", "cidr: 54.20.0.0/16"}}, "secure-vpc:network.cidr"},
		{"one AZ", dev, []edit{{"availabilityZones: [eu-west-1a, eu-west-1b]", "availabilityZones: [eu-west-1a]"}}, "secure-vpc:network.availabilityZones"},
		{"prod without certificate", prod, []edit{{"    certificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000002\n", ""}}, "secure-vpc:edge.certificateArn"},
		// The rows of issue 9: each exited 0 before, though AWS refuses it or it would not work.
		{"a port a non-root task cannot bind", dev, []edit{{"    users:\n      port: 8443", "    users:\n      port: 443"}}, "secure-vpc:services.users.port"},
		{"a BFF whose load balancer would be named internal-", dev, []edit{{"web-bff", "internal-web"}}, "secure-vpc:services.internal-web"},
		{"a database named after a PostgreSQL reserved word", dev, []edit{{"    users-db:", "    user:"}}, "secure-vpc:databases.user"},
		{"a region that does not exist", dev, []edit{{"eu-west-1", "xx-fake-1"}}, "aws:region"},
		{"a zone the region does not have", dev, []edit{{"[eu-west-1a, eu-west-1b]", "[eu-west-1a, eu-west-1z]"}}, "secure-vpc:network.availabilityZones"},
		{"not an RDS instance class", dev, []edit{{"db.t4g.micro", "db.x99.mega"}}, "secure-vpc:databases.users-db.instanceClass"},
		{"a PostgreSQL major past standard support", dev, []edit{{`version: "16"`, `version: "13"`}}, "secure-vpc:databases.users-db.version"},
		{"internet egress with no NAT", dev, []edit{{"natGateways: single", "natGateways: none"}, {"internetEgress: false", "internetEgress: true"}}, "secure-vpc:services.orders.internetEgress"},
		{"a BFF owns the database", dev, []edit{{"owner: users", "owner: web-bff"}}, "secure-vpc:databases.users-db.owner"},
		{"a namespace typo drops a bucket", dev, []edit{{"secure-vpc:buckets:", "securevpc:buckets:"}}, "securevpc:buckets"},
		{"one secret value in plaintext", dev, []edit{{"      readers: [orders]\n", "      readers: [orders]\n    stripe-key:\n      readers: [orders]\n" +
			"  secure-vpc:secretValues:\n    payments-api-key:\n      secure: v1:AAAABBBBCCCCDDDD\n    stripe-key: not-encrypted\n"}}, "secure-vpc:secretValues.stripe-key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.base
			for _, e := range tc.edits {
				require.Contains(t, text, e.old, "the test's edit must apply")
				text = strings.ReplaceAll(text, e.old, e.new)
			}
			dir := testkit.StackDir(t, "broken", text)
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
	planFile := recordedPlan("dev")

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
		in := map[string]any{"securityGroupId": byName(e, contract.TypeSecurityGroup, group).ID,
			"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "description": "hand edit"}
		for k, v := range source {
			in[k] = v
		}
		e.Deployment.Resources = append(e.Deployment.Resources, stackstate.Resource{
			URN:    "urn:pulumi:dev::secure-vpc::secure-vpc:network:Firewall$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::" + name,
			Custom: true, ID: "sgr-" + name, Type: contract.TypeSGIngressRule, Inputs: in})
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
			ingress(e, "orders-to-db", "db-users-db", map[string]any{"referencedSecurityGroupId": byName(e, contract.TypeSecurityGroup, "svc-orders").ID})
		}},
		{"the database is public", "DATA-06", db, func(e *stackstate.Export) {
			byName(e, contract.TypeDBInstance, "users-db").Inputs["publiclyAccessible"] = true
		}},
		{"an isolated subnet maps public IPs", "NET-03", "urn:pulumi:dev::secure-vpc::secure-vpc:network:Vpc$aws:ec2/subnet:Subnet::network-isolated-a", func(e *stackstate.Export) {
			byName(e, contract.TypeSubnet, "network-isolated-a").Inputs["mapPublicIpOnLaunch"] = true
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

func TestReportFormats(t *testing.T) {
	code, out, _ := runCLI("plan", "-stack", "dev", "-dir", testkit.ProjectDir(), "-format", "json")
	require.Equal(t, 0, code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc), "json output parses")
	assert.Equal(t, true, doc["passed"])
	assert.NotEmpty(t, doc["paths"])
	assert.Len(t, doc["invariants"], len(policy.Catalogue()))

	code, out, _ = runCLI("plan", "-stack", "dev", "-dir", testkit.ProjectDir(), "-format", "markdown")
	require.Equal(t, 0, code)
	for _, want := range []string{"## secure-vpc plan", "```mermaid", "flowchart LR", `subgraph tier_isolated["isolated tier"]`,
		"service_users -->|5432| database_users_db", "internet_internet -->|443| load_balancer_web_bff_alb", "| ✅ | NET-01 |"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "internet_internet -->|443| service_", "the diagram shows no path from the internet to a service")

	code, _, errOut := runCLI("plan", "-stack", "dev", "-dir", testkit.ProjectDir(), "-format", "yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "use text, json or markdown")
}

// planWith writes dev's stack file with an edit, plans it and returns the plan file.
func planWith(t *testing.T, old, new string) string {
	t.Helper()
	dev := testkit.CommittedStackYAML(t, "dev")
	require.Contains(t, dev, old)
	dir := testkit.StackDir(t, "dev", strings.Replace(dev, old, new, 1))
	out := filepath.Join(t.TempDir(), "plan.json")
	code, stdout, stderr := runCLI("plan", "-stack", "dev", "-dir", dir, "-out", out)
	require.Equal(t, 0, code, "%s\n%s", stdout, stderr)
	return out
}

// recordedPlan is the path of a committed stack's recorded plan: what plan -out writes for it
// today (TestRecordedPlansAreCurrent), read without running the program again.
func recordedPlan(stack string) string {
	return filepath.Join(fixtures.ProjectDir(), fixtures.PlanPath(stack))
}

func TestDiff(t *testing.T) {
	base := recordedPlan("dev")
	billing := planWith(t, `      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:3.2.0
      calls: [users]`, `      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:3.2.0
      calls: [users, billing]
    billing:
      port: 9443
      image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:1.0.0`)

	t.Run("a new private service: exactly the service and its paths", func(t *testing.T) {
		code, out, _ := runCLI("diff", "-before", base, "-after", billing)
		assert.Equal(t, 1, code, "new paths widen access")
		assert.Contains(t, out, "+ service billing is added")
		assert.Contains(t, out, "+ orders -> billing tcp 9443 becomes reachable")
		var changes []string
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "  +") || strings.HasPrefix(line, "  -") || strings.HasPrefix(line, "  ~") {
				changes = append(changes, line)
				assert.Contains(t, line, "billing", "a change that is not about billing: %s", line)
				assert.True(t, strings.HasPrefix(line, "  +"), "nothing is removed or changed: %s", line)
			}
		}
		assert.Len(t, changes, 6, "the service, orders -> billing, billing -> endpoints and S3, billing's two secrets:\n%s", out)
	})

	t.Run("narrowing only exits 0", func(t *testing.T) {
		narrowed := planWith(t, "calls: [users, orders]", "calls: [users]")
		code, out, _ := runCLI("diff", "-before", base, "-after", narrowed)
		assert.Equal(t, 0, code, out)
		assert.Contains(t, out, "- web-bff -> orders tcp 8443 is no longer reachable")
		assert.Contains(t, out, "does not widen access")
	})

	t.Run("no change", func(t *testing.T) {
		code, out, _ := runCLI("diff", "-before", base, "-after", base)
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "no change")
	})

	t.Run("weaker encryption widens", func(t *testing.T) {
		export, err := stackstate.Read(base)
		require.NoError(t, err)
		for i, r := range export.Deployment.Resources {
			if r.Type == contract.TypeBucketSSE && strings.HasSuffix(r.URN, "::user-uploads") {
				export.Deployment.Resources[i].Inputs["rules"] = []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}
			}
		}
		data, err := json.Marshal(export)
		require.NoError(t, err)
		weaker := filepath.Join(t.TempDir(), "weaker.json")
		require.NoError(t, os.WriteFile(weaker, data, 0o600))
		code, out, _ := runCLI("diff", "-before", base, "-after", weaker, "-format", "json")
		assert.Equal(t, 1, code)
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &d))
		assert.Equal(t, true, d["widens"])
		assert.Contains(t, out, "bucket user-uploads: encryption changes from alias/secure-vpc/dev/data to SSE-S3")
	})

	code, _, _ := runCLI("diff", "-before", base)
	assert.Equal(t, 2, code, "both sides are required")
}
