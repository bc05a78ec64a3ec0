package platform

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/secrets"
)

// The CA generations default to [1], issued by the highest; a rotation's settings load as given.
func TestLoadCAGenerations(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vault      string // "" leaves the key out
		wantGens   []int
		wantIssuer int
	}{
		{"", []int{1}, 0},
		{`{}`, []int{1}, 0},
		{`{"caGenerations":[1,2],"caIssuingGeneration":1}`, []int{1, 2}, 1},
		{`{"caGenerations":[1,2]}`, []int{1, 2}, 0},
		{`{"caGenerations":[2]}`, []int{2}, 0},
	} {
		src := validSource()
		if tc.vault != "" {
			src.Values["secure-vpc:vault"] = tc.vault
		}
		spec, err := Load(src)
		require.NoError(t, err, tc.vault)
		assert.Equal(t, tc.wantGens, spec.CAGenerations, tc.vault)
		assert.Equal(t, tc.wantIssuer, spec.CAIssuingGeneration, tc.vault)
	}
}

// Each refusal names its key and the fix, on one line.
func TestLoadRefusesCAGenerations(t *testing.T) {
	t.Parallel()
	const gens, issuer = "secure-vpc:vault.caGenerations", "secure-vpc:vault.caIssuingGeneration"
	for _, tc := range []struct{ vault, key, msg string }{
		{`{"caGenerations":[]}`, gens, "must list at least one generation, e.g. [1]"},
		{`{"caGenerations":[1,1]}`, gens, "lists generation 1 twice; list each once"},
		{`{"caGenerations":[0]}`, gens, "0 is not a generation; use positive integers"},
		{`{"caGenerations":[-1,2]}`, gens, "-1 is not a generation"},
		{`{"caGenerations":[1,2,3]}`, gens, "lists 3 generations; keep at most 2 (the old and the new): drop the oldest"},
		{`{"caGenerations":[2,1]}`, gens, "[2 1] is not in ascending order; list the old generation first"},
		{`{"caGenerations":"1"}`, gens, "expected"},
		{`{"caGenerations":[1,2],"caIssuingGeneration":3}`, issuer, "3 is not among the CA generations [1 2]; name one of them, or remove it"},
		{`{"caIssuingGeneration":2}`, issuer, "2 is not among the CA generations [1]"},
		{`{"caIssuingGeneration":-1}`, issuer, "-1 is not among"},
		{`{"caGeneration":[1]}`, "secure-vpc:vault.caGeneration", `did you mean "caGenerations"?`},
		{`{"certificateAuthority":"acm-pca"}`, "secure-vpc:vault.certificateAuthority", `"acm-pca" is not an internal CA; use "pulumi-tls" (the default) or "aws-private-ca"`},
		{`{"certificateAuthority":true}`, "secure-vpc:vault.certificateAuthority", "expected"},
	} {
		src := validSource()
		src.Values["secure-vpc:vault"] = tc.vault
		_, err := Load(src)
		requireProblem(t, err, tc.key, tc.msg)
	}
}

// The internal CA is pulumi-tls unless the stack asks for AWS Private CA.
func TestLoadCertificateAuthority(t *testing.T) {
	t.Parallel()
	for vault, want := range map[string]secrets.CertificateAuthority{
		"": secrets.PulumiTLS, `{}`: secrets.PulumiTLS,
		`{"certificateAuthority":"pulumi-tls"}`:     secrets.PulumiTLS,
		`{"certificateAuthority":"aws-private-ca"}`: secrets.AWSPrivateCA,
	} {
		src := validSource()
		if vault != "" {
			src.Values["secure-vpc:vault"] = vault
		}
		spec, err := Load(src)
		require.NoError(t, err, vault)
		assert.Equal(t, want, spec.CertificateAuthority, vault)
	}
}
