package netplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestEndpointPolicy(t *testing.T) {
	for _, gateway := range []bool{false, true} {
		text, err := EndpointPolicy("123456789012", gateway).JSON()
		require.NoError(t, err)
		doc, err := policydoc.Parse(text)
		require.NoError(t, err)
		for _, st := range doc.Statement {
			scoped := st.Condition["StringEquals"]["aws:PrincipalAccount"] == "123456789012"
			narrow := len(st.Action) == 1 && st.Action[0] == "s3:GetObject" && st.Resource[0] == "arn:aws:s3:::prod-*-starport-layer-bucket/*"
			assert.True(t, scoped || (gateway && narrow), "statement %s is neither account-scoped nor the ECR layer read", st.Sid)
		}
		assert.Len(t, doc.Statement, map[bool]int{false: 1, true: 2}[gateway])
	}
}

func TestFlowLogDeliveryPolicy(t *testing.T) {
	group := "arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/vpc-flow-logs"
	doc := FlowLogDeliveryPolicy(group, "eu-west-1", "123456789012")
	assert.Equal(t, []string{group, group + ":*"}, doc.Statement[0].Resource, "writes go to one log group only")
	for _, st := range doc.Statement {
		assert.NotContains(t, st.Resource, "*")
		assert.Nil(t, st.Principal, "identity policies name no principal")
	}
}
