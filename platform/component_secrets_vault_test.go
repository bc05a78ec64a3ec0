package platform_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// vaultErr is what NewVault says of args under the mock.
func vaultErr(args secrets.VaultArgs) error {
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := secrets.NewVault(ctx, "vault", &args)
		return err
	})
	return err
}

// Moved from secrets' TestVaultArgsValidation.
func TestVaultArgsValidation(t *testing.T) {
	role := pulumi.String("arn:aws:iam::123456789012:role/x")
	ok := secrets.VaultArgs{Scope: testScope, SecretsKeyArn: pulumi.String("arn:k"), RecoveryWindowDays: 7, VerificationKeyPem: pulumi.String(verificationKeyPem),
		ExecutionRoleTags: map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: "dev"},
		DeployerArns:      []string{"arn:aws:iam::123456789012:role/deploy"},
		Services:          []secrets.VaultService{{Name: "orders", ExecutionRoleArn: role}},
		AppSecrets:        []secrets.AppSecret{{Name: "k", Value: pulumi.String("v"), Readers: []string{"orders"}}}}
	assert.NoError(t, vaultErr(ok))
	for name, mutate := range map[string]func(*secrets.VaultArgs){
		"no key":          func(a *secrets.VaultArgs) { a.SecretsKeyArn = nil },
		"no verify key":   func(a *secrets.VaultArgs) { a.VerificationKeyPem = nil },
		"no services":     func(a *secrets.VaultArgs) { a.Services = nil },
		"short window":    func(a *secrets.VaultArgs) { a.RecoveryWindowDays = 3 },
		"unknown reader":  func(a *secrets.VaultArgs) { a.AppSecrets[0].Readers = []string{"billing"} },
		"no exec role":    func(a *secrets.VaultArgs) { a.Services[0].ExecutionRoleArn = nil },
		"secret no value": func(a *secrets.VaultArgs) { a.AppSecrets[0].Value = nil },
		"no account":      func(a *secrets.VaultArgs) { a.AccountID = "" },
		"no role tags":    func(a *secrets.VaultArgs) { a.ExecutionRoleTags = nil },
		"no deployer":     func(a *secrets.VaultArgs) { a.DeployerArns = nil },
	} {
		bad := ok
		bad.Services = append([]secrets.VaultService(nil), ok.Services...)
		bad.AppSecrets = append([]secrets.AppSecret(nil), ok.AppSecrets...)
		mutate(&bad)
		assert.Error(t, vaultErr(bad), name)
	}
}

// vaultArgs is a vault for a BFF and a private service, an app secret the private service reads
// and a cache the BFF uses.
func vaultArgs(scope stack.Scope) *secrets.VaultArgs {
	return &secrets.VaultArgs{
		Scope: scope, SecretsKeyArn: pulumi.String(secretsKey), RecoveryWindowDays: 7,
		VerificationKeyPem: pulumi.String(verificationKeyPem),
		ExecutionRoleTags:  map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: "test"},
		DeployerArns:       []string{"arn:aws:iam::123456789012:role/deploy"},
		Services: []secrets.VaultService{
			{Name: "web-bff", ExecutionRoleArn: pulumi.String("arn:aws:iam::123456789012:role/web-bff-exec-role")},
			{Name: "users", ExecutionRoleArn: pulumi.String("arn:aws:iam::123456789012:role/users-exec-role")},
		},
		AppSecrets: []secrets.AppSecret{{Name: "api-key", Description: "the API key", Value: pulumi.ToSecret(pulumi.String("test-only-value")).(pulumi.StringOutput), Readers: []string{"users"}}},
		Caches:     []secrets.CacheToken{{Name: "sessions", Users: []string{"web-bff"}}},
	}
}

// verificationKeyPem stands for the signing key's public key (TokenSigner.PublicKeyPem).
const verificationKeyPem = "-----BEGIN PUBLIC KEY-----\nMOCKPUBLICKEY\n-----END PUBLIC KEY-----\n"

// A Vault is the internal CA, an mTLS certificate per service, the identity-token public key and
// every secret, each encrypted with the secrets key, named by prefix, tagged with its kind and
// readable only by its consumers' execution roles.
func TestVault(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		var ready []pulumi.Resource
		p := runAlone(t, func(ctx *pulumi.Context) error {
			v, err := secrets.NewVault(ctx, "vault", vaultArgs(scope))
			if err == nil {
				out.watch("arns", v.SecretArns)
				out.watch("token", v.CacheAuthToken("sessions"))
				out.watch("users-tls", v.SecretArn(contract.TLSSecret, "users"))
				ready = v.SecretReady(contract.TLSSecret, "users")
			}
			return err
		})
		comp := p.component(contract.TypeVault)
		assert.Equal(t, map[string]int{
			contract.TypeTLSPrivateKey: 1 + 2 + 1, contract.TypeTLSSelfSignedCert: 1, contract.TypeTLSCertRequest: 2, contract.TypeTLSLocallySignedCert: 2,
			contract.TypeSecret: 5, contract.TypeSecretVersion: 5, contract.TypeSecretPolicy: 5,
		}, count(p.children(comp.URN)), "CA and cache keys, a certificate per service, and five secrets: no identity signing key")
		assert.False(t, p.has(contract.TypeTLSPrivateKey, "identity-token"), "the identity-token key is in KMS, not in state")

		ca := p.one(contract.TypeTLSSelfSignedCert, "internal-ca")
		assert.Equal(t, true, ca.Inputs["isCaCertificate"])
		assert.EqualValues(t, secrets.CAValidityHours, ca.Inputs["validityPeriodHours"])
		assert.Equal(t, "secure-vpc test internal CA", in(ca, "subject", "commonName"))
		csr := p.one(contract.TypeTLSCertRequest, "users-tls")
		assert.Equal(t, []any{"users.test.secure-vpc.internal"}, csr.Inputs["dnsNames"], "a service's certificate names its discovery name")
		cert := p.one(contract.TypeTLSLocallySignedCert, "users-tls")
		assert.Contains(t, cert.Inputs["allowedUses"], "client_auth", "one certificate serves both ends of mTLS")
		assert.Contains(t, cert.Inputs["allowedUses"], "server_auth")

		kinds := map[string]contract.SecretKind{"tls-users": contract.TLSSecret, "tls-web-bff": contract.TLSSecret,
			"identity-verification-key": contract.IdentitySecret, "app-api-key": contract.AppSecret, "cache-sessions": contract.CacheSecret}
		for logical, kind := range kinds {
			secret := p.one(contract.TypeSecret, logical)
			name := strings.TrimPrefix(logical, string(kind)+"-")
			assert.Equal(t, "secure-vpc/test/"+string(kind)+"/"+name+"-", secret.Inputs["namePrefix"])
			assert.Equal(t, secretsKey, secret.Inputs["kmsKeyId"], "%s is encrypted with the secrets key", logical)
			assert.EqualValues(t, 7, secret.Inputs["recoveryWindowInDays"])
			assert.Equal(t, map[string]any{contract.SecretKindTag: string(kind)}, tags(secret))
			assert.Equal(t, scope.Protect, secret.Protect, "%s protect", logical)
			version := p.one(contract.TypeSecretVersion, logical)
			assert.True(t, stackstate.IsSecret(version.Inputs["secretString"]), "%s: the value is a secret in the plan", logical)
			assert.False(t, version.Protect, "versions are replaced on renewal, never protected")
			policy := p.one(contract.TypeSecretPolicy, logical)
			assert.Equal(t, true, policy.Inputs["blockPublicPolicy"])
			assert.Equal(t, secret.Outputs["arn"], policy.Inputs["secretArn"])
			assert.Equal(t, scope.Protect, policy.Protect)
		}
		readers := map[string][]string{"tls-users": {"users"}, "tls-web-bff": {"web-bff"}, "app-api-key": {"users"}, "cache-sessions": {"web-bff"}}
		for logical, want := range readers {
			doc := p.one(contract.TypeSecretPolicy, logical).Inputs["policy"].(string)
			for _, svc := range []string{"users", "web-bff"} {
				assert.Equal(t, slices.Contains(want, svc), strings.Contains(doc, "role/"+svc+"-exec-role"), "%s readable by %s", logical, svc)
			}
		}
		verify := p.one(contract.TypeSecretPolicy, "identity-verification-key").Inputs["policy"].(string)
		assert.Contains(t, verify, `"aws:PrincipalTag/secure-vpc:role":"execution"`, "every execution role of the stack reads the verification key, by tag")
		assert.NotContains(t, verify, "exec-role")

		arns := out.get(t, "arns").(map[string]string)
		assert.ElementsMatch(t, []string{"tls/users", "tls/web-bff", "identity/verification-key", "app/api-key", "cache/sessions"}, slices.Collect(maps.Keys(arns)))
		assert.Equal(t, p.one(contract.TypeSecret, "tls-users").Outputs["arn"], out.get(t, "users-tls"))
		assert.Len(t, out.get(t, "token"), 64, "the cache auth token is 64 hex characters")
		require.Len(t, ready, 2, "a task waits for the secret's version and its policy")
	}
}
