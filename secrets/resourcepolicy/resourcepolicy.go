// Package resourcepolicy writes the resource policies of the stack's keys and secrets as data, with
// no cloud SDK: KMS key policies that let each key be used only through its own services (and
// CloudWatch Logs only for the stack's log groups), and Secrets Manager policies that let
// exactly a secret's consumers read it. secrets.Keyring and secrets.Vault attach them; the config
// loader sizes them against Secrets Manager's limit.
package resourcepolicy

import (
	"fmt"
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// AccountRoot is the principal of the account's own IAM policies.
func AccountRoot(accountID string) string {
	return fmt.Sprintf("arn:aws:iam::%s:root", accountID)
}

// adminActions manage a key but never use it: with them the account (through IAM) can administer
// every key, and AWS's policy lockout safety check passes, but no one can encrypt or decrypt
// except as the usage statements below allow.
var adminActions = []string{
	"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
	"kms:Describe*", "kms:Get*", "kms:List*", "kms:Put*", "kms:Update*",
	"kms:Enable*", "kms:Disable*", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
	"kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
}

// usageActions encrypt and decrypt.
var usageActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

// viaServices are the AWS services through which each key may be used.
var viaServices = map[contract.KeyDomain][]string{
	contract.DataDomain:    {"rds", "s3", "elasticache"},
	contract.SecretsDomain: {"secretsmanager", "rds"},
}

// KeyPolicy is the key policy of the data or the secrets key; the logs key's is LogsKeyPolicy.
func KeyPolicy(domain contract.KeyDomain, accountID, region string) policydoc.Document {
	root := policydoc.AWSPrincipal(AccountRoot(accountID))
	statements := []policydoc.Statement{administers(accountID)}
	var via []string
	for _, svc := range viaServices[domain] {
		via = append(via, fmt.Sprintf("%s.%s.amazonaws.com", svc, region))
	}
	onlyThrough := map[string]any{"kms:CallerAccount": accountID, "kms:ViaService": via}
	return policydoc.New(append(statements,
		policydoc.Statement{
			Sid:       "AccountUsesTheKeyOnlyThroughItsServices",
			Effect:    policydoc.Allow,
			Principal: root,
			Action:    usageActions,
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": onlyThrough},
		},
		policydoc.Statement{
			Sid:       "ServicesCreateGrantsForTheirOwnResources",
			Effect:    policydoc.Allow,
			Principal: root,
			Action:    []string{"kms:CreateGrant", "kms:ListGrants"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"StringEquals": onlyThrough,
				"Bool":         {"kms:GrantIsForAWSResource": "true"},
			},
		},
	)...)
}

// ReadersPolicy lets exactly the given roles read a secret.
func ReadersPolicy(roleArns []string) policydoc.Document {
	sorted := slices.Sorted(slices.Values(roleArns))
	return policydoc.New(policydoc.Statement{
		Sid:       "OnlyItsConsumersRead",
		Effect:    policydoc.Allow,
		Principal: map[string]any{"AWS": sorted},
		Action:    readActions,
		Resource:  []string{"*"},
	})
}

// StackReadersPolicy lets every role of the account that carries all the given tags read a
// secret: the stack's execution roles, named by what they are rather than one by one. Its length
// does not depend on the number of services.
func StackReadersPolicy(accountID string, tags map[string]string) policydoc.Document {
	cond := map[string]any{}
	for k, v := range tags {
		cond["aws:PrincipalTag/"+k] = v
	}
	return policydoc.New(policydoc.Statement{
		Sid:       "EveryExecutionRoleOfTheStackReads",
		Effect:    policydoc.Allow,
		Principal: policydoc.AWSPrincipal(fmt.Sprintf("arn:aws:iam::%s:root", accountID)),
		Action:    readActions,
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"StringEquals": cond},
	})
}

// readActions read a secret's value and describe it.
var readActions = []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
