package network

import "github.com/secure-vpc/secure-vpc/network/netplan"

// Aliases kept only so that platform (owned by another part of issue 10) compiles unchanged while
// the planners move to netplan; the lead removes them at merge by pointing platform at netplan.

// Transitional alias of netplan.MinVPCPrefix and netplan.MaxVPCPrefix.
const (
	MinVPCPrefix = netplan.MinVPCPrefix
	MaxVPCPrefix = netplan.MaxVPCPrefix
)

// Transitional alias of netplan.MaxRulesPerGroup.
const MaxRulesPerGroup = netplan.MaxRulesPerGroup

// Transitional alias of the netplan types of the same names.
type (
	Group         = netplan.Group
	FirewallRule  = netplan.FirewallRule
	FirewallGraph = netplan.FirewallGraph
	ServiceNode   = netplan.ServiceNode
	StoreNode     = netplan.StoreNode
)

// Transitional alias of the netplan functions and variables of the same names.
var (
	PlanCIDRs          = netplan.PlanCIDRs
	PlanFirewall       = netplan.PlanFirewall
	RuleCounts         = netplan.RuleCounts
	InterfaceEndpoints = netplan.InterfaceEndpoints
)
