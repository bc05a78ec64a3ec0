package netplan

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

func TestPlanCIDRs(t *testing.T) {
	azs3 := []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
	for _, tc := range []struct {
		vpc          string
		azs          []string
		wantPrivate  string // first private subnet
		wantIsolated string
		wantPublic   string
		publicBits   int
	}{
		{"10.20.0.0/16", azs3[:2], "10.20.0.0/19", "10.20.128.0/20", "10.20.192.0/21", 21},
		{"10.20.0.0/16", azs3, "10.20.0.0/19", "10.20.128.0/20", "10.20.192.0/21", 21},
		{"172.16.0.0/20", azs3, "172.16.0.0/23", "172.16.8.0/24", "172.16.12.0/25", 25},
		{"192.168.4.0/22", azs3, "192.168.4.0/25", "192.168.6.0/26", "192.168.7.0/27", 27},
	} {
		t.Run(tc.vpc, func(t *testing.T) {
			vpc := netip.MustParsePrefix(tc.vpc)
			plan, err := PlanCIDRs(vpc, tc.azs)
			require.NoError(t, err)
			require.Len(t, plan.Subnets, 3*len(tc.azs), "three tiers in each AZ")
			assert.Equal(t, tc.wantPrivate, plan.ByTier(contract.Private)[0].CIDR.String())
			assert.Equal(t, tc.wantIsolated, plan.ByTier(contract.Isolated)[0].CIDR.String())
			assert.Equal(t, tc.wantPublic, plan.ByTier(contract.Public)[0].CIDR.String())
			assert.Equal(t, tc.publicBits, plan.ByTier(contract.Public)[0].CIDR.Bits())
			for _, tier := range contract.Tiers {
				subnets := plan.ByTier(tier)
				require.Len(t, subnets, len(tc.azs))
				for i, s := range subnets {
					assert.Equal(t, tc.azs[i], s.AZ)
					assert.True(t, vpc.Contains(s.CIDR.Addr()) && s.CIDR.Bits() > vpc.Bits(), "%s inside the VPC", s.CIDR)
					assert.True(t, plan.Tier[tier].Contains(s.CIDR.Addr()), "%s inside its tier block %s", s.CIDR, plan.Tier[tier])
					assert.LessOrEqual(t, s.CIDR.Bits(), 27, "every subnet holds an ALB or NAT (at least /27)")
				}
			}
			for i, a := range plan.Subnets {
				for _, b := range plan.Subnets[i+1:] {
					assert.False(t, a.CIDR.Overlaps(b.CIDR), "%s (%s) overlaps %s (%s)", a.CIDR, a.Tier, b.CIDR, b.Tier)
				}
			}
			for _, a := range contract.Tiers {
				for _, b := range contract.Tiers {
					if a != b {
						assert.False(t, plan.Tier[a].Overlaps(plan.Tier[b]), "tier blocks %s and %s overlap", a, b)
					}
				}
			}
		})
	}
}

func TestPlanCIDRsIsStableWhenAnAZIsAdded(t *testing.T) {
	vpc := netip.MustParsePrefix("10.40.0.0/16")
	two, err := PlanCIDRs(vpc, []string{"eu-west-1a", "eu-west-1b"})
	require.NoError(t, err)
	three, err := PlanCIDRs(vpc, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"})
	require.NoError(t, err)
	for _, tier := range contract.Tiers {
		before, after := two.ByTier(tier), three.ByTier(tier)
		for i := range before {
			assert.Equal(t, before[i], after[i], "%s subnet in %s moved when an AZ was added", tier, before[i].AZ)
		}
		for _, existing := range before {
			assert.False(t, existing.CIDR.Overlaps(after[2].CIDR), "the new AZ's %s subnet overlaps an existing one", tier)
		}
	}
	again, err := PlanCIDRs(vpc, []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"})
	require.NoError(t, err)
	assert.Equal(t, three, again, "the plan is deterministic")
}

func TestPlanCIDRsRejectsWhatItCannotPlan(t *testing.T) {
	for _, tc := range []struct {
		vpc string
		azs []string
	}{
		{"10.0.0.0/8", []string{"a", "b"}},
		{"10.0.0.0/24", []string{"a", "b"}},
		{"10.0.1.0/16", []string{"a", "b"}},
		{"10.0.0.0/16", nil},
		{"10.0.0.0/16", []string{"a", "b", "c", "d"}},
		{"2001:db8::/56", []string{"a", "b"}},
	} {
		_, err := PlanCIDRs(netip.MustParsePrefix(tc.vpc), tc.azs)
		assert.Error(t, err, "%s with %d AZs", tc.vpc, len(tc.azs))
	}
}
