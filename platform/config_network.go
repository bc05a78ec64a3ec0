package platform

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

type rawNetwork struct {
	CIDR                 string   `json:"cidr"`
	AvailabilityZones    []string `json:"availabilityZones"`
	NATGateways          string   `json:"natGateways"`
	FlowLogRetentionDays *int     `json:"flowLogRetentionDays"`
	ConnectedCIDRs       []string `json:"connectedCidrs"`
	DNSFirewallFailOpen  *bool    `json:"dnsFirewallFailOpen"`
}

func loadNetwork(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyNetwork)
	data, ok := raw(src, keyNetwork)
	if !ok {
		ps.add(key, "required; set cidr, availabilityZones and (optionally) natGateways")
		return
	}
	var rn rawNetwork
	decodeObject(key, data, &rn, ps)

	n := &spec.Network
	switch {
	case rn.CIDR == "":
		ps.add(key+".cidr", "required; use a private IPv4 range such as 10.20.0.0/16")
	default:
		p, err := netip.ParsePrefix(rn.CIDR)
		switch {
		case err != nil || !p.Addr().Is4():
			ps.add(key+".cidr", "%q is not an IPv4 CIDR block such as 10.20.0.0/16", rn.CIDR)
		case p.Masked() != p:
			ps.add(key+".cidr", "%s has host bits set; use the network address %s", rn.CIDR, p.Masked())
		case !isPrivate(p):
			ps.add(key+".cidr", "%s is not a private range; use a block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", rn.CIDR)
		case p.Bits() < netplan.MinVPCPrefix:
			ps.add(key+".cidr", "/%d is larger than AWS allows for a VPC; use a /%d to /%d block", p.Bits(), netplan.MinVPCPrefix, netplan.MaxVPCPrefix)
		case p.Bits() > netplan.MaxVPCPrefix:
			ps.add(key+".cidr", "/%d is too small for 3 tiers x 3 AZs (a public subnet must be at least /27); use a /%d or larger block", p.Bits(), netplan.MaxVPCPrefix)
		default:
			n.CIDR = p
		}
	}

	for i, c := range rn.ConnectedCIDRs {
		ck := fmt.Sprintf("%s.connectedCidrs[%d]", key, i)
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() || p.Masked() != p {
			ps.add(ck, "%q is not an IPv4 network address in CIDR form such as 10.30.0.0/16", c)
			continue
		}
		if n.CIDR.IsValid() && n.CIDR.Overlaps(p) {
			ps.add(ck, "%s overlaps the VPC CIDR %s; pick a VPC CIDR that does not overlap the networks it will be connected to", c, n.CIDR)
		}
		n.ConnectedCIDRs = append(n.ConnectedCIDRs, p)
	}

	azKey := key + ".availabilityZones"
	seen := map[string]bool{}
	region, knownRegion := awslimits.LookupRegion(spec.Region)
	for _, az := range rn.AvailabilityZones {
		switch {
		case seen[az]:
			ps.add(azKey, "%s is listed twice; each AZ must be distinct", az)
		case knownRegion && !region.HasZone(az):
			ps.add(azKey, "%q is not an availability zone of %s; its zones are %s (each account sees some of them: aws ec2 describe-availability-zones)", az, spec.Region, strings.Join(region.ZoneNames(), ", "))
		}
		seen[az] = true
	}
	if len(rn.AvailabilityZones) < minAZs || len(rn.AvailabilityZones) > netplan.MaxAZs {
		ps.add(azKey, "has %d zone(s); list %d or %d distinct zones (load balancers and DB subnet groups need at least %[2]d)", len(rn.AvailabilityZones), minAZs, netplan.MaxAZs)
	}
	n.AvailabilityZones = rn.AvailabilityZones

	n.NATGateways = natGateways.resolve(key, spec.Environment, given(NATStrategy(rn.NATGateways)), ps)
	n.FlowLogRetentionDays = flowLogRetentionDays.resolve(key, spec.Environment, rn.FlowLogRetentionDays, ps)
	n.DNSFirewallFailOpen = dnsFirewallFailOpen.resolve(key, spec.Environment, rn.DNSFirewallFailOpen, ps)
	if n.DNSFirewallFailOpen && spec.Environment != Dev {
		ps.add(key+".dnsFirewallFailOpen", "true is refused in %s: a fail-open DNS Firewall lets every query through (DNS tunnelling included) whenever it cannot evaluate them; remove it (staging and prod fail closed)", spec.Environment)
	}
}

var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// minAZs is the fewest zones a stack spans: load balancers and DB subnet groups need two.
const minAZs = 2
