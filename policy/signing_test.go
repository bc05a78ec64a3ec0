package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
)

// signingCase breaks the identity-token signing of dev's plan.
type signingCase struct {
	name      string
	breakPlan func(t *testing.T, e *stackstate.Export) (culprit string)
	wantMsg   string
	alsoFails []string
}

const devRole = "arn:aws:iam::123456789012:role/"

// signingKey is dev's identity-token signing key.
func signingKey(e *stackstate.Export) *stackstate.Resource {
	return find(e, named(contract.TypeKMSKey, "identity-token"))
}

// roleArn is the ARN of a role of dev's plan by its logical name.
func roleArn(e *stackstate.Export, name string) string {
	return find(e, named(contract.TypeIAMRole, name)).Outputs["arn"].(string)
}

// addSigner appends a principal to the statement of the key policy that lets the BFFs sign.
func addSigner(principal func(e *stackstate.Export) string) func(t *testing.T, e *stackstate.Export) string {
	return func(t *testing.T, e *stackstate.Export) string {
		k := signingKey(e)
		editPolicy(t, k, func(doc *policydoc.Document) {
			for i, st := range doc.Statement {
				if st.Covers("kms:Sign") {
					doc.Statement[i].Principal = map[string]any{"AWS": append(st.Principals()["AWS"], principal(e))}
				}
			}
		})
		return k.URN
	}
}

// untag removes the identity domain tag of dev's signing key: the audit no longer knows it.
func untag(e *stackstate.Export) {
	k := signingKey(e)
	for _, props := range []map[string]any{k.Inputs, k.Outputs} {
		if tags, ok := props["tags"].(map[string]any); ok {
			delete(tags, contract.DomainTag)
		}
	}
}

func signingCases() []signingCase {
	verification := named(contract.TypeSecretVersion, "identity-verification-key")
	return []signingCase{
		{"a symmetric key", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			k.Inputs["keyUsage"], k.Inputs["customerMasterKeySpec"] = "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"
			return k.URN
		}, "its key usage is ENCRYPT_DECRYPT; set keyUsage SIGN_VERIFY", []string{"DATA-05"}}, // and it no longer rotates
		{"an HMAC key", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			k.Inputs["keyUsage"], k.Inputs["customerMasterKeySpec"] = "GENERATE_VERIFY_MAC", "HMAC_256"
			return k.URN
		}, "key spec HMAC_256 is not an asymmetric key pair", nil},
		{"the whole account signs", addSigner(func(*stackstate.Export) string { return "arn:aws:iam::123456789012:root" }),
			"lets account 123456789012 sign identity tokens", nil},
		{"a service that is no BFF signs", addSigner(func(e *stackstate.Export) string { return roleArn(e, "orders-task-role") }),
			"lets orders (task role) sign identity tokens (kms:Sign); only the BFFs' task roles may", nil},
		{"a BFF's execution role signs", addSigner(func(e *stackstate.Export) string { return roleArn(e, "web-bff-exec-role") }),
			"lets web-bff (execution role) sign", nil},
		{"a role of another account signs", addSigner(func(*stackstate.Export) string { return "arn:aws:iam::210987654321:role/web-bff-task-role" }),
			"lets arn:aws:iam::210987654321:role/web-bff-task-role sign", nil},
		{"administering the key includes using it", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			editPolicy(t, k, func(doc *policydoc.Document) { doc.Statement[0].Action = []string{"kms:*"} })
			return k.URN
		}, "lets account 123456789012 sign identity tokens", nil},
		{"anyone but one role signs", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			editPolicy(t, k, func(doc *policydoc.Document) {
				doc.Statement = append(doc.Statement, policydoc.Statement{Sid: "AllButOne", Effect: policydoc.Allow,
					NotPrincipal: policydoc.AWSPrincipal(devRole + "x"), Action: []string{"kms:Sign"}, Resource: []string{"*"}})
			})
			return k.URN
		}, "statement AllButOne (NotPrincipal) allows kms:Sign to all but what it lists", []string{"DATA-05"}},
		{"the default key policy", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			delete(k.Inputs, "policy")
			delete(k.Outputs, "policy")
			return k.URN
		}, "no valid key policy: the default policy lets the whole account sign", []string{"DATA-05"}},
		// The way it was: a pulumi-tls key, its public key the verification key's value.
		{"the verification key from a key in the state", func(t *testing.T, e *stackstate.Export) string {
			urn := "urn:pulumi:dev::secure-vpc::secure-vpc:secrets:Vault$tls:index/privateKey:PrivateKey::token-key"
			addResource(e, stackstate.Resource{URN: urn, Custom: true, ID: "tok", Type: contract.TypeTLSPrivateKey,
				Inputs: map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"}})
			v := find(e, verification)
			v.Dependencies = []string{urn}
			return urn
		}, "whose material reaches identity secret secure-vpc/dev/identity/verification-key", nil},
		{"the verification key comes from no KMS key", func(t *testing.T, e *stackstate.Export) string {
			find(e, verification).Dependencies = nil
			return find(e, named(contract.TypeSecret, "identity-verification-key")).URN
		}, "does not hold the public key of a KMS signing key of the stack", nil},
		{"an identity key in the state, by name", func(t *testing.T, e *stackstate.Export) string {
			urn := "urn:pulumi:dev::secure-vpc::secure-vpc:secrets:Vault$tls:index/privateKey:PrivateKey::identity-token"
			addResource(e, stackstate.Resource{URN: urn, Custom: true, ID: "id", Type: contract.TypeTLSPrivateKey, Inputs: map[string]any{"algorithm": "ECDSA"}})
			return urn
		}, "is an identity-token private key in the state", nil},
		// A rotation's previous generation kept signing: two keys grant kms:Sign.
		{"two generations sign", func(t *testing.T, e *stackstate.Export) string {
			k := signingKey(e)
			old := *k
			old.URN, old.ID = k.URN+"-2", k.ID+"-2"
			addResource(e, old)
			return old.URN
		}, "is one of 2 identity-token keys that grant kms:Sign; only the newest generation may sign", nil},
		{"no signing key the audit knows", func(t *testing.T, e *stackstate.Export) string {
			untag(e)
			return find(e, named(contract.TypeLoadBalancer, "web-bff-alb")).URN
		}, "BFF web-bff has no identity-token signing key in KMS", nil},
	}
}

// Each case breaks the identity-token signing of dev's plan; IDENT-01 names the resource at
// fault, and no other invariant fails but those the case lists.
func TestSigningInvariantsCatchBrokenPlans(t *testing.T) {
	for _, tc := range signingCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := devPlan(t)
			assertCaught(t, e, "IDENT-01", tc.breakPlan(t, e), tc.wantMsg, tc.alsoFails)
		})
	}
}

// The committed stacks hold IDENT-01, having checked their signing key, their verification key
// and every pulumi-tls key.
func TestSigningHoldsOnCommittedStacks(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		for _, r := range policy.Evaluate(fixtures.Plan(t, stack)) {
			if r.Invariant.ID == "IDENT-01" {
				assert.True(t, r.Passed(), "%s: %v", stack, r.Findings)
				assert.GreaterOrEqual(t, r.Checked, 2, "%s: the signing key and the verification key at least", stack)
			}
		}
	}
}

// DATA-05 asks no rotation of the asymmetric signing key, which KMS cannot rotate, and asks it
// again as soon as the key is a symmetric one.
func TestRotationIsAskedOfSymmetricKeysOnly(t *testing.T) {
	e := devPlan(t)
	assert.Empty(t, findingOf(t, e, "DATA-05"), "the signing key does not rotate, and need not")
	k := signingKey(e)
	k.Inputs["keyUsage"], k.Inputs["customerMasterKeySpec"] = "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"
	fs := findingOf(t, e, "DATA-05")
	if assert.Len(t, fs, 1) {
		assert.Equal(t, k.URN, fs[0].URN)
		assert.Contains(t, fs[0].Message, "does not rotate")
	}
}
