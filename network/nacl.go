package network

import (
	"net/netip"
	"sort"
)

// NATStrategy says how the private tier reaches the internet.
type NATStrategy string

// The NAT strategies.
const (
	NATNone   NATStrategy = "none"   // no NAT: services reach AWS through the VPC endpoints only
	NATSingle NATStrategy = "single" // one NAT gateway, in the first AZ
	NATPerAZ  NATStrategy = "perAz"  // one NAT gateway per AZ
)

// Anywhere is the IPv4 default route and "the internet" in rules.
const Anywhere = "0.0.0.0/0"

// NACLRule is one planned network ACL entry (always TCP: nothing in this platform speaks UDP
// across subnets, and DNS to the VPC resolver is not subject to NACLs).
type NACLRule struct {
	Number   int
	Egress   bool
	CIDR     string
	FromPort int
	ToPort   int
	Why      string
}

// Ephemeral port ranges for return traffic. Ingress from the internet skips 3389 so that no rule
// admits RDP from 0.0.0.0/0 (Security Hub EC2.21, CIS 5.1); 22 is below the range.
var (
	ephemeral         = [2]int{1024, 65535}
	ephemeralBelowRDP = [2]int{1024, 3388}
	ephemeralAboveRDP = [2]int{3390, 65535}
)

// PlanNACLs returns the rules of the network ACL of each tier. NACLs are stateless, so each
// allowed flow needs its return path; security groups do the fine-grained work, NACLs bound what a
// tier can ever exchange:
//
//   - public: HTTPS/HTTP from the internet to the load balancers, return traffic of NAT'd
//     connections, anything within the VPC.
//   - private: anything within the VPC, return traffic of NAT'd and S3-gateway connections, and
//     HTTPS out (to NAT or the S3 gateway endpoint; the route table decides which exists).
//   - isolated: only the private tier, only on the data ports, and the replies to it.
func PlanNACLs(plan *CIDRPlan, dataPorts []int) map[Tier][]NACLRule {
	vpc := plan.VPC.String()
	private := plan.Tier[Private].String()
	rules := map[Tier][]NACLRule{
		Public: {
			{100, false, Anywhere, 443, 443, "HTTPS from clients to the BFF load balancers"},
			{110, false, Anywhere, 80, 80, "HTTP from clients, answered only with a redirect to HTTPS"},
			{120, false, Anywhere, ephemeralBelowRDP[0], ephemeralBelowRDP[1], "return traffic of NAT'd connections"},
			{130, false, Anywhere, ephemeralAboveRDP[0], ephemeralAboveRDP[1], "return traffic of NAT'd connections"},
			{200, false, vpc, 0, 65535, "traffic from inside the VPC"},
			{100, true, Anywhere, 443, 443, "HTTPS out through NAT"},
			{110, true, Anywhere, ephemeral[0], ephemeral[1], "replies to internet clients"},
			{200, true, vpc, 0, 65535, "traffic to inside the VPC"},
		},
		Private: {
			{100, false, vpc, 0, 65535, "traffic from inside the VPC"},
			{120, false, Anywhere, ephemeralBelowRDP[0], ephemeralBelowRDP[1], "return traffic from NAT and the S3 gateway endpoint"},
			{130, false, Anywhere, ephemeralAboveRDP[0], ephemeralAboveRDP[1], "return traffic from NAT and the S3 gateway endpoint"},
			{100, true, vpc, 0, 65535, "traffic to inside the VPC"},
			{110, true, Anywhere, 443, 443, "HTTPS out through NAT or the S3 gateway endpoint"},
		},
	}
	ports := append([]int(nil), dataPorts...)
	sort.Ints(ports)
	var isolated []NACLRule
	for i, p := range ports {
		isolated = append(isolated, NACLRule{100 + 10*i, false, private, p, p, "data port from the private tier"})
	}
	if len(ports) > 0 {
		isolated = append(isolated, NACLRule{100, true, private, ephemeral[0], ephemeral[1], "replies to the private tier"})
	}
	rules[Isolated] = isolated
	return rules
}

// Covers reports whether a rule admits the given address and port.
func (r NACLRule) Covers(addr netip.Addr, port int) bool {
	p, err := netip.ParsePrefix(r.CIDR)
	return err == nil && p.Contains(addr) && port >= r.FromPort && port <= r.ToPort
}
