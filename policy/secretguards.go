package policy

import (
	"maps"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/query"
)

const vaultStrategy = `Strategy 3, "Secrets Management": secrets are readable by their consumers only; within one account an Allow in IAM or in the resource policy is enough, so only a Deny restricts`

var secretGuardInvariants = []Invariant{
	{
		ID:        "SECRET-01",
		Statement: "Every secret's resource policy denies its value to every principal but its readers and the deploying roles, whatever their IAM policies allow",
		Enforces:  vaultStrategy,
		Covers:    []string{contract.TypeSecret, contract.TypeSecretPolicy},
		check:     checkSecretValueDenied,
	},
	{
		ID:        "SECRET-02",
		Statement: "Every secret's resource policy denies every change (value, policy, deletion, rotation, replication, tags) to every principal but the deploying roles",
		Enforces:  vaultStrategy + "; no one but the deploying roles can swap a verification key or a CA certificate",
		Covers:    []string{contract.TypeSecret, contract.TypeSecretPolicy},
		check:     checkSecretChangesDenied,
	},
	{
		ID:        "SECRET-03",
		Statement: "A role may decrypt with a key that encrypts secrets only for the secrets it reads (kms:EncryptionContext:SecretARN)",
		Enforces:  vaultStrategy + "; the secrets key is bound to each secret",
		Covers:    []string{contract.TypeIAMRole, contract.TypeRolePolicy, contract.TypeIAMPolicy, contract.TypeKMSKey},
		check:     checkSecretsKeyBound,
	},
}

// guardedSecret is a secret and what its resource policy denies.
type guardedSecret struct {
	resource *query.Resource // the secret, or the database whose master secret RDS manages
	label    string
	guard    query.SecretGuard
	readers  []string          // the role ARNs its policy allows to read
	tags     map[string]string // the principal tags its policy allows to read by
}

// guardedSecrets lists the stack's secrets with their denials: the stack's own, then the master
// secrets RDS manages.
func guardedSecrets(ix *query.Index) []guardedSecret {
	var out []guardedSecret
	for _, s := range ix.Secrets() {
		g := guardedSecret{resource: s.Resource, label: s.Name}
		if s.ManagedBy != nil {
			var arns []string
			for _, sec := range query.List(s.ManagedBy, "masterUserSecrets") {
				m, _ := sec.(map[string]any)
				if arn, _ := m["secretArn"].(string); arn != "" {
					arns = append(arns, arn)
				}
			}
			g.guard = ix.SecretGuardOf(arns...)
		} else {
			g.guard = ix.SecretGuardOf(query.Str(s.Resource, "arn"), s.Resource.ID)
		}
		if g.guard.Policy != nil {
			if doc := ix.PolicyOf(g.guard.Policy); doc != nil {
				for _, st := range doc.Statement {
					if st.Effect != policydoc.Allow {
						continue
					}
					for _, arn := range st.Principals()["AWS"] {
						if query.IsAccountRoot(arn) {
							g.tags = query.PrincipalTags(st)
						} else {
							g.readers = append(g.readers, arn)
						}
					}
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// exactRole reports whether an exempted principal is one role, named in full: not an account, a
// wildcard or a pattern.
func exactRole(arn string) bool {
	return strings.Contains(arn, ":role/") && !strings.ContainsAny(arn, "*?")
}

// serviceLinked reports whether a role is an AWS service-linked role (path /aws-service-role/):
// AWS acting for itself, such as RDS rotating the master secrets it manages.
func serviceLinked(arn string) bool { return strings.Contains(arn, ":role/aws-service-role/") }

func checkSecretValueDenied(ix *query.Index) (int, []Finding) {
	var fs []Finding
	secrets := guardedSecrets(ix)
	for _, s := range secrets {
		g := s.guard
		switch {
		case g.Policy == nil:
			fs = append(fs, finding(s.resource, "secret %s has no resource policy: any principal of the account whose IAM policy allows secretsmanager:GetSecretValue reads it; attach one that denies the value to all but its readers", s.label))
			continue
		case !g.ValueDenied:
			fs = append(fs, finding(g.Policy, "does not deny the value of %s to other principals (a Deny of secretsmanager:GetSecretValue to \"*\" except its readers by aws:PrincipalArn): its Allow restricts no one", s.label))
			continue
		}
		for _, arn := range g.ValueExempt {
			switch {
			case !exactRole(arn):
				fs = append(fs, finding(g.Policy, "exempts %s from the denial of the value of %s; exempt its reader and deploying roles by their full ARNs only", arn, s.label))
			case !slices.Contains(s.readers, arn) && !slices.Contains(g.ChangeExempt, arn) && !serviceLinked(arn):
				fs = append(fs, finding(g.Policy, "exempts %s from the denial of the value of %s, but it is neither a reader the policy allows nor a deploying role", arn, s.label))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(s.tags)) {
			if g.ValueTags[k] != s.tags[k] {
				fs = append(fs, finding(g.Policy, "admits readers of %s by the principal tag %s=%s but does not deny the value to principals without it", s.label, k, s.tags[k]))
			}
		}
	}
	return len(secrets), fs
}

func checkSecretChangesDenied(ix *query.Index) (int, []Finding) {
	var fs []Finding
	secrets := guardedSecrets(ix)
	for _, s := range secrets {
		g := s.guard
		switch {
		case g.Policy == nil:
			fs = append(fs, finding(s.resource, "secret %s has no resource policy: any principal of the account whose IAM policy allows it can replace its value, delete it or rewrite its policy", s.label))
			continue
		case !g.ChangesDenied:
			fs = append(fs, finding(g.Policy, "does not deny changes to %s (every action but the read-only ones, to \"*\" except the deploying roles): anyone with secretsmanager:PutSecretValue could swap its value", s.label))
			continue
		}
		for _, arn := range g.ChangeExempt {
			if !exactRole(arn) {
				fs = append(fs, finding(g.Policy, "exempts %s from the denial of changes to %s; exempt the deploying roles by their full ARNs only", arn, s.label))
			}
		}
	}
	return len(secrets), fs
}

func checkSecretsKeyBound(ix *query.Index) (int, []Finding) {
	var fs []Finding
	keys := map[string]bool{} // the ARNs and ids of the keys that encrypt secrets
	for _, s := range ix.Secrets() {
		if k := s.Protection.Key; k != nil {
			keys[query.Str(k, "arn")], keys[k.ID] = true, true
		}
	}
	delete(keys, "")
	policies := ix.IdentityPolicies()
	holders := slices.SortedFunc(maps.Keys(policies), func(a, b *query.Resource) int { return strings.Compare(a.URN, b.URN) })
	checked := 0
	for _, r := range holders {
		for _, doc := range policies[r] {
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow || !st.Covers("kms:Decrypt") || !slices.ContainsFunc(st.Resource, func(res string) bool { return keys[res] || res == "*" }) {
					continue
				}
				checked++
				if bound := secretARNContext(st); len(bound) == 0 {
					fs = append(fs, finding(r, "statement %s lets the role decrypt with a key that encrypts secrets without naming the secrets (kms:EncryptionContext:SecretARN); bind it to the secrets the role reads", st.Sid))
				} else if slices.ContainsFunc(bound, func(v string) bool { return strings.ContainsAny(v, "*?") }) {
					fs = append(fs, finding(r, "statement %s binds the secrets key to %s, a pattern; name the secrets", st.Sid, strings.Join(bound, ", ")))
				}
			}
		}
	}
	return checked, fs
}

// secretARNContext is the list of secret ARNs a statement binds kms:EncryptionContext:SecretARN
// to, under an operator that requires one of them (StringEquals, ArnEquals, StringLike, ArnLike).
func secretARNContext(st policydoc.Statement) []string {
	var out []string
	for _, op := range []string{"StringEquals", "ArnEquals", "StringLike", "ArnLike"} {
		out = append(out, policydoc.StringList(st.Condition[op]["kms:EncryptionContext:SecretARN"])...)
	}
	return out
}
