package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// dev routes its public tier to the internet gateway, its private tier to the one NAT gateway
// and the S3 gateway endpoint, and its isolated tier nowhere.
func TestRoutesOfDev(t *testing.T) {
	ix, _ := dev(t)
	nat := ix.OfType(contract.TypeNatGateway)
	require.Len(t, nat, 1)
	for _, s := range ix.OfType(contract.TypeSubnet) {
		rts := ix.SubnetRouteTables(s)
		require.Len(t, rts, 1, query.Name(s))
		kinds := map[contract.RouteTarget]int{}
		for _, r := range ix.Routes(rts[0]) {
			kinds[r.TargetKind]++
		}
		switch query.Tier(s) {
		case contract.Public:
			assert.Equal(t, map[contract.RouteTarget]int{contract.InternetGatewayTarget: 1}, kinds)
			assert.True(t, ix.RoutesTo(s, contract.InternetGatewayTarget))
		case contract.Private:
			assert.Equal(t, map[contract.RouteTarget]int{contract.NATGatewayTarget: 1, contract.VPCEndpointTarget: 1}, kinds)
			assert.Equal(t, []string{nat[0].ID}, ix.DefaultRouteTargets(s, contract.NATGatewayTarget))
			assert.False(t, ix.RoutesTo(s, contract.InternetGatewayTarget))
		case contract.Isolated:
			assert.Empty(t, kinds)
		default:
			t.Errorf("%s has no tier", query.Name(s))
		}
	}
}

// A route to a target the stack does not hold is classified by its field and id prefix.
func TestRouteTargetKinds(t *testing.T) {
	rt := res(contract.TypeRouteTable, "rt", "rtb-1", map[string]any{"routes": []any{
		map[string]any{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-elsewhere"},
		map[string]any{"cidrBlock": "10.1.0.0/16", "natGatewayId": "x-1"},
		map[string]any{"cidrBlock": "10.2.0.0/16", "gatewayId": "vpce-1"},
		map[string]any{"cidrBlock": "10.3.0.0/16", "transitGatewayId": "tgw-1"},
	}})
	ix := indexOf(rt)
	var got []contract.RouteTarget
	for _, r := range ix.Routes(ix.Ref("rtb-1")) {
		got = append(got, r.TargetKind)
	}
	assert.Equal(t, []contract.RouteTarget{contract.InternetGatewayTarget, contract.NATGatewayTarget, contract.VPCEndpointTarget, contract.OtherTarget}, got)
	assert.True(t, query.IsDefaultRoute("::/0"))
	assert.False(t, query.IsDefaultRoute("10.0.0.0/8"))
}
