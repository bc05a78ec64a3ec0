package netplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestEndpointPolicy(t *testing.T) {
	for _, svc := range append([]string{contract.S3GatewayEndpoint}, contract.InterfaceEndpoints...) {
		t.Run(svc, func(t *testing.T) {
			text, err := EndpointPolicy(svc, "123456789012", "eu-west-1").JSON()
			require.NoError(t, err)
			doc, err := policydoc.Parse(text)
			require.NoError(t, err)
			main := doc.Statement[0]
			assert.Equal(t, map[string]any{"aws:PrincipalAccount": "123456789012", "aws:ResourceAccount": "123456789012"}, main.Condition["StringEquals"],
				"the general statement binds both the principal and the resource to this account")
			exceptions := map[string]policydoc.Statement{}
			for _, st := range doc.Statement[1:] {
				assert.NotContains(t, st.Condition["StringEquals"], "aws:ResourceAccount", "an exception is for what is not this account's")
				exceptions[st.Sid] = st
			}
			switch svc {
			case contract.S3GatewayEndpoint:
				layers := exceptions["EcrImageLayersInTheRegionsAwsOwnedBucket"]
				assert.Equal(t, []string{"arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"}, layers.Resource, "the region's bucket by its exact name, no wildcard in the name")
				assert.Equal(t, []string{"s3:GetObject"}, layers.Action)
				assert.Nil(t, layers.Condition, "ECR pre-signs the layer URLs with its own identity")
			case "ecr.api":
				token := exceptions["EcrAuthorizationTokenHasNoResource"]
				assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, token.Action)
				assert.Equal(t, map[string]any{"aws:PrincipalAccount": "123456789012"}, token.Condition["StringEquals"], "the caller is still this account's")
			}
			assert.Len(t, exceptions, len(awslimits.EndpointExceptionsOf(svc)))
		})
	}
	assert.Len(t, EndpointPolicy("sts", "123456789012", "eu-west-1").Statement, 1, "STS, KMS, Secrets Manager, logs and ecr.dkr have no exception")
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
