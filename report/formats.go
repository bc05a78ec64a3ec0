package report

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// Formats the report can be written in.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatMarkdown = "markdown"
)

// Write renders the report in a format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatText, "":
		return r.WriteText(w)
	case FormatJSON:
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding the report: %w", err)
		}
		_, err = w.Write(append(data, '\n'))
		return err
	case FormatMarkdown:
		return r.WriteMarkdown(w)
	}
	return fmt.Errorf("unknown format %q (text, json or markdown)", format)
}

// WriteMarkdown renders the report for a pull-request comment, with a Mermaid diagram of the
// tiers, load balancers, services, stores and the allowed paths.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := &strings.Builder{}
	held, failed := 0, 0
	for _, res := range r.Results {
		if res.Passed {
			held++
		} else {
			failed++
		}
	}
	icon := "✅"
	if failed > 0 {
		icon = "❌"
	}
	fmt.Fprintf(b, "## %s\n\n%s **%d of %d security invariants hold.**\n\n", r.Title, icon, held, len(r.Results))
	for _, n := range r.Notes {
		fmt.Fprintf(b, "> %s\n\n", n)
	}

	fmt.Fprintf(b, "### What the internet can reach\n\n| Load balancer | Port | Protocol | Does | WAF |\n|---|---|---|---|---|\n")
	for _, e := range r.Internet {
		fmt.Fprintf(b, "| %s | %d | %s | %s | %s |\n", e.LoadBalancer, e.Port, e.Protocol, e.Action, orDash(e.WAF))
	}
	if len(r.Internet) == 0 {
		fmt.Fprintf(b, "| nothing | | | | |\n")
	}

	fmt.Fprintf(b, "\n### Who can reach whom\n\n")
	fmt.Fprintf(b, "```mermaid\n%s```\n\n", r.Mermaid())
	fmt.Fprintf(b, "| From | To | Ports | Status |\n|---|---|---|---|\n")
	for _, p := range r.Paths {
		fmt.Fprintf(b, "| %s | %s | %s %s | %s |\n", p.From, p.To, p.Protocol, p.Ports, p.Status)
	}

	fmt.Fprintf(b, "\n### Data stores\n\n| Kind | Store | Key | Reachable by |\n|---|---|---|---|\n")
	for _, st := range r.Stores {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", st.Kind, st.Name, st.Key, joinOr(st.ReachableBy, "nobody"))
	}
	fmt.Fprintf(b, "\n### Secrets\n\n| Secret | Key | Readers |\n|---|---|---|\n")
	for _, sec := range r.Secrets {
		fmt.Fprintf(b, "| %s | %s | %s |\n", sec.Name, sec.Key, joinOr(sec.Readers, "nobody"))
	}

	fmt.Fprintf(b, "\n### Security invariants\n\n| | Id | Invariant | Checked |\n|---|---|---|---|\n")
	for _, res := range r.Results {
		mark := "✅"
		if !res.Passed {
			mark = "❌"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %d |\n", mark, res.ID, res.Statement, res.Checked)
	}
	for _, res := range r.Results {
		if res.Passed {
			continue
		}
		fmt.Fprintf(b, "\n**%s** findings:\n\n", res.ID)
		for _, f := range res.Findings {
			fmt.Fprintf(b, "- `%s`\n", f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var mermaidID = regexp.MustCompile(`[^A-Za-z0-9_]`)

// Mermaid draws the tiers with what sits in them, and an arrow per allowed path.
func (r *Report) Mermaid() string {
	b := &strings.Builder{}
	fmt.Fprintf(b, "flowchart LR\n")
	id := func(key string) string { return mermaidID.ReplaceAllString(key, "_") }
	shape := func(n NodeRow) string {
		switch n.Kind {
		case string(contract.InternetNode):
			return fmt.Sprintf("%s((internet))", id(n.Key))
		case string(contract.DatabaseNode), string(contract.CacheNode):
			return fmt.Sprintf("%s[(\"%s\")]", id(n.Key), n.Name)
		case string(contract.LoadBalancerNode):
			return fmt.Sprintf("%s{{\"%s\"}}", id(n.Key), n.Name)
		}
		return fmt.Sprintf("%s[\"%s\"]", id(n.Key), n.Name)
	}
	byTier := map[string][]NodeRow{}
	for _, n := range r.Nodes {
		byTier[n.Tier] = append(byTier[n.Tier], n)
	}
	for _, n := range byTier[string(contract.InternetNode)] {
		fmt.Fprintf(b, "  %s\n", shape(n))
	}
	for _, tier := range []string{string(contract.Public), string(contract.Private), string(contract.Isolated), ""} {
		nodes := byTier[tier]
		if len(nodes) == 0 {
			continue
		}
		title := tier + " tier"
		if tier == "" {
			title = "AWS, through gateway endpoints"
		}
		fmt.Fprintf(b, "  subgraph %s[\"%s\"]\n", id("tier_"+orDash(tier)), title)
		for _, n := range nodes {
			fmt.Fprintf(b, "    %s\n", shape(n))
		}
		fmt.Fprintf(b, "  end\n")
	}
	for _, p := range r.Paths {
		arrow := "-->"
		if p.Status != string(contract.PathReachable) {
			arrow = "-.->"
		}
		fmt.Fprintf(b, "  %s %s|%s| %s\n", id(p.fromKey), arrow, p.Ports, id(p.toKey))
	}
	return b.String()
}
