package netplan

import (
	"fmt"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// EndpointServiceName is the service name of an AWS endpoint in a region.
func EndpointServiceName(region, service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", region, service)
}

// EndpointPolicy admits only principals of this account through an endpoint, so a stolen
// credential of another account cannot use the VPC's endpoints to move data out. The S3 gateway
// endpoint also admits reads of ECR's layer bucket, which image pulls fetch with URLs that ECR
// pre-signs with its own identity.
func EndpointPolicy(accountID string, s3Gateway bool) policydoc.Document {
	statements := []policydoc.Statement{{
		Sid:       "OnlyThisAccountsPrincipals",
		Effect:    policydoc.Allow,
		Principal: policydoc.AnyPrincipal,
		Action:    []string{"*"},
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:PrincipalAccount": accountID}},
	}}
	if s3Gateway {
		statements = append(statements, policydoc.Statement{
			Sid:       "EcrImageLayers",
			Effect:    policydoc.Allow,
			Principal: policydoc.AnyPrincipal,
			Action:    []string{"s3:GetObject"},
			Resource:  []string{"arn:aws:s3:::prod-*-starport-layer-bucket/*"},
		})
	}
	return policydoc.New(statements...)
}

// FlowLogDeliveryPolicy lets the flow log service write to one log group and nothing else.
func FlowLogDeliveryPolicy(groupArn, region, accountID string) policydoc.Document {
	return policydoc.New(
		policydoc.Statement{
			Sid:      "WriteFlowLogsToTheirGroup",
			Effect:   policydoc.Allow,
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{groupArn, groupArn + ":*"},
		},
		policydoc.Statement{
			Sid:      "FindTheGroup",
			Effect:   policydoc.Allow,
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", region, accountID)},
		},
	)
}
