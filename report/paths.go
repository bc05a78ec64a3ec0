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

	id             query.PathKey // what the row is, for the diff (the endpoints row: a node of kind endpointsNode named by its endpoints)
	fromKey, toKey string        // node keys, for the diagram
}

// NodeRow is a node of the diagram with the tier it sits in.
type NodeRow struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Tier string `json:"tier"`
}

// text renders a path row on one line: "web-bff -> cache sessions tcp 6379". Rows are listed in
// the order of their text, as a reader scans them.
func (p PathRow) text() string { return p.From + " -> " + p.To + " " + p.Protocol + " " + p.Ports }

func nodeKey(n query.Node) string { return string(n.Kind) + ":" + n.DisplayName() }

// The one node of the diagram that stands for every interface endpoint a service reaches.
const (
	endpointsKey                    = "endpoints:aws"
	endpointsNode contract.NodeKind = "endpoints"
)

func paths(ix *query.Index) ([]PathRow, []NodeRow) {
	// A source's HTTPS to the interface endpoints is one row: every task needs all of them.
	type endpointsOf struct {
		from             query.NodeID
		protocol         string
		fromPort, toPort int
	}
	type endpointsRow struct {
		from  query.Node
		names []string
	}
	endpoints := map[endpointsOf]*endpointsRow{}
	var rows []PathRow
	nodes := map[query.NodeID]NodeRow{}
	addNode := func(n query.Node) {
		if _, ok := nodes[n.ID()]; ok {
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
		nodes[n.ID()] = NodeRow{Key: nodeKey(n), Kind: string(n.Kind), Name: n.DisplayName(), Tier: tier}
	}
	for _, p := range ix.Reachability() {
		addNode(p.From)
		if p.To.Kind == contract.EndpointNode && !p.To.Gateway && p.Status == contract.PathReachable {
			k := endpointsOf{p.From.ID(), p.Protocol, p.FromPort, p.ToPort}
			if endpoints[k] == nil {
				endpoints[k] = &endpointsRow{from: p.From}
			}
			endpoints[k].names = append(endpoints[k].names, p.To.Name)
			continue
		}
		addNode(p.To)
		rows = append(rows, PathRow{From: p.From.Label(), To: p.To.Label(), Protocol: p.Protocol, Ports: p.Ports(),
			Status: string(p.Status), Why: p.Why, id: p.Key(), fromKey: nodeKey(p.From), toKey: nodeKey(p.To)})
	}
	for k, e := range endpoints {
		sort.Strings(e.names)
		p := query.Path{From: e.from, To: query.Node{Kind: endpointsNode, Name: strings.Join(e.names, ", ")}, Protocol: k.protocol, FromPort: k.fromPort, ToPort: k.toPort}
		rows = append(rows, PathRow{From: p.From.Label(), To: "AWS endpoints (" + p.To.Name + ")", Protocol: p.Protocol, Ports: p.Ports(),
			Status: string(contract.PathReachable), id: p.Key(), fromKey: nodeKey(p.From), toKey: endpointsKey})
		nodes[query.NodeID{Kind: endpointsNode}] = NodeRow{Key: endpointsKey, Kind: string(endpointsNode), Name: "AWS endpoints", Tier: string(contract.Private)}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].text() < rows[j].text() })
	out := make([]NodeRow, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return rows, out
}
