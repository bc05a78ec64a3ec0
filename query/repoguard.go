package query

import (
	"slices"
	"strconv"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Within one AWS account an Allow in either the IAM policy or the repository policy is enough
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), so
// what an ECR repository's policy allows restricts no one; only what it denies does.
// RepositoryGuard reads the denials by meaning, as SecretGuard does a secret's, whatever their
// statement ids.

// RepositoryDenial is what a repository policy denies for one list of actions.
type RepositoryDenial struct {
	// Denied: every action of the list is denied to every principal but those it exempts.
	Denied bool
	// Missing lists the actions no such Deny covers (empty when Denied).
	Missing []string
	// Exempt lists the principal ARNs spared for at least one action of the list.
	Exempt []string
}

// RepositoryGuard is what an ECR repository's policy denies.
type RepositoryGuard struct {
	Policy   *Resource // the repository policy; nil when it has none
	Readable bool      // false when the policy document cannot be read
	// Pull (awslimits.ECRPullActions), Write (awslimits.ECRWriteActions) and Guard
	// (awslimits.ECRGuardActions) are its denials.
	Pull, Write, Guard RepositoryDenial
	// Narrowed lists the Sids (or indexes) of Deny statements that cover an action of those
	// lists but do not count: a principal other than "*", NotPrincipal, NotResource, or a
	// condition beyond an ArnNotEquals aws:PrincipalArn exemption (a source IP, a transport, a
	// time would let some principals through).
	Narrowed []string
	// exempt maps each denied action to the principals every Deny of it exempts.
	exempt map[string][]string
}

// RepositoryGuardOf reads the denials of a repository's policy.
func (ix *Index) RepositoryGuardOf(repo Repository) RepositoryGuard {
	g := RepositoryGuard{Policy: repo.Policy, exempt: map[string][]string{}}
	if repo.Policy == nil {
		return g
	}
	doc := ix.PolicyOf(repo.Policy)
	if doc == nil {
		return g
	}
	g.Readable = true
	all := slices.Concat(awslimits.ECRPullActions, awslimits.ECRWriteActions, awslimits.ECRGuardActions)
	for i, st := range doc.Statement {
		if st.Effect != policydoc.Deny || !slices.ContainsFunc(all, st.Covers) {
			continue
		}
		exempt, ok := repositoryDenyExemptions(st)
		if !ok {
			sid := st.Sid
			if sid == "" {
				sid = "#" + strconv.Itoa(i)
			}
			g.Narrowed = append(g.Narrowed, sid)
			continue
		}
		for _, a := range all {
			if !st.Covers(a) {
				continue
			}
			if prev, denied := g.exempt[a]; denied {
				// a principal is spared only if every Deny of the action spares it
				exempt = slices.DeleteFunc(slices.Clone(exempt), func(p string) bool { return !slices.Contains(prev, p) })
			}
			g.exempt[a] = slices.Compact(slices.Sorted(slices.Values(exempt)))
		}
	}
	g.Pull, g.Write, g.Guard = g.denial(awslimits.ECRPullActions), g.denial(awslimits.ECRWriteActions), g.denial(awslimits.ECRGuardActions)
	return g
}

func (g RepositoryGuard) denial(actions []string) RepositoryDenial {
	var d RepositoryDenial
	for _, a := range actions {
		exempt, denied := g.exempt[a]
		if !denied {
			d.Missing = append(d.Missing, a)
		}
		d.Exempt = append(d.Exempt, exempt...)
	}
	d.Denied = len(d.Missing) == 0
	d.Exempt = slices.Compact(slices.Sorted(slices.Values(d.Exempt)))
	return d
}

// Denies reports whether the policy denies an action to a principal (by its ARN): a Deny of
// the action that does not exempt it.
func (g RepositoryGuard) Denies(action, principalArn string) bool {
	exempt, denied := g.exempt[action]
	return denied && !slices.Contains(exempt, principalArn)
}

// repositoryDenyExemptions reads a Deny that applies to every principal: the principal ARNs its
// only condition, ArnNotEquals aws:PrincipalArn, exempts. False for any other Deny.
func repositoryDenyExemptions(st policydoc.Statement) ([]string, bool) {
	ps := st.Principals()
	everyone := slices.Contains(ps["*"], "*") || slices.Contains(ps["AWS"], "*")
	if !everyone || st.NotPrincipal != nil || len(st.NotResource) > 0 || (len(st.Resource) > 0 && !slices.Contains(st.Resource, "*")) {
		return nil, false
	}
	if len(st.Condition) == 0 {
		return nil, true
	}
	if len(st.Condition) != 1 || len(st.Condition["ArnNotEquals"]) != 1 {
		return nil, false
	}
	v, ok := st.Condition["ArnNotEquals"]["aws:PrincipalArn"]
	return policydoc.StringList(v), ok
}
