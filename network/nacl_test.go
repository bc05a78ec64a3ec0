package network

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanNACLs(t *testing.T) {
	plan, err := PlanCIDRs(netip.MustParsePrefix("10.20.0.0/16"), []string{"eu-west-1a", "eu-west-1b"})
	require.NoError(t, err)
	rules := PlanNACLs(plan, []int{6379, 5432})

	privateHost := plan.ByTier(Private)[1].CIDR.Addr().Next()
	publicHost := plan.ByTier(Public)[0].CIDR.Addr().Next()
	internet := netip.MustParseAddr("203.0.113.10")
	admits := func(tier Tier, egress bool, addr netip.Addr, port int) bool {
		for _, r := range rules[tier] {
			if r.Egress == egress && r.Covers(addr, port) {
				return true
			}
		}
		return false
	}

	t.Run("isolated admits only the private tier on data ports", func(t *testing.T) {
		assert.True(t, admits(Isolated, false, privateHost, 5432))
		assert.True(t, admits(Isolated, false, privateHost, 6379))
		assert.False(t, admits(Isolated, false, privateHost, 22), "no other port")
		assert.False(t, admits(Isolated, false, publicHost, 5432), "not the public tier")
		assert.False(t, admits(Isolated, false, internet, 5432), "not the internet")
		assert.True(t, admits(Isolated, true, privateHost, 40000), "replies to the private tier")
		assert.False(t, admits(Isolated, true, internet, 443), "nothing out to the internet")
		assert.False(t, admits(Isolated, true, publicHost, 40000), "no replies to the public tier")
	})
	t.Run("no tier admits RDP or SSH from the internet", func(t *testing.T) {
		for _, tier := range Tiers {
			assert.False(t, admits(tier, false, internet, 22), tier)
			assert.False(t, admits(tier, false, internet, 3389), tier)
		}
	})
	t.Run("public tier serves HTTPS and the HTTP redirect", func(t *testing.T) {
		assert.True(t, admits(Public, false, internet, 443))
		assert.True(t, admits(Public, false, internet, 80))
		assert.False(t, admits(Private, false, internet, 443), "the private tier takes no new connections from the internet")
	})
	t.Run("rule numbers are unique per direction", func(t *testing.T) {
		for tier, rs := range rules {
			seen := map[string]bool{}
			for _, r := range rs {
				key := fmt.Sprintf("%v/%d", r.Egress, r.Number)
				assert.False(t, seen[key], "%s reuses rule %s", tier, key)
				seen[key] = true
				assert.True(t, r.Number >= 1 && r.Number <= 32766)
			}
			assert.LessOrEqual(t, len(rs), 40, "%s stays within the NACL rule quota", tier)
		}
	})
	t.Run("no data ports closes the isolated tier entirely", func(t *testing.T) {
		assert.Empty(t, PlanNACLs(plan, nil)[Isolated])
	})
}
