// Package secrets holds the stack's customer-managed KMS keys and, later, its Secrets Manager
// entries and internal PKI.
package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Domain is what a key protects. Each domain has its own key, so a grant on one (say, to the
// CloudWatch Logs service) never opens another.
type Domain string

// The key domains.
const (
	Logs    Domain = "logs"    // CloudWatch Logs: flow logs, service logs, database logs
	Data    Domain = "data"    // the stores that hold user data: RDS, S3, ElastiCache
	Secrets Domain = "secrets" // Secrets Manager: app secrets, certificates, RDS master passwords
)

// Domains in the order they are created.
var Domains = []Domain{Logs, Data, Secrets}

// DeletionWindowDays is the longest window AWS allows, so a mistaken key deletion can be undone.
const DeletionWindowDays = 30

// KeyringArgs configures the keyring.
type KeyringArgs struct {
	Project   string
	Stack     string
	Region    string
	AccountID string
	// Protect adds Pulumi's protect to every key (staging and prod).
	Protect bool
}

// Keyring is the set of customer-managed keys of a stack.
type Keyring struct {
	pulumi.ResourceState

	LogsKeyArn    pulumi.StringOutput `pulumi:"logsKeyArn"`
	DataKeyArn    pulumi.StringOutput `pulumi:"dataKeyArn"`
	SecretsKeyArn pulumi.StringOutput `pulumi:"secretsKeyArn"`
}

// purposes describe each key in its description.
var purposes = map[Domain]string{
	Logs:    "CloudWatch Logs of the stack (flow logs, service and database logs)",
	Data:    "stores holding user data (RDS, S3, ElastiCache), usable only through those services",
	Secrets: "Secrets Manager entries (app secrets, certificates, RDS master passwords)",
}

func (a *KeyringArgs) validate() error {
	switch {
	case a.Project == "" || a.Stack == "":
		return fmt.Errorf("keyring: project and stack are required")
	case a.Region == "":
		return fmt.Errorf("keyring: region is required")
	case len(a.AccountID) != 12:
		return fmt.Errorf("keyring: account id %q is not a 12-digit AWS account id", a.AccountID)
	}
	return nil
}

// NewKeyring creates the keys of the stack.
func NewKeyring(ctx *pulumi.Context, name string, args *KeyringArgs, opts ...pulumi.ResourceOption) (*Keyring, error) {
	if args == nil {
		return nil, fmt.Errorf("keyring: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, err
	}
	k := &Keyring{}
	if err := ctx.RegisterComponentResource("secure-vpc:secrets:Keyring", name, k, opts...); err != nil {
		return nil, fmt.Errorf("registering keyring: %w", err)
	}

	arns := map[Domain]pulumi.StringOutput{}
	for _, domain := range Domains {
		policy, err := KeyPolicy(domain, args.AccountID, args.Region).JSON()
		if err != nil {
			return nil, fmt.Errorf("building %s key policy: %w", domain, err)
		}
		key, err := k.newKey(ctx, name, domain, args, purposes[domain], policy)
		if err != nil {
			return nil, err
		}
		arns[domain] = key.Arn
	}
	k.LogsKeyArn, k.DataKeyArn, k.SecretsKeyArn = arns[Logs], arns[Data], arns[Secrets]

	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{
		"logsKeyArn":    k.LogsKeyArn,
		"dataKeyArn":    k.DataKeyArn,
		"secretsKeyArn": k.SecretsKeyArn,
	}); err != nil {
		return nil, fmt.Errorf("registering keyring outputs: %w", err)
	}
	return k, nil
}

func (k *Keyring) newKey(ctx *pulumi.Context, name string, domain Domain, args *KeyringArgs, purpose, policy string) (*kms.Key, error) {
	keyName := fmt.Sprintf("%s-%s", name, domain)
	key, err := kms.NewKey(ctx, keyName, &kms.KeyArgs{
		Description:           pulumi.Sprintf("%s/%s %s key: %s", args.Project, args.Stack, domain, purpose),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		Policy:                pulumi.String(policy),
		Tags: pulumi.StringMap{
			"Name":              pulumi.Sprintf("%s-%s-%s", args.Project, args.Stack, domain),
			"secure-vpc:domain": pulumi.String(string(domain)),
		},
	}, pulumi.Parent(k), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating %s key: %w", domain, err)
	}
	_, err = kms.NewAlias(ctx, keyName, &kms.AliasArgs{
		Name:        pulumi.String(AliasName(args.Project, args.Stack, domain)),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(k), pulumi.Protect(args.Protect)) // the alias is how every policy and log group finds the key
	if err != nil {
		return nil, fmt.Errorf("creating %s key alias: %w", domain, err)
	}
	return key, nil
}

// AliasName is the alias of a domain's key: readable in the console and unique per stack.
func AliasName(project, stack string, domain Domain) string {
	return fmt.Sprintf("alias/%s/%s/%s", project, stack, domain)
}

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
var viaServices = map[Domain][]string{
	Data:    {"rds", "s3", "elasticache"},
	Secrets: {"secretsmanager", "rds"},
}

// KeyPolicy is the key policy of a domain's key.
func KeyPolicy(domain Domain, accountID, region string) policydoc.Document {
	root := policydoc.AWSPrincipal(AccountRoot(accountID))
	statements := []policydoc.Statement{{
		Sid:       "AccountAdministersTheKey",
		Effect:    policydoc.Allow,
		Principal: root,
		Action:    adminActions,
		Resource:  []string{"*"},
	}}
	if domain == Logs {
		// CloudWatch Logs of this region uses the key for this account's log groups only: the
		// encryption context it sends names the log group.
		return policydoc.New(append(statements, policydoc.Statement{
			Sid:       "CloudWatchLogsEncryptsThisAccountsLogGroups",
			Effect:    policydoc.Allow,
			Principal: policydoc.ServicePrincipal(fmt.Sprintf("logs.%s.amazonaws.com", region)),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"ArnLike": {"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", region, accountID)},
			},
		})...)
	}
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
