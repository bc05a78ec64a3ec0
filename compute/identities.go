// Package compute runs the services: their identities (IAM roles), and the ECS cluster, tasks,
// services and BFF load balancers.
package compute

import (
	"fmt"
	"slices"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute/rolepolicy"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// IdentitiesArgs configures the services' identities.
type IdentitiesArgs struct {
	// Scope is the stack the roles belong to; all of it is required. Protect keeps the roles from
	// deletion (staging and prod): the buckets and secrets that are kept name them in their
	// policies, and a role deleted and made again is a different principal to those policies.
	stack.Scope
	// Services are the names of the services that get a task and an execution role, in any order.
	// Required: at least one.
	Services []string
	// Databases are the databases whose migration task gets a task and an execution role of its
	// own (naming.MigrationTaskRole, MigrationExecutionRole), in any order. Optional.
	Databases []string
}

// Identities are the IAM roles of every service: a task role (what the running code may do) and an
// execution role (what ECS may do to start it: pull the image, write logs, fetch its secrets).
// They are created first and carry no permissions here, so that keys, secrets and buckets can name
// them in their policies, and permissions are attached later by whoever grants them: every
// dependency points one way.
type Identities struct {
	pulumi.ResourceState

	TaskRoleArns      pulumi.StringMapOutput `pulumi:"taskRoleArns"`
	ExecutionRoleArns pulumi.StringMapOutput `pulumi:"executionRoleArns"`

	stack     string // the Pulumi stack the roles belong to, which their tags name
	taskRoles map[string]*iam.Role
	execRoles map[string]*iam.Role
	// The roles of each database's migration task, by database.
	migrationTaskRoles, migrationExecRoles map[string]*iam.Role
}

// Selector are the tags that every role of a kind in the stack carries and no other role does
// ({RoleTag: kind, StackTag: stack}): what a policy names to admit all of them, through
// aws:PrincipalTag conditions, without listing their ARNs.
func (i *Identities) Selector(kind contract.RoleKind) map[string]string {
	return roleSelector(i.stack, kind)
}

func roleSelector(stack string, kind contract.RoleKind) map[string]string {
	return map[string]string{contract.RoleTag: string(kind), contract.StackTag: stack}
}

// TaskRole returns a service's task role.
func (i *Identities) TaskRole(service string) *iam.Role { return i.taskRoles[service] }

// ExecutionRole returns a service's execution role.
func (i *Identities) ExecutionRole(service string) *iam.Role { return i.execRoles[service] }

// MigrationTaskRole returns the task role of a database's migration task.
func (i *Identities) MigrationTaskRole(database string) *iam.Role {
	return i.migrationTaskRoles[database]
}

// MigrationExecutionRole returns the execution role of a database's migration task: the only
// role that reads the database's master secret.
func (i *Identities) MigrationExecutionRole(database string) *iam.Role {
	return i.migrationExecRoles[database]
}

// roleTags are a role's tags: its service, and the selector of its kind.
func (i *Identities) roleTags(service string, kind contract.RoleKind) map[string]string {
	tags := roleSelector(i.stack, kind)
	tags[contract.ServiceTag] = service
	return tags
}

// NewIdentities creates the roles.
func NewIdentities(ctx *pulumi.Context, name string, args *IdentitiesArgs, opts ...pulumi.ResourceOption) (*Identities, error) {
	if args == nil || len(args.Services) == 0 {
		return nil, fmt.Errorf("identities: at least one service is required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}
	id := &Identities{stack: args.Stack, taskRoles: map[string]*iam.Role{}, execRoles: map[string]*iam.Role{},
		migrationTaskRoles: map[string]*iam.Role{}, migrationExecRoles: map[string]*iam.Role{}}
	if err := ctx.RegisterComponentResource(contract.TypeIdentities, name, id, opts...); err != nil {
		return nil, fmt.Errorf("registering identities: %w", err)
	}
	trust, err := rolepolicy.TaskTrustPolicy(args.AccountID, args.Region).JSON()
	if err != nil {
		return nil, fmt.Errorf("building task trust policy: %w", err)
	}
	services := append([]string(nil), args.Services...)
	sort.Strings(services)
	taskArns, execArns := pulumi.StringMap{}, pulumi.StringMap{}
	for _, svc := range services {
		for _, kind := range []struct {
			logical string
			role    contract.RoleKind
			what    string
			into    map[string]*iam.Role
			arns    pulumi.StringMap
		}{
			{naming.TaskRole(svc), contract.TaskRole, "what the %s service's code may do", id.taskRoles, taskArns},
			{naming.ExecutionRole(svc), contract.ExecutionRole, "what ECS may do to start %s: pull its image, write its logs, inject its secrets", id.execRoles, execArns},
		} {
			role, err := iam.NewRole(ctx, kind.logical, &iam.RoleArgs{
				Description:        pulumi.String(args.Describe(fmt.Sprintf(kind.what, svc))),
				AssumeRolePolicy:   pulumi.String(trust),
				MaxSessionDuration: pulumi.Int(3600),
				Tags:               pulumi.ToStringMap(id.roleTags(svc, kind.role)),
			}, pulumi.Parent(id), pulumi.Protect(args.Protect))
			if err != nil {
				return nil, fmt.Errorf("creating %s role of %s: %w", kind.role, svc, err)
			}
			kind.into[svc] = role
			kind.arns[svc] = role.Arn
		}
	}
	// A migration task's roles carry its name and their kind, but not the stack's selector: no
	// secret that admits every execution role of the stack admits them.
	for _, db := range slices.Sorted(slices.Values(args.Databases)) {
		migration := naming.Migration(db)
		for _, kind := range []struct {
			logical string
			role    contract.RoleKind
			what    string
			into    map[string]*iam.Role
		}{
			{naming.MigrationTaskRole(db), contract.TaskRole, "what the one-off migration task of the %s database may do: nothing in AWS, it connects as the master user", id.migrationTaskRoles},
			{naming.MigrationExecutionRole(db), contract.ExecutionRole, "what ECS may do to start the migration task of %s: pull its image, write its logs, inject the master secret", id.migrationExecRoles},
		} {
			role, err := iam.NewRole(ctx, kind.logical, &iam.RoleArgs{
				Description:        pulumi.String(args.Describe(fmt.Sprintf(kind.what, db))),
				AssumeRolePolicy:   pulumi.String(trust),
				MaxSessionDuration: pulumi.Int(3600),
				Tags:               pulumi.ToStringMap(map[string]string{contract.RoleTag: string(kind.role), contract.MigrationTag: migration}),
			}, pulumi.Parent(id), pulumi.Protect(args.Protect))
			if err != nil {
				return nil, fmt.Errorf("creating %s role of the %s migration: %w", kind.role, db, err)
			}
			kind.into[db] = role
		}
	}
	id.TaskRoleArns = taskArns.ToStringMapOutput()
	id.ExecutionRoleArns = execArns.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(id, pulumi.Map{
		"taskRoleArns":      id.TaskRoleArns,
		"executionRoleArns": id.ExecutionRoleArns,
	}); err != nil {
		return nil, fmt.Errorf("registering identities outputs: %w", err)
	}
	return id, nil
}
