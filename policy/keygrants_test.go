package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// A key usable only through its services (data, secrets, images) lets the account create grants
// only for AWS resources: one that lets an administrator create any grant could give itself
// kms:Decrypt. DATA-05 names the key, for every key of the stack.
func TestKeyGrantsCatchBrokenPlans(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		edit      func(doc *policydoc.Document)
		want      string
	}{
		{"the data key's administration creates grants", "keys-data", func(doc *policydoc.Document) {
			doc.Statement[0].Action = append(doc.Statement[0].Action, "kms:CreateGrant")
		}, "statement AccountAdministersTheKey lets arn:aws:iam::123456789012:root create grants (kms:CreateGrant) without kms:GrantIsForAWSResource true"},
		{"the secrets key's administration creates anything (kms:Create*)", "keys-secrets", func(doc *policydoc.Document) {
			doc.Statement[0].Action = append(doc.Statement[0].Action, "kms:Create*")
		}, "statement AccountAdministersTheKey lets arn:aws:iam::123456789012:root create grants"},
		{"the services' grants not bound to AWS resources", "keys-data", func(doc *policydoc.Document) {
			for i, st := range doc.Statement {
				if st.Sid == "ServicesCreateGrantsForTheirOwnResources" {
					delete(doc.Statement[i].Condition, "Bool")
				}
			}
		}, "statement ServicesCreateGrantsForTheirOwnResources lets arn:aws:iam::123456789012:root create grants"},
		{"the logs key's administration creates grants", "keys-logs", func(doc *policydoc.Document) {
			doc.Statement[0].Action = append(doc.Statement[0].Action, "kms:CreateGrant")
		}, "statement AccountAdministersTheKey lets arn:aws:iam::123456789012:root create grants"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := devPlan(t)
			k := find(e, named(contract.TypeKMSKey, tc.key))
			editPolicy(t, k, tc.edit)
			assertCaught(t, e, "DATA-05", k.URN, tc.want, nil)
		})
	}
}

// The other way: grants bound to AWS resources (a JSON true as well as "true") hold, and so does
// an administration statement with kms:CreateGrant on a key whose policy denies it to everyone.
func TestKeyGrantsForAWSResourcesHold(t *testing.T) {
	e := devPlan(t)
	assert.Empty(t, findingOf(t, e, "DATA-05"), "the committed keys")
	k := find(e, named(contract.TypeKMSKey, "keys-data"))
	editPolicy(t, k, func(doc *policydoc.Document) {
		for i, st := range doc.Statement {
			if st.Sid == "ServicesCreateGrantsForTheirOwnResources" {
				doc.Statement[i].Condition["Bool"] = map[string]any{"kms:GrantIsForAWSResource": true}
			}
		}
	})
	assert.Empty(t, findingOf(t, e, "DATA-05"), "a JSON true")
	grantsKey(t, e, true, "kms:CreateGrant")
	assert.Empty(t, findingOf(t, e, "DATA-05"), "the signing key denies kms:CreateGrant to everyone")
}
