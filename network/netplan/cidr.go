// Package netplan plans the network as data, with no cloud SDK: the subnet CIDRs of each tier
// and AZ, the network ACL rules of each tier, and the security groups and rules derived from the
// service graph, plus the endpoint and flow-log policy documents. network.Vpc and
// network.Firewall emit what it plans; the config loader checks quotas against the same plans.
package netplan

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// The VPC sizes the plan supports: AWS allows /16 at most, and below /22 a public subnet would be
// smaller than the /27 an ALB needs.
const (
	MinVPCPrefix = 16
	MaxVPCPrefix = 22
	// MaxAZs is the number of AZ slots every tier reserves, so an AZ can be added without moving
	// the subnets that exist (the fourth slot is spare).
	MaxAZs  = 3
	azSlots = 4
)

// tierLayout places each tier in the VPC block: the tier's block is 1/2^sizeBits of the VPC at
// offset (in units of its own size), and holds azSlots subnets.
//
//	private  : first half      -> 4 slots of 1/8  (a /16 gives /19 subnets, 8187 usable addresses)
//	isolated : third quarter   -> 4 slots of 1/16 (a /16 gives /20 subnets)
//	public   : seventh eighth  -> 4 slots of 1/32 (a /16 gives /21 subnets)
//	reserved : last eighth, for a future tier
var tierLayout = map[contract.Tier]struct{ sizeBits, offset int }{
	contract.Private:  {1, 0},
	contract.Isolated: {2, 2},
	contract.Public:   {3, 6},
}

// Subnet is one planned subnet.
type Subnet struct {
	Tier contract.Tier
	AZ   string
	Slot int
	CIDR netip.Prefix
}

// CIDRPlan is the deterministic subnet plan of a VPC.
type CIDRPlan struct {
	VPC     netip.Prefix
	Tier    map[contract.Tier]netip.Prefix // the block reserved for each tier (all its AZ slots)
	Subnets []Subnet                       // tier-major, then AZ order
}

// PlanCIDRs splits the VPC block into three tiers x the given AZs. A subnet's CIDR depends only
// on the VPC block, its tier and its AZ's position in the list, so appending an AZ never moves an
// existing subnet, and no two subnets (or tiers) overlap.
func PlanCIDRs(vpc netip.Prefix, azs []string) (*CIDRPlan, error) {
	if !vpc.Addr().Is4() || vpc.Masked() != vpc {
		return nil, fmt.Errorf("planning subnets: %s is not an IPv4 network address", vpc)
	}
	if vpc.Bits() < MinVPCPrefix || vpc.Bits() > MaxVPCPrefix {
		return nil, fmt.Errorf("planning subnets: a /%d VPC is outside /%d-/%d", vpc.Bits(), MinVPCPrefix, MaxVPCPrefix)
	}
	if len(azs) == 0 || len(azs) > MaxAZs {
		return nil, fmt.Errorf("planning subnets: %d AZs given, the plan holds 1 to %d", len(azs), MaxAZs)
	}
	plan := &CIDRPlan{VPC: vpc, Tier: map[contract.Tier]netip.Prefix{}}
	for _, tier := range contract.Tiers {
		layout := tierLayout[tier]
		block := subBlock(vpc, layout.sizeBits, layout.offset)
		plan.Tier[tier] = block
		for slot, az := range azs {
			plan.Subnets = append(plan.Subnets, Subnet{Tier: tier, AZ: az, Slot: slot, CIDR: subBlock(block, 2, slot)})
		}
	}
	return plan, nil
}

// ByTier returns the planned subnets of one tier in AZ order.
func (p *CIDRPlan) ByTier(tier contract.Tier) []Subnet {
	var out []Subnet
	for _, s := range p.Subnets {
		if s.Tier == tier {
			out = append(out, s)
		}
	}
	return out
}

// subBlock returns the index-th block of size /(bits+extra) inside parent.
func subBlock(parent netip.Prefix, extra, index int) netip.Prefix {
	bits := parent.Bits() + extra
	if index < 0 || index >= 1<<extra || bits > 32 {
		panic(fmt.Sprintf("subBlock: block %d of /%d inside %s", index, bits, parent))
	}
	base := parent.Addr().As4()
	n := binary.BigEndian.Uint32(base[:]) + uint32(index)<<(32-bits) // #nosec G115 -- index is checked above to fit in extra bits
	var out [4]byte
	binary.BigEndian.PutUint32(out[:], n)
	return netip.PrefixFrom(netip.AddrFrom4(out), bits)
}
