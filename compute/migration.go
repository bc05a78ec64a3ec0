package compute

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// The size of a migration task: Fargate's smallest (0.25 vCPU, 512 MiB), enough for a client
// that runs SQL against the database.
const (
	MigrationCPU    = 256
	MigrationMemory = 512
)

// MigrationArgs configures the one-off migration task of a database.
type MigrationArgs struct {
	// Scope is the stack the task belongs to; all of it is required. Protect keeps its log group
	// from deletion (staging and prod).
	stack.Scope
	// Database is the database's config name. Required.
	Database string
	// Image is the container image, `<repository>:<tag>` or `@sha256:<digest>`. Required.
	Image string
	// TaskRole and ExecutionRole are the migration's own roles (Identities'). The task role gets no
	// permission; the execution role may pull the image, write the logs and inject the master
	// secret. Required.
	TaskRole      *iam.Role
	ExecutionRole *iam.Role
	// SecurityGroupID is the migration's group (the Firewall's): its database on its port and the
	// AWS endpoints only. Required.
	SecurityGroupID pulumi.StringInput
	// PrivateSubnetIDs are the private tier's subnets, where `aws ecs run-task` must start it
	// (NetworkConfiguration). Required.
	PrivateSubnetIDs pulumi.StringArrayInput
	// LogsKeyArn is the key of its log group. Required.
	LogsKeyArn pulumi.StringInput
	// LogRetentionDays is the retention of its log group, in days: a value CloudWatch Logs
	// accepts. Required.
	LogRetentionDays int
	// SecretsKeyArn is the key of the master secret. Required.
	SecretsKeyArn pulumi.StringInput
	// Secrets are injected at start: the master user's name and password, from the master
	// secret. Required: at least one.
	Secrets []InjectedSecret
	// Environment is the container's environment, by variable name. Optional.
	Environment map[string]pulumi.StringInput
}

// Migration is a database's one-off migration task: an ECS task definition and no service. It
// runs only when someone starts it (`aws ecs run-task`, with NetworkConfiguration as its network
// configuration), creates the owner's IAM database user and applies the schema as the master user.
type Migration struct {
	pulumi.ResourceState

	TaskDefinitionArn pulumi.StringOutput `pulumi:"taskDefinitionArn"`
	// NetworkConfiguration is the JSON `aws ecs run-task --network-configuration` takes: the
	// private subnets, the migration's security group, no public IP.
	NetworkConfiguration pulumi.StringOutput      `pulumi:"networkConfiguration"`
	SubnetIDs            pulumi.StringArrayOutput `pulumi:"subnetIds"`
	SecurityGroupID      pulumi.StringOutput      `pulumi:"securityGroupId"`
	LogGroupName         pulumi.StringOutput      `pulumi:"logGroupName"`
}

func (a *MigrationArgs) validate(name string) error {
	switch {
	case a == nil:
		return fmt.Errorf("migration %s: args are required", name)
	case a.Database == "" || a.Image == "":
		return fmt.Errorf("migration %s: the database and the image are required", name)
	case a.TaskRole == nil || a.ExecutionRole == nil:
		return fmt.Errorf("migration %s: task and execution roles are required", name)
	case a.SecurityGroupID == nil || a.PrivateSubnetIDs == nil:
		return fmt.Errorf("migration %s: its security group and the private subnets are required", name)
	case a.LogsKeyArn == nil || a.SecretsKeyArn == nil:
		return fmt.Errorf("migration %s: the logs and secrets keys are required", name)
	case len(a.Secrets) == 0:
		return fmt.Errorf("migration %s: the master secret is required", name)
	case a.Check() != nil:
		return fmt.Errorf("migration %s: %w", name, a.Check())
	}
	return nil
}

// NewMigration creates the migration task of a database: its log group, its execution role's
// policy and its task definition, hardened as every service's (non-root, read-only root
// filesystem, no capabilities, encrypted logs).
func NewMigration(ctx *pulumi.Context, name string, args *MigrationArgs, opts ...pulumi.ResourceOption) (*Migration, error) {
	if err := args.validate(name); err != nil {
		return nil, err
	}
	m := &Migration{}
	if err := ctx.RegisterComponentResource(contract.TypeMigration, name, m, opts...); err != nil {
		return nil, fmt.Errorf("registering migration %s: %w", name, err)
	}
	parent := pulumi.Parent(m)
	tags := pulumi.StringMap{contract.MigrationTag: pulumi.String(naming.Migration(args.Database))}

	logs, err := newTaskLogGroup(ctx, name, args.MigrationLogGroup(args.Database), args.LogRetentionDays, args.LogsKeyArn, tags, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	execPolicy, err := grantExecution(ctx, name, m, args.ExecutionRole, args.Image, args.Region, logs, args.SecretsKeyArn, args.Secrets)
	if err != nil {
		return nil, err
	}
	containers := containerDefinitions(MigrationContainer, args.Image, args.Region, 0, args.Environment, args.Secrets, logs)
	td, err := newFargateTaskDefinition(ctx, name, args.Scope.Name(name), MigrationCPU, MigrationMemory, args.ExecutionRole, args.TaskRole, containers, tags,
		parent, pulumi.DependsOn([]pulumi.Resource{execPolicy}))
	if err != nil {
		return nil, err
	}

	m.TaskDefinitionArn, m.LogGroupName = td.Arn, logs.Name
	m.SubnetIDs = args.PrivateSubnetIDs.ToStringArrayOutput()
	m.SecurityGroupID = args.SecurityGroupID.ToStringOutput()
	m.NetworkConfiguration = pulumi.All(m.SubnetIDs, m.SecurityGroupID).ApplyT(func(xs []any) (string, error) {
		return RunTaskNetworkConfiguration(xs[0].([]string), xs[1].(string))
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"taskDefinitionArn": m.TaskDefinitionArn, "networkConfiguration": m.NetworkConfiguration,
		"subnetIds": m.SubnetIDs, "securityGroupId": m.SecurityGroupID, "logGroupName": m.LogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("registering migration %s outputs: %w", name, err)
	}
	return m, nil
}

// MigrationContainer is the name of a migration task's one container, which
// `aws ecs run-task --overrides` names to give it a command.
const MigrationContainer = "migrate"

// RunTaskNetworkConfiguration is the JSON `aws ecs run-task --network-configuration` takes for a
// task in the given subnets with one security group and no public IP
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_NetworkConfiguration.html).
func RunTaskNetworkConfiguration(subnets []string, securityGroup string) (string, error) {
	type awsvpc struct {
		Subnets        []string `json:"subnets"`
		SecurityGroups []string `json:"securityGroups"`
		AssignPublicIP string   `json:"assignPublicIp"`
	}
	data, err := json.Marshal(map[string]awsvpc{"awsvpcConfiguration": {Subnets: subnets, SecurityGroups: []string{securityGroup}, AssignPublicIP: "DISABLED"}})
	return string(data), err
}
