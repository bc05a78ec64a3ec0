// Package resourcepolicy writes the resource policies of the stack's keys and secrets as data, with
// no cloud SDK: KMS key policies that let each key be used only through its own services (and
// CloudWatch Logs only for the stack's log groups), and Secrets Manager policies that let
// exactly a secret's consumers read it. secrets.Keyring and secrets.Vault attach them; the config
// loader sizes them against Secrets Manager's limit.
package resourcepolicy

import (
	"fmt"
	"maps"
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
	// ECR encrypts the image layers and manifests with the key through grants it creates on the
	// repository's creation (CreateGrant with kms:GrantIsForAWSResource), and decrypts them for
	// whoever the repository policy lets pull; a puller needs no KMS permission of its own
	// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).
	contract.ImagesDomain: {"ecr"},
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

// Within one account an Allow in either the IAM policy or the resource policy is enough, so a
// secret's policy that only allows restricts nothing: administrators and anyone with
// secretsmanager:* could still read or replace the value. Each policy therefore also denies
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html):
//   - reading the value (secretsmanager:GetSecretValue; BatchGetSecretValue is authorised as it,
//     secret by secret) to every principal but the readers and the deploying roles, which write
//     the value and read it back (Pulumi does, after each write and on refresh);
//   - every action but the read-only ones (NotAction readOnlyActions) to every principal but the
//     deploying roles: no one else may put a value, change the policy, delete, restore, rotate,
//     replicate or retag it.
// The principal is matched by aws:PrincipalArn, which for a role session is the role's ARN
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn);
// a principal without one (a service principal) is denied.

// GetValue returns a secret's value.
const GetValue = "secretsmanager:GetSecretValue"

// readActions read a secret's value and describe it: what a reader is allowed.
var readActions = []string{GetValue, "secretsmanager:DescribeSecret"}

// ReadOnlyActions are the actions on a secret that change nothing; every other action is a
// change, denied to all but the deploying roles.
var ReadOnlyActions = []string{GetValue, "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"}

// Statement ids of the denials, which the audit looks for by meaning, not by name.
const (
	denyValueSid   = "DenyTheValueToAllButReadersAndDeployers"
	denyChangesSid = "DenyChangesToAllButDeployers"
)

// ReadersPolicy lets exactly the given roles read a secret, and denies its value to everyone
// but them and the deploying roles, and every change to everyone but the deploying roles. Both
// lists are role ARNs; deployers must not be empty (an empty list would lock every principal,
// Pulumi included, out of changing the secret).
func ReadersPolicy(roleArns, deployerArns []string) policydoc.Document {
	readers := slices.Sorted(slices.Values(roleArns))
	deployers := slices.Sorted(slices.Values(deployerArns))
	exempt := slices.Compact(slices.Sorted(slices.Values(append(append([]string{}, readers...), deployers...))))
	return policydoc.New(
		policydoc.Statement{
			Sid:       "OnlyItsConsumersRead",
			Effect:    policydoc.Allow,
			Principal: map[string]any{"AWS": readers},
			Action:    readActions,
			Resource:  []string{"*"},
		},
		policydoc.Statement{
			Sid:       denyValueSid,
			Effect:    policydoc.Deny,
			Principal: policydoc.AnyPrincipal,
			Action:    []string{GetValue},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": exempt}},
		},
		denyChanges(deployers),
	)
}

// StackReadersPolicy lets every role of the account that carries all the given tags read a
// secret: the stack's execution roles, named by what they are rather than one by one. Its length
// does not depend on the number of services. It denies the value to every principal that lacks
// one of the tags (one statement per tag: the keys of one condition operator must all match for
// a Deny to apply) unless it is a deploying role, and every change to all but the deploying roles.
func StackReadersPolicy(accountID string, tags map[string]string, deployerArns []string) policydoc.Document {
	deployers := slices.Sorted(slices.Values(deployerArns))
	cond := map[string]any{}
	for k, v := range tags {
		cond["aws:PrincipalTag/"+k] = v
	}
	statements := []policydoc.Statement{{
		Sid:       "EveryExecutionRoleOfTheStackReads",
		Effect:    policydoc.Allow,
		Principal: policydoc.AWSPrincipal(fmt.Sprintf("arn:aws:iam::%s:root", accountID)),
		Action:    readActions,
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"StringEquals": cond},
	}}
	for i, k := range slices.Sorted(maps.Keys(tags)) {
		statements = append(statements, policydoc.Statement{
			Sid:       fmt.Sprintf("%s%d", denyValueSid, i+1),
			Effect:    policydoc.Deny,
			Principal: policydoc.AnyPrincipal,
			Action:    []string{GetValue},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"StringNotEquals": {"aws:PrincipalTag/" + k: tags[k]},
				"ArnNotEquals":    {"aws:PrincipalArn": deployers},
			},
		})
	}
	return policydoc.New(append(statements, denyChanges(deployers))...)
}

// denyChanges denies every action but the read-only ones to every principal but the deploying
// roles.
func denyChanges(deployers []string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       denyChangesSid,
		Effect:    policydoc.Deny,
		Principal: policydoc.AnyPrincipal,
		NotAction: ReadOnlyActions,
		Resource:  []string{"*"},
		Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": deployers}},
	}
}

// RDSServiceLinkedRole is the role RDS acts with in an account
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAM.ServiceLinkedRoles.html):
// it creates and rotates the master secrets RDS manages.
func RDSServiceLinkedRole(accountID string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS", accountID)
}

// ManagedSecretPolicy is the resource policy of a master secret RDS manages: the readers (role
// ARNs) may read it, its value is denied to every other principal, and every change to every
// principal but the deploying roles (which attach this policy) and RDS itself, through its
// service-linked role or its service principal (aws:PrincipalIsAWSService), which rotates it.
// Pulumi never writes its value, so the deploying roles are not among its readers.
func ManagedSecretPolicy(accountID string, readerArns, deployerArns []string) policydoc.Document {
	readers := slices.Sorted(slices.Values(readerArns))
	rds := RDSServiceLinkedRole(accountID)
	notService := map[string]any{"aws:PrincipalIsAWSService": "false"}
	changers := slices.Sorted(slices.Values(append([]string{rds}, deployerArns...)))
	return policydoc.New(
		policydoc.Statement{Sid: "OnlyItsConsumersRead", Effect: policydoc.Allow, Principal: map[string]any{"AWS": readers}, Action: readActions, Resource: []string{"*"}},
		policydoc.Statement{
			Sid: denyValueSid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, Action: []string{GetValue}, Resource: []string{"*"},
			Condition: map[string]map[string]any{
				"ArnNotEquals": {"aws:PrincipalArn": slices.Sorted(slices.Values(append([]string{rds}, readers...)))},
				"BoolIfExists": notService,
			},
		},
		policydoc.Statement{
			Sid: denyChangesSid, Effect: policydoc.Deny, Principal: policydoc.AnyPrincipal, NotAction: ReadOnlyActions, Resource: []string{"*"},
			Condition: map[string]map[string]any{
				"ArnNotEquals": {"aws:PrincipalArn": changers},
				"BoolIfExists": notService,
			},
		},
	)
}
