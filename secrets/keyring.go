// Package secrets holds the stack's customer-managed KMS keys (Keyring), and its Secrets Manager
// entries and internal PKI (Vault).
package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"
)

// DeletionWindowDays is the longest window AWS allows, so a mistaken key deletion can be undone.
const DeletionWindowDays = 30

// KeyringArgs configures the keyring.
type KeyringArgs struct {
	// Scope is the stack the keys belong to; all of it is required. Protect adds Pulumi's protect
	// to every key and alias (staging and prod).
	stack.Scope
	// RDSInstances are the identifiers of the stack's RDS instances, whose exported logs go to
	// log groups /aws/rds/instance/<identifier>/*: with the stack's own log groups
	// (Scope.LogGroupPatterns) they are all CloudWatch Logs may use the logs key for. Optional.
	RDSInstances []string
}

// Keyring is the set of customer-managed keys of a stack.
type Keyring struct {
	pulumi.ResourceState

	LogsKeyArn    pulumi.StringOutput `pulumi:"logsKeyArn"`
	DataKeyArn    pulumi.StringOutput `pulumi:"dataKeyArn"`
	SecretsKeyArn pulumi.StringOutput `pulumi:"secretsKeyArn"`
	// ImagesKeyArn encrypts the services' ECR repositories, usable only through ECR.
	ImagesKeyArn pulumi.StringOutput `pulumi:"imagesKeyArn"`
}

// purposes describe each key in its description.
var purposes = map[contract.KeyDomain]string{
	contract.LogsDomain:    "CloudWatch Logs of the stack (flow logs, service and database logs)",
	contract.DataDomain:    "stores holding user data (RDS, S3, ElastiCache), usable only through those services",
	contract.SecretsDomain: "Secrets Manager entries (app secrets, certificates, RDS master passwords)",
	contract.ImagesDomain:  "the services' container images in ECR, usable only through ECR",
}

// NewKeyring creates the keys of the stack.
func NewKeyring(ctx *pulumi.Context, name string, args *KeyringArgs, opts ...pulumi.ResourceOption) (*Keyring, error) {
	if args == nil {
		return nil, fmt.Errorf("keyring: args are required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	k := &Keyring{}
	if err := ctx.RegisterComponentResource(contract.TypeKeyring, name, k, opts...); err != nil {
		return nil, fmt.Errorf("registering keyring: %w", err)
	}

	arns := map[contract.KeyDomain]pulumi.StringOutput{}
	for _, domain := range contract.KeyDomains {
		policy, err := keyPolicy(domain, args).JSON()
		if err != nil {
			return nil, fmt.Errorf("building %s key policy: %w", domain, err)
		}
		key, err := k.newKey(ctx, name, domain, args, purposes[domain], policy)
		if err != nil {
			return nil, err
		}
		arns[domain] = key.Arn
	}
	k.LogsKeyArn, k.DataKeyArn, k.SecretsKeyArn = arns[contract.LogsDomain], arns[contract.DataDomain], arns[contract.SecretsDomain]
	k.ImagesKeyArn = arns[contract.ImagesDomain]

	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{
		"logsKeyArn":    k.LogsKeyArn,
		"dataKeyArn":    k.DataKeyArn,
		"secretsKeyArn": k.SecretsKeyArn,
		"imagesKeyArn":  k.ImagesKeyArn,
	}); err != nil {
		return nil, fmt.Errorf("registering keyring outputs: %w", err)
	}
	return k, nil
}

// keyPolicy is the key policy of a domain's key: the logs key's names the stack's log groups.
func keyPolicy(domain contract.KeyDomain, args *KeyringArgs) policydoc.Document {
	if domain != contract.LogsDomain {
		return resourcepolicy.KeyPolicy(domain, args.AccountID, args.Region)
	}
	var groups []string
	for _, p := range args.LogGroupPatterns(args.RDSInstances...) {
		groups = append(groups, args.LogGroupArn(p))
	}
	return resourcepolicy.LogsKeyPolicy(args.AccountID, args.Region, groups)
}

func (k *Keyring) newKey(ctx *pulumi.Context, name string, domain contract.KeyDomain, args *KeyringArgs, purpose, policy string) (*kms.Key, error) {
	keyName := fmt.Sprintf("%s-%s", name, domain)
	key, err := kms.NewKey(ctx, keyName, &kms.KeyArgs{
		Description:           pulumi.Sprintf("%s %s key: %s", args.Path(), domain, purpose),
		EnableKeyRotation:     pulumi.Bool(true),
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		KeyUsage:              pulumi.String("ENCRYPT_DECRYPT"),
		CustomerMasterKeySpec: pulumi.String("SYMMETRIC_DEFAULT"),
		Policy:                pulumi.String(policy),
		Tags:                  pulumi.ToStringMap(args.Tags(string(domain), map[string]string{contract.DomainTag: string(domain)})),
	}, pulumi.Parent(k), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating %s key: %w", domain, err)
	}
	_, err = kms.NewAlias(ctx, keyName, &kms.AliasArgs{
		Name:        pulumi.String(args.KeyAlias(domain)),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(k), pulumi.Protect(args.Protect)) // the alias is how every policy and log group finds the key
	if err != nil {
		return nil, fmt.Errorf("creating %s key alias: %w", domain, err)
	}
	return key, nil
}
