package platform_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// keyringErr is what NewKeyring says of args under the mock.
func keyringErr(args secrets.KeyringArgs) error {
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		_, err := secrets.NewKeyring(ctx, "keys", &args)
		return err
	})
	return err
}

// Moved from secrets' TestKeyringArgsValidation.
func TestKeyringArgsValidation(t *testing.T) {
	for _, scope := range []stack.Scope{
		{Stack: "dev", Region: "eu-west-1", AccountID: "123456789012"},
		{Project: "p", Stack: "dev", AccountID: "123456789012"},
		{Project: "p", Stack: "dev", Region: "eu-west-1", AccountID: "1234"},
	} {
		args := secrets.KeyringArgs{Scope: scope}
		assert.Error(t, keyringErr(args), "%+v", args)
	}
	ok := secrets.KeyringArgs{Scope: stack.Scope{Project: "p", Stack: "dev", Region: "eu-west-1", AccountID: "123456789012"}}
	assert.NoError(t, keyringErr(ok))
	assert.Equal(t, "alias/p/dev/logs", ok.KeyAlias(contract.LogsDomain))
}

// A Keyring is one rotating customer-managed key per domain, each with its alias, tags and a key
// policy of its own, all children of the component, protected with the scope.
func TestKeyring(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			k, err := secrets.NewKeyring(ctx, "keys", &secrets.KeyringArgs{Scope: scope})
			if err == nil {
				out.watch("logs", k.LogsKeyArn)
				out.watch("data", k.DataKeyArn)
				out.watch("secrets", k.SecretsKeyArn)
				out.watch("images", k.ImagesKeyArn)
			}
			return err
		})
		comp := p.component(contract.TypeKeyring)
		assert.Equal(t, map[string]int{contract.TypeKMSKey: 4, contract.TypeKMSAlias: 4}, count(p.children(comp.URN)), "a key and an alias per domain, nothing else")
		for _, domain := range contract.KeyDomains {
			key := p.one(contract.TypeKMSKey, "keys-"+string(domain))
			assert.Equal(t, true, key.Inputs["enableKeyRotation"], domain)
			assert.EqualValues(t, secrets.DeletionWindowDays, key.Inputs["deletionWindowInDays"])
			assert.EqualValues(t, 30, key.Inputs["deletionWindowInDays"], "the longest window AWS allows")
			assert.Equal(t, "SYMMETRIC_DEFAULT", key.Inputs["customerMasterKeySpec"])
			assert.Equal(t, map[string]any{contract.NameTag: "secure-vpc-test-" + string(domain), contract.DomainTag: string(domain)}, tags(key))
			assert.Contains(t, key.Inputs["description"], "secure-vpc/test "+string(domain)+" key: ")
			if domain != contract.LogsDomain {
				assert.Contains(t, key.Inputs["policy"], `"kms:CallerAccount"`, "%s: the policy binds use to the account", domain)
			}
			assert.Equal(t, scope.Protect, key.Protect, "%s key protect", domain)

			alias := p.one(contract.TypeKMSAlias, "keys-"+string(domain))
			assert.Equal(t, "alias/secure-vpc/test/"+string(domain), alias.Inputs["name"])
			assert.Equal(t, key.Outputs["keyId"], alias.Inputs["targetKeyId"], "the alias names its domain's key")
			assert.Equal(t, scope.Protect, alias.Protect)
			assert.Equal(t, key.Outputs["arn"], out.get(t, string(domain)), "the %s key's ARN is the output", domain)
		}
		logs := p.one(contract.TypeKMSKey, "keys-logs")
		assert.Contains(t, logs.Inputs["policy"], `"logs.eu-west-1.amazonaws.com"`, "CloudWatch Logs may use the logs key")
		assert.NotContains(t, p.one(contract.TypeKMSKey, "keys-data").Inputs["policy"], "logs.eu-west-1.amazonaws.com", "and no other")
		assert.Contains(t, p.one(contract.TypeKMSKey, "keys-images").Inputs["policy"], `"ecr.eu-west-1.amazonaws.com"`, "ECR may use the images key")
		assert.NotContains(t, p.one(contract.TypeKMSKey, "keys-data").Inputs["policy"], "ecr.eu-west-1.amazonaws.com", "and only the images key")
	}
}
