package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// Dev's identity-token signing: one asymmetric KMS key that the two BFFs' task roles may sign
// with, a verification key whose value depends on it, and no identity key material in the state
// (the CA's and the services' pulumi-tls keys are not identity keys).
func TestIdentitySigningOfDev(t *testing.T) {
	ix, _ := dev(t)
	keys := ix.IdentitySigningKeys()
	require.Len(t, keys, 1)
	k := keys[0]
	assert.Equal(t, "identity-token", query.Name(k.Resource))
	assert.Equal(t, "SIGN_VERIFY", k.Usage)
	assert.Equal(t, "ECC_NIST_P256", k.Spec)
	assert.True(t, k.Asymmetric())
	assert.True(t, k.PolicyValid)
	assert.Empty(t, k.Negated)
	var signers []string
	for _, p := range k.Signers {
		signers = append(signers, p.Label())
	}
	assert.Equal(t, []string{"mobile-bff (task role)", "web-bff (task role)"}, signers, "the account administers the key but does not sign")
	assert.Equal(t, map[string]bool{"web-bff": true, "mobile-bff": true}, ix.BFFs())

	secrets := ix.IdentitySecrets()
	require.Len(t, secrets, 1)
	assert.Equal(t, "secure-vpc/dev/identity/verification-key", secrets[0].Secret.Name)
	require.Len(t, secrets[0].Versions, 1)
	assert.True(t, ix.DependsOn(secrets[0].Versions[0])[k.Resource.URN], "its value is the signing key's public key")

	assert.NotEmpty(t, ix.OfType(contract.TypeTLSPrivateKey), "the CA's and the services' keys are still pulumi-tls keys")
	assert.Empty(t, ix.IdentityKeyMaterial())

	assert.False(t, query.SigningKey{Spec: "SYMMETRIC_DEFAULT"}.Asymmetric())
	assert.False(t, query.SigningKey{Spec: "HMAC_256"}.Asymmetric())
	assert.True(t, query.SigningKey{Spec: "RSA_2048"}.Asymmetric())
}
