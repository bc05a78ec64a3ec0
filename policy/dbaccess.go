package policy

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/query"
)

// Issue 12, item 3: database access without the superuser. A service connects with IAM
// authentication as its own database user; a database's master secret is read only by its
// one-off migration task.

const strategyDBAccess = `Strategy 1, "Authentication & Authorization" (least privilege: a service is not the database superuser); strategy 3, "Secrets Management"`

var dbAccessInvariants = []Invariant{
	{
		ID:        "DATA-10",
		Statement: "No service receives a database's master secret; only that database's migration task may read it, and no ECS service runs that task",
		Enforces:  strategyDBAccess,
		Covers: []string{contract.TypeDBInstance, contract.TypeSecretPolicy, contract.TypeRolePolicy, contract.TypeIAMRole,
			contract.TypeTaskDefinition, contract.TypeECSService},
		check: checkMasterSecrets,
	},
	{
		ID:        "DATA-11",
		Statement: "Every service that uses a database may connect only as its own IAM database user (rds-db:connect on its own dbuser ARN of a database that declares it)",
		Enforces:  strategyDBAccess + "; https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html",
		Covers:    []string{contract.TypeRolePolicy, contract.TypeIAMRole, contract.TypeDBInstance},
		check:     checkDBConnect,
	},
}

// checkMasterSecrets judges each database whose master password RDS manages: every principal
// that may read the secret (identity or resource policy) is the execution role of the migration
// task the database declares; every task definition that injects the secret or carries its ARN
// is that migration's, and no ECS service runs it.
func checkMasterSecrets(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	services := map[string][]*query.Resource{} // task definition ARN -> the ECS services that run it
	for _, svc := range ix.OfType(contract.TypeECSService) {
		td := query.Str(svc, "taskDefinition")
		services[td] = append(services[td], svc)
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		arns := query.MasterSecretArns(db)
		if len(arns) == 0 {
			continue
		}
		checked++
		migration := query.DeclaredMigration(db)
		for _, who := range ix.MasterSecretReaders(db) {
			if who.Kind != query.MigrationRolePrincipal || who.Service != migration || who.Role != contract.ExecutionRole || migration == "" {
				fs = append(fs, finding(db, "%s may read its master secret; only the execution role of its migration task (%s) may", who.Label(), orNone(migration)))
			}
		}
		for _, arn := range arns {
			for _, ref := range ix.TaskDefinitionsNaming(arn) {
				td := ref.TaskDefinition
				switch {
				case migration == "" || query.Tags(td)[contract.MigrationTag] != migration:
					fs = append(fs, finding(td, "container %s receives %s from the master secret of %s; only its migration task (%s) may", ref.Container, ref.Variable, query.Name(db), orNone(migration)))
				case len(services[query.Str(td, "arn")]) > 0:
					fs = append(fs, finding(td, "is the migration task of %s, and the ECS service %s keeps it running with the master secret; run it only on demand (aws ecs run-task)", query.Name(db), query.Name(services[query.Str(td, "arn")][0])))
				}
			}
		}
	}
	return checked, fs
}

// checkDBConnect judges every rds-db:connect a role policy allows: it names one database user of
// one instance of the stack (no wildcard), the role is a service's task role, the database
// declares the service, and the user is the service's own (naming.DatabaseUser).
func checkDBConnect(ix *query.Index) (int, []Finding) {
	var fs []Finding
	grants := ix.DBConnectGrants()
	for _, g := range grants {
		id, user, ok := query.DBUser(g.Resource)
		if !ok || strings.ContainsAny(id+user, "*?") {
			fs = append(fs, finding(g.Policy, "statement %s lets %s connect to databases as %s; name exactly one dbuser ARN (arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>)", g.Sid, g.Role.Label(), g.Resource))
			continue
		}
		db := ix.Named(contract.TypeDBInstance, "resourceId", id)
		switch {
		case db == nil:
			fs = append(fs, finding(g.Policy, "statement %s lets %s connect to instance %s, which is not a database of this stack", g.Sid, g.Role.Label(), id))
		case g.Role.Kind != query.ServiceRolePrincipal || g.Role.Role != contract.TaskRole:
			fs = append(fs, finding(g.Policy, "statement %s lets %s connect to %s as %s; only a service's task role connects with IAM", g.Sid, g.Role.Label(), query.Name(db), user))
		case !slices.Contains(query.DeclaredUsers(db), g.Role.Service):
			fs = append(fs, finding(g.Policy, "statement %s lets %s connect to %s, whose declared users are %s", g.Sid, g.Role.Label(), query.Name(db), orNone(strings.Join(query.DeclaredUsers(db), ", "))))
		case user != naming.DatabaseUser(g.Role.Service):
			fs = append(fs, finding(g.Policy, "statement %s lets %s connect to %s as %s; it may connect only as its own user %s", g.Sid, g.Role.Label(), query.Name(db), user, naming.DatabaseUser(g.Role.Service)))
		}
	}
	return len(grants), fs
}
