// Package policy judges the security strategy's invariants on the facts package query reads from
// a plan or a `pulumi stack export`: the catalogue of invariants, Evaluate and the findings. Each
// file holds the checks of one concern (network, data, compute and edge, reachability, create
// order, protection) and nothing that reads the export itself. It needs neither the program nor
// its config nor AWS credentials, and does not link the AWS SDK.
package policy

import (
	"fmt"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// Invariant is one checkable statement of the security strategy.
type Invariant struct {
	ID        string   // stable id, e.g. NET-01
	Statement string   // what must hold, in one line
	Enforces  string   // the strategy bullet or control (Security Hub FSBP / CIS) it makes real
	Covers    []string // the resource types (type tokens) it reads: a resource of no covered type is not evaluated (NotEvaluated)
	check     func(ix *query.Index) (checked int, findings []Finding)
}

// Finding is one violation: the resource and what is wrong with it.
type Finding struct {
	Invariant string
	URN       string
	Message   string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s: %s", f.Invariant, f.URN, f.Message)
}

// Result is the outcome of one invariant.
type Result struct {
	Invariant Invariant
	Checked   int // how many resources it examined; 0 means it had nothing to check
	Findings  []Finding
}

// Passed reports whether the invariant holds.
func (r Result) Passed() bool { return len(r.Findings) == 0 }

// Catalogue is every invariant, in report order.
func Catalogue() []Invariant {
	out := append([]Invariant(nil), networkInvariants...)
	out = append(out, dataInvariants...)
	out = append(out, protectInvariants...)
	out = append(out, bucketInvariants...)
	out = append(out, secretGuardInvariants...)
	out = append(out, dbAccessInvariants...)
	out = append(out, computeInvariants...)
	out = append(out, rotationInvariants...)
	out = append(out, reachInvariants...)
	out = append(out, perimeterInvariants...)
	out = append(out, signingInvariants...)
	out = append(out, privateCAInvariants...)
	out = append(out, imageInvariants...)
	out = append(out, egressInvariants...)
	return append(out, orderInvariants...)
}

// Evaluate checks every invariant against an export or plan.
func Evaluate(e *stackstate.Export) []Result {
	ix := query.NewIndex(e)
	var out []Result
	for _, inv := range Catalogue() {
		checked, findings := inv.check(ix)
		for i := range findings {
			findings[i].Invariant = inv.ID
		}
		sortFindings(findings)
		out = append(out, Result{Invariant: inv, Checked: checked, Findings: findings})
	}
	return out
}

// Failed returns the findings of every failed invariant.
func Failed(results []Result) []Finding {
	var out []Finding
	for _, r := range results {
		out = append(out, r.Findings...)
	}
	return out
}

// negatedAllow says why an Allow written with NotPrincipal, NotAction or NotResource fails: it
// grants everything but what it lists, which no invariant can bound.
func negatedAllow(st policydoc.Statement) string {
	return fmt.Sprintf("statement %s allows with %s: it grants everything but what it lists; name what it allows instead", st.Sid, st.Negated())
}

func finding(r *query.Resource, format string, args ...any) Finding {
	return Finding{URN: r.URN, Message: fmt.Sprintf(format, args...)}
}

// sortFindings orders findings by resource, then message, so reports are stable.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].URN != fs[j].URN {
			return fs[i].URN < fs[j].URN
		}
		return fs[i].Message < fs[j].Message
	})
}
