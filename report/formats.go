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

// MarkdownLimit is how many characters the markdown report may take: GitHub refuses an issue or
// pull-request comment of more than 65,536 characters
// (https://docs.github.com/en/rest/issues/comments, "body": maximum 65536), and the preview
// workflow puts the diff (at most a few thousand characters) before the report in one comment.
const MarkdownLimit = 60000

// fullReport says where the whole report is when the markdown leaves something out.
const fullReport = "the whole report is the workflow's artifact `plan-<stack>`, or `securevpc plan -format text`"

// WriteMarkdown renders the report for a pull-request comment: the verdict and every failed
// invariant's findings first, then what the internet can reach, a Mermaid diagram of who can
// reach whom, the paths, stores, secrets and invariants. It fits MarkdownLimit for any graph
// size: past it, the diagram is left out and the longest tables are cut, each saying so.
func (r *Report) WriteMarkdown(w io.Writer) error {
	b := &strings.Builder{}
	held, failed := r.tally()
	icon := "✅"
	if len(failed) > 0 || len(r.Coverage.NotEvaluated) > 0 {
		icon = "❌"
	}
	fmt.Fprintf(b, "## %s\n\n%s **%d of %d security invariants hold.**\n\n", r.Title, icon, held, len(r.Results))
	if n := len(r.Coverage.NotEvaluated); n > 0 {
		fmt.Fprintf(b, "**%d resource(s) not evaluated, so this is not a pass:**\n\n", n)
		for _, ne := range r.Coverage.NotEvaluated {
			fmt.Fprintf(b, "- `%s`: %s\n", ne.URN, ne.Why)
		}
		b.WriteString("\n")
	}
	// The findings come right after the verdict: they are what a reviewer must read.
	for _, res := range r.Results {
		if res.Passed {
			continue
		}
		fmt.Fprintf(b, "**%s** findings:\n\n", res.ID)
		for _, f := range res.Findings {
			fmt.Fprintf(b, "- `%s`\n", f)
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "> %s\n\n", n)
	}

	internet := table{header: "| Load balancer | Port | Protocol | Does | WAF |\n|---|---|---|---|---|\n", empty: "| nothing | | | | |\n"}
	for _, e := range r.Internet {
		internet.rows = append(internet.rows, fmt.Sprintf("| %s | %d | %s | %s | %s |\n", e.LoadBalancer, e.Port, e.Protocol, e.Action, orDash(e.WAF)))
	}
	paths := table{header: "| From | To | Ports | Status |\n|---|---|---|---|\n"}
	for _, p := range r.Paths {
		paths.rows = append(paths.rows, fmt.Sprintf("| %s | %s | %s %s | %s |\n", p.From, p.To, p.Protocol, p.Ports, p.Status))
	}
	stores := table{header: "| Kind | Store | Key | Reachable by |\n|---|---|---|---|\n"}
	for _, st := range r.Stores {
		stores.rows = append(stores.rows, fmt.Sprintf("| %s | %s | %s | %s |\n", st.Kind, st.Name, st.Key, joinOr(st.ReachableBy, "nobody")))
	}
	secrets := table{header: "| Secret | Key | Readers |\n|---|---|---|\n"}
	for _, sec := range r.Secrets {
		secrets.rows = append(secrets.rows, fmt.Sprintf("| %s | %s | %s |\n", sec.Name, sec.Key, joinOr(sec.Readers, "nobody")))
	}
	images := table{header: "| Task | Repository | Immutable | Scanning | Digest |\n|---|---|---|---|---|\n"}
	for _, im := range r.Images {
		images.rows = append(images.rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", im.Task, im.Repository, im.Immutable, im.Scanning, im.Digest))
	}
	invariants := table{header: "| | Id | Invariant | Checked |\n|---|---|---|---|\n"}
	for _, res := range r.Results {
		mark := "✅"
		if !res.Passed {
			mark = "❌"
		}
		invariants.rows = append(invariants.rows, fmt.Sprintf("| %s | %s | %s | %d |\n", mark, res.ID, res.Statement, res.Checked))
	}
	types := table{header: "| Resource type | Evaluated | Not evaluated | Judged by |\n|---|---|---|---|\n"}
	for _, t := range r.Coverage.ByType {
		types.rows = append(types.rows, fmt.Sprintf("| `%s` | %d | %d | %s |\n", t.Type, t.Evaluated, t.NotEvaluated, t.judgedBy()))
	}
	egress := r.egressTable()
	diagram := fmt.Sprintf("```mermaid\n%s```\n\n", r.Mermaid())

	render := func(diagram string, cut map[*table]int) string {
		out := &strings.Builder{}
		out.WriteString(b.String())
		out.WriteString("### What the internet can reach\n\n" + internet.render(cut[&internet]))
		out.WriteString("\n### Egress\n\n" + r.dnsFirewallLines() + egress.render(cut[&egress]))
		out.WriteString("\n### Who can reach whom\n\n" + diagram + paths.render(cut[&paths]))
		out.WriteString("\n### Data stores\n\n" + stores.render(cut[&stores]))
		out.WriteString("\n### Secrets\n\n" + secrets.render(cut[&secrets]))
		out.WriteString("\n### Images\n\n" + images.render(cut[&images]))
		out.WriteString("\n### Security invariants\n\n" + invariants.render(cut[&invariants]))
		out.WriteString("\n### Coverage by resource type\n\n" + types.render(cut[&types]))
		return out.String()
	}
	cut := map[*table]int{}
	text := render(diagram, cut)
	if len(text) > MarkdownLimit {
		diagram = "_The diagram is left out: the graph is too large for a comment; " + fullReport + "._\n\n"
		text = render(diagram, cut)
	}
	// Then the longest tables lose rows, a tenth at a time, until the report fits.
	for len(text) > MarkdownLimit {
		longest := &paths
		for _, t := range []*table{&stores, &secrets, &internet, &types, &egress} {
			if len(t.rows)-cut[t] > len(longest.rows)-cut[longest] {
				longest = t
			}
		}
		kept := len(longest.rows) - cut[longest]
		if kept == 0 {
			break // only the verdict, the findings and the invariants are left
		}
		cut[longest] += max(1, kept/10)
		text = render(diagram, cut)
	}
	_, err := io.WriteString(w, text)
	return err
}

// table is a markdown table that can lose its last rows to fit a comment.
type table struct {
	header string
	rows   []string
	empty  string // the row shown when there are none
}

// render writes the table without its last cut rows, saying how many were left out.
func (t *table) render(cut int) string {
	out := t.header
	if len(t.rows) == 0 {
		return out + t.empty
	}
	for _, row := range t.rows[:len(t.rows)-cut] {
		out += row
	}
	if cut > 0 {
		out += fmt.Sprintf("\n_%d more rows are left out to fit a comment; %s._\n", cut, fullReport)
	}
	return out
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
