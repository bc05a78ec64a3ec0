package platform_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// With AWS Private CA, each generation is a short-lived root CA with its certificate installed;
// the vault issues from the issuing generation, every service trusts all of them (highest
// first), and no pulumi-tls key or TLS secret exists.
func TestVaultPrivateCAGenerations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		gens   []int
		issuer int
		want   []string // the CAs' logical names, in the bundle's order
		issues string
	}{
		{"default", nil, 0, []string{"internal-ca"}, "internal-ca"},
		{"rotation, new trusted while old issues", []int{1, 2}, 1, []string{"internal-ca-g2", "internal-ca"}, "internal-ca"},
		{"rotation, new issues", []int{1, 2}, 0, []string{"internal-ca-g2", "internal-ca"}, "internal-ca-g2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got resolved
			cloud := testkit.Component(t, func(ctx *pulumi.Context) error {
				args := vaultArgs(testScope)
				args.CAGenerations, args.IssuingCAGeneration = tc.gens, tc.issuer
				args.CertificateAuthority = secrets.AWSPrivateCA
				v, err := secrets.NewVault(ctx, "vault", args)
				if err == nil {
					got.watch("ca", v.CACertificate)
					got.watch("arn", v.CertificateAuthorityArn)
					assert.Len(t, v.IssuerReady(), len(tc.want), "a task waits for every generation's installed certificate")
				}
				return err
			})
			require.Len(t, cloud.ByType(contract.TypePCACertificateAuthority), len(tc.want))
			var bundle string
			for _, name := range tc.want {
				ca := record(t, cloud, contract.TypePCACertificateAuthority, name)
				assert.Equal(t, "SHORT_LIVED_CERTIFICATE", ca.Inputs["usageMode"].StringValue())
				assert.Equal(t, "ROOT", ca.Inputs["type"].StringValue())
				cert := record(t, cloud, contract.TypePCACertificate, name)
				assert.Equal(t, ca.Outputs["arn"].StringValue(), cert.Inputs["certificateAuthorityArn"].StringValue())
				assert.Equal(t, ca.Outputs["certificateSigningRequest"].StringValue(), cert.Inputs["certificateSigningRequest"].StringValue(), "the CA signs its own CSR")
				installed := record(t, cloud, contract.TypePCACertificateAuthorityCertificate, name)
				assert.Equal(t, cert.Outputs["certificate"].StringValue(), installed.Inputs["certificate"].StringValue())
				if bundle != "" {
					bundle += "\n"
				}
				bundle += cert.Outputs["certificate"].StringValue()
			}
			assert.Equal(t, bundle, got.get(t, "ca"), "every generation trusted, highest first")
			assert.Equal(t, record(t, cloud, contract.TypePCACertificateAuthority, tc.issues).Outputs["arn"].StringValue(), got.get(t, "arn"))
			assert.Empty(t, cloud.ByType(contract.TypeTLSSelfSignedCert), "no pulumi-tls CA")
			assert.Empty(t, cloud.ByType(contract.TypeTLSLocallySignedCert), "no certificate signed in the state")
			for _, k := range cloud.ByType(contract.TypeTLSPrivateKey) {
				assert.Contains(t, k.Name, "-auth-token", "only the caches' token seeds remain: %s", k.Name)
			}
			for _, s := range cloud.ByType(contract.TypeSecret) {
				assert.NotContains(t, s.Name, "tls-", "no TLS secret")
			}
		})
	}
}

// An unknown CA kind is refused before anything is registered.
func TestVaultRefusesAnUnknownCertificateAuthority(t *testing.T) {
	args := vaultArgs(testScope)
	args.CertificateAuthority = "acm"
	assert.ErrorContains(t, vaultErr(*args), `"acm" is not an internal CA`)
	args.CertificateAuthority = secrets.PulumiTLS
	assert.NoError(t, vaultErr(*args))
}
