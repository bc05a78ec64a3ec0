package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyReach = `Strategy 2, "Network Security": judged on effective reachability (security groups, routes and network ACLs together)`

var reachInvariants = []Invariant{
	{
		ID:        "REACH-01",
		Statement: "The internet can effectively reach only BFF load balancers, and only on tcp 443 and 80",
		Enforces:  strategyIngress + "; " + strategyReach,
		Covers:    query.ReachabilityTypes,
		check:     checkInternetReach,
	},
	{
		ID:        "REACH-02",
		Statement: "Each database and cache is effectively reachable only from its declared users, and only on its port",
		Enforces:  `Strategy 2, "Firewall Rules": "only the Users Service is permitted to establish a connection with the user database"`,
		Covers:    query.ReachabilityTypes,
		check:     checkStoreReach,
	},
	{
		ID:        "REACH-03",
		Statement: "No path is unknown: a path the analysis cannot decide is reported and fails, never assumed safe",
		Enforces:  strategyReach,
		Covers:    query.ReachabilityTypes,
		check:     checkUnknownPaths,
	},
}

func nodeFinding(n query.Node, format string, args ...any) Finding {
	urn := n.URN
	if urn == "" {
		urn = n.Label()
	}
	return Finding{URN: urn, Message: fmt.Sprintf(format, args...)}
}

func checkInternetReach(ix *query.Index) (int, []Finding) {
	var fs []Finding
	paths := ix.Reachability()
	checked := 0
	for _, p := range paths {
		if p.From.Kind != contract.InternetNode {
			continue
		}
		checked++
		bff := p.To.Kind == contract.LoadBalancerNode && p.To.Tags[contract.BFFTag] != ""
		okPort := query.IsTCP(p.Protocol) && p.FromPort == p.ToPort && (p.FromPort == 443 || p.FromPort == 80)
		if !bff || !okPort {
			fs = append(fs, nodeFinding(p.To, "the internet can reach it on %s %s; only BFF load balancers on tcp 443 and 80 may face the internet", p.Protocol, p.Ports()))
		}
	}
	return checked, fs
}

func checkStoreReach(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, p := range ix.Reachability() {
		if p.To.Kind != contract.DatabaseNode && p.To.Kind != contract.CacheNode {
			continue
		}
		checked++
		users, port := p.To.Declared, p.To.Port
		declared := (p.From.Kind == contract.ServiceNode && slices.Contains(users, p.From.Name)) ||
			(p.From.Kind == contract.MigrationNode && p.To.Migration != "" && p.From.Name == p.To.Migration)
		if p.To.Migration != "" {
			users = append(slices.Clone(users), p.To.Migration+" (migration task)")
		}
		switch {
		case !declared:
			fs = append(fs, nodeFinding(p.To, "%s can reach it on %s %s, but its declared users are %s", p.From.Label(), p.Protocol, p.Ports(), strings.Join(users, ", ")))
		case p.FromPort != port || p.ToPort != port:
			fs = append(fs, nodeFinding(p.To, "%s can reach it on %s %s, not only on its port %d", p.From.Label(), p.Protocol, p.Ports(), port))
		}
	}
	return checked, fs
}

func checkUnknownPaths(ix *query.Index) (int, []Finding) {
	var fs []Finding
	paths := ix.Reachability()
	for _, p := range paths {
		if p.Status == contract.PathUnknown {
			fs = append(fs, nodeFinding(p.From, "the path to %s (%s %s) cannot be decided: %s", p.To.Label(), p.Protocol, p.Ports(), p.Why))
		}
	}
	return len(paths), fs
}
