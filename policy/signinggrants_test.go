package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// grantsKey edits dev's signing key policy: it adds actions to the account's administration
// statement and, unless keepDeny, drops the Deny of kms:CreateGrant.
func grantsKey(t *testing.T, e *stackstate.Export, keepDeny bool, actions ...string) string {
	t.Helper()
	k := signingKey(e)
	editPolicy(t, k, func(doc *policydoc.Document) {
		var kept []policydoc.Statement
		for _, st := range doc.Statement {
			if st.Sid == "AccountAdministersTheKey" {
				st.Action = append(st.Action, actions...)
			}
			if keepDeny || st.Effect != policydoc.Deny || !st.Covers("kms:CreateGrant") {
				kept = append(kept, st)
			}
		}
		doc.Statement = kept
	})
	return k.URN
}

// allowWithoutGrantDeny drops the Deny of kms:CreateGrant from dev's signing key policy and
// appends an Allow statement to it.
func allowWithoutGrantDeny(t *testing.T, e *stackstate.Export, st policydoc.Statement) string {
	t.Helper()
	urn := grantsKey(t, e, false)
	editPolicy(t, signingKey(e), func(doc *policydoc.Document) { doc.Statement = append(doc.Statement, st) })
	return urn
}

// dataAlso: DATA-05 also refuses, for every key, a grant not bound to AWS resources.
var dataAlso = []string{"DATA-05"}

// A grant can give kms:Sign to any principal: a signing key policy that lets anyone but the
// BFFs' task roles create grants fails IDENT-01, whatever the wildcard, unless the policy denies
// kms:CreateGrant to every principal under no condition.
func TestSigningKeyGrantsCatchBrokenPlans(t *testing.T) {
	for _, tc := range []struct {
		name      string
		breakIt   func(t *testing.T, e *stackstate.Export) string
		want      string
		alsoFails []string
	}{
		{"the account creates grants", func(t *testing.T, e *stackstate.Export) string {
			return grantsKey(t, e, false, "kms:CreateGrant")
		}, "lets account 123456789012 create grants (kms:CreateGrant)", dataAlso},
		{"the account creates anything", func(t *testing.T, e *stackstate.Export) string {
			return grantsKey(t, e, false, "kms:Create*")
		}, "lets account 123456789012 create grants", dataAlso},
		{"the account does everything", func(t *testing.T, e *stackstate.Export) string {
			return grantsKey(t, e, false, "kms:*")
		}, "lets account 123456789012 create grants", dataAlso},
		{"a Deny that holds only outside one VPC", func(t *testing.T, e *stackstate.Export) string {
			urn := grantsKey(t, e, true, "kms:CreateGrant")
			editPolicy(t, signingKey(e), func(doc *policydoc.Document) {
				for i, st := range doc.Statement {
					if st.Effect == policydoc.Deny && st.Covers("kms:CreateGrant") {
						doc.Statement[i].Condition = map[string]map[string]any{"StringEquals": {"aws:SourceVpc": "vpc-1"}}
					}
				}
			})
			return urn
		}, "lets account 123456789012 create grants", dataAlso},
		{"a service that is no BFF creates grants", func(t *testing.T, e *stackstate.Export) string {
			return allowWithoutGrantDeny(t, e, policydoc.Statement{Sid: "OrdersGrants", Effect: policydoc.Allow,
				Principal: policydoc.AWSPrincipal(roleArn(e, "orders-task-role")), Action: []string{"kms:CreateGrant"}, Resource: []string{"*"}})
		}, "lets orders (task role) create grants", dataAlso},
		{"all but one action", func(t *testing.T, e *stackstate.Export) string {
			return allowWithoutGrantDeny(t, e, policydoc.Statement{Sid: "AllButDecrypt", Effect: policydoc.Allow,
				Principal: policydoc.AWSPrincipal("arn:aws:iam::123456789012:root"), NotAction: []string{"kms:Decrypt", "kms:Sign"}, Resource: []string{"*"}})
		}, "statement AllButDecrypt (NotAction) allows kms:CreateGrant to all but what it lists", []string{"DATA-05"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := devPlan(t)
			assertCaught(t, e, "IDENT-01", tc.breakIt(t, e), tc.want, tc.alsoFails)
		})
	}
}

// The other way: the reviewer's repro (kms:CreateGrant, kms:Create* or kms:* added to the
// account's administration) holds while the unconditional Deny of kms:CreateGrant stands, and
// so does a policy with no Deny that allows kms:CreateGrant to no one.
func TestSigningKeyGrantsDeniedHold(t *testing.T) {
	for _, tc := range []struct {
		name     string
		keepDeny bool
		actions  []string
	}{
		{"the committed policy", true, nil},
		{"kms:CreateGrant denied", true, []string{"kms:CreateGrant"}},
		{"kms:Create* denied", true, []string{"kms:Create*"}},
		{"no Deny, no one allowed", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := devPlan(t)
			grantsKey(t, e, tc.keepDeny, tc.actions...)
			assert.Empty(t, findingOf(t, e, "IDENT-01"))
		})
	}
}
