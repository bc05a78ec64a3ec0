package secrets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestLogsKeyPolicy(t *testing.T) {
	text, err := LogsKeyPolicy("123456789012", "eu-west-1").JSON()
	require.NoError(t, err)
	doc, err := policydoc.Parse(text)
	require.NoError(t, err)
	require.Len(t, doc.Statement, 2)

	admin := doc.Statement[0]
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, admin.Principals()["AWS"], "the account keeps control of the key")

	logs := doc.Statement[1]
	assert.Equal(t, []string{"logs.eu-west-1.amazonaws.com"}, logs.Principals()["Service"])
	assert.Equal(t, map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*"}, logs.Condition["ArnLike"],
		"CloudWatch Logs may use the key only for this account's log groups in this region")
	assert.NotContains(t, logs.Action, "kms:*")
	for _, st := range doc.Statement {
		assert.NotContains(t, st.Principals(), "*", "no anonymous principal")
	}
}

func TestKeyringArgsValidation(t *testing.T) {
	for _, args := range []KeyringArgs{
		{Stack: "dev", Region: "eu-west-1", AccountID: "123456789012"},
		{Project: "p", Stack: "dev", AccountID: "123456789012"},
		{Project: "p", Stack: "dev", Region: "eu-west-1", AccountID: "1234"},
	} {
		assert.Error(t, args.validate(), "%+v", args)
	}
	ok := KeyringArgs{Project: "p", Stack: "dev", Region: "eu-west-1", AccountID: "123456789012"}
	assert.NoError(t, ok.validate())
	assert.Equal(t, "alias/p/dev/logs", AliasName("p", "dev", Logs))
}
