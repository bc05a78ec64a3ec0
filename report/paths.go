package report

import (
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// PathRow is a path for a reader: a service's paths to the AWS interface endpoints are shown as
// one row, since every task needs all of them.
type PathRow struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Protocol string `json:"protocol"`
	Ports    string `json:"ports"`
	Status   string `json:"status"`
	Why      string `json:"why,omitempty"`

	fromKey, toKey string // node keys, for the diagram
}

// NodeRow is a node of the diagram with the tier it sits in.
type NodeRow struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Tier string `json:"tier"`
}

// Key of a path row, stable across plans.
func (p PathRow) Key() string { return p.From + " -> " + p.To + " " + p.Protocol + " " + p.Ports }

func nodeKey(n query.Node) string { return string(n.Kind) + ":" + n.DisplayName() }

// The one node of the diagram that stands for every interface endpoint a service reaches.
const (
	endpointsKey  = "endpoints:aws"
	endpointsKind = "endpoints"
)

func paths(ix *query.Index) ([]PathRow, []NodeRow) {
	// A source's HTTPS to the interface endpoints is one row: every task needs all of them.
	type endpointsOf struct{ from, fromKey, protocol, ports string }
	endpoints := map[endpointsOf][]string{}
	var rows []PathRow
	nodes := map[string]NodeRow{}
	addNode := func(n query.Node) {
		k := nodeKey(n)
		if _, ok := nodes[k]; ok {
			return
		}
		tier := ""
		for _, sid := range n.Subnets {
			if s := ix.Ref(sid); s != nil {
				tier = string(query.Tier(s))
			}
		}
		if n.Kind == contract.InternetNode {
			tier = string(contract.InternetNode)
		}
		nodes[k] = NodeRow{Key: k, Kind: string(n.Kind), Name: n.DisplayName(), Tier: tier}
	}
	for _, p := range ix.Reachability() {
		addNode(p.From)
		if p.To.Kind == contract.EndpointNode && !p.To.Gateway && p.Status == contract.PathReachable {
			k := endpointsOf{p.From.Label(), nodeKey(p.From), p.Protocol, p.Ports()}
			endpoints[k] = append(endpoints[k], p.To.Name)
			continue
		}
		addNode(p.To)
		rows = append(rows, PathRow{From: p.From.Label(), To: p.To.Label(), Protocol: p.Protocol, Ports: p.Ports(),
			Status: string(p.Status), Why: p.Why, fromKey: nodeKey(p.From), toKey: nodeKey(p.To)})
	}
	for k, names := range endpoints {
		sort.Strings(names)
		rows = append(rows, PathRow{From: k.from, To: "AWS endpoints (" + strings.Join(names, ", ") + ")", Protocol: k.protocol, Ports: k.ports,
			Status: string(contract.PathReachable), fromKey: k.fromKey, toKey: endpointsKey})
		nodes[endpointsKey] = NodeRow{Key: endpointsKey, Kind: endpointsKind, Name: "AWS endpoints", Tier: string(contract.Private)}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key() < rows[j].Key() })
	out := make([]NodeRow, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return rows, out
}
