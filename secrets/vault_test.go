package secrets

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestReadersPolicy(t *testing.T) {
	roles := []string{"arn:aws:iam::123456789012:role/web-exec", "arn:aws:iam::123456789012:role/api-exec"}
	doc, err := policydoc.Parse(mustJSON(t, ReadersPolicy(roles)))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1)
	st := doc.Statement[0]
	assert.Equal(t, policydoc.Allow, st.Effect)
	assert.Equal(t, []string{roles[1], roles[0]}, st.Principals()["AWS"], "exactly the readers, sorted for a stable diff")
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, st.Action)
}

// The secret every service reads admits the stack's execution roles by tag: its length does not
// grow with the number of services.
func TestStackReadersPolicy(t *testing.T) {
	doc, err := policydoc.Parse(mustJSON(t, StackReadersPolicy("123456789012", map[string]string{"secure-vpc:role": "execution", "secure-vpc:stack": "dev"})))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1)
	st := doc.Statement[0]
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, st.Principals()["AWS"])
	assert.Equal(t, map[string]any{"aws:PrincipalTag/secure-vpc:role": "execution", "aws:PrincipalTag/secure-vpc:stack": "dev"}, st.Condition["StringEquals"])
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, st.Action)
}

func mustJSON(t *testing.T, d policydoc.Document) string {
	t.Helper()
	s, err := d.JSON()
	require.NoError(t, err)
	return s
}

func TestVaultArgsValidation(t *testing.T) {
	role := pulumi.String("arn:aws:iam::123456789012:role/x")
	ok := VaultArgs{SecretsKeyArn: pulumi.String("arn:k"), RecoveryWindowDays: 7, AccountID: "123456789012",
		ExecutionRoleTags: map[string]string{"secure-vpc:role": "execution", "secure-vpc:stack": "dev"},
		Services:          []VaultService{{Name: "orders", ExecutionRoleArn: role}},
		AppSecrets:        []AppSecret{{Name: "k", Value: pulumi.String("v"), Readers: []string{"orders"}}}}
	assert.NoError(t, ok.validate())
	for name, mutate := range map[string]func(*VaultArgs){
		"no key":          func(a *VaultArgs) { a.SecretsKeyArn = nil },
		"no services":     func(a *VaultArgs) { a.Services = nil },
		"short window":    func(a *VaultArgs) { a.RecoveryWindowDays = 3 },
		"unknown reader":  func(a *VaultArgs) { a.AppSecrets[0].Readers = []string{"billing"} },
		"no exec role":    func(a *VaultArgs) { a.Services[0].ExecutionRoleArn = nil },
		"secret no value": func(a *VaultArgs) { a.AppSecrets[0].Value = nil },
		"no account":      func(a *VaultArgs) { a.AccountID = "" },
		"no role tags":    func(a *VaultArgs) { a.ExecutionRoleTags = nil },
	} {
		bad := ok
		bad.Services = append([]VaultService(nil), ok.Services...)
		bad.AppSecrets = append([]AppSecret(nil), ok.AppSecrets...)
		mutate(&bad)
		assert.Error(t, bad.validate(), name)
	}
}
