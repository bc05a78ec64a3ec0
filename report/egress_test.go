package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

func egressOf(t *testing.T, e *stackstate.Export) (report.Egress, map[string]report.EgressRow) {
	t.Helper()
	rep := report.Build("dev", e, policy.Evaluate(e))
	rows := map[string]report.EgressRow{}
	for _, r := range rep.Egress.Services {
		rows[r.Service] = r
	}
	return rep.Egress, rows
}

func setAll(r *stackstate.Resource, key string, v any) {
	r.Inputs[key] = v
	if r.Outputs != nil {
		r.Outputs[key] = v
	}
}

// The egress section maps each service to its declared destinations and their path: in dev,
// orders' HTTPS to api.payments.example through the NAT gateway, every other service none; the
// VPC's DNS Firewall blocks what no rule allows, fails closed and logs its queries.
func TestEgressSectionOfDev(t *testing.T) {
	eg, rows := egressOf(t, fixtures.Plan(t, "dev"))
	require.Len(t, eg.Firewalls, 1)
	fw := eg.Firewalls[0]
	assert.Equal(t, "BLOCK * (dns-firewall-dns-block-all)", fw.LastRule)
	assert.Equal(t, "DISABLED", fw.FailOpen)
	assert.Equal(t, []string{"/secure-vpc/dev/dns-queries (KMS-encrypted)"}, fw.QueryLog)
	assert.Equal(t, "200 ALLOW dns-firewall-egress-orders (api.payments.example)", fw.Rules[1])

	assert.Equal(t, []string{"api.payments.example"}, rows["orders"].Destinations)
	assert.Equal(t, "tcp 443 to 0.0.0.0/0 via NAT gateway network-nat-a; names allowed by the DNS Firewall", rows["orders"].Path)
	assert.Equal(t, []string{}, rows["users"].Destinations)
	assert.Equal(t, "none: AWS endpoints only", rows["users"].Path)

	export := fixtures.Plan(t, "dev")
	rep := report.Build("dev", export, policy.Evaluate(export))
	for format, want := range map[string][]string{
		report.FormatText:     {"Egress: DNS Firewall and declared destinations", "orders      api.payments.example  tcp 443 to 0.0.0.0/0 via NAT gateway network-nat-a"},
		report.FormatMarkdown: {"### Egress", "| orders | api.payments.example | tcp 443 to 0.0.0.0/0 via NAT gateway network-nat-a; names allowed by the DNS Firewall |", "a name no rule allows gets **BLOCK * (dns-firewall-dns-block-all)**"},
	} {
		var out bytes.Buffer
		require.NoError(t, rep.Write(&out, format))
		for _, w := range want {
			assert.Contains(t, out.String(), w, format)
		}
	}
	var out bytes.Buffer
	require.NoError(t, rep.Write(&out, report.FormatJSON))
	var doc struct {
		Egress report.Egress `json:"egress"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, rep.Egress, doc.Egress)
}

// A path the DNS Firewall or the routes close is shown blocked, and a rule to the internet from
// a service that declares nothing is shown open.
func TestEgressSectionShowsBlockedAndUndeclaredPaths(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	edit(t, e, contract.TypeFirewallRule, "dns-firewall-egress-orders", func(r *stackstate.Resource) { setAll(r, "action", "BLOCK") })
	_, rows := egressOf(t, e)
	assert.Equal(t, "blocked: the DNS Firewall does not allow its destinations", rows["orders"].Path)

	e = fixtures.Plan(t, "dev")
	for i := range e.Deployment.Resources {
		if r := &e.Deployment.Resources[i]; r.Type == contract.TypeRoute && r.Inputs["natGatewayId"] != nil {
			r.Type = "aws:index/gone:Gone"
			r.Custom = false
		}
	}
	_, rows = egressOf(t, e)
	assert.Equal(t, "blocked: the private tier has no route to a NAT gateway", rows["orders"].Path)

	e = fixtures.Plan(t, "dev")
	var users string
	edit(t, e, contract.TypeSecurityGroup, "svc-users", func(r *stackstate.Resource) { users = r.ID })
	e.Deployment.Resources = append(e.Deployment.Resources, stackstate.Resource{
		URN: "urn:pulumi:dev::secure-vpc::aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::users-out", Type: contract.TypeSGEgressRule, Custom: true, ID: "sgr-users-out",
		Inputs: map[string]any{"securityGroupId": users, "ipProtocol": "tcp", "fromPort": float64(443), "toPort": float64(443), "cidrIpv4": "0.0.0.0/0"},
	})
	_, rows = egressOf(t, e)
	assert.Equal(t, "open without declared destinations (tcp 443 to 0.0.0.0/0): see EGRESS-02", rows["users"].Path)
}

// The diff reports a new destination, a lost block rule and a firewall turned fail-open as
// widening; taking a destination away does not widen.
func TestDiffReportsEgressChanges(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, e *stackstate.Export)
		want   string
		widens bool
	}{
		{"a new destination", func(t *testing.T, e *stackstate.Export) {
			edit(t, e, contract.TypeFirewallDomainList, "dns-firewall-egress-orders", func(r *stackstate.Resource) {
				setAll(r, "domains", []any{"api.payments.example", "*.stripe.com"})
			})
		}, "+ service orders may resolve *.stripe.com", true},
		{"a destination removed", func(t *testing.T, e *stackstate.Export) {
			edit(t, e, contract.TypeFirewallDomainList, "dns-firewall-egress-orders", func(r *stackstate.Resource) { setAll(r, "domains", []any{}) })
		}, "- no longer: service orders may resolve api.payments.example", false},
		{"the block rule removed", func(t *testing.T, e *stackstate.Export) {
			edit(t, e, contract.TypeFirewallRule, "dns-firewall-dns-block-all", func(r *stackstate.Resource) { r.Type = "aws:index/gone:Gone"; r.Custom = false })
		}, "- no longer: network's DNS Firewall blocks every name no rule allows", true},
		{"fail open", func(t *testing.T, e *stackstate.Export) {
			edit(t, e, contract.TypeFirewallConfig, "dns-firewall", func(r *stackstate.Resource) { setAll(r, "firewallFailOpen", "ENABLED") })
		}, "- no longer: network's DNS Firewall fails closed", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			after := fixtures.Plan(t, "dev")
			tc.change(t, after)
			d := report.Compare("before", fixtures.Plan(t, "dev"), "after", after)
			assert.Contains(t, changes(d), tc.want)
			assert.Equal(t, tc.widens, d.Widens(), "%v", changes(d))
			var text bytes.Buffer
			require.NoError(t, d.Write(&text, report.FormatText))
			assert.Contains(t, text.String(), "\nEgress\n")
		})
	}
}
