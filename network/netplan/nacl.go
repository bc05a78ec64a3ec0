package netplan

import (
	"net/netip"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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

// NACLRule is one planned network ACL entry: TCP (nothing in this platform speaks UDP across
// subnets, and DNS to the VPC resolver is not subject to NACLs) or, for path MTU discovery,
// ICMP "fragmentation needed".
type NACLRule struct {
	Number   int
	Egress   bool
	Protocol string // "tcp" or "icmp"
	CIDR     string
	FromPort int // tcp only
	ToPort   int // tcp only
	ICMPType int // icmp only
	ICMPCode int // icmp only
	Why      string
}

// Return traffic and path MTU discovery.
var (
	// ephemeral is the range the replies of connections come back on: a NAT gateway, Elastic Load
	// Balancing and Lambda use source ports 1024-65535, Linux 32768-60999
	// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
	ephemeral = [2]int{1024, 65535}
	// The public and private tiers admit that range from the internet in three rules, so that
	// port 3389 sits in a rule of its own: it is the one Security Hub EC2.21 flags (a NACL entry
	// admitting 0.0.0.0/0 to 22 or 3389), a documented exception (README, invariant NET-08) that
	// the security groups still close (EDGE-02). Port 22 is below the range.
	ephemeralBelowRDP = [2]int{1024, 3388}
	ephemeralRDP      = [2]int{3389, 3389}
	ephemeralAboveRDP = [2]int{3390, 65535}
)

// ICMP "destination unreachable: fragmentation needed" (type 3, code 4): path MTU discovery
// between the VPC (jumbo frames, 9001 bytes) and the internet (1500 bytes) needs it in both
// directions (https://docs.aws.amazon.com/vpc/latest/userguide/path_mtu_discovery.html); NAT
// gateways drop fragmented TCP, so without it large replies through NAT stall.
const (
	ICMPDestinationUnreachable = 3
	ICMPFragmentationNeeded    = 4
)

func tcp(n int, egress bool, cidr string, ports [2]int, why string) NACLRule {
	return NACLRule{Number: n, Egress: egress, Protocol: "tcp", CIDR: cidr, FromPort: ports[0], ToPort: ports[1], Why: why}
}

func pmtud(n int, egress bool) NACLRule {
	return NACLRule{Number: n, Egress: egress, Protocol: "icmp", CIDR: Anywhere, ICMPType: ICMPDestinationUnreachable, ICMPCode: ICMPFragmentationNeeded,
		Why: "ICMP fragmentation needed, for path MTU discovery"}
}

// PlanNACLs returns the rules of the network ACL of each tier. NACLs are stateless, so each
// allowed flow needs its return path; security groups do the fine-grained work, NACLs bound what a
// tier can ever exchange:
//
//   - public: HTTPS/HTTP from the internet to the load balancers, return traffic of NAT'd
//     connections (every NAT source port, 1024-65535), anything within the VPC, and ICMP
//     fragmentation-needed both ways.
//   - private: anything within the VPC, return traffic of NAT'd and S3-gateway connections, HTTPS
//     out (to NAT or the S3 gateway endpoint; the route table decides which exists), and ICMP
//     fragmentation-needed both ways.
//   - isolated: only the private tier, only on the data ports, and the replies to it.
func PlanNACLs(plan *CIDRPlan, dataPorts []int) map[contract.Tier][]NACLRule {
	vpc := plan.VPC.String()
	private := plan.Tier[contract.Private].String()
	rules := map[contract.Tier][]NACLRule{
		contract.Public: {
			tcp(100, false, Anywhere, [2]int{HTTPS, HTTPS}, "HTTPS from clients to the BFF load balancers"),
			tcp(110, false, Anywhere, [2]int{HTTP, HTTP}, "HTTP from clients, answered only with a redirect to HTTPS"),
			tcp(120, false, Anywhere, ephemeralBelowRDP, "return traffic of NAT'd connections"),
			tcp(125, false, Anywhere, ephemeralRDP, "return traffic of NAT'd connections on source port 3389 (the EC2.21 exception)"),
			tcp(130, false, Anywhere, ephemeralAboveRDP, "return traffic of NAT'd connections"),
			pmtud(140, false),
			tcp(200, false, vpc, [2]int{0, 65535}, "traffic from inside the VPC"),
			tcp(100, true, Anywhere, [2]int{HTTPS, HTTPS}, "HTTPS out through NAT"),
			tcp(110, true, Anywhere, ephemeral, "replies to internet clients"),
			pmtud(140, true),
			tcp(200, true, vpc, [2]int{0, 65535}, "traffic to inside the VPC"),
		},
		contract.Private: {
			tcp(100, false, vpc, [2]int{0, 65535}, "traffic from inside the VPC"),
			tcp(120, false, Anywhere, ephemeralBelowRDP, "return traffic from NAT and the S3 gateway endpoint"),
			tcp(125, false, Anywhere, ephemeralRDP, "return traffic from NAT and the S3 gateway endpoint on port 3389 (the EC2.21 exception)"),
			tcp(130, false, Anywhere, ephemeralAboveRDP, "return traffic from NAT and the S3 gateway endpoint"),
			pmtud(140, false),
			tcp(100, true, vpc, [2]int{0, 65535}, "traffic to inside the VPC"),
			tcp(110, true, Anywhere, [2]int{HTTPS, HTTPS}, "HTTPS out through NAT or the S3 gateway endpoint"),
			pmtud(140, true),
		},
	}
	ports := append([]int(nil), dataPorts...)
	sort.Ints(ports)
	var isolated []NACLRule
	for i, p := range ports {
		isolated = append(isolated, tcp(100+10*i, false, private, [2]int{p, p}, "data port from the private tier"))
	}
	if len(ports) > 0 {
		isolated = append(isolated, tcp(100, true, private, ephemeral, "replies to the private tier"))
	}
	rules[contract.Isolated] = isolated
	return rules
}

// Covers reports whether a TCP rule admits the given address and port.
func (r NACLRule) Covers(addr netip.Addr, port int) bool {
	p, err := netip.ParsePrefix(r.CIDR)
	return err == nil && r.Protocol == "tcp" && p.Contains(addr) && port >= r.FromPort && port <= r.ToPort
}
