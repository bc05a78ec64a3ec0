package platform_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// record is the one resource of a type and logical name the mock recorded.
func record(t *testing.T, cloud *mockcloud.Cloud, typ, name string) *mockcloud.Record {
	t.Helper()
	var found []*mockcloud.Record
	for _, r := range cloud.ByType(typ) {
		if r.Name == name {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s %s", typ, name)
	return found[0]
}

// plain is a recorded string, unwrapped if it is a secret.
func plain(v resource.PropertyValue) string {
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v.StringValue()
}

// During a CA rotation both generations exist, the issuing one signs every service certificate,
// and every service's caCertificate is the bundle of both, the higher first. Generation 1 keeps
// the CA's original logical name; outside a rotation there is one CA and the bundle is its
// certificate alone.
func TestVaultCAGenerations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		gens   []int
		issuer int
		want   []string // the CAs' logical names, in the bundle's order
		issues string   // the CA that signs the services' certificates
	}{
		{"default", nil, 0, []string{"internal-ca"}, "internal-ca"},
		{"rotation, new trusted while old issues", []int{1, 2}, 1, []string{"internal-ca-g2", "internal-ca"}, "internal-ca"},
		{"rotation, new issues", []int{1, 2}, 0, []string{"internal-ca-g2", "internal-ca"}, "internal-ca-g2"},
		{"rotation done", []int{2}, 0, []string{"internal-ca-g2"}, "internal-ca-g2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var bundle resolved
			cloud := testkit.Component(t, func(ctx *pulumi.Context) error {
				args := vaultArgs(testScope)
				args.CAGenerations, args.IssuingCAGeneration = tc.gens, tc.issuer
				v, err := secrets.NewVault(ctx, "vault", args)
				if err == nil {
					bundle.watch("ca", v.CACertificate)
				}
				return err
			})
			require.Len(t, cloud.ByType(contract.TypeTLSSelfSignedCert), len(tc.want), "one CA per generation")
			var wantBundle string
			for _, name := range tc.want {
				ca := record(t, cloud, contract.TypeTLSSelfSignedCert, name)
				assert.Equal(t, true, ca.Inputs["isCaCertificate"].BoolValue())
				key := record(t, cloud, contract.TypeTLSPrivateKey, name)
				assert.Equal(t, plain(key.Outputs["privateKeyPem"]), plain(ca.Inputs["privateKeyPem"]), "%s signs itself with its own key", name)
				if wantBundle != "" {
					wantBundle += "\n"
				}
				wantBundle += plain(ca.Outputs["certPem"])
			}
			if len(tc.want) == 2 {
				cn := func(name string) string {
					return record(t, cloud, contract.TypeTLSSelfSignedCert, name).Inputs["subject"].ObjectValue()["commonName"].StringValue()
				}
				assert.Equal(t, "secure-vpc test internal CA", cn("internal-ca"))
				assert.Equal(t, "secure-vpc test internal CA 2", cn("internal-ca-g2"), "the two CAs of a rotation have distinct subjects")
			}
			assert.Equal(t, wantBundle, bundle.get(t, "ca"), "the vault's caCertificate is every generation's, highest first")

			issuer := record(t, cloud, contract.TypeTLSSelfSignedCert, tc.issues)
			issuerKey := record(t, cloud, contract.TypeTLSPrivateKey, tc.issues)
			for _, svc := range []string{"users", "web-bff"} {
				cert := record(t, cloud, contract.TypeTLSLocallySignedCert, svc+"-tls")
				assert.Equal(t, plain(issuer.Outputs["certPem"]), plain(cert.Inputs["caCertPem"]), "%s's certificate is issued by %s", svc, tc.issues)
				assert.Equal(t, plain(issuerKey.Outputs["privateKeyPem"]), plain(cert.Inputs["caPrivateKeyPem"]), "%s's certificate is signed with %s's key", svc, tc.issues)

				var value map[string]string
				version := record(t, cloud, contract.TypeSecretVersion, "tls-"+svc)
				require.NoError(t, json.Unmarshal([]byte(plain(version.Inputs["secretString"])), &value))
				assert.Equal(t, wantBundle, value[secrets.TLSCACertificateKey], "%s trusts every generation, highest first", svc)
				assert.Equal(t, plain(cert.Outputs["certPem"]), value[secrets.TLSCertificateKey])
			}
		})
	}
}

// The vault refuses CA generations the loader would: none, repeated, out of order, more than two,
// and an issuer that is not one of them.
func TestVaultRefusesCAGenerations(t *testing.T) {
	for name, mutate := range map[string]func(*secrets.VaultArgs){
		"empty":           func(a *secrets.VaultArgs) { a.CAGenerations = []int{} },
		"repeated":        func(a *secrets.VaultArgs) { a.CAGenerations = []int{1, 1} },
		"descending":      func(a *secrets.VaultArgs) { a.CAGenerations = []int{2, 1} },
		"three":           func(a *secrets.VaultArgs) { a.CAGenerations = []int{1, 2, 3} },
		"zero":            func(a *secrets.VaultArgs) { a.CAGenerations = []int{0} },
		"unknown issuer":  func(a *secrets.VaultArgs) { a.CAGenerations, a.IssuingCAGeneration = []int{1, 2}, 3 },
		"issuer, default": func(a *secrets.VaultArgs) { a.IssuingCAGeneration = 2 },
	} {
		args := vaultArgs(testScope)
		mutate(args)
		assert.ErrorContains(t, vaultErr(*args), "CA generation", name)
	}
	args := vaultArgs(testScope)
	args.CAGenerations, args.IssuingCAGeneration = []int{1, 2}, 2
	assert.NoError(t, vaultErr(*args), "an issuer among the generations is accepted")
}

// The stack's config reaches the vault: a dev stack in step 1 of a rotation has both CAs, the
// original one under its original URN, and still issues from it.
func TestStackCARotationConfig(t *testing.T) {
	t.Parallel()
	urns := map[string]string{}
	for _, vault := range []string{"", `{"caGenerations":[1,2],"caIssuingGeneration":1}`} {
		src := testkit.Source(t, "dev")
		if vault != "" {
			src.Values["secure-vpc:vault"] = vault
		}
		cloud, err := testkit.Run(t, src)
		require.NoError(t, err)
		var cas []*mockcloud.Record // the internal CAs, not the dev BFFs' self-signed edge certificates
		for _, r := range cloud.ByType(contract.TypeTLSSelfSignedCert) {
			if strings.HasPrefix(r.Name, "internal-ca") {
				cas = append(cas, r)
			}
		}
		if vault == "" {
			require.Len(t, cas, 1)
			urns["default"] = cas[0].URN
			continue
		}
		require.Len(t, cas, 2, "both generations exist")
		original := record(t, cloud, contract.TypeTLSSelfSignedCert, "internal-ca")
		assert.Equal(t, urns["default"], original.URN, "generation 1 keeps its URN")
		for _, cert := range cloud.ByType(contract.TypeTLSLocallySignedCert) {
			assert.Equal(t, plain(original.Outputs["certPem"]), plain(cert.Inputs["caCertPem"]), "%s is still issued by generation 1", cert.Name)
		}
	}
}
