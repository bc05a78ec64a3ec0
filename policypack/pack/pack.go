// Package pack is the secure-vpc policy pack (Pulumi CrossGuard, on the Go policy SDK policyx):
// every invariant of policy.Catalogue() as a stack policy named by its id (NET-01, ...), plus
// COVERAGE (a resource no invariant can judge, as `securevpc audit` reports it) and UNKNOWN (a
// value not known until the update applies that the invariants would have to judge). It holds no
// check of its own: it converts what the engine hands it into the export shape (Export) and runs
// policy.Evaluate and policy.NotEvaluated on it, exactly as the audit does on a stack export.
//
// Every policy is a stack policy: the invariants follow references across resources (a rule to
// its security group, a bucket to its policy and encryption, a secret to every role that can read
// it) and judge paths through the whole stack, so a single resource, which is all a resource
// policy sees, cannot be judged on its own. Every policy is mandatory; the pack's config
// (pulumi ... --policy-pack-config) can set one to advisory or disabled.
package pack

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// Name is the policy pack's name, as the engine prints it next to each violation.
const Name = contract.Project

// Version is the pack's version (semantic versioning; Pulumi Cloud requires a new one to publish).
var Version = semver.MustParse("1.0.0")

// The policies the pack adds to the catalogue's invariants.
const (
	// Coverage reports each resource no invariant can judge (policy.NotEvaluated), and a stack
	// with no resource at all: a verdict is never broader than what was checked.
	Coverage = "COVERAGE"
	// Unknown reports each value not known until the update applies (in a preview: an output of a
	// resource not yet created, or a value computed from one) that is not a reference the pack
	// can place: the invariants would judge a guess.
	Unknown = "UNKNOWN"
)

// CoverageStatement and UnknownStatement describe the two policies the pack adds.
const (
	CoverageStatement = "Every resource of the stack is judged by an invariant, or carries nothing to judge"
	UnknownStatement  = "Every value an invariant reads is known when the pack runs (in a preview too)"
)

// New is the policy pack, as policyx.Main serves it.
func New(*pulumi.Context) (policyx.PolicyPack, error) {
	return policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelMandatory, Policies())
}

// Policies is one mandatory stack policy per invariant of policy.Catalogue(), named by its id and
// described by its statement, then Coverage and Unknown. Each reports a violation per finding,
// with the finding's resource URN and message.
func Policies() []policyx.Policy {
	ev := &evaluator{}
	var out []policyx.Policy
	for _, inv := range policy.Catalogue() {
		out = append(out, stackPolicy(inv.ID, inv.Statement+" ("+inv.Enforces+")", ev, func(v *verdict) []policy.Finding {
			return v.findings[inv.ID]
		}))
	}
	out = append(out, stackPolicy(Coverage, CoverageStatement, ev, func(v *verdict) []policy.Finding { return v.coverage }))
	return append(out, stackPolicy(Unknown, UnknownStatement, ev, func(v *verdict) []policy.Finding { return v.unknown }))
}

func stackPolicy(name, description string, ev *evaluator, findings func(*verdict) []policy.Finding) policyx.Policy {
	return policyx.NewStackValidationPolicy(name, policyx.StackValidationPolicyArgs{
		Description:      description,
		EnforcementLevel: policyx.EnforcementLevelMandatory,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			for _, f := range findings(ev.judge(args.Resources)) {
				args.Manager.ReportViolation(f.Message, f.URN)
			}
			return nil
		},
	})
}

// verdict is what the invariants say about one stack.
type verdict struct {
	findings map[string][]policy.Finding // by invariant id
	coverage []policy.Finding
	unknown  []policy.Finding
}

// evaluator judges a stack once for all the policies the engine asks in one AnalyzeStack call (it
// calls each policy with the same resources).
type evaluator struct {
	mu   sync.Mutex
	last *policyx.AnalyzerResource
	n    int
	v    *verdict
}

func (ev *evaluator) judge(rs []policyx.AnalyzerResource) *verdict {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var first *policyx.AnalyzerResource
	if len(rs) > 0 {
		first = &rs[0]
	}
	if ev.v != nil && first == ev.last && len(rs) == ev.n {
		return ev.v
	}
	ev.last, ev.n, ev.v = first, len(rs), evaluate(rs) // last keeps rs alive: no later call can reuse its address
	return ev.v
}

// evaluate judges the stack the engine describes: every invariant's findings, what is not
// evaluated and what is not known.
func evaluate(rs []policyx.AnalyzerResource) *verdict {
	e, unresolved := Export(rs)
	v := &verdict{findings: map[string][]policy.Finding{}}
	for _, r := range policy.Evaluate(e) {
		v.findings[r.Invariant.ID] = r.Findings
	}
	ix := query.NewIndex(e)
	for _, ne := range policy.NotEvaluated(ix) {
		v.coverage = append(v.coverage, policy.Finding{Invariant: Coverage, URN: ne.Resource.URN, Message: "not evaluated: " + ne.Why})
	}
	cloud := 0
	for _, r := range e.Deployment.Resources {
		if r.Custom && !strings.HasPrefix(r.Type, contract.TypeProviderPrefix) {
			cloud++
		}
	}
	if cloud == 0 {
		// As the audit: a stack with nothing in it passes every invariant vacuously, which is not a verdict.
		v.coverage = append(v.coverage, policy.Finding{Invariant: Coverage, Message: "the stack holds no resources, so there is nothing to judge"})
	}
	byURN := map[string][]Unresolved{}
	var order []string
	for _, u := range unresolved {
		if r := ix.URN(u.URN); r == nil || inert(r.Type) {
			continue
		}
		if byURN[u.URN] == nil {
			order = append(order, u.URN)
		}
		byURN[u.URN] = append(byURN[u.URN], u)
	}
	for _, urn := range order {
		v.unknown = append(v.unknown, policy.Finding{Invariant: Unknown, URN: urn, Message: unknownMessage(byURN[urn])})
	}
	return v
}

func unknownMessage(us []Unresolved) string {
	var paths []string
	from := map[string]bool{}
	var froms []string
	for _, u := range us {
		paths = append(paths, u.Path)
		for _, f := range u.From {
			if !from[f] {
				from[f] = true
				froms = append(froms, f)
			}
		}
	}
	msg := fmt.Sprintf("%s not known until the update applies, so no invariant can judge it", strings.Join(paths, ", "))
	if len(froms) > 0 {
		msg += fmt.Sprintf(" (computed from %s)", strings.Join(froms, ", "))
	}
	return msg + "; in the first update of a new stack, judge the program with securevpc plan and update with --policy-pack-config policypack/first-update.json (README, \"Policy pack\")"
}
