package query_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// naclFixture is a subnet whose ACL denies tcp 3389 from a documentation range, allows tcp
// 1024-65535 from anywhere and ICMP 3/4 in, and lets nothing out.
func naclFixture() (*query.Index, *query.Resource) {
	rule := func(name string, in map[string]any) stackstate.Resource {
		in["networkAclId"], in["egress"] = "acl-1", false
		return res(contract.TypeNetworkACLRule, name, "r-"+name, in)
	}
	ix := indexOf(
		res(contract.TypeSubnet, "s", "subnet-1", map[string]any{"cidrBlock": "10.0.0.0/24", "vpcId": "vpc-1"}),
		res(contract.TypeNetworkACL, "acl", "acl-1", map[string]any{}),
		res(contract.TypeNetworkACLAssoc, "assoc", "aclassoc-1", map[string]any{"subnetId": "subnet-1", "networkAclId": "acl-1"}),
		rule("deny-rdp", map[string]any{"ruleNumber": float64(100), "protocol": "tcp", "ruleAction": "deny", "cidrBlock": "198.51.100.0/24", "fromPort": float64(3389), "toPort": float64(3389)}),
		rule("ephemeral", map[string]any{"ruleNumber": float64(110), "protocol": "6", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": float64(1024), "toPort": float64(65535)}),
		rule("icmp", map[string]any{"ruleNumber": float64(120), "protocol": "1", "ruleAction": "allow", "cidrBlock": "0.0.0.0/0", "icmpType": float64(3), "icmpCode": float64(4)}),
	)
	return ix, ix.Ref("subnet-1")
}

func TestNACLEvaluation(t *testing.T) {
	ix, s := naclFixture()
	require.Len(t, ix.NACLEntries(s), 3)
	doc, other := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("8.8.8.8")
	cases := []struct {
		name   string
		peer   netip.Addr
		egress bool
		lo, hi int
		gaps   [][2]int
	}{
		{"the first matching entry decides", doc, false, 1024, 65535, [][2]int{{3389, 3389}}},
		{"another peer is not denied 3389", other, false, 1024, 65535, nil},
		{"below the allowed range nothing decides: denied", other, false, 80, 1100, [][2]int{{80, 1023}}},
		{"nothing is let out", other, true, 443, 443, [][2]int{{443, 443}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.gaps, ix.NACLTCPGaps(s, tc.egress, tc.peer, tc.lo, tc.hi))
		})
	}
	assert.False(t, ix.NACLAllows(s, false, doc, 3389))
	assert.True(t, ix.NACLAllows(s, false, other, 3389))
	assert.True(t, ix.NACLAllowsICMP(s, false, other, 3, 4))
	assert.False(t, ix.NACLAllowsICMP(s, false, other, 3, 1))
	assert.False(t, ix.NACLAllowsICMP(s, true, other, 3, 4))
	// The internet at large is an address no entry names more narrowly than 0.0.0.0/0.
	assert.False(t, netip.MustParsePrefix("198.51.100.0/24").Contains(ix.InternetPeer(s)))
	addr, ok := query.SubnetAddr(s)
	assert.True(t, ok)
	assert.Equal(t, "10.0.0.1", addr.String())
}

// A subnet with no ACL of the stack uses AWS's default ACL, which allows everything.
func TestNACLDefaultsToAllowAll(t *testing.T) {
	ix := indexOf(res(contract.TypeSubnet, "s", "subnet-1", map[string]any{"cidrBlock": "10.0.0.0/24"}))
	assert.True(t, ix.NACLAllows(ix.Ref("subnet-1"), true, netip.MustParseAddr("8.8.8.8"), 22))
}

// dev's private tier admits the replies of its NAT and endpoint traffic; its isolated tier
// admits nothing from the internet.
func TestNACLsOfDev(t *testing.T) {
	ix, _ := dev(t)
	for _, s := range ix.OfType(contract.TypeSubnet) {
		peer := ix.InternetPeer(s)
		replies := ix.NACLTCPGaps(s, false, peer, 1024, 65535)
		switch query.Tier(s) {
		case contract.Private, contract.Public:
			assert.Empty(t, replies, "%s admits replies from the internet", query.Name(s))
			assert.True(t, ix.NACLAllowsICMP(s, false, peer, 3, 4), query.Name(s))
		case contract.Isolated:
			assert.Equal(t, [][2]int{{1024, 65535}}, replies, query.Name(s))
		}
	}
}
