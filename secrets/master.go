package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MasterSecretPolicyArgs configures the resource policy of a database's RDS-managed master secret.
type MasterSecretPolicyArgs struct {
	// SecretArn is the master secret RDS created for the database (its MasterUserSecrets[0]).
	// Required.
	SecretArn pulumi.StringInput
	// ReaderArns are the roles that may read it: the execution role of the database's migration
	// task, and no service's role. Required: at least one.
	ReaderArns []pulumi.StringInput
	// Protect keeps the policy from deletion (staging and prod), as the vault's are.
	Protect bool
}

// NewMasterSecretPolicy gives a database's master secret, which RDS creates, rotates (every 7
// days) and deletes with the instance, the same kind of resource policy as the vault's secrets:
// exactly its readers' roles, public policies blocked. The logical name is <name>-master-secret.
// Secrets Manager lets the account attach a resource policy to a secret another service manages
// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/service-linked-secrets.html);
// RDS reads and rotates it through its service-linked role, which an Allow policy does not restrict.
func NewMasterSecretPolicy(ctx *pulumi.Context, name string, args *MasterSecretPolicyArgs, opts ...pulumi.ResourceOption) (*secretsmanager.SecretPolicy, error) {
	if args == nil || args.SecretArn == nil || len(args.ReaderArns) == 0 {
		return nil, fmt.Errorf("master secret policy of %s: the secret and at least one reader are required", name)
	}
	sp, err := secretsmanager.NewSecretPolicy(ctx, name+"-master-secret", &secretsmanager.SecretPolicyArgs{
		SecretArn:         args.SecretArn,
		Policy:            readersPolicy(args.ReaderArns),
		BlockPublicPolicy: pulumi.Bool(true),
	}, append(opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("creating the policy of the master secret of %s: %w", name, err)
	}
	return sp, nil
}
