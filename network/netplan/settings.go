package netplan

import "net/netip"

// Settings is the VPC of a stack as its config declares it (secure-vpc:network); the config
// loader fills the defaults and checks the ranges, network.Vpc embeds it.
type Settings struct {
	// CIDR is the VPC block: a private IPv4 network address, /16 (MinVPCPrefix) to /22
	// (MaxVPCPrefix). Required.
	CIDR netip.Prefix
	// AvailabilityZones are 2 or 3 (MaxAZs) distinct zones of the stack's region, in order:
	// appending one never moves an existing subnet. Required.
	AvailabilityZones []string
	// NATGateways is how the private tier reaches the internet. Required; the loader's default is
	// single in dev and staging, perAz in prod.
	NATGateways NATStrategy
	// FlowLogRetentionDays is the retention of the flow logs, in days, and of every other log
	// group of the stack: a value CloudWatch Logs accepts. Required; the loader's default is 30 in
	// dev, 90 in staging, 365 in prod.
	FlowLogRetentionDays int
	// ConnectedCIDRs are networks reached through peering or a transit gateway, which the loader
	// checks do not overlap the VPC. Optional; the Vpc does not use them.
	ConnectedCIDRs []netip.Prefix
	// DNSFirewallFailOpen lets the VPC's DNS queries through when DNS Firewall cannot evaluate
	// them (FirewallFailOpen ENABLED). Optional; the loader's default is false (fail closed) in
	// every environment, and it refuses true in prod.
	DNSFirewallFailOpen bool
}
