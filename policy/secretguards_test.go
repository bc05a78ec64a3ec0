package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
)

// editPolicy rewrites the policy document of a resource (a secret policy, a role policy).
func editPolicy(t *testing.T, r *stackstate.Resource, edit func(doc *policydoc.Document)) {
	t.Helper()
	doc, err := policydoc.Parse(r.Inputs["policy"].(string))
	require.NoError(t, err)
	edit(&doc)
	text, err := doc.JSON()
	require.NoError(t, err)
	r.Inputs["policy"] = text
	if r.Outputs != nil {
		r.Outputs["policy"] = text
	}
}

// dropStatements removes the statements a predicate selects.
func dropStatements(pred func(policydoc.Statement) bool) func(doc *policydoc.Document) {
	return func(doc *policydoc.Document) { doc.Statement = slices.DeleteFunc(doc.Statement, pred) }
}

func isDeny(st policydoc.Statement) bool { return st.Effect == policydoc.Deny }

// deniesValue selects the statements that deny the value (not those that deny changes).
func deniesValue(st policydoc.Statement) bool {
	return isDeny(st) && slices.Contains(st.Action, "secretsmanager:GetSecretValue")
}

// findingOf returns the findings of one invariant on a plan.
func findingOf(t *testing.T, e *stackstate.Export, id string) []policy.Finding {
	t.Helper()
	for _, r := range policy.Evaluate(e) {
		if r.Invariant.ID == id {
			return r.Findings
		}
	}
	t.Fatalf("no invariant %s", id)
	return nil
}

// assertNamedOnlyWhenBroken asserts that an invariant names the culprit of a broken plan with a message
// containing want, and says nothing about it in the unbroken plan.
func assertNamedOnlyWhenBroken(t *testing.T, clean, broken *stackstate.Export, invariant, culprit, want string) {
	t.Helper()
	var got []string
	for _, f := range findingOf(t, broken, invariant) {
		if f.URN == culprit {
			got = append(got, f.Message)
		}
	}
	if assert.NotEmpty(t, got, "%s names %s", invariant, culprit) {
		assert.Contains(t, strings.Join(got, "\n"), want)
	}
	for _, f := range findingOf(t, clean, invariant) {
		assert.NotEqual(t, culprit, f.URN, "the unbroken plan passes %s on it: %s", invariant, f.Message)
	}
}

// secretGuardCase breaks one secret's guard (or one policy's negated Allow) in dev's plan.
type secretGuardCase struct {
	name, invariant string
	breakPlan       func(t *testing.T, e *stackstate.Export) (culprit string)
	want            string
}

func secretGuardCases() []secretGuardCase {
	secretPolicy := func(name string) func(*stackstate.Resource) bool { return named(contract.TypeSecretPolicy, name) }
	return []secretGuardCase{
		{"an Allow alone restricts no one", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, dropStatements(deniesValue))
			return p.URN
		}, "does not deny the value of"},
		{"a wildcard exemption", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if deniesValue(st) {
						doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = []string{"arn:aws:iam::123456789012:role/*"}
					}
				}
			})
			return p.URN
		}, "exempts arn:aws:iam::123456789012:role/* from the denial"},
		{"an exempt role that is no reader", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if deniesValue(st) {
						arns := policydoc.StringList(st.Condition["ArnNotEquals"]["aws:PrincipalArn"])
						doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = append(arns, "arn:aws:iam::123456789012:role/admin")
					}
				}
			})
			return p.URN
		}, "arn:aws:iam::123456789012:role/admin from the denial of the value of secure-vpc/dev/tls/orders, but it is neither a reader"},
		{"a denial that only holds in one VPC", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if deniesValue(st) {
						doc.Statement[i].Condition["StringEquals"] = map[string]any{"aws:SourceVpc": "vpc-1"}
					}
				}
			})
			return p.URN
		}, "does not deny the value of"},
		{"the tag-admitted secret without the denial of one tag", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("identity-verification-key"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if deniesValue(st) {
						doc.Statement = slices.Delete(doc.Statement, i, i+1)
						return
					}
				}
			})
			return p.URN
		}, "does not deny the value to principals without it"},
		{"a secret without a policy", "SECRET-01", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			p.Type = "aws:secretsmanager/secretRotation:SecretRotation" // no longer the secret's policy
			p.Custom = false
			return find(e, named(contract.TypeSecret, "tls-orders")).URN
		}, "has no resource policy"},
		{"anyone may change it", "SECRET-02", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("identity-verification-key"))
			editPolicy(t, p, dropStatements(func(st policydoc.Statement) bool { return isDeny(st) && len(st.NotAction) > 0 }))
			return p.URN
		}, "does not deny changes to"},
		{"a denial of changes that forgets deletion", "SECRET-02", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if isDeny(st) && len(st.NotAction) > 0 {
						doc.Statement[i].NotAction = nil
						doc.Statement[i].Action = []string{"secretsmanager:PutSecretValue", "secretsmanager:PutResourcePolicy"}
					}
				}
			})
			return p.URN
		}, "does not deny changes to"},
		{"changes exempted for the whole account", "SECRET-02", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if isDeny(st) && len(st.NotAction) > 0 {
						doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = []string{"arn:aws:iam::123456789012:root"}
					}
				}
			})
			return p.URN
		}, "exempts arn:aws:iam::123456789012:root from the denial of changes"},
		{"the secrets key for any secret", "SECRET-03", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeRolePolicy && strings.Contains(r.Inputs["policy"].(string), "DecryptItsSecrets")
			})
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if st.Sid == "DecryptItsSecrets" {
						delete(doc.Statement[i].Condition["StringEquals"], "kms:EncryptionContext:SecretARN")
					}
				}
			})
			return p.URN
		}, "without naming the secrets (kms:EncryptionContext:SecretARN)"},
		{"the secrets key for a pattern of secrets", "SECRET-03", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, func(r *stackstate.Resource) bool {
				return r.Type == contract.TypeRolePolicy && strings.Contains(r.Inputs["policy"].(string), "DecryptItsSecrets")
			})
			editPolicy(t, p, func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if st.Sid == "DecryptItsSecrets" {
						doc.Statement[i].Condition["StringEquals"]["kms:EncryptionContext:SecretARN"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*"
					}
				}
			})
			return p.URN
		}, "a pattern; name the secrets"},
		// An Allow written with NotAction or NotPrincipal grants everything but what it lists.
		{"an identity policy with NotAction", "SVC-03", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, ofType(contract.TypeRolePolicy))
			editPolicy(t, p, func(doc *policydoc.Document) {
				doc.Statement = append(doc.Statement, policydoc.Statement{Sid: "AllButIAM", Effect: policydoc.Allow, NotAction: []string{"iam:*"}, Resource: []string{"*"}})
			})
			return p.URN
		}, "statement AllButIAM allows with NotAction"},
		{"a secret policy with NotPrincipal", "DATA-08", func(t *testing.T, e *stackstate.Export) string {
			p := find(e, secretPolicy("tls-orders"))
			editPolicy(t, p, func(doc *policydoc.Document) {
				doc.Statement = append(doc.Statement, policydoc.Statement{Sid: "AllButOne", Effect: policydoc.Allow,
					NotPrincipal: policydoc.AWSPrincipal("arn:aws:iam::123456789012:role/x"), Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{"*"}})
			})
			return find(e, named(contract.TypeSecret, "tls-orders")).URN
		}, "statement AllButOne allows with NotPrincipal"},
	}
}

// Each case breaks one secret's guard in dev's plan; the invariant names the resource at fault,
// and the same invariant says nothing about it in the unbroken plan.
func TestSecretGuardsCatchBrokenPlans(t *testing.T) {
	for _, tc := range secretGuardCases() {
		t.Run(tc.name, func(t *testing.T) {
			clean, e := devPlan(t), devPlan(t)
			assertNamedOnlyWhenBroken(t, clean, e, tc.invariant, tc.breakPlan(t, e), tc.want)
		})
	}
}
