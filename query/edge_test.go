package query_test

import (
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
