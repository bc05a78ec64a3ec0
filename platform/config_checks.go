package platform

import (
	"fmt"
	"sort"

	"github.com/secure-vpc/secure-vpc/data"
	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/network/netplan"
)

// checkGraph enforces the rules that tie the graph together: every name refers to a declared
// service, nobody calls a BFF, names are unique across kinds, and the isolated tier's NACL can
// hold a rule per data port.
func checkGraph(spec *Spec, ps *problems) {
	svcKey := nsKey(keyServices)
	for _, name := range sortedNames(spec.Services) {
		svc := spec.Services[name]
		seen := map[string]bool{}
		for _, callee := range svc.Calls {
			ck := svcKey + "." + name + ".calls"
			target, exists := spec.Services[callee]
			switch {
			case seen[callee]:
				ps.add(ck, "%s is listed twice", callee)
			case !exists:
				ps.add(ck, "unknown service %q; declare it under %s or fix the name%s", callee, svcKey, suggest(callee, spec.Services))
			case callee == name:
				ps.add(ck, "%s calls itself; remove it from its own calls", name)
			case target.Public:
				ps.add(ck, "%s is a BFF (public: true); BFFs are entry points and nobody calls them, so move the shared logic to a private service", callee)
			}
			seen[callee] = true
		}
	}
	refs := func(key string, names []string) {
		for _, n := range names {
			if _, ok := spec.Services[n]; !ok {
				ps.add(key, "unknown service %q; declare it under %s or fix the name%s", n, svcKey, suggest(n, spec.Services))
			}
		}
	}
	for _, name := range sortedNames(spec.Databases) {
		o := spec.Databases[name].Owner
		if o == "" {
			continue
		}
		ok := nsKey(keyDatabases) + "." + name + ".owner"
		refs(ok, []string{o})
		owner, exists := spec.Services[o]
		switch {
		case !exists:
		case owner.Public:
			ps.add(ok, "%s is a BFF (public: true), and a BFF never owns a database: the strategy keeps data behind private services (only the Users Service reaches the user database). Let a private service own it and have the BFF call that service", o)
		case naming.DatabaseUser(o) == data.MasterUsername:
			ps.add(ok, "the owner connects as the database role %s, which is the database's master user; rename the service or pick another owner", data.MasterUsername)
		default:
			if err := awslimits.CheckRoleName(naming.DatabaseUser(o)); err != nil {
				ps.add(ok, "the owner connects as the database role %s (its name with underscores for hyphens), and %v; rename the service or pick another owner", naming.DatabaseUser(o), err)
			}
		}
	}
	if spec.Network.NATGateways == NATNone {
		for _, name := range sortedNames(spec.Services) {
			if spec.Services[name].InternetEgress {
				ps.add(svcKey+"."+name+".egress", "declares destinations on the internet, but %s.natGateways is none: nothing routes out of the VPC; set %s.natGateways to single or perAz, or remove the destinations", nsKey(keyNetwork), nsKey(keyNetwork))
			}
		}
	}
	for _, name := range sortedNames(spec.Buckets) {
		refs(nsKey(keyBuckets)+"."+name+".readers", spec.Buckets[name].Readers)
		refs(nsKey(keyBuckets)+"."+name+".writers", spec.Buckets[name].Writers)
	}
	for _, name := range sortedNames(spec.Caches) {
		refs(nsKey(keyCaches)+"."+name+".users", spec.Caches[name].Users)
	}
	for _, name := range sortedNames(spec.Secrets) {
		refs(nsKey(keySecrets)+"."+name+".readers", spec.Secrets[name].Readers)
	}

	owner := map[string]string{}
	claim := func(kind, name string) {
		if prev, taken := owner[name]; taken {
			ps.add(nsKey(kind)+"."+name, "the name %q is already used under %s; names must be unique across services, databases, buckets, caches and secrets", name, nsKey(prev))
			return
		}
		owner[name] = kind
	}
	for _, n := range sortedNames(spec.Services) {
		claim(keyServices, n)
	}
	for _, n := range sortedNames(spec.Databases) {
		claim(keyDatabases, n)
	}
	for _, n := range sortedNames(spec.Buckets) {
		if n == ReservedBucket {
			ps.add(nsKey(keyBuckets)+"."+n, "the name %q is reserved for the stack's access-log bucket; choose another", n)
		}
		claim(keyBuckets, n)
	}
	for _, n := range sortedNames(spec.Caches) {
		claim(keyCaches, n)
	}
	for _, n := range sortedNames(spec.Secrets) {
		claim(keySecrets, n)
	}

	_, rules := netplan.PlanFirewall(spec.FirewallGraph())
	// Rule names join group and peer names ("svc-a-to-svc-b-8443"): names that hold "-to-" or
	// "-from-" can make two rules one name, which Pulumi refuses as a duplicate resource.
	named := map[string]netplan.FirewallRule{}
	for _, r := range rules {
		if first, taken := named[r.Name()]; taken && (first.Group != r.Group || first.Egress != r.Egress) {
			ps.add(groupKey(r.Group), "its firewall rule to or from %s would be named %s, like the rule of %s to or from %s; rename one of the services (names with -to- or -from- in them collide)",
				r.Peer.Label(), r.Name(), first.Group.Label(), first.Peer.Label())
		}
		named[r.Name()] = r
	}
	counts := netplan.RuleCounts(rules)
	for _, g := range sortedGroups(counts) {
		c := counts[g]
		for dir, n := range map[string]int{"inbound": c[0], "outbound": c[1]} {
			if n <= netplan.MaxRulesPerGroup {
				continue
			}
			ps.add(groupKey(g), "its security group %s would need %d %s rules and AWS allows %d per group (the default quota); split the service or reduce its callers, callees and stores",
				g.Label(), n, dir, netplan.MaxRulesPerGroup)
		}
	}

	if ports := spec.DataPorts(); len(ports) > MaxDataPorts {
		ps.add(nsKey(keyDatabases), "the databases and caches use %d distinct ports; the isolated tier's network ACL holds one rule per port and at most %d, so share ports", len(ports), MaxDataPorts)
	}
}

func sortedGroups(m map[netplan.Group][2]int) []netplan.Group {
	out := make([]netplan.Group, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label() < out[j].Label() })
	return out
}

// groupKey is the config key a security group comes from.
func groupKey(g netplan.Group) string {
	switch g.Kind {
	case contract.ServiceGroup, contract.LoadBalancerGroup:
		return nsKey(keyServices) + "." + g.Name
	case contract.DatabaseGroup:
		return nsKey(keyDatabases) + "." + g.Name
	case contract.CacheGroup:
		return nsKey(keyCaches) + "." + g.Name
	}
	return nsKey(keyServices)
}

func suggest(name string, services map[string]Service) string {
	if guess := closest(name, sortedNames(services)); guess != "" {
		return fmt.Sprintf(" (did you mean %q?)", guess)
	}
	return ""
}
