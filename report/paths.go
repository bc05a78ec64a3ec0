package report

import (
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/policy"
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

func nodeKey(n policy.Node) string { return n.Kind + ":" + n.Name }

func paths(ix *policy.Index) ([]PathRow, []NodeRow) {
	endpoints := map[string][]string{} // source -> endpoint names, for HTTPS to interface endpoints
	var rows []PathRow
	nodes := map[string]NodeRow{}
	addNode := func(n policy.Node) {
		k := nodeKey(n)
		if _, ok := nodes[k]; ok {
			return
		}
		tier := ""
		for _, sid := range n.Subnets {
			if s := ix.Ref(sid); s != nil {
				tier = policy.Tier(s)
			}
		}
		if n.Kind == "internet" {
			tier = "internet"
		}
		nodes[k] = NodeRow{Key: k, Kind: n.Kind, Name: n.Name, Tier: tier}
	}
	for _, p := range ix.Reachability() {
		addNode(p.From)
		if p.To.Kind == "endpoint" && !strings.HasSuffix(p.To.Name, "(gateway)") && p.Status == policy.Reachable {
			endpoints[p.From.Label()+"\x00"+p.Protocol+"\x00"+p.Ports()] = append(endpoints[p.From.Label()+"\x00"+p.Protocol+"\x00"+p.Ports()], p.To.Name)
			continue
		}
		addNode(p.To)
		rows = append(rows, PathRow{From: p.From.Label(), To: p.To.Label(), Protocol: p.Protocol, Ports: p.Ports(),
			Status: string(p.Status), Why: p.Why, fromKey: nodeKey(p.From), toKey: nodeKey(p.To)})
	}
	for k, names := range endpoints {
		parts := strings.Split(k, "\x00")
		sort.Strings(names)
		rows = append(rows, PathRow{From: parts[0], To: "AWS endpoints (" + strings.Join(names, ", ") + ")", Protocol: parts[1], Ports: parts[2],
			Status: string(policy.Reachable), fromKey: "service:" + parts[0], toKey: "endpoints:aws"})
		nodes["endpoints:aws"] = NodeRow{Key: "endpoints:aws", Kind: "endpoints", Name: "AWS endpoints", Tier: "private"}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key() < rows[j].Key() })
	out := make([]NodeRow, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return rows, out
}
