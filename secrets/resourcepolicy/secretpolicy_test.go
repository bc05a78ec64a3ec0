package resourcepolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

const deployer = "arn:aws:iam::123456789012:role/secure-vpc-deploy-dev"

func TestReadersPolicy(t *testing.T) {
	roles := []string{"arn:aws:iam::123456789012:role/web-exec", "arn:aws:iam::123456789012:role/api-exec"}
	doc, err := policydoc.Parse(mustJSON(t, ReadersPolicy(roles, []string{deployer})))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 3)
	allow, value, changes := doc.Statement[0], doc.Statement[1], doc.Statement[2]
	assert.Equal(t, policydoc.Allow, allow.Effect)
	assert.Equal(t, []string{roles[1], roles[0]}, allow.Principals()["AWS"], "exactly the readers, sorted for a stable diff")
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, allow.Action)

	assert.Equal(t, policydoc.Deny, value.Effect)
	assert.Equal(t, map[string][]string{"*": {"*"}}, value.Principals())
	assert.Equal(t, []string{GetValue}, value.Action)
	assert.Equal(t, map[string]any{"aws:PrincipalArn": []any{roles[1], deployer, roles[0]}}, value.Condition["ArnNotEquals"],
		"the value is denied to all but the readers and the deploying role")

	assert.Equal(t, policydoc.Deny, changes.Effect)
	assert.Empty(t, changes.Action)
	assert.Equal(t, ReadOnlyActions, changes.NotAction, "every action but the read-only ones")
	assert.Equal(t, map[string]any{"aws:PrincipalArn": []any{deployer}}, changes.Condition["ArnNotEquals"], "changes are denied to all but the deploying role")
}

// The secret every service reads admits the stack's execution roles by tag: its length does not
// grow with the number of services. Its value is denied to a principal missing either tag.
func TestStackReadersPolicy(t *testing.T) {
	doc, err := policydoc.Parse(mustJSON(t, StackReadersPolicy("123456789012", map[string]string{contract.RoleTag: string(contract.ExecutionRole), contract.StackTag: "dev"}, []string{deployer})))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 4)
	st := doc.Statement[0]
	assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, st.Principals()["AWS"])
	assert.Equal(t, map[string]any{"aws:PrincipalTag/secure-vpc:role": "execution", "aws:PrincipalTag/secure-vpc:stack": "dev"}, st.Condition["StringEquals"])
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, st.Action)
	for i, tag := range []string{contract.RoleTag, contract.StackTag} {
		deny := doc.Statement[1+i]
		assert.Equal(t, policydoc.Deny, deny.Effect)
		assert.Equal(t, []string{GetValue}, deny.Action)
		assert.Len(t, deny.Condition["StringNotEquals"], 1, "one tag per statement: a Deny applies only when all its keys match")
		assert.Contains(t, deny.Condition["StringNotEquals"], "aws:PrincipalTag/"+tag)
		assert.Equal(t, map[string]any{"aws:PrincipalArn": []any{deployer}}, deny.Condition["ArnNotEquals"])
	}
	assert.Equal(t, ReadOnlyActions, doc.Statement[3].NotAction)
}

func mustJSON(t *testing.T, d policydoc.Document) string {
	t.Helper()
	s, err := d.JSON()
	require.NoError(t, err)
	return s
}

// The master secret RDS manages: its readers read, the value is denied to all others, changes to
// all but the deploying roles and RDS; AWS services acting for themselves are spared both.
func TestManagedSecretPolicy(t *testing.T) {
	reader := "arn:aws:iam::123456789012:role/users-task"
	rds := "arn:aws:iam::123456789012:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"
	doc, err := policydoc.Parse(mustJSON(t, ManagedSecretPolicy("123456789012", []string{reader}, []string{deployer})))
	require.NoError(t, err)
	require.Len(t, doc.Statement, 3)
	assert.Equal(t, []string{reader}, doc.Statement[0].Principals()["AWS"])
	value, changes := doc.Statement[1], doc.Statement[2]
	assert.Equal(t, []string{GetValue}, value.Action)
	assert.Equal(t, map[string]any{"aws:PrincipalArn": []any{rds, reader}}, value.Condition["ArnNotEquals"], "no deploying role: Pulumi never writes it")
	assert.Equal(t, map[string]any{"aws:PrincipalIsAWSService": "false"}, value.Condition["BoolIfExists"])
	assert.Equal(t, ReadOnlyActions, changes.NotAction)
	assert.Equal(t, map[string]any{"aws:PrincipalArn": []any{rds, deployer}}, changes.Condition["ArnNotEquals"])
	assert.Equal(t, rds, RDSServiceLinkedRole("123456789012"))
}
