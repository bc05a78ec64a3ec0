package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

func TestReportOfProd(t *testing.T) {
	export := fixtures.Plan(t, "prod")
	rep := report.Build("prod", export, policy.Evaluate(export))
	require.True(t, rep.AllHold())

	tiers := map[string]int{}
	for _, s := range rep.Subnets {
		tiers[s.Tier]++
		switch s.Tier {
		case string(contract.Public):
			assert.Contains(t, s.DefaultRoute, "internet gateway")
		case string(contract.Private):
			assert.Contains(t, s.DefaultRoute, "NAT gateway network-nat-"+s.AZ[len(s.AZ)-1:], "perAz: each AZ uses its own NAT")
			assert.Equal(t, []string{"gateway endpoint s3"}, s.OtherRoutes)
		case string(contract.Isolated):
			assert.Equal(t, "none (local only)", s.DefaultRoute)
			assert.Empty(t, s.OtherRoutes)
		}
	}
	assert.Equal(t, map[string]int{"public": 3, "private": 3, "isolated": 3}, tiers)
	assert.Len(t, rep.Exposure.PublicSubnets, 3, "exactly the public tier faces the internet")
	assert.Len(t, rep.Exposure.NATGateways, 3)
	assert.Len(t, rep.Exposure.OpenRules, 4, "443 and 80 on each of the two BFF load balancer groups")
	for _, rule := range rep.Exposure.OpenRules {
		assert.Regexp(t, `^lb-(web|mobile)-bff-from-internet-(443|80): tcp (443|80) from 0\.0\.0\.0/0$`, rule)
	}

	require.Len(t, rep.Internet, 4)
	for _, e := range rep.Internet {
		assert.Contains(t, []int{443, 80}, e.Port)
		if e.Port == 80 {
			assert.Equal(t, "redirect to HTTPS", e.Action)
		} else {
			assert.Contains(t, e.Action, "forward over HTTPS")
			assert.Contains(t, e.Protocol, "TLS13-1-2-2021-06")
		}
	}
	assert.Equal(t, []string{"orders: tcp 443 to 0.0.0.0/0"}, rep.Exposure.InternetEgress, "only orders declares egress destinations, and gets HTTPS alone")

	var names []string
	for _, c := range rep.Components {
		names = append(names, c.Type)
		if c.Type == contract.TypeKeyring {
			assert.Equal(t, 8, c.Protect, "the prod keys are protected, and their aliases with them")
		}
	}
	assert.NotContains(t, names, "(stack)", "every resource belongs to a component")
	assert.Subset(t, names, []string{contract.TypeVpcComp, contract.TypeFirewall, contract.TypeKeyring,
		contract.TypeVault, contract.TypeIdentities, contract.TypeDatabase, contract.TypeBucketComp,
		contract.TypeLogBucket, contract.TypeCacheComp})

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	n := len(policy.Catalogue())
	assert.Contains(t, text.String(), fmt.Sprintf("%d of %d invariants hold", n, n))
	assert.Equal(t, fmt.Sprintf("verdict: %d of %d invariants hold.", n, n), strings.Split(text.String(), "\n")[1], "the verdict first")

	stores := map[string]report.StoreRow{}
	for _, st := range rep.Stores {
		stores[st.Name] = st
	}
	assert.Equal(t, []string{"users (tcp 5432)", "users-db-migration (migration task, tcp 5432)"}, stores["users-db"].ReachableBy, "only the owner, and its one-off migration task, reach the database")
	assert.Equal(t, "alias/secure-vpc/prod/data", stores["users-db"].Key)
	assert.Equal(t, []string{"mobile-bff (tcp 6379)", "web-bff (tcp 6379)"}, stores["sessions"].ReachableBy)
	assert.Equal(t, []string{"users writes", "web-bff reads"}, stores["user-uploads"].ReachableBy)
	assert.Contains(t, stores["access-logs"].Key, "SSE-S3")
	readers := map[string][]string{}
	for _, sec := range rep.Secrets {
		readers[sec.Name] = sec.Readers
		assert.Equal(t, "alias/secure-vpc/prod/secrets", sec.Key, sec.Name)
	}
	assert.Equal(t, []string{"orders (execution role)"}, readers["secure-vpc/prod/app/payments-api-key"])
	assert.Equal(t, []string{"mobile-bff (execution role)", "web-bff (execution role)"}, readers["secure-vpc/prod/cache/sessions"], "only the cache's users read its token")
	assert.NotContains(t, readers, "secure-vpc/prod/identity/signing-key", "the identity-token signing key is in KMS, in no secret")
	assert.Equal(t, []string{"users (execution role)"}, readers["secure-vpc/prod/tls/users"])
}

func TestReportShowsFailures(t *testing.T) {
	export := fixtures.Plan(t, "dev")
	for i, r := range export.Deployment.Resources {
		if r.Type == contract.TypeFlowLog {
			export.Deployment.Resources[i].Inputs["trafficType"] = "ACCEPT"
		}
	}
	rep := report.Build("dev", export, policy.Evaluate(export))
	assert.False(t, rep.AllHold())
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "FAIL NET-05")
	n := len(policy.Catalogue())
	assert.Contains(t, text.String(), fmt.Sprintf("%d of %d invariants hold", n-1, n))
	lines := strings.Split(text.String(), "\n")
	assert.Equal(t, fmt.Sprintf("verdict: %d of %d invariants hold; failed: NET-05 (findings under Security invariants).", n-1, n), lines[1],
		"the verdict comes right after the title, before any table")
}

// The report renders the query layer's typed facts at its edge: a gateway endpoint, the one row
// of interface endpoints, store keys, bucket principals and the RDS-managed secret.
func TestReportRendersFactsOfDev(t *testing.T) {
	export := fixtures.Plan(t, "dev")
	rep := report.Build("dev", export, policy.Evaluate(export))
	to := map[string]report.PathRow{}
	for _, p := range rep.Paths {
		to[p.From+" -> "+p.To] = p
	}
	assert.Contains(t, to, "users -> endpoint s3 (gateway)")
	assert.Contains(t, to, "users -> AWS endpoints (ecr.api, ecr.dkr, kms, logs, secretsmanager, sts)")
	keys := map[string]string{}
	for _, n := range rep.Nodes {
		keys[n.Key] = n.Tier
	}
	assert.Equal(t, "", keys["endpoint:s3 (gateway)"], "the gateway endpoint sits in no subnet")
	assert.Equal(t, string(contract.Private), keys["endpoints:aws"])
	assert.Equal(t, "internet", keys["internet:internet"])

	stores := map[string]report.StoreRow{}
	for _, st := range rep.Stores {
		stores[st.Name] = st
	}
	assert.Equal(t, "SSE-S3 (the documented access-log exception)", stores["access-logs"].Key)
	require.Len(t, stores["access-logs"].ReachableBy, 3)
	assert.Regexp(t, `^account \d{12} \(delivers logs\)$`, stores["access-logs"].ReachableBy[0])
	assert.Equal(t, []string{"users writes", "web-bff reads"}, stores["user-uploads"].ReachableBy)

	secrets := map[string]report.SecretRow{}
	for _, s := range rep.Secrets {
		secrets[s.Name] = s
	}
	rds := secrets["rds!users-db (master password, created and rotated by RDS)"]
	assert.Equal(t, []string{"users-db-migration (execution role)"}, rds.Readers, "the migration task alone, no service")
	assert.Equal(t, "alias/secure-vpc/dev/secrets", rds.Key)
	assert.Contains(t, secrets, "secure-vpc/dev/app/payments-api-key", "the name without the suffix AWS appends")

	var public []string
	for _, s := range rep.Subnets {
		if s.Tier == string(contract.Public) {
			public = append(public, s.Name)
		}
	}
	assert.Len(t, rep.Exposure.PublicSubnets, len(public), "a subnet faces the internet when its default route is an internet gateway")
	assert.Contains(t, rep.Mermaid(), "service_users -->|443| endpoint_s3__gateway_")
}

// The key column follows the fact DATA-01 judges: a database whose storage encryption is off
// shows no key, whatever key it names, and fails DATA-01.
func TestReportKeyFollowsTheEncryptionDATA01Judges(t *testing.T) {
	export := fixtures.Plan(t, "dev")
	for i, r := range export.Deployment.Resources {
		if r.Type == contract.TypeDBInstance {
			export.Deployment.Resources[i].Inputs["storageEncrypted"] = false
		}
	}
	results := policy.Evaluate(export)
	rep := report.Build("dev", export, results)
	for _, st := range rep.Stores {
		if st.Name == "users-db" {
			assert.Equal(t, "none", st.Key)
		}
	}
	for _, res := range rep.Results {
		if res.ID == "DATA-01" {
			assert.False(t, res.Passed)
			require.Len(t, res.Findings, 1)
			assert.Contains(t, res.Findings[0], "storage is not encrypted")
		}
	}
}

// A report larger than a comment keeps its verdict and findings, and cuts the longest tables,
// saying how many rows it left out.
func TestMarkdownCutsToFitAComment(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	rep := report.Build("dev", e, policy.Evaluate(e))
	rep.Results[0].Passed = false
	rep.Results[0].Findings = []string{"urn:x: a finding"}
	for i := range 3000 {
		rep.Paths = append(rep.Paths, report.PathRow{From: fmt.Sprintf("svc-%04d", i), To: "hub", Protocol: "tcp", Ports: "8443", Status: "reachable"})
	}
	var md bytes.Buffer
	require.NoError(t, rep.WriteMarkdown(&md))
	out := md.String()
	assert.LessOrEqual(t, len(out), report.MarkdownLimit)
	assert.True(t, strings.HasPrefix(out, "## dev\n\n❌ **"), "the verdict first")
	assert.Less(t, strings.Index(out, "a finding"), strings.Index(out, "### What the internet can reach"), "the findings before any table")
	assert.True(t, strings.Contains(out, "more rows are left out to fit a comment"), "it says it cut rows")
	assert.True(t, strings.Contains(out, "The diagram is left out"))
	assert.True(t, strings.Contains(out, "### Security invariants"), "the invariants table stays")
}
