package platform_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/cli"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/offline"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/policy"
)

// runCLI runs the securevpc command with the real offline planner.
func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cli.Run(args, &out, &errOut, offline.Planner{})
	return code, out.String(), errOut.String()
}

func TestPlanCommittedStacks(t *testing.T) {
	t.Parallel()
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
			written, err := os.ReadFile(planFile)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(fixtures.PlanBytes(t, stack), written), "securevpc plan -out writes exactly the recorded %s", fixtures.PlanPath(stack))

			code, out, _ = runCLI("audit", "-state", planFile)
			assert.Equal(t, 0, code, out)
		})
	}
}

// A stack with no stack file exits 2 with a message (internal/cli's TestUsageErrors holds the
// other usage errors).
func TestPlanUnknownStack(t *testing.T) {
	t.Parallel()
	args := []string{"plan", "-stack", "nope", "-dir", testkit.ProjectDir()}
	code, _, errOut := runCLI(args...)
	assert.Equal(t, 2, code, "%v", args)
	assert.NotEmpty(t, errOut, "%v", args)
}

// Bad input exits 2 with one line that names the key; nothing else, and no stack trace.
func TestPlanRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
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
		{"internet egress with no NAT", dev, []edit{{"natGateways: single", "natGateways: none"}}, "secure-vpc:services.orders.egress"},
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

// The diffs of a changed config, re-planned; internal/cli's TestDiff holds the diffs of edited
// plan files and the usage error.
func TestDiffOfReplannedConfig(t *testing.T) {
	t.Parallel()
	base := filepath.Join(fixtures.ProjectDir(), fixtures.PlanPath("dev"))
	billing := planWith(t, `      imageTag: "3.2.0"
      calls: [users]
      # The payment provider's API (an example name): the DNS Firewall allows it, HTTPS through NAT.
      egress: [api.payments.example]`, `      imageTag: "3.2.0"
      calls: [users, billing]
      egress: [api.payments.example]
    billing:
      port: 9443
      imageTag: "1.0.0"`)

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
}
