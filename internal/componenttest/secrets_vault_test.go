package componenttest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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
	ok := secrets.VaultArgs{Scope: testScope, SecretsKeyArn: pulumi.String("arn:k"), RecoveryWindowDays: 7,
		ExecutionRoleTags: map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: "dev"},
		Services:          []secrets.VaultService{{Name: "orders", ExecutionRoleArn: role}},
		AppSecrets:        []secrets.AppSecret{{Name: "k", Value: pulumi.String("v"), Readers: []string{"orders"}}}}
	assert.NoError(t, vaultErr(ok))
	for name, mutate := range map[string]func(*secrets.VaultArgs){
		"no key":          func(a *secrets.VaultArgs) { a.SecretsKeyArn = nil },
		"no services":     func(a *secrets.VaultArgs) { a.Services = nil },
		"short window":    func(a *secrets.VaultArgs) { a.RecoveryWindowDays = 3 },
		"unknown reader":  func(a *secrets.VaultArgs) { a.AppSecrets[0].Readers = []string{"billing"} },
		"no exec role":    func(a *secrets.VaultArgs) { a.Services[0].ExecutionRoleArn = nil },
		"secret no value": func(a *secrets.VaultArgs) { a.AppSecrets[0].Value = nil },
		"no account":      func(a *secrets.VaultArgs) { a.AccountID = "" },
		"no role tags":    func(a *secrets.VaultArgs) { a.ExecutionRoleTags = nil },
	} {
		bad := ok
		bad.Services = append([]secrets.VaultService(nil), ok.Services...)
		bad.AppSecrets = append([]secrets.AppSecret(nil), ok.AppSecrets...)
		mutate(&bad)
		assert.Error(t, vaultErr(bad), name)
	}
}
