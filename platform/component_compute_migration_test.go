package platform_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// A database's migration task gets two roles of its own that carry its name and kind but not
// the stack's selector, so no secret that admits every execution role of the stack admits them.
func TestIdentitiesOfMigrations(t *testing.T) {
	p := runAlone(t, func(ctx *pulumi.Context) error {
		_, err := compute.NewIdentities(ctx, "identities", &compute.IdentitiesArgs{Scope: protected, Services: []string{"users"}, Databases: []string{"users-db"}})
		return err
	})
	comp := p.component(contract.TypeIdentities)
	assert.Equal(t, map[string]int{contract.TypeIAMRole: 4}, count(p.children(comp.URN)), "two roles for the service, two for the migration, no policy")
	for logical, kind := range map[string]contract.RoleKind{"users-db-migration-task": contract.TaskRole, "users-db-migration-exec": contract.ExecutionRole} {
		role := p.one(contract.TypeIAMRole, logical)
		assert.Equal(t, map[string]any{contract.MigrationTag: "users-db-migration", contract.RoleTag: string(kind)}, tags(role), "no %s, no %s", contract.StackTag, contract.ServiceTag)
		assert.Contains(t, role.Inputs["assumeRolePolicy"], `"aws:SourceAccount":"123456789012"`)
		assert.True(t, role.Protect, logical)
	}
}

func migrationArgs(ctx *pulumi.Context, scope stack.Scope) (*compute.MigrationArgs, error) {
	task, err := iam.NewRole(ctx, "users-db-migration-task", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return nil, err
	}
	exec, err := iam.NewRole(ctx, "users-db-migration-exec", &iam.RoleArgs{AssumeRolePolicy: pulumi.String("{}")})
	if err != nil {
		return nil, err
	}
	master := pulumi.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-abcdef")
	return &compute.MigrationArgs{Scope: scope, Database: "users-db", Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users:1.0.0",
		TaskRole: task, ExecutionRole: exec, SecurityGroupID: pulumi.String("sg-mig"), PrivateSubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		LogsKeyArn: pulumi.String(logsKey), LogRetentionDays: 30, SecretsKeyArn: pulumi.String(secretsKey),
		Secrets:     []compute.InjectedSecret{{Env: "DB_USERS_DB_MASTER_PASSWORD", Arn: master, JSONKey: "password"}},
		Environment: map[string]pulumi.StringInput{"DB_USERS_DB_IAM_USER": pulumi.String("users")},
	}, nil
}

// A Migration is a task definition and no service: hardened as every task, listening on nothing,
// with the master password injected through its own execution role, and a task role with no
// permission; its outputs are what `aws ecs run-task` needs.
func TestMigration(t *testing.T) {
	for _, scope := range []stack.Scope{testScope, protected} {
		var out resolved
		p := runAlone(t, func(ctx *pulumi.Context) error {
			args, err := migrationArgs(ctx, scope)
			if err != nil {
				return err
			}
			m, err := compute.NewMigration(ctx, "users-db-migration", args)
			if err == nil {
				out.watch("network", m.NetworkConfiguration)
			}
			return err
		})
		comp := p.component(contract.TypeMigration)
		assert.Equal(t, map[string]int{contract.TypeLogGroup: 1, contract.TypeRolePolicy: 1, contract.TypeTaskDefinition: 1}, count(p.children(comp.URN)),
			"no ECS service, and no policy on the task role")
		logs := p.one(contract.TypeLogGroup, "users-db-migration-logs")
		assert.Equal(t, "/secure-vpc/test/migrations/users-db", logs.Inputs["name"])
		assert.Equal(t, logsKey, logs.Inputs["kmsKeyId"])
		assert.Equal(t, scope.Protect, logs.Protect)

		exec := p.one(contract.TypeRolePolicy, "users-db-migration-exec")
		assert.Equal(t, p.one(contract.TypeIAMRole, "users-db-migration-exec").Outputs["name"], exec.Inputs["role"])
		assert.Contains(t, exec.Inputs["policy"], "secret:rds!db-1-abcdef", "the execution role injects the master secret")

		td := p.one(contract.TypeTaskDefinition, "users-db-migration")
		assert.Equal(t, "secure-vpc-test-users-db-migration", td.Inputs["family"])
		assert.Equal(t, p.one(contract.TypeIAMRole, "users-db-migration-task").Outputs["arn"], td.Inputs["taskRoleArn"])
		assert.Contains(t, td.Dependencies, exec.URN, "the task definition exists only once its execution role may start it")
		var containers []map[string]any
		require.NoError(t, json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &containers))
		require.Len(t, containers, 1)
		c := containers[0]
		assert.Equal(t, compute.MigrationContainer, c["name"])
		assert.Equal(t, true, c["readonlyRootFilesystem"])
		assert.Equal(t, compute.ContainerUser, c["user"])
		assert.Equal(t, []any{}, c["portMappings"], "it listens on nothing")
		assert.Equal(t, []any{"ALL"}, c["linuxParameters"].(map[string]any)["capabilities"].(map[string]any)["drop"])
		assert.Equal(t, []any{map[string]any{"name": "DB_USERS_DB_MASTER_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-abcdef:password::"}}, c["secrets"])

		assert.JSONEq(t, `{"awsvpcConfiguration":{"subnets":["subnet-a","subnet-b"],"securityGroups":["sg-mig"],"assignPublicIp":"DISABLED"}}`, out.get(t, "network").(string))
	}
	_, err := testkit.ComponentErr(func(ctx *pulumi.Context) error {
		args, err := migrationArgs(ctx, testScope)
		if err != nil {
			return err
		}
		args.Secrets = nil
		_, err = compute.NewMigration(ctx, "users-db-migration", args)
		return err
	})
	assert.ErrorContains(t, err, "the master secret is required")
}
