package netplan

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

func TestPlanNACLs(t *testing.T) {
	plan, err := PlanCIDRs(netip.MustParsePrefix("10.20.0.0/16"), []string{"eu-west-1a", "eu-west-1b"})
	require.NoError(t, err)
	rules := PlanNACLs(plan, []int{6379, 5432})

	privateHost := plan.ByTier(contract.Private)[1].CIDR.Addr().Next()
	publicHost := plan.ByTier(contract.Public)[0].CIDR.Addr().Next()
	internet := netip.MustParseAddr("203.0.113.10")
	admits := func(tier contract.Tier, egress bool, addr netip.Addr, port int) bool {
		for _, r := range rules[tier] {
			if r.Egress == egress && r.Covers(addr, port) {
				return true
			}
		}
		return false
	}

	t.Run("isolated admits only the private tier on data ports", func(t *testing.T) {
		assert.True(t, admits(contract.Isolated, false, privateHost, 5432))
		assert.True(t, admits(contract.Isolated, false, privateHost, 6379))
		assert.False(t, admits(contract.Isolated, false, privateHost, 22), "no other port")
		assert.False(t, admits(contract.Isolated, false, publicHost, 5432), "not the public tier")
		assert.False(t, admits(contract.Isolated, false, internet, 5432), "not the internet")
		assert.True(t, admits(contract.Isolated, true, privateHost, 40000), "replies to the private tier")
		assert.False(t, admits(contract.Isolated, true, internet, 443), "nothing out to the internet")
		assert.False(t, admits(contract.Isolated, true, publicHost, 40000), "no replies to the public tier")
	})
	t.Run("no tier admits SSH from the internet; only the NAT return range covers 3389", func(t *testing.T) {
		for _, tier := range contract.Tiers {
			assert.False(t, admits(tier, false, internet, 22), tier)
		}
		assert.False(t, admits(contract.Isolated, false, internet, 3389))
		for _, tier := range []contract.Tier{contract.Public, contract.Private} {
			var rdp []NACLRule
			for _, r := range rules[tier] {
				if !r.Egress && r.Covers(internet, 3389) {
					rdp = append(rdp, r)
				}
			}
			require.Len(t, rdp, 1, "%s: 3389 sits in one rule of its own (the documented EC2.21 exception)", tier)
			assert.Equal(t, [2]int{3389, 3389}, [2]int{rdp[0].FromPort, rdp[0].ToPort})
		}
	})
	t.Run("return traffic through NAT and the S3 gateway comes back on every port 1024-65535", func(t *testing.T) {
		for _, tier := range []contract.Tier{contract.Public, contract.Private} {
			for port := 1024; port <= 65535; port++ {
				if !admits(tier, false, internet, port) {
					t.Fatalf("%s tier drops return traffic on port %d", tier, port)
				}
			}
		}
		for port := 1024; port <= 65535; port++ {
			require.True(t, admits(contract.Public, true, internet, port), "replies to clients on %d", port)
			require.True(t, admits(contract.Isolated, true, privateHost, port), "isolated replies on %d", port)
		}
	})
	t.Run("ICMP fragmentation needed in and out of the public and private tiers", func(t *testing.T) {
		for _, tier := range contract.Tiers {
			for _, egress := range []bool{false, true} {
				found := false
				for _, r := range rules[tier] {
					found = found || (r.Protocol == "icmp" && r.Egress == egress && r.CIDR == Anywhere && r.ICMPType == 3 && r.ICMPCode == 4)
				}
				assert.Equal(t, tier != contract.Isolated, found, "%s egress=%v", tier, egress)
			}
		}
	})
	t.Run("public tier serves HTTPS and the HTTP redirect", func(t *testing.T) {
		assert.True(t, admits(contract.Public, false, internet, 443))
		assert.True(t, admits(contract.Public, false, internet, 80))
		assert.False(t, admits(contract.Private, false, internet, 443), "the private tier takes no new connections from the internet")
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
			in, out := 0, 0
			for _, r := range rs {
				if r.Egress {
					out++
				} else {
					in++
				}
			}
			assert.LessOrEqual(t, max(in, out), 20, "%s stays within the default quota of 20 rules per direction", tier)
		}
	})
	t.Run("no data ports closes the isolated tier entirely", func(t *testing.T) {
		assert.Empty(t, PlanNACLs(plan, nil)[contract.Isolated])
	})
}
