package policy_test

import (
	"testing"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// editGuard changes the Deny of kms:PutKeyPolicy (not the Deny of kms:CreateGrant) in the signing key's policy.
func editGuard(t *testing.T, e *stackstate.Export, edit func(doc *policydoc.Document, i int)) string {
	t.Helper()
	k := signingKey(e)
	editPolicy(t, k, func(doc *policydoc.Document) {
		for i := range doc.Statement {
			if doc.Statement[i].Effect == policydoc.Deny && doc.Statement[i].Covers("kms:PutKeyPolicy") {
				edit(doc, i)
				return
			}
		}
		t.Fatal("the signing key's policy has no Deny")
	})
	return k.URN
}

// The signing key's policy must keep kms:PutKeyPolicy from everyone but the deploying roles:
// whoever may change it may name itself a signer. Each way of weakening that fails IDENT-01.
func TestSigningKeyPolicyGuardCatchesBrokenPlans(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(t *testing.T, e *stackstate.Export) string
		want    string
	}{
		{"no Deny", func(t *testing.T, e *stackstate.Export) string {
			return editGuard(t, e, func(doc *policydoc.Document, i int) {
				doc.Statement = append(doc.Statement[:i], doc.Statement[i+1:]...)
			})
		}, "does not deny kms:PutKeyPolicy to every principal but the deploying roles"},
		{"a Deny that only holds outside one VPC", func(t *testing.T, e *stackstate.Export) string {
			return editGuard(t, e, func(doc *policydoc.Document, i int) {
				doc.Statement[i].Condition["StringEquals"] = map[string]any{"aws:SourceVpc": "vpc-1"}
			})
		}, "does not deny kms:PutKeyPolicy"},
		{"a BFF's task role exempt", func(t *testing.T, e *stackstate.Export) string {
			return editGuard(t, e, func(doc *policydoc.Document, i int) {
				arns := policydoc.StringList(doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"])
				doc.Statement[i].Condition["ArnNotEquals"]["aws:PrincipalArn"] = append(arns, roleArn(e, "web-bff-task-role"))
			})
		}, "lets web-bff (task role) change it"},
		{"every role exempt", func(t *testing.T, e *stackstate.Export) string {
			return editGuard(t, e, func(doc *policydoc.Document, i int) {
				doc.Statement[i].Condition = map[string]map[string]any{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}
			})
		}, "lets arn:aws:iam::123456789012:role/* change it"},
		{"the lockout check bypassed", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			k.Inputs["bypassPolicyLockoutSafetyCheck"] = true
			return k.URN
		}, "sets bypassPolicyLockoutSafetyCheck"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := devPlan(t)
			culprit := tc.breakIt(t, e)
			assertCaught(t, e, "IDENT-01", culprit, tc.want, nil)
		})
	}
}
