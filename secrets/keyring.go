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
	Logs Domain = "logs" // CloudWatch Logs: flow logs and service logs
)

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

	LogsKeyArn   pulumi.StringOutput `pulumi:"logsKeyArn"`
	LogsKeyAlias pulumi.StringOutput `pulumi:"logsKeyAlias"`
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

	logsPolicy, err := LogsKeyPolicy(args.AccountID, args.Region).JSON()
	if err != nil {
		return nil, fmt.Errorf("building logs key policy: %w", err)
	}
	logsKey, logsAlias, err := k.newKey(ctx, name, Logs, args,
		"CloudWatch Logs of the stack (VPC flow logs, service logs)", logsPolicy)
	if err != nil {
		return nil, err
	}
	k.LogsKeyArn = logsKey.Arn
	k.LogsKeyAlias = logsAlias.Name

	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{
		"logsKeyArn":   k.LogsKeyArn,
		"logsKeyAlias": k.LogsKeyAlias,
	}); err != nil {
		return nil, fmt.Errorf("registering keyring outputs: %w", err)
	}
	return k, nil
}

func (k *Keyring) newKey(ctx *pulumi.Context, name string, domain Domain, args *KeyringArgs, purpose, policy string) (*kms.Key, *kms.Alias, error) {
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
		return nil, nil, fmt.Errorf("creating %s key: %w", domain, err)
	}
	alias, err := kms.NewAlias(ctx, keyName, &kms.AliasArgs{
		Name:        pulumi.String(AliasName(args.Project, args.Stack, domain)),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(k))
	if err != nil {
		return nil, nil, fmt.Errorf("creating %s key alias: %w", domain, err)
	}
	return key, alias, nil
}

// AliasName is the alias of a domain's key: readable in the console and unique per stack.
func AliasName(project, stack string, domain Domain) string {
	return fmt.Sprintf("alias/%s/%s/%s", project, stack, domain)
}

// AccountRoot is the principal of the account's own IAM policies.
func AccountRoot(accountID string) string {
	return fmt.Sprintf("arn:aws:iam::%s:root", accountID)
}

// adminStatement keeps the key manageable by the account (through IAM policies), which AWS
// requires to pass its policy lockout safety check.
func adminStatement(accountID string) policydoc.Statement {
	return policydoc.Statement{
		Sid:       "AccountAdministersTheKey",
		Effect:    policydoc.Allow,
		Principal: policydoc.AWSPrincipal(AccountRoot(accountID)),
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}
}

// LogsKeyPolicy admits the account's administrators and the CloudWatch Logs service of this
// region, and the latter only for log groups of this account and region (the encryption context
// CloudWatch Logs sends names the log group).
func LogsKeyPolicy(accountID, region string) policydoc.Document {
	return policydoc.New(
		adminStatement(accountID),
		policydoc.Statement{
			Sid:       "CloudWatchLogsEncryptsThisAccountsLogGroups",
			Effect:    policydoc.Allow,
			Principal: policydoc.ServicePrincipal(fmt.Sprintf("logs.%s.amazonaws.com", region)),
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"ArnLike": {"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", region, accountID)},
			},
		},
	)
}
