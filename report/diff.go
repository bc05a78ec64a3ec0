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
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// Change is one difference between two plans or exports, in a reviewer's words.
type Change struct {
	Section string `json:"section"` // coverage, services, hosts, exposure, egress, reachability, encryption, secret readers, bucket access, images
	Sign    string `json:"sign"`    // + added, - removed, ~ changed
	Text    string `json:"text"`
	Widens  bool   `json:"widens"` // grants access that was not there before
}

// Diff is what a change does to who-can-reach-what.
type Diff struct {
	Before string `json:"before"`
	After  string `json:"after"`
	// Mismatches say how the two sides are not the same stack (stack, project, region or
	// account differ), so that what follows is not read as the change a pull request makes.
	Mismatches []string `json:"mismatches,omitempty"`
	Changes    []Change `json:"changes"`
	// NotEvaluated counts the after side's resources no invariant can judge: with any, "no
	// change" is only what the audit can see.
	NotEvaluated int `json:"notEvaluated"`
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
// (internet exposure included), encryption of stores, who can read secrets and use buckets. It
// matches the two sides on typed identities (query.PathKey, StoreID, SecretID, Principal,
// BucketAccess, KeyID) and renders labels only for the text of a change; changes come in the
// order the report lists their subjects.
func Compare(beforeName string, before *stackstate.Export, afterName string, after *stackstate.Export) *Diff {
	b, a := readFacts(before), readFacts(after)
	d := &Diff{Before: beforeName, After: afterName}
	d.Mismatches = mismatches(query.NewIndex(before).Identity(), query.NewIndex(after).Identity())
	d.NotEvaluated = len(a.notEvaluated)
	add := func(section, sign, text string, widens bool) {
		d.Changes = append(d.Changes, Change{Section: section, Sign: sign, Text: text, Widens: widens})
	}

	// A resource the audit cannot judge is a change that may widen access: nothing says it does not.
	for _, urn := range slices.Sorted(maps.Keys(a.notEvaluated)) {
		if _, before := b.notEvaluated[urn]; !before {
			add("coverage", "+", fmt.Sprintf("%s is not evaluated (%s)", urn, a.notEvaluated[urn]), true)
		}
	}
	for _, urn := range slices.Sorted(maps.Keys(b.notEvaluated)) {
		if _, after := a.notEvaluated[urn]; !after {
			add("coverage", "-", fmt.Sprintf("%s, which was not evaluated, is gone or now evaluated", urn), false)
		}
	}

	// setChanges reports what one list of names gains (as widening when gaining widens) and loses.
	setChanges := func(section string, after, before []string, added, removed string, gainWidens bool) {
		for _, x := range setDiff(after, before) {
			add(section, "+", fmt.Sprintf(added, x), gainWidens)
		}
		for _, x := range setDiff(before, after) {
			add(section, "-", fmt.Sprintf(removed, x), false)
		}
	}
	setChanges("services", a.services, b.services, "service %s is added", "service %s is removed", false)
	// A new host, or a rule open to the internet, widens what can be attacked or leaked through
	// even where today's network ACLs or routes still block the path.
	setChanges("hosts", a.hosts, b.hosts, "%s is added", "%s is removed", true)
	setChanges("exposure", a.openIn, b.openIn, "rule %s admits the internet", "rule %s no longer admits the internet", true)
	setChanges("exposure", a.openOut, b.openOut, "group %s lets traffic out to the internet", "group %s no longer lets traffic out to the internet", true)

	// A name the DNS Firewall newly allows (a service's new destination) widens what may leave;
	// a guard lost (the block rule, failing closed, query logging) widens too.
	setChanges("egress", a.allowed, b.allowed, "%s", "no longer: %s", true)
	for _, g := range setDiff(b.guards, a.guards) {
		add("egress", "-", "no longer: "+g, true)
	}
	for _, g := range setDiff(a.guards, b.guards) {
		add("egress", "+", g, false)
	}

	pathsB, pathsA := byID(b.paths, PathRow.key), byID(a.paths, PathRow.key)
	for _, id := range uniqueIDs(a.paths, PathRow.key) {
		p := pathsA[id]
		old, existed := pathsB[id]
		switch {
		case !existed:
			add("reachability", "+", fmt.Sprintf("%s becomes %s", p.text(), p.Status), true)
		case old.Status != p.Status:
			add("reachability", "~", fmt.Sprintf("%s changes from %s to %s", p.text(), old.Status, p.Status), p.Status != string(contract.PathReachable))
		}
	}
	for _, id := range uniqueIDs(b.paths, PathRow.key) {
		if _, kept := pathsA[id]; !kept {
			add("reachability", "-", fmt.Sprintf("%s is no longer reachable", pathsB[id].text()), false)
		}
	}

	storesB, storesA := byID(b.stores, query.Store.ID), byID(a.stores, query.Store.ID)
	for _, id := range sortedIDs(storesA, query.StoreID.Compare) {
		s, name := storesA[id], id.Name
		old, existed := storesB[id]
		key, oldKey := s.Encryption.Protection, old.Encryption.Protection
		if !existed {
			add("encryption", "+", fmt.Sprintf("%s %s is added, encrypted with %s", s.Kind, name, keyLabel(key)), weak(key))
		} else if oldKey.ID() != key.ID() {
			add("encryption", "~", fmt.Sprintf("%s %s: encryption changes from %s to %s", s.Kind, name, keyLabel(oldKey), keyLabel(key)), weak(key) && !weak(oldKey))
		}
		if s.Kind == query.BucketStore {
			for _, who := range labels(typedDiff(s.Principals, old.Principals), bucketAccessLabel) {
				add("bucket access", "+", fmt.Sprintf("%s: %s", name, who), true)
			}
			for _, who := range labels(typedDiff(old.Principals, s.Principals), bucketAccessLabel) {
				add("bucket access", "-", fmt.Sprintf("%s: no longer %s", name, who), false)
			}
		}
	}
	for _, id := range sortedIDs(storesB, query.StoreID.Compare) {
		if _, kept := storesA[id]; !kept {
			add("encryption", "-", fmt.Sprintf("%s %s is removed", id.Kind, id.Name), false)
		}
	}

	secB, secA := byID(b.secrets, query.Secret.ID), byID(a.secrets, query.Secret.ID)
	for _, id := range sortedIDs(secA, query.SecretID.Compare) {
		s := secA[id]
		old, existed := secB[id]
		suffix := ""
		if !existed {
			suffix = " (a new secret)"
		}
		for _, r := range labels(typedDiff(s.Readers, old.Readers), readerLabel) {
			add("secret readers", "+", fmt.Sprintf("%s can now read %s%s", r, secretName(s), suffix), true)
		}
		for _, r := range labels(typedDiff(old.Readers, s.Readers), readerLabel) {
			add("secret readers", "-", fmt.Sprintf("%s can no longer read %s", r, secretName(s)), false)
		}
		if existed && old.Protection.ID() != s.Protection.ID() {
			add("encryption", "~", fmt.Sprintf("secret %s: encryption changes from %s to %s", secretName(s), keyLabel(old.Protection), keyLabel(s.Protection)),
				weak(s.Protection) && !weak(old.Protection))
		}
	}
	for _, id := range sortedIDs(secB, query.SecretID.Compare) {
		if _, kept := secA[id]; !kept {
			add("secret readers", "-", fmt.Sprintf("secret %s is removed", secretName(secB[id])), false)
		}
	}
	compareImages(b.images, a.images, add)
	return d
}

// weak reports whether a store's key is not a customer-managed key of the stack.
func weak(p query.KeyProtection) bool { return p.Kind != query.CustomerManagedKey }

// facts are what a diff compares, read from one plan or export: the same typed facts the report
// renders.
type facts struct {
	services []string
	paths    []PathRow // in the report's order, each with its query.PathKey
	stores   []query.Store
	secrets  []query.Secret
	images   []ImageRow
	// notEvaluated are the resources no invariant can judge, by URN, with the reason.
	notEvaluated map[string]string
	// hosts are the instances and network interfaces, by label, "(public address)" when they have one.
	hosts []string
	// openIn and openOut are the security-group rules open from and to the internet, as the
	// report labels them (names, not ids).
	openIn, openOut []string
	// allowed are the names the DNS Firewall allows, by list; guards what it blocks and how
	// (egressFacts).
	allowed, guards []string
}

func readFacts(e *stackstate.Export) facts {
	ix := query.NewIndex(e)
	f := facts{stores: ix.Stores(), secrets: ix.Secrets(), images: imageRows(ix), notEvaluated: map[string]string{}}
	for _, ne := range policy.NotEvaluated(ix) {
		f.notEvaluated[ne.Resource.URN] = ne.Why
	}
	f.paths, _ = paths(ix)
	f.allowed, f.guards = egressFacts(ix)
	for _, n := range ix.Nodes() {
		switch n.Kind {
		case contract.ServiceNode:
			f.services = append(f.services, n.Name)
		case contract.InstanceNode, contract.InterfaceNode:
			label := n.Label()
			if n.Public {
				label += " (public address)"
			}
			f.hosts = append(f.hosts, label)
		}
	}
	for _, r := range ix.WorldIngress() {
		f.openIn = append(f.openIn, worldIngressLabel(r))
	}
	for _, r := range ix.WorldEgress() {
		f.openOut = append(f.openOut, worldEgressLabel(r))
	}
	for _, list := range [][]string{f.hosts, f.openIn, f.openOut} {
		sort.Strings(list)
	}
	return f
}

func (p PathRow) key() query.PathKey { return p.id }

// byID indexes items by their identity (the last of a duplicate wins).
func byID[T any, K comparable](items []T, id func(T) K) map[K]T {
	out := make(map[K]T, len(items))
	for _, it := range items {
		out[id(it)] = it
	}
	return out
}

// uniqueIDs lists the identities of items in their order, each once (a path both reachable and
// unknown is one subject of the diff).
func uniqueIDs[T any, K comparable](items []T, id func(T) K) []K {
	var out []K
	seen := map[K]bool{}
	for _, it := range items {
		if k := id(it); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// sortedIDs lists the identities of a map in order.
func sortedIDs[K comparable, T any](m map[K]T, compare func(K, K) int) []K {
	return slices.SortedFunc(maps.Keys(m), compare)
}

// typedDiff lists the items of a that are not in b (by identity), in the order of a.
func typedDiff[T comparable](a, b []T) []T {
	var out []T
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// setDiff lists the items of a that are not in b, sorted, each once.
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

var sectionOrder = []string{"coverage", "services", "hosts", "exposure", "egress", "reachability", "bucket access", "secret readers", "encryption", "images"}

// mismatches compares two sides' identities, field by field; a side that does not say is no
// mismatch.
func mismatches(b, a query.StackIdentity) []string {
	var out []string
	for _, f := range []struct{ what, before, after string }{
		{"stacks", b.Stack, a.Stack}, {"projects", b.Project, a.Project},
		{"AWS regions", b.Region, a.Region}, {"AWS accounts", b.Account, a.Account},
	} {
		if f.before != "" && f.after != "" && f.before != f.after {
			out = append(out, fmt.Sprintf("the two sides are different %s: %s and %s", f.what, f.before, f.after))
		}
	}
	return out
}

// Write writes the diff in a format: the sides, how they are not the same stack (first, when they
// are not), then the changes by section.
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
	for _, m := range d.Mismatches {
		if md {
			fmt.Fprintf(b, "\n> ⚠️ **%s**: this compares two stacks, not a change to one.\n", m)
		} else {
			fmt.Fprintf(b, "\nwarning: %s: this compares two stacks, not a change to one\n", m)
		}
	}
	switch {
	case len(d.Changes) == 0 && d.NotEvaluated > 0:
		fmt.Fprintf(b, "\nno change the audit can see in services, hosts, exposure, egress, reachability, bucket access, secret readers, encryption or images; %d resource(s) on both sides are not evaluated\n", d.NotEvaluated)
	case len(d.Changes) == 0:
		fmt.Fprintf(b, "\nno change in services, hosts, exposure, egress, reachability, bucket access, secret readers, encryption or images\n")
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
