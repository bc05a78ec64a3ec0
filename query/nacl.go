package query

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// NACLEntry is one rule of a network ACL, normalised.
type NACLEntry struct {
	Number             int // evaluation order: lowest first
	Egress             bool
	Allow              bool
	CIDR               netip.Prefix
	Proto              string // as written: "tcp", "6", "-1", "icmp", "1"...
	From, To           int    // port range
	ICMPType, ICMPCode int    // -1 for any
}

// ephemeralProbe is the client port the evaluator assumes for replies (inside every ephemeral
// range clients use).
const ephemeralProbe = 50000

// NACLEntries returns the rules of the network ACL that governs a subnet, in evaluation order. A
// subnet without an explicit association uses the VPC's default ACL: locked (no entries) when the
// stack adopts it, AWS's allow-all otherwise.
func (ix *Index) NACLEntries(subnet *Resource) []NACLEntry {
	if entries, done := ix.nacls[subnet.ID]; done {
		return entries
	}
	entries := ix.computeNACLEntries(subnet)
	ix.nacls[subnet.ID] = entries
	return entries
}

func (ix *Index) computeNACLEntries(subnet *Resource) []NACLEntry {
	var acl *Resource
	for _, a := range ix.Where(contract.TypeNetworkACLAssoc, "subnetId", subnet.ID) {
		acl = ix.Ref(Str(a, "networkAclId"))
	}
	if acl == nil {
		for _, n := range ix.Where(contract.TypeNetworkACL, "subnetIds", subnet.ID) {
			acl = n
		}
	}
	if acl == nil {
		if adopted := ix.Where(contract.TypeDefaultNetworkACL, "defaultNetworkAclId", ix.defaultACLOf(subnet)); len(adopted) > 0 {
			acl = adopted[0]
		} else {
			all := netip.MustParsePrefix("0.0.0.0/0")
			return []NACLEntry{{100, false, true, all, "-1", 0, 65535, -1, -1}, {100, true, true, all, "-1", 0, 65535, -1, -1}}
		}
	}
	var out []NACLEntry
	for _, r := range ix.Where(contract.TypeNetworkACLRule, "networkAclId", acl.ID) {
		n, _ := Int(r, "ruleNumber")
		egress, _ := Bool(r, "egress")
		from, _ := Int(r, "fromPort")
		to, _ := Int(r, "toPort")
		cidr, err := netip.ParsePrefix(Str(r, "cidrBlock"))
		if err != nil {
			continue
		}
		icmpType, icmpCode := icmpOf(Prop(r, "icmpType")), icmpOf(Prop(r, "icmpCode"))
		out = append(out, NACLEntry{n, egress, Str(r, "ruleAction") == "allow", cidr, Str(r, "protocol"), from, to, icmpType, icmpCode})
	}
	for _, dir := range []string{"ingress", "egress"} {
		for _, x := range List(acl, dir) {
			m, _ := x.(map[string]any)
			cidr, err := netip.ParsePrefix(fmt.Sprint(m["cidrBlock"]))
			if err != nil {
				continue
			}
			icmpType, icmpCode := icmpOf(m["icmpType"], m["icmpType"] != nil), icmpOf(m["icmpCode"], m["icmpCode"] != nil)
			out = append(out, NACLEntry{ToInt(m["ruleNo"]), dir == "egress", m["action"] == "allow", cidr, fmt.Sprint(m["protocol"]), ToInt(m["fromPort"]), ToInt(m["toPort"]), icmpType, icmpCode})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

func (ix *Index) defaultACLOf(subnet *Resource) string {
	if vpc := ix.Ref(Str(subnet, "vpcId")); vpc != nil {
		return Str(vpc, "defaultNetworkAclId")
	}
	return ""
}

// internetCandidates are public addresses, one of which stands for "the internet" when a
// subnet's network ACL is evaluated.
var internetCandidates = []netip.Addr{
	netip.MustParseAddr("198.51.100.10"), netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("192.0.2.10"),
	netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("1.1.1.1"), netip.MustParseAddr("52.94.76.10"),
}

// InternetPeer is the address that stands for the internet at large in a subnet's network ACL:
// one that no entry names more narrowly than 0.0.0.0/0. An ACL that admits only one range
// (rules for 198.51.100.0/24, say) does not admit the internet; one that denies a range to harden
// it still does. A subnet whose entries name every candidate is judged on the first.
func (ix *Index) InternetPeer(subnet *Resource) netip.Addr {
	entries := ix.NACLEntries(subnet)
	for _, a := range internetCandidates {
		named := false
		for _, e := range entries {
			named = named || (e.CIDR.Bits() > 0 && e.CIDR.Contains(a))
		}
		if !named {
			return a
		}
	}
	return internetCandidates[0]
}

// SubnetAddr is an address inside a subnet's CIDR block (false when the block is not known).
func SubnetAddr(s *Resource) (netip.Addr, bool) {
	p, err := netip.ParsePrefix(Str(s, "cidrBlock"))
	if err != nil {
		return netip.Addr{}, false
	}
	return p.Addr().Next(), true
}

func isICMP(proto string) bool     { return proto == "icmp" || proto == "1" }
func isAnyProto(proto string) bool { return proto == "-1" || proto == "all" }

// NACLAllows evaluates a subnet's network ACL for TCP traffic with a peer address on a port: the
// first matching rule decides; no match denies.
func (ix *Index) NACLAllows(subnet *Resource, egress bool, peer netip.Addr, port int) bool {
	return len(ix.NACLTCPGaps(subnet, egress, peer, port, port)) == 0
}

// NACLTCPGaps returns the ports of [lo, hi] a subnet's network ACL does not admit for TCP with a
// peer, as sorted [from, to] ranges (none when it admits them all): each entry decides the ports
// it covers that no earlier entry decided, and what no entry decides is denied.
func (ix *Index) NACLTCPGaps(subnet *Resource, egress bool, peer netip.Addr, lo, hi int) [][2]int {
	undecided := [][2]int{{lo, hi}}
	var denied [][2]int
	for _, e := range ix.NACLEntries(subnet) {
		if len(undecided) == 0 {
			break
		}
		if e.Egress != egress || !e.CIDR.Contains(peer) || !(isAnyProto(e.Proto) || IsTCP(e.Proto)) {
			continue
		}
		from, to := e.From, e.To
		if isAnyProto(e.Proto) {
			from, to = 0, 65535
		}
		var rest [][2]int
		for _, r := range undecided {
			a, b := max(r[0], from), min(r[1], to)
			if a > b {
				rest = append(rest, r)
				continue
			}
			if !e.Allow {
				denied = append(denied, [2]int{a, b})
			}
			if r[0] < a {
				rest = append(rest, [2]int{r[0], a - 1})
			}
			if b < r[1] {
				rest = append(rest, [2]int{b + 1, r[1]})
			}
		}
		undecided = rest
	}
	denied = append(denied, undecided...)
	sort.Slice(denied, func(i, j int) bool { return denied[i][0] < denied[j][0] })
	return denied
}

// NACLAllowsICMP evaluates a subnet's network ACL for an ICMP message of a type and code with a
// peer address.
func (ix *Index) NACLAllowsICMP(subnet *Resource, egress bool, peer netip.Addr, typ, code int) bool {
	for _, e := range ix.NACLEntries(subnet) {
		if e.Egress != egress || !e.CIDR.Contains(peer) {
			continue
		}
		if isAnyProto(e.Proto) || (isICMP(e.Proto) && (e.ICMPType == -1 || e.ICMPType == typ) && (e.ICMPCode == -1 || e.ICMPCode == code)) {
			return e.Allow
		}
	}
	return false
}

// firstAdmitted returns the lowest port of [lo, hi] that lies in none of the gap lists (each as
// NACLTCPGaps returns them), and false when every port lies in one.
func firstAdmitted(lo, hi int, gaps ...[][2]int) (int, bool) {
	p := lo
	for moved := true; moved && p <= hi; {
		moved = false
		for _, list := range gaps {
			for _, g := range list {
				if p >= g[0] && p <= g[1] {
					p, moved = g[1]+1, true
				}
			}
		}
	}
	return p, p <= hi
}

// admitsSomePort reports whether a network ACL check passes for some port of [lo, hi]: each
// check gives the gaps of one ACL direction over that range.
func admitsSomePort(lo, hi int, checks ...func(lo, hi int) [][2]int) bool {
	gaps := make([][][2]int, len(checks))
	for i, c := range checks {
		gaps[i] = c(lo, hi)
	}
	_, ok := firstAdmitted(lo, hi, gaps...)
	return ok
}

// gapsOf is a check of one ACL direction with one peer, for admitsSomePort.
func (ix *Index) gapsOf(subnet *Resource, egress bool, peer netip.Addr) func(lo, hi int) [][2]int {
	return func(lo, hi int) [][2]int { return ix.NACLTCPGaps(subnet, egress, peer, lo, hi) }
}

// naclsAdmit reports whether, for some pair of subnets, both network ACLs let a connection on
// some port of [lo, hi] through and its replies back: reachable, unknown (with why), or "" when
// blocked.
func (ix *Index) naclsAdmit(srcSubnets, dstSubnets []string, lo, hi int) (contract.PathStatus, string) {
	for _, a := range srcSubnets {
		sa := ix.Ref(a)
		if sa == nil {
			return contract.PathUnknown, fmt.Sprintf("subnet %s is not in this stack", a)
		}
		for _, b := range dstSubnets {
			sb := ix.Ref(b)
			if sb == nil {
				return contract.PathUnknown, fmt.Sprintf("subnet %s is not in this stack", b)
			}
			aAddr, okA := SubnetAddr(sa)
			bAddr, okB := SubnetAddr(sb)
			if !okA || !okB {
				return contract.PathUnknown, "a subnet's CIDR block is not known"
			}
			if sa.ID == sb.ID {
				return contract.PathReachable, "" // traffic within a subnet never crosses a network ACL
			}
			if admitsSomePort(lo, hi, ix.gapsOf(sa, true, bAddr), ix.gapsOf(sb, false, aAddr)) &&
				ix.NACLAllows(sb, true, aAddr, ephemeralProbe) && ix.NACLAllows(sa, false, bAddr, ephemeralProbe) {
				return contract.PathReachable, ""
			}
		}
	}
	if len(srcSubnets) == 0 || len(dstSubnets) == 0 {
		return contract.PathUnknown, "a side has no known subnets"
	}
	return "", ""
}
