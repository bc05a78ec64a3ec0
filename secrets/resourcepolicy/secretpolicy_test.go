package resourcepolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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
	doc, err := policydoc.Parse(mustJSON(t, StackReadersPolicy("123456789012", map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: "dev"})))
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
