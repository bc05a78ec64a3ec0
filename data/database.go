package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// DatabaseArgs configures a PostgreSQL database.
type DatabaseArgs struct {
	// Scope is the stack the database belongs to; all of it is required. Protect (staging and
	// prod) turns on deletion protection, a final snapshot, keeping automated backups after
	// deletion, and Pulumi's protect on the instance, its subnet and parameter groups and logs.
	stack.Scope
	// DatabaseSettings are the owner, version, instance class, port, storage, backups and
	// Multi-AZ, as the spec holds them (Owner required; Version a major, e.g. "16";
	// BackupRetentionDays 7 to 35).
	DatabaseSettings

	// IsolatedSubnetIDs are the isolated tier's subnets. Required.
	IsolatedSubnetIDs pulumi.StringArrayInput
	// SecurityGroupID is the database's group (the Firewall's). Required.
	SecurityGroupID pulumi.StringInput
	// DataKeyArn encrypts the storage and Performance Insights. Required.
	DataKeyArn pulumi.StringInput
	// SecretsKeyArn encrypts the RDS-managed master password. Required.
	SecretsKeyArn pulumi.StringInput
	// LogsKeyArn encrypts the database's log groups. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of the database's log groups, in days: a value
	// CloudWatch Logs accepts. Required.
	LogRetentionDays int
	// MasterSecretPolicy builds the resource policy of the master secret RDS manages, from that
	// secret's ARN (a JSON document: resourcepolicy.ManagedSecretPolicy denies its value to all
	// but its readers and every change to all but the deploying roles and RDS). Required: without
	// it any principal of the account whose IAM policy allows it could read the password.
	MasterSecretPolicy pulumi.StringInput
}

// Database is an RDS PostgreSQL instance in the isolated tier.
type Database struct {
	pulumi.ResourceState

	Identifier      pulumi.StringOutput `pulumi:"identifier"`
	Address         pulumi.StringOutput `pulumi:"address"`
	Port            pulumi.IntOutput    `pulumi:"port"`
	MasterSecretArn pulumi.StringOutput `pulumi:"masterSecretArn"`
	ResourceID      pulumi.StringOutput `pulumi:"resourceId"`
}

// MasterUsername is the RDS master user; applications use IAM authentication or their own roles.
const MasterUsername = "dbadmin"

// Log types exported to CloudWatch Logs (Security Hub RDS.36).
var logExports = []string{"postgresql", "upgrade"}

// Backup and maintenance windows (UTC) must not overlap.
const (
	backupWindow      = "02:00-03:00" // #nosec G101 -- a time window, not a credential
	maintenanceWindow = "sun:03:30-sun:04:30"
)

func (a *DatabaseArgs) validate(name string) error {
	switch {
	case a == nil:
		return fmt.Errorf("database %s: args are required", name)
	case a.Owner == "":
		return fmt.Errorf("database %s: an owner service is required", name)
	case a.IsolatedSubnetIDs == nil || a.SecurityGroupID == nil:
		return fmt.Errorf("database %s: isolated subnets and a security group are required", name)
	case a.DataKeyArn == nil || a.SecretsKeyArn == nil || a.LogsKeyArn == nil:
		return fmt.Errorf("database %s: the data, secrets and logs keys are required", name)
	case a.MasterSecretPolicy == nil:
		return fmt.Errorf("database %s: the master secret's resource policy is required", name)
	case a.Version == "" || strings.Contains(a.Version, "."):
		return fmt.Errorf("database %s: version %q must be a major version", name, a.Version)
	case a.BackupRetentionDays < 7 || a.BackupRetentionDays > 35:
		return fmt.Errorf("database %s: backup retention %d is outside 7-35 days", name, a.BackupRetentionDays)
	case a.Check() != nil:
		return fmt.Errorf("database %s: %w", name, a.Check())
	}
	return nil
}

// NewDatabase creates the database: storage and Performance Insights encrypted with the data key,
// TLS forced by its parameter group, master password generated and kept by RDS in Secrets Manager
// under the secrets key (never in code, config or state), IAM authentication, no public access,
// logs exported to encrypted log groups, and in production Multi-AZ, deletion protection and a
// final snapshot.
func NewDatabase(ctx *pulumi.Context, name string, args *DatabaseArgs, opts ...pulumi.ResourceOption) (*Database, error) {
	if err := args.validate(name); err != nil {
		return nil, err
	}
	d := &Database{}
	if err := ctx.RegisterComponentResource(contract.TypeDatabase, name, d, opts...); err != nil {
		return nil, fmt.Errorf("registering database %s: %w", name, err)
	}
	parent := pulumi.Parent(d)
	identifier := naming.DBIdentifier(name, args.Stack)
	tags := pulumi.ToStringMap(args.Tags(name, map[string]string{contract.OwnerTag: args.Owner}))

	subnets, err := rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Description: pulumi.String(args.Describe("isolated subnets of the " + name + " database")),
		SubnetIds:   args.IsolatedSubnetIDs,
		Tags:        tags,
	}, parent, pulumi.Protect(args.Protect)) // keeps the database in the isolated tier
	if err != nil {
		return nil, fmt.Errorf("creating subnet group of %s: %w", name, err)
	}
	params, err := rds.NewParameterGroup(ctx, name, &rds.ParameterGroupArgs{
		Family:      pulumi.String("postgres" + args.Version),
		Description: pulumi.String(args.Describe("TLS-only settings of the " + name + " database")),
		Parameters:  ParameterGroupParameters(),
		Tags:        tags,
	}, parent, pulumi.Protect(args.Protect)) // forces TLS on every connection
	if err != nil {
		return nil, fmt.Errorf("creating parameter group of %s: %w", name, err)
	}

	// Create the log groups RDS would otherwise create unencrypted and without a retention.
	var logGroups []pulumi.Resource
	for _, kind := range logExports {
		lg, err := cloudwatch.NewLogGroup(ctx, name+"-"+kind, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(naming.RDSLogGroup(identifier, kind)),
			RetentionInDays: pulumi.Int(args.LogRetentionDays),
			KmsKeyId:        args.LogsKeyArn,
			Tags:            tags,
		}, parent, pulumi.Protect(args.Protect))
		if err != nil {
			return nil, fmt.Errorf("creating %s log group of %s: %w", kind, name, err)
		}
		logGroups = append(logGroups, lg)
	}

	instanceArgs := &rds.InstanceArgs{
		Identifier:                         pulumi.String(identifier),
		Engine:                             pulumi.String("postgres"),
		EngineVersion:                      pulumi.String(args.Version),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		AllowMajorVersionUpgrade:           pulumi.Bool(false),
		InstanceClass:                      pulumi.String(args.InstanceClass),
		AllocatedStorage:                   pulumi.Int(args.AllocatedStorage),
		MaxAllocatedStorage:                pulumi.Int(args.MaxAllocatedStorage),
		StorageType:                        pulumi.String("gp3"),
		StorageEncrypted:                   pulumi.Bool(true),
		KmsKeyId:                           args.DataKeyArn,
		DbName:                             pulumi.String(naming.DatabaseName(name)),
		Username:                           pulumi.String(MasterUsername),
		ManageMasterUserPassword:           pulumi.Bool(true),
		MasterUserSecretKmsKeyId:           args.SecretsKeyArn,
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(true),
		Port:                               pulumi.Int(args.Port),
		DbSubnetGroupName:                  subnets.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{args.SecurityGroupID},
		PubliclyAccessible:                 pulumi.Bool(false),
		ParameterGroupName:                 params.Name,
		CaCertIdentifier:                   pulumi.String("rds-ca-rsa2048-g1"),
		MultiAz:                            pulumi.Bool(args.MultiAZ),
		BackupRetentionPeriod:              pulumi.Int(args.BackupRetentionDays),
		BackupWindow:                       pulumi.String(backupWindow),
		MaintenanceWindow:                  pulumi.String(maintenanceWindow),
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		DeleteAutomatedBackups:             pulumi.Bool(!args.Protect),
		EnabledCloudwatchLogsExports:       pulumi.ToStringArray(logExports),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        args.DataKeyArn,
		PerformanceInsightsRetentionPeriod: pulumi.Int(7),
		DeletionProtection:                 pulumi.Bool(args.Protect),
		// The instance declares who may reach it: its owner, and its one-off migration task.
		Tags: pulumi.ToStringMap(args.Tags(name, map[string]string{contract.OwnerTag: args.Owner, contract.MigrationTag: naming.Migration(name)})),
	}
	if args.Protect {
		suffix, err := finalSnapshotSuffix(ctx, name, instanceArgs, parent)
		if err != nil {
			return nil, err
		}
		instanceArgs.SkipFinalSnapshot = pulumi.Bool(false)
		instanceArgs.FinalSnapshotIdentifier = pulumi.Sprintf("%s-final-%s", identifier, suffix)
	} else {
		instanceArgs.SkipFinalSnapshot = pulumi.Bool(true)
	}
	instance, err := rds.NewInstance(ctx, name, instanceArgs, parent, pulumi.Protect(args.Protect), pulumi.DependsOn(logGroups))
	if err != nil {
		return nil, fmt.Errorf("creating database %s: %w", name, err)
	}

	d.Identifier = instance.Identifier
	d.Address = instance.Address
	d.Port = instance.Port
	d.ResourceID = instance.ResourceId
	d.MasterSecretArn = instance.MasterUserSecrets.Index(pulumi.Int(0)).SecretArn().Elem()
	// RDS creates the secret; its resource policy is ours, kept with the database.
	if _, err := secretsmanager.NewSecretPolicy(ctx, name+"-master-secret", &secretsmanager.SecretPolicyArgs{
		SecretArn:         d.MasterSecretArn,
		Policy:            args.MasterSecretPolicy,
		BlockPublicPolicy: pulumi.Bool(true),
	}, parent, pulumi.Protect(args.Protect)); err != nil {
		return nil, fmt.Errorf("creating the policy of database %s's master secret: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"identifier":      d.Identifier,
		"address":         d.Address,
		"port":            d.Port,
		"masterSecretArn": d.MasterSecretArn,
		"resourceId":      d.ResourceID,
	}); err != nil {
		return nil, fmt.Errorf("registering database %s outputs: %w", name, err)
	}
	return d, nil
}

// finalSnapshotSuffix is 8 hex characters unique to one incarnation of a database: RDS refuses to
// delete an instance whose final snapshot identifier is taken (DBSnapshotAlreadyExists), so a fixed
// name would fail the second destroy of a stack, or the second replacement of a database. They
// come from a key pair (pulumi-random is not available to this project) that is made with the
// database's stack and replaced whenever an input that replaces the instance changes (in the
// Terraform AWS provider 5.x: engine, dbName, username, storageEncrypted, kmsKeyId), so each
// instance deleted keeps a snapshot of its own. The public half is used: it is not secret.
func finalSnapshotSuffix(ctx *pulumi.Context, name string, instance *rds.InstanceArgs, parent pulumi.ResourceOption) (pulumi.StringOutput, error) {
	incarnation := pulumi.All(instance.Engine, instance.DbName, instance.Username, instance.StorageEncrypted, instance.KmsKeyId)
	seed, err := tls.NewPrivateKey(ctx, name+"-final-snapshot", &tls.PrivateKeyArgs{Algorithm: pulumi.String("ED25519")},
		parent, pulumi.ReplacementTrigger(incarnation))
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating the final snapshot name of %s: %w", name, err)
	}
	return seed.PublicKeyPem.ApplyT(func(pem string) string {
		sum := sha256.Sum256([]byte(pem))
		return hex.EncodeToString(sum[:4])
	}).(pulumi.StringOutput), nil
}

// MinimumMajor is the oldest PostgreSQL major the database supports: its parameter group sets
// ssl_min_protocol_version, which PostgreSQL added in 12.
const MinimumMajor = 12

// ParameterGroupParameters force TLS 1.2+ on every connection and log schema changes and slow
// statements. rds.force_ssl and the log settings are dynamic; ssl_min_protocol_version is set
// for the next reboot, which a new instance has at creation.
func ParameterGroupParameters() rds.ParameterGroupParameterArray {
	p := func(name, value, apply string) *rds.ParameterGroupParameterArgs {
		return &rds.ParameterGroupParameterArgs{Name: pulumi.String(name), Value: pulumi.String(value), ApplyMethod: pulumi.String(apply)}
	}
	return rds.ParameterGroupParameterArray{
		p("rds.force_ssl", "1", "immediate"),
		p("ssl_min_protocol_version", "TLSv1.2", "pending-reboot"),
		p("log_statement", "ddl", "immediate"),
		p("log_min_duration_statement", "1000", "immediate"),
	}
}
