package netplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// The platform's names are the interface endpoints' private DNS names (one per endpoint, the
// account's own ECR registry), S3's and the namespace's; each is a name DNS Firewall accepts.
func TestPlatformNames(t *testing.T) {
	assert.Equal(t, []string{"secretsmanager.eu-west-1.amazonaws.com", "kms.eu-west-1.amazonaws.com", "api.ecr.eu-west-1.amazonaws.com",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com", "logs.eu-west-1.amazonaws.com", "sts.eu-west-1.amazonaws.com"}, EndpointHostNames("eu-west-1", "123456789012"))
	assert.Len(t, EndpointHostNames("eu-west-1", "123456789012"), len(contract.InterfaceEndpoints))
	assert.Equal(t, "acm-pca.eu-west-1.amazonaws.com", EndpointHostNames("eu-west-1", "123456789012", "acm-pca")[len(contract.InterfaceEndpoints)],
		"an extra endpoint's name is allowed too (AWS Private CA)")
	assert.Equal(t, []string{"s3.eu-west-1.amazonaws.com", "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com", "uploads-1.s3.eu-west-1.amazonaws.com"},
		S3HostNames("eu-west-1", "uploads-1"))
	assert.Equal(t, []string{"dev.secure-vpc.internal", "*.dev.secure-vpc.internal"}, NamespaceNames("dev.secure-vpc.internal"))
	for _, n := range append(append(EndpointHostNames("eu-west-1", "123456789012"), S3HostNames("eu-west-1", "uploads-1")...), NamespaceNames("dev.secure-vpc.internal")...) {
		assert.Empty(t, awslimits.EgressNameProblem(n), n)
	}
}

// The rules' priorities keep the platform first and the block rule after every service's, with
// room for MaxEgressServices; the association's priority is one AWS accepts.
func TestDNSFirewallPriorities(t *testing.T) {
	assert.Less(t, PlatformRulePriority, ServiceRulePriority(0))
	assert.Less(t, ServiceRulePriority(MaxEgressServices-1), BlockAllPriority)
	assert.GreaterOrEqual(t, ServiceRulePriority(MaxEgressServices), BlockAllPriority, "one more would collide with the block rule")
	assert.GreaterOrEqual(t, FirewallAssociationPriority, awslimits.FirewallAssociationPriority.Min)
	assert.LessOrEqual(t, FirewallAssociationPriority, awslimits.FirewallAssociationPriority.Max)
	assert.Equal(t, "DISABLED", FailOpen(false))
	assert.Equal(t, "ENABLED", FailOpen(true))
}

// Query logs are delivered by the log delivery service, into one log group's streams, from this
// account only.
func TestQueryLogDeliveryPolicy(t *testing.T) {
	group := "arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/dns-queries"
	text, err := QueryLogDeliveryPolicy(group, "eu-west-1", "123456789012").JSON()
	require.NoError(t, err)
	doc, err := policydoc.Parse(text)
	require.NoError(t, err)
	require.Len(t, doc.Statement, 1)
	st := doc.Statement[0]
	assert.Equal(t, map[string][]string{"Service": {LogDeliveryService}}, st.Principals())
	assert.Equal(t, []string{group + ":log-stream:*"}, st.Resource)
	assert.ElementsMatch(t, []string{"logs:CreateLogStream", "logs:PutLogEvents"}, st.Action)
	assert.Equal(t, []string{"123456789012"}, policydoc.StringList(st.Condition["StringEquals"]["aws:SourceAccount"]))
}
