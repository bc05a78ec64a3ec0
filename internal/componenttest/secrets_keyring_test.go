package componenttest

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
