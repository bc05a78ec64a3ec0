package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

func init() {
	// A service given the master secret is one whose ECS service does not wait for the secret's
	// policy; a database that no longer declares its migration task is reachable from it
	// (DATA-03, REACH-02) and read by it (DATA-10).
	alsoFails["from the master secret of users-db"] = []string{"ORDER-01"}
	alsoFails["but its declared migration task is none"] = []string{"REACH-02", "DATA-10"}
	alsoFails["users-db-migration can reach it"] = []string{"DATA-03", "DATA-10"}
	// An ECS service added by hand: no network configuration, and nothing it waits for.
	alsoFails["keeps it running with the master secret"] = []string{"SVC-01", "ORDER-01"}
}

// masterSecretArn is the ARN of users-db's RDS-managed master secret in a plan.
func masterSecretArn(t *testing.T, e *stackstate.Export) string {
	t.Helper()
	db := find(e, named(contract.TypeDBInstance, "users-db"))
	arns := query.MasterSecretArns(db)
	require.Len(t, arns, 1)
	return arns[0]
}

// addStatement appends a statement to a role policy of the plan, by its logical name.
func addStatement(t *testing.T, e *stackstate.Export, policyName string, st policydoc.Statement) *stackstate.Resource {
	t.Helper()
	rp := find(e, named(contract.TypeRolePolicy, policyName))
	require.NotNil(t, rp, policyName)
	doc, err := policydoc.Parse(rp.Inputs["policy"].(string))
	require.NoError(t, err)
	doc.Statement = append(doc.Statement, st)
	data, err := doc.JSON()
	require.NoError(t, err)
	rp.Inputs["policy"] = data
	return rp
}

// setConnectResource rewrites the users task role's rds-db:connect resource.
func setConnectResource(t *testing.T, e *stackstate.Export, resource string) *stackstate.Resource {
	t.Helper()
	rp := find(e, named(contract.TypeRolePolicy, "users-task"))
	doc, err := policydoc.Parse(rp.Inputs["policy"].(string))
	require.NoError(t, err)
	found := false
	for i, st := range doc.Statement {
		if st.Sid == "ConnectWithIAM" {
			doc.Statement[i].Resource, found = []string{resource}, true
		}
	}
	require.True(t, found, "the owner's task role connects with IAM")
	data, err := doc.JSON()
	require.NoError(t, err)
	rp.Inputs["policy"] = data
	return rp
}

// withContainer edits the one container definition of a task definition.
func withContainer(t *testing.T, td *stackstate.Resource, edit func(c map[string]any)) {
	t.Helper()
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &defs))
	edit(defs[0])
	data, err := json.Marshal(defs)
	require.NoError(t, err)
	td.Inputs["containerDefinitions"] = string(data)
}

func dbAccessCases() []brokenPlan {
	db := named(contract.TypeDBInstance, "users-db")
	dbUser := func(e *stackstate.Export, user string) string {
		return "arn:aws:rds-db:eu-west-1:123456789012:dbuser:" + query.Str(find(e, db), "resourceId") + "/" + user
	}
	return []brokenPlan{
		// DATA-10: the master secret reaches a service, through any of the three doors.
		{"DATA-10", func(t *testing.T, e *stackstate.Export) string {
			td := find(e, named(contract.TypeTaskDefinition, "users"))
			arn := masterSecretArn(t, e)
			withContainer(t, td, func(c map[string]any) {
				c["secrets"] = append(c["secrets"].([]any), map[string]any{"name": "DB_USERS_DB_PASSWORD", "valueFrom": arn + ":password::"})
			})
			return td.URN
		}, "from the master secret of users-db"},
		{"DATA-10", func(t *testing.T, e *stackstate.Export) string {
			arn := masterSecretArn(t, e)
			addStatement(t, e, "users-task", policydoc.Statement{Sid: "ReadTheMasterSecret", Effect: policydoc.Allow,
				Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{arn}})
			return find(e, db).URN
		}, "users (task role) may read its master secret"},
		{"DATA-10", func(t *testing.T, e *stackstate.Export) string {
			sp := find(e, named(contract.TypeSecretPolicy, "users-db-master-secret"))
			users := query.Str(find(e, named(contract.TypeIAMRole, "users-task-role")), "arn")
			sp.Inputs["policy"] = strings.Replace(sp.Inputs["policy"].(string), `"AWS":[`, `"AWS":["`+users+`",`, 1)
			return find(e, db).URN
		}, "users (task role) may read its master secret"},
		{"DATA-10", func(t *testing.T, e *stackstate.Export) string {
			// The migration task kept running by an ECS service holds the master password for good.
			td := find(e, named(contract.TypeTaskDefinition, "users-db-migration"))
			addResource(e, stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::aws:ecs/service:Service::migrate-forever", Custom: true, ID: "svc-migrate",
				Type: contract.TypeECSService, Inputs: map[string]any{"taskDefinition": query.Str(td, "arn")}})
			return td.URN
		}, "keeps it running with the master secret"},
		// DATA-11: a service connects as anything but its own user.
		{"DATA-11", func(t *testing.T, e *stackstate.Export) string {
			return setConnectResource(t, e, dbUser(e, "*")).URN
		}, "connect to databases as"},
		{"DATA-11", func(t *testing.T, e *stackstate.Export) string {
			return setConnectResource(t, e, dbUser(e, "dbadmin")).URN
		}, "it may connect only as its own user users"},
		{"DATA-11", func(t *testing.T, e *stackstate.Export) string {
			return setConnectResource(t, e, "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ELSEWHERE/users").URN
		}, "not a database of this stack"},
		{"DATA-11", func(t *testing.T, e *stackstate.Export) string {
			return addStatement(t, e, "web-bff-task", policydoc.Statement{Sid: "ConnectToo", Effect: policydoc.Allow,
				Action: []string{"rds-db:connect"}, Resource: []string{dbUser(e, "web_bff")}}).URN
		}, "whose declared users are users"},
		{"DATA-11", func(t *testing.T, e *stackstate.Export) string {
			return addStatement(t, e, "users-db-migration-exec", policydoc.Statement{Sid: "ConnectToo", Effect: policydoc.Allow,
				Action: []string{"rds-db:connect"}, Resource: []string{dbUser(e, "users")}}).URN
		}, "only a service's task role connects with IAM"},
		// DATA-03 and REACH-02 admit the migration task only where the database declares it.
		{"DATA-03", func(t *testing.T, e *stackstate.Export) string {
			r := find(e, db)
			for _, side := range []map[string]any{r.Inputs, r.Outputs} {
				delete(side["tags"].(map[string]any), contract.MigrationTag)
			}
			return r.URN
		}, "but its declared migration task is none"},
		{"REACH-02", func(t *testing.T, e *stackstate.Export) string {
			r := find(e, db)
			for _, side := range []map[string]any{r.Inputs, r.Outputs} {
				side["tags"].(map[string]any)[contract.MigrationTag] = "orders-db-migration"
			}
			return r.URN
		}, "users-db-migration can reach it"},
	}
}

// Each database-access invariant catches its broken plans, naming the resource at fault.
func TestDatabaseAccessCatchesBrokenPlans(t *testing.T) {
	for _, tc := range dbAccessCases() {
		t.Run(tc.invariant+" "+tc.wantMsg, func(t *testing.T) { checkBrokenPlan(t, tc) })
	}
}

// The committed stacks hold both invariants, and they judge something: one database each, whose
// master secret only the migration task's execution role reads, and whose owner connects as
// its own user.
func TestDatabaseAccessHoldsOnTheCommittedStacks(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		// The migration's roles read no secret but the master secret: they do not carry the tags
		// by which the verification key admits the stack's execution roles.
		ix := query.NewIndex(fixtures.Plan(t, stack))
		for _, s := range ix.Secrets() {
			for _, p := range s.Readers {
				assert.Equal(t, s.ManagedBy != nil, p.Kind == query.MigrationRolePrincipal, "%s %s: read by %s", stack, s.Name, p.Label())
			}
		}
		for _, r := range policy.Evaluate(fixtures.Plan(t, stack)) {
			if r.Invariant.ID == "DATA-10" || r.Invariant.ID == "DATA-11" {
				assert.Empty(t, r.Findings, "%s %s", stack, r.Invariant.ID)
				assert.Equal(t, 1, r.Checked, "%s %s judges the one database, or its one grant", stack, r.Invariant.ID)
			}
		}
	}
}
