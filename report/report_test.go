package report_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

func TestReportOfProd(t *testing.T) {
	_, export := testkit.Plan(t, "prod")
	rep := report.Build("prod", export, policy.Evaluate(export))
	require.True(t, rep.Passed())

	tiers := map[string]int{}
	for _, s := range rep.Subnets {
		tiers[s.Tier]++
		switch s.Tier {
		case "public":
			assert.Contains(t, s.DefaultRoute, "internet gateway")
		case "private":
			assert.Contains(t, s.DefaultRoute, "NAT gateway network-nat-"+s.AZ[len(s.AZ)-1:], "perAz: each AZ uses its own NAT")
			assert.Equal(t, []string{"gateway endpoint s3"}, s.OtherRoutes)
		case "isolated":
			assert.Equal(t, "none (local only)", s.DefaultRoute)
			assert.Empty(t, s.OtherRoutes)
		}
	}
	assert.Equal(t, map[string]int{"public": 3, "private": 3, "isolated": 3}, tiers)
	assert.Len(t, rep.Exposure.PublicSubnets, 3, "exactly the public tier faces the internet")
	assert.Len(t, rep.Exposure.NATGateways, 3)
	assert.Empty(t, rep.Exposure.OpenRules)

	var names []string
	for _, c := range rep.Components {
		names = append(names, c.Type)
		if c.Type == "secure-vpc:secrets:Keyring" {
			assert.Equal(t, 1, c.Protect, "the prod key is protected")
		}
	}
	assert.ElementsMatch(t, []string{"secure-vpc:network:Vpc", "secure-vpc:secrets:Keyring"}, names, "every resource belongs to a component")

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "7 of 7 invariants hold")
}

func TestReportShowsFailures(t *testing.T) {
	_, export := testkit.Plan(t, "dev")
	for i, r := range export.Deployment.Resources {
		if r.Type == policy.TypeFlowLog {
			export.Deployment.Resources[i].Inputs["trafficType"] = "ACCEPT"
		}
	}
	rep := report.Build("dev", export, policy.Evaluate(export))
	assert.False(t, rep.Passed())
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "FAIL NET-05")
	assert.Contains(t, text.String(), "6 of 7 invariants hold")
}
