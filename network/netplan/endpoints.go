package netplan

import (
	"fmt"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// EndpointServiceName is the service name of an AWS endpoint in a region.
func EndpointServiceName(region, service string) string {
	return fmt.Sprintf("com.amazonaws.%s.%s", region, service)
}

// EndpointPolicy is the policy of the VPC endpoint of a service ("s3", "ecr.api", ...; see
// contract): a data perimeter. It admits a request only when both the principal and the resource
// belong to this account (aws:PrincipalAccount and aws:ResourceAccount,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), so a
// stolen credential of another account cannot use the VPC's endpoints, and this account's
// credentials cannot reach another account's resources through them (to fetch tools or leak
// data). The only other statements are the documented exceptions for AWS-owned resources and
// resourceless actions (awslimits.EndpointExceptions), each its own statement.
func EndpointPolicy(service, accountID, region string) policydoc.Document {
	statements := []policydoc.Statement{{
		Sid:       "ThisAccountsPrincipalsToThisAccountsResources",
		Effect:    policydoc.Allow,
		Principal: policydoc.AnyPrincipal,
		Action:    []string{"*"},
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"StringEquals": {"aws:PrincipalAccount": accountID, "aws:ResourceAccount": accountID}},
	}}
	for _, e := range awslimits.EndpointExceptionsOf(service) {
		st := policydoc.Statement{
			Sid:       e.Sid,
			Effect:    policydoc.Allow,
			Principal: policydoc.AnyPrincipal,
			Action:    e.Actions,
			Resource:  e.ResourcesIn(region),
		}
		if e.CallerIsThisAccount {
			st.Condition = map[string]map[string]any{"StringEquals": {"aws:PrincipalAccount": accountID}}
		}
		statements = append(statements, st)
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
