package platform_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// A TokenSigner is one asymmetric KMS key (SIGN_VERIFY, ECC_NIST_P256, no rotation, which KMS
// refuses for such keys) with its alias, protected with the scope, whose key policy lets exactly
// the given roles sign; its public key is read from KMS, a PUBLIC KEY block and nothing private.
func TestTokenSigner(t *testing.T) {
	const bff = "arn:aws:iam::123456789012:role/web-bff-task-role"
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			s, err := secrets.NewTokenSigner(ctx, "identity-token", &secrets.TokenSignerArgs{Scope: scope, SignerRoleArns: []pulumi.StringInput{pulumi.String(bff)}})
			if err == nil {
				out.watch("arn", s.KeyArn)
				out.watch("pem", s.PublicKeyPem)
			}
			return err
		})
		comp := p.component(contract.TypeTokenSigner)
		assert.Equal(t, map[string]int{contract.TypeKMSKey: 1, contract.TypeKMSAlias: 1}, count(p.children(comp.URN)), "a key and its alias, no key material")
		key := p.one(contract.TypeKMSKey, "identity-token")
		assert.Equal(t, "SIGN_VERIFY", key.Inputs["keyUsage"])
		assert.Equal(t, "ECC_NIST_P256", key.Inputs["customerMasterKeySpec"])
		assert.Equal(t, false, key.Inputs["enableKeyRotation"])
		assert.EqualValues(t, secrets.DeletionWindowDays, key.Inputs["deletionWindowInDays"])
		assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-identity-token", contract.DomainTag: string(contract.IdentityDomain)}, tags(key))
		assert.Equal(t, scope.Protect, key.Protect)
		alias := p.one(contract.TypeKMSAlias, "identity-token")
		assert.Equal(t, "alias/secure-vpc/test/identity", alias.Inputs["name"])
		assert.Equal(t, key.Outputs["keyId"], alias.Inputs["targetKeyId"])
		assert.Equal(t, scope.Protect, alias.Protect)

		doc, err := policydoc.Parse(key.Inputs["policy"].(string))
		require.NoError(t, err)
		var signers []string
		for _, st := range doc.Statement {
			if st.Covers("kms:Sign") {
				signers = append(signers, st.Principals()["AWS"]...)
				assert.Equal(t, "ECDSA_SHA_256", st.Condition["StringEqualsIfExists"]["kms:SigningAlgorithm"])
			}
		}
		assert.Equal(t, []string{bff}, signers, "only the given role signs; the account administers the key but does not sign")

		assert.Equal(t, key.Outputs["arn"], out.get(t, "arn"))
		pem := out.get(t, "pem").(string)
		assert.True(t, strings.HasPrefix(pem, "-----BEGIN PUBLIC KEY-----\n"), pem)
		assert.NotContains(t, pem, "PRIVATE")
	}

	p := runAlone(t, func(ctx *pulumi.Context) error {
		_, err := secrets.NewTokenSigner(ctx, "identity-token", &secrets.TokenSignerArgs{Scope: testScope})
		return err
	})
	doc, err := policydoc.Parse(p.one(contract.TypeKMSKey, "identity-token").Inputs["policy"].(string))
	require.NoError(t, err)
	for _, st := range doc.Statement {
		assert.False(t, st.Covers("kms:Sign"), "without a BFF nobody signs: %s", st.Sid)
	}

	_, err = testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := secrets.NewTokenSigner(ctx, "identity-token", &secrets.TokenSignerArgs{Scope: stack.Scope{Project: "p", Stack: "dev"}})
		return err
	})
	assert.Error(t, err, "a scope without region and account")
}
