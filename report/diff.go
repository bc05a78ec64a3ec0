package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// Change is one difference between two plans or exports, in a reviewer's words.
type Change struct {
	Section string `json:"section"` // services, reachability, encryption, secret readers, bucket access
	Sign    string `json:"sign"`    // + added, - removed, ~ changed
	Text    string `json:"text"`
	Widens  bool   `json:"widens"` // grants access that was not there before
}

// Diff is what a change does to who-can-reach-what.
type Diff struct {
	Before  string   `json:"before"`
	After   string   `json:"after"`
	Changes []Change `json:"changes"`
}

// Widens reports whether any change grants access that was not there before.
func (d *Diff) Widens() bool {
	for _, c := range d.Changes {
		if c.Widens {
			return true
		}
	}
	return false
}

// Compare describes what changes from before to after: services, effective reachability
// (internet exposure included), encryption of stores, who can read secrets and use buckets.
func Compare(beforeName string, before *stackstate.Export, afterName string, after *stackstate.Export) *Diff {
	b, a := readFacts(before), readFacts(after)
	d := &Diff{Before: beforeName, After: afterName}
	add := func(section, sign, text string, widens bool) {
		d.Changes = append(d.Changes, Change{Section: section, Sign: sign, Text: text, Widens: widens})
	}

	svcB, svcA := b.services, a.services
	for _, s := range setDiff(svcA, svcB) {
		add("services", "+", fmt.Sprintf("service %s is added", s), false)
	}
	for _, s := range setDiff(svcB, svcA) {
		add("services", "-", fmt.Sprintf("service %s is removed", s), false)
	}

	pathsB, pathsA := pathMap(b.paths), pathMap(a.paths)
	for _, k := range slices.Sorted(maps.Keys(pathsA)) {
		p := pathsA[k]
		old, existed := pathsB[k]
		switch {
		case !existed:
			add("reachability", "+", fmt.Sprintf("%s -> %s %s %s becomes %s", p.From, p.To, p.Protocol, p.Ports, p.Status), true)
		case old.Status != p.Status:
			add("reachability", "~", fmt.Sprintf("%s -> %s %s %s changes from %s to %s", p.From, p.To, p.Protocol, p.Ports, old.Status, p.Status), p.Status != string(contract.PathReachable))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(pathsB)) {
		if _, kept := pathsA[k]; !kept {
			p := pathsB[k]
			add("reachability", "-", fmt.Sprintf("%s -> %s %s %s is no longer reachable", p.From, p.To, p.Protocol, p.Ports), false)
		}
	}

	storesB, storesA := storeMap(b.stores), storeMap(a.stores)
	for _, k := range slices.Sorted(maps.Keys(storesA)) {
		s := storesA[k]
		old, existed := storesB[k]
		if !existed {
			add("encryption", "+", fmt.Sprintf("%s %s is added, encrypted with %s", s.Kind, s.Name, s.Key), weak(s.protection))
		} else if old.Key != s.Key {
			add("encryption", "~", fmt.Sprintf("%s %s: encryption changes from %s to %s", s.Kind, s.Name, old.Key, s.Key), weak(s.protection) && !weak(old.protection))
		}
		if s.Kind == string(query.BucketStore) {
			for _, who := range setDiff(s.ReachableBy, old.ReachableBy) {
				add("bucket access", "+", fmt.Sprintf("%s: %s", s.Name, who), true)
			}
			for _, who := range setDiff(old.ReachableBy, s.ReachableBy) {
				add("bucket access", "-", fmt.Sprintf("%s: no longer %s", s.Name, who), false)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(storesB)) {
		if _, kept := storesA[k]; !kept {
			add("encryption", "-", fmt.Sprintf("%s %s is removed", storesB[k].Kind, storesB[k].Name), false)
		}
	}

	secB, secA := secretMap(b.secrets), secretMap(a.secrets)
	for _, k := range slices.Sorted(maps.Keys(secA)) {
		s := secA[k]
		old, existed := secB[k]
		suffix := ""
		if !existed {
			suffix = " (a new secret)"
		}
		for _, r := range setDiff(s.Readers, old.Readers) {
			add("secret readers", "+", fmt.Sprintf("%s can now read %s%s", r, s.Name, suffix), true)
		}
		for _, r := range setDiff(old.Readers, s.Readers) {
			add("secret readers", "-", fmt.Sprintf("%s can no longer read %s", r, s.Name), false)
		}
		if existed && old.Key != s.Key {
			add("encryption", "~", fmt.Sprintf("secret %s: encryption changes from %s to %s", s.Name, old.Key, s.Key), weak(s.protection) && !weak(old.protection))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(secB)) {
		if _, kept := secA[k]; !kept {
			add("secret readers", "-", fmt.Sprintf("secret %s is removed", k), false)
		}
	}
	return d
}

// weak reports whether a store's key is not a customer-managed key of the stack.
func weak(p query.KeyProtection) bool { return p.Kind != query.CustomerManagedKey }

// facts are what a diff compares, read from one plan or export as the report shows them.
type facts struct {
	services []string
	paths    []PathRow
	stores   []StoreRow
	secrets  []SecretRow
}

func readFacts(e *stackstate.Export) facts {
	ix := query.NewIndex(e)
	f := facts{stores: stores(ix), secrets: secretRows(ix)}
	f.paths, _ = paths(ix)
	for _, n := range ix.Nodes() {
		if n.Kind == contract.ServiceNode {
			f.services = append(f.services, n.Name)
		}
	}
	return f
}

func pathMap(rows []PathRow) map[string]PathRow {
	out := map[string]PathRow{}
	for _, p := range rows {
		out[p.From+" -> "+p.To+" "+p.Protocol+" "+p.Ports] = p
	}
	return out
}

func storeMap(rows []StoreRow) map[string]StoreRow {
	out := map[string]StoreRow{}
	for _, s := range rows {
		out[s.Kind+" "+s.Name] = s
	}
	return out
}

func secretMap(rows []SecretRow) map[string]SecretRow {
	out := map[string]SecretRow{}
	for _, s := range rows {
		out[s.Name] = s
	}
	return out
}

// setDiff lists the items of a that are not in b, sorted.
func setDiff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
			in[x] = true
		}
	}
	sort.Strings(out)
	return out
}

var sectionOrder = []string{"services", "reachability", "bucket access", "secret readers", "encryption"}

// Write renders the diff as text, JSON or Markdown.
func (d *Diff) Write(w io.Writer, format string) error {
	if format == FormatJSON {
		data, err := json.MarshalIndent(struct {
			*Diff
			Widens bool `json:"widens"`
		}{d, d.Widens()}, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(data, '\n'))
		return err
	}
	md := format == FormatMarkdown
	b := &strings.Builder{}
	if md {
		fmt.Fprintf(b, "## secure-vpc diff: `%s` → `%s`\n\n", d.Before, d.After)
	} else {
		fmt.Fprintf(b, "secure-vpc diff: %s -> %s\n", d.Before, d.After)
	}
	if len(d.Changes) == 0 {
		fmt.Fprintf(b, "\nno change in services, reachability, bucket access, secret readers or encryption\n")
	}
	for _, section := range sectionOrder {
		var lines []string
		for _, c := range d.Changes {
			if c.Section != section {
				continue
			}
			if md {
				lines = append(lines, fmt.Sprintf("- `%s` %s", c.Sign, c.Text))
			} else {
				lines = append(lines, fmt.Sprintf("  %s %s", c.Sign, c.Text))
			}
		}
		if len(lines) == 0 {
			continue
		}
		title := strings.ToUpper(section[:1]) + section[1:]
		if md {
			fmt.Fprintf(b, "\n### %s\n\n%s\n", title, strings.Join(lines, "\n"))
		} else {
			fmt.Fprintf(b, "\n%s\n%s\n", title, strings.Join(lines, "\n"))
		}
	}
	widening := 0
	for _, c := range d.Changes {
		if c.Widens {
			widening++
		}
	}
	switch {
	case widening > 0:
		fmt.Fprintf(b, "\nThe change widens access (%d change(s) grant access that was not there before).\n", widening)
	case len(d.Changes) > 0:
		fmt.Fprintf(b, "\nThe change does not widen access.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
