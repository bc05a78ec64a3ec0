package platform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
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

	for _, gens := range [][]int{{1, 1}, {0}, {1, 2, 3}} {
		_, err = testkit.ComponentErr(func(ctx *pulumi.Context) error {
			_, err := secrets.NewTokenSigner(ctx, "identity-token", &secrets.TokenSignerArgs{Scope: testScope, Generations: gens})
			return err
		})
		assert.ErrorContains(t, err, "generations", "%v refused", gens)
	}
}

// During a rotation (edge.identityKeyGenerations [1, 2]) dev's plan holds both generations'
// keys and aliases; the BFFs sign with generation 2 only (its ARN is their
// IDENTITY_SIGNING_KEY_ARN, and generation 1's key policy names no signer); the verification key
// holds both public keys, generation 2's first; and IDENT-01 holds.
func TestIdentityKeyRotationOverlap(t *testing.T) {
	verification := func(cloud *mockcloud.Cloud) string {
		for _, r := range cloud.Records() {
			if r.Type == contract.TypeSecretVersion && r.Name == "identity-verification-key" {
				v := r.Inputs["secretString"]
				require.True(t, v.IsSecret())
				return v.SecretValue().Element.StringValue()
			}
		}
		t.Fatal("no verification key version")
		return ""
	}
	before, err := testkit.Run(t, testkit.Source(t, "dev"))
	require.NoError(t, err)
	src := testkit.Source(t, "dev")
	src.Values["secure-vpc:edge"] = `{"identityKeyGenerations":[1,2]}`
	cloud, err := testkit.Run(t, src)
	require.NoError(t, err)
	e := cloud.Export()
	ix := query.NewIndex(&e)

	keys := ix.IdentitySigningKeys()
	require.Len(t, keys, 2, "both generations exist")
	arns := map[string]string{}
	for _, k := range keys {
		name := query.Name(k.Resource)
		arns[name] = query.Str(k.Resource, "arn")
		switch name {
		case "identity-token":
			assert.Empty(t, k.Signers, "generation 1 only verifies")
		case "identity-token-2":
			var signers []string
			for _, p := range k.Signers {
				assert.Equal(t, query.ServiceRolePrincipal, p.Kind)
				assert.Equal(t, contract.TaskRole, p.Role)
				signers = append(signers, p.Service)
			}
			assert.Equal(t, []string{"mobile-bff", "web-bff"}, signers, "the BFFs' task roles sign with generation 2")
		default:
			t.Errorf("unexpected identity key %s", name)
		}
	}
	var aliases []string
	for _, a := range ix.OfType(contract.TypeKMSAlias) {
		if strings.Contains(query.Str(a, "name"), "/identity") {
			aliases = append(aliases, query.Str(a, "name"))
		}
	}
	assert.ElementsMatch(t, []string{"alias/secure-vpc/dev/identity", "alias/secure-vpc/dev/identity-2"}, aliases)

	signing := 0
	for _, td := range ix.OfType(contract.TypeTaskDefinition) {
		if !strings.Contains(query.Str(td, "containerDefinitions"), "IDENTITY_SIGNING_KEY_ARN") {
			continue
		}
		var cs []struct {
			Environment []struct{ Name, Value string } `json:"environment"`
		}
		require.NoError(t, json.Unmarshal([]byte(query.Str(td, "containerDefinitions")), &cs))
		for _, v := range cs[0].Environment {
			if v.Name == "IDENTITY_SIGNING_KEY_ARN" {
				assert.Equal(t, arns["identity-token-2"], v.Value, "%s signs with generation 2", query.Name(td))
				signing++
			}
		}
	}
	assert.Equal(t, 2, signing, "both BFFs get a signing key ARN")

	old, bundle := verification(before), verification(cloud)
	assert.Equal(t, 2, strings.Count(bundle, "-----BEGIN PUBLIC KEY-----"), bundle)
	assert.True(t, strings.HasSuffix(bundle, old) && bundle != old+old, "generation 1's public key, unchanged, after generation 2's: %s", bundle)

	for _, r := range policy.Evaluate(&e) {
		if r.Invariant.ID == "IDENT-01" {
			assert.True(t, r.Passed(), "%v", r.Findings)
			assert.GreaterOrEqual(t, r.Checked, 3, "two keys and the verification key")
		}
	}
}

// The first step of a rotation trusts the new key before anyone signs with it: with [1, 2] and
// generation 1 signing, generation 1's key names the BFFs as signers and generation 2's no one;
// a signing generation that does not exist is refused.
func TestIdentityKeyRotationTrustsBeforeSigning(t *testing.T) {
	src := testkit.Source(t, "dev")
	src.Values["secure-vpc:edge"] = `{"identityKeyGenerations":[1,2],"identitySigningGeneration":1}`
	cloud, err := testkit.Run(t, src)
	require.NoError(t, err)
	e := cloud.Export()
	ix := query.NewIndex(&e)
	keys := ix.IdentitySigningKeys()
	require.Len(t, keys, 2)
	for _, k := range keys {
		switch query.Name(k.Resource) {
		case "identity-token":
			assert.Len(t, k.Signers, 2, "generation 1 still signs: the BFFs' task roles")
		case "identity-token-2":
			assert.Empty(t, k.Signers, "generation 2 is trusted, not yet used")
		}
	}
	for _, r := range policy.Evaluate(&e) {
		if r.Invariant.ID == "IDENT-01" {
			assert.True(t, r.Passed(), "%v", r.Findings)
		}
	}
	_, err = testkit.Run(t, func() platform.Source {
		bad := testkit.Source(t, "dev")
		bad.Values["secure-vpc:edge"] = `{"identityKeyGenerations":[1,2],"identitySigningGeneration":3}`
		return bad
	}())
	assert.ErrorContains(t, err, "identitySigningGeneration")
}
