package resourcepolicy

import (
	"fmt"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// LogsKeyPolicy is the key policy of the logs key: the account administers it (adminActions), and
// the CloudWatch Logs service of the region may use it only for the given log groups, ARNs or ARN
// patterns with "*" (stack.Scope.LogGroupArn of Scope.LogGroupPatterns): the ArnLike condition on
// awslimits.LogsEncryptionContext, as the CloudWatch Logs guide shows it. A log group of the account outside
// them cannot be encrypted with the key, nor its data decrypted by CloudWatch Logs with it.
func LogsKeyPolicy(accountID, region string, logGroupArns []string) policydoc.Document {
	return policydoc.New(
		administers(accountID),
		policydoc.Statement{
			Sid:       "CloudWatchLogsEncryptsTheStacksLogGroups",
			Effect:    policydoc.Allow,
			Principal: policydoc.ServicePrincipal(fmt.Sprintf("logs.%s.amazonaws.com", region)),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnLike": {awslimits.LogsEncryptionContext: logGroupArns}},
		},
	)
}

// administers is the statement with which the account administers a key (adminActions) without
// using it.
func administers(accountID string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       "AccountAdministersTheKey",
		Effect:    policydoc.Allow,
		Principal: policydoc.AWSPrincipal(AccountRoot(accountID)),
		Action:    adminActions,
		Resource:  []string{"*"},
	}
}
