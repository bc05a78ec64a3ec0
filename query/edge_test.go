package query_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestInternetExposureOfDev(t *testing.T) {
	ix, _ := dev(t)
	assert.Len(t, ix.LoadBalancers(), 2)
	assert.Len(t, ix.Listeners(), 4)
	for _, lb := range ix.LoadBalancers() {
		assert.True(t, query.InternetFacing(lb))
		assert.NotNil(t, ix.WebACLOf(lb), query.Name(lb))
	}
	var got []query.Exposure
	for _, e := range ix.InternetExposure() {
		assert.NotEmpty(t, e.WAF)
		e.WAF = ""
		got = append(got, e)
	}
	assert.Equal(t, []query.Exposure{
		{LoadBalancer: "mobile-bff-alb", Port: 443, Protocol: "HTTPS (ELBSecurityPolicy-TLS13-1-2-2021-06)", Action: "forward over HTTPS to mobile-bff tasks on 8443"},
		{LoadBalancer: "mobile-bff-alb", Port: 80, Protocol: "HTTP", Action: "redirect to HTTPS"},
		{LoadBalancer: "web-bff-alb", Port: 443, Protocol: "HTTPS (ELBSecurityPolicy-TLS13-1-2-2021-06)", Action: "forward over HTTPS to web-bff tasks on 8443"},
		{LoadBalancer: "web-bff-alb", Port: 80, Protocol: "HTTP", Action: "redirect to HTTPS"},
	}, got)
}

func TestInternalLoadBalancerIsNotExposed(t *testing.T) {
	ix := indexOf(res(contract.TypeLoadBalancer, "lb", "lb-1", map[string]any{"internal": true}))
	assert.False(t, query.InternetFacing(ix.Ref("lb-1")))
	assert.Empty(t, ix.InternetExposure())
}

// Each load balancer of dev: its subnets, its access logs and its web ACL, as EDGE-01, EDGE-04,
// NET-08, the reachability and the create order read them.
func TestLoadBalancerFactsOfDev(t *testing.T) {
	ix, _ := dev(t)
	logs := named(t, ix, contract.TypeBucket, "access-logs")
	for _, lb := range ix.LoadBalancers() {
		subnets := query.LoadBalancerSubnets(lb)
		assert.Len(t, subnets, 2, query.Name(lb))
		for _, id := range subnets {
			assert.Equal(t, contract.Public, query.Tier(ix.Ref(id)), query.Name(lb))
		}
		assert.Equal(t, query.AccessLogs{Enabled: true, Bucket: query.Str(logs, "bucket")}, query.AccessLogsOf(lb), query.Name(lb))
		acl := ix.WebACLOf(lb)
		assert.Equal(t, strings.TrimSuffix(query.Name(lb), "-alb")+"-waf", query.Name(acl))
	}
}

func TestLoadBalancerSubnetsIncludeSubnetMappings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inputs map[string]any
		want   []string
	}{
		{"subnets", map[string]any{"subnets": []any{"a", "b"}}, []string{"a", "b"}},
		{"mappings", map[string]any{"subnetMappings": []any{map[string]any{"subnetId": "c"}, map[string]any{"allocationId": "x"}}}, []string{"c"}},
		{"both", map[string]any{"subnets": []any{"a"}, "subnetMappings": []any{map[string]any{"subnetId": "c"}}}, []string{"a", "c"}},
		{"none", map[string]any{}, nil},
	} {
		lb := res(contract.TypeLoadBalancer, "lb", "lb-1", tc.inputs)
		assert.Equal(t, tc.want, query.LoadBalancerSubnets(&lb), tc.name)
	}
	lb := res(contract.TypeLoadBalancer, "lb", "lb-1", map[string]any{})
	assert.Equal(t, query.AccessLogs{}, query.AccessLogsOf(&lb), "no access logs")
}

// Each listener of dev belongs to a load balancer of the stack; HTTP redirects to HTTPS and
// HTTPS forwards to a target group of the stack, as EDGE-03, the exposure and the create order
// read them.
func TestListenersOfDev(t *testing.T) {
	ix, _ := dev(t)
	for _, l := range ix.Listeners() {
		lb := ix.LoadBalancerOf(l)
		assert.NotNil(t, lb, query.Name(l))
		actions := query.ListenerActions(l)
		assert.Len(t, actions, 1, query.Name(l))
		switch query.Str(l, "protocol") {
		case "HTTP":
			assert.Equal(t, query.ListenerAction{Type: "redirect", RedirectProtocol: "HTTPS"}, actions[0], query.Name(l))
		case "HTTPS":
			assert.Equal(t, "forward", actions[0].Type, query.Name(l))
			tg := ix.Ref(actions[0].TargetGroupArn)
			assert.Equal(t, contract.TypeTargetGroup, tg.Type, query.Name(l))
		default:
			t.Errorf("listener %s: protocol %s", query.Name(l), query.Str(l, "protocol"))
		}
	}
	orphan := res(contract.TypeListener, "l", "l-1", map[string]any{})
	assert.Nil(t, ix.LoadBalancerOf(&orphan))
	assert.Empty(t, query.ListenerActions(&orphan))
}
