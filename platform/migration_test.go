package platform_test

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
)

// goldenMigration is a migration task's contract as testdata/migration-<stack>.json records it.
type goldenMigration struct {
	Image       string               `json:"image"`
	ImageFrom   string               `json:"imageFrom"`
	Environment map[string]goldenVar `json:"environment"`
	Secrets     map[string]goldenVar `json:"secrets"`
}

// TestMigrationContractIsPinned compares the contract of every database's migration task of every
// committed stack with testdata/migration-<stack>.json, and with the README's table "What the
// migration task receives": every name it promises is given, and no other. The master user's
// credentials reach the migration task, and only through ECS secrets; its owner gets none of them.
// After an intended change: go test ./platform -run TestMigrationContractIsPinned -update
func TestMigrationContractIsPinned(t *testing.T) {
	t.Parallel()
	promised := readmeTable(t, "What the migration task receives")
	require.NotEmpty(t, promised)
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			spec, err := platform.Load(testkit.Source(t, stack))
			require.NoError(t, err)
			got := map[string]goldenMigration{}
			for db := range spec.Databases {
				w := platform.WireMigration(spec, db)
				g := goldenMigration{Image: w.Image, ImageFrom: w.ImageFrom, Environment: map[string]goldenVar{}, Secrets: map[string]goldenVar{}}
				owner := platform.WireService(spec, spec.Databases[db].Owner)
				for _, v := range w.Variables {
					require.False(t, v.IsSecret(), "%s: the environment holds no secret", v.Name)
					if v.Output != (platform.StoreOutput{}) {
						g.Environment[v.Name] = goldenVar{From: v.From, Output: v.Output.Store + "." + string(v.Output.Attr)}
					} else {
						g.Environment[v.Name] = goldenVar{From: v.From, Value: v.Value}
					}
					assert.True(t, slices.ContainsFunc(owner.Variables, func(o platform.TaskVariable) bool { return o == v }) || v.Name == "ENVIRONMENT",
						"%s: the migration task reads the database's variables as its owner does", v.Name)
				}
				for _, v := range w.MasterSecret {
					g.Secrets[v.Name] = goldenVar{From: "rds!" + db, JSONKey: v.JSONKey}
					assert.False(t, slices.ContainsFunc(owner.Variables, func(o platform.TaskVariable) bool { return o.Name == v.Name }), "the owner never receives %s", v.Name)
				}
				names := append(slices.Collect(keys(g.Environment)), slices.Collect(keys(g.Secrets))...)
				for _, name := range names {
					i := slices.IndexFunc(promised, func(p promise) bool { return p.pattern.MatchString(name) })
					if assert.GreaterOrEqual(t, i, 0, "the migration task of %s receives %s, which the README's table does not list", db, name) {
						_, secret := g.Secrets[name]
						assert.Equal(t, strings.Contains(promised[i].name, "MASTER_"), secret, "%s comes from the master secret exactly when the README says so", name)
					}
				}
				for _, p := range promised {
					assert.True(t, slices.ContainsFunc(names, p.pattern.MatchString), "the migration task of %s does not receive %s", db, p.name)
				}
				got[db] = g
			}
			assertGolden(t, filepath.Join("testdata", "migration-"+stack+".json"), got, "the migration contract of %s changed", stack)
		})
	}
}

func keys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The migration image defaults to the owner's image, and migrationImage replaces it.
func TestMigrationImage(t *testing.T) {
	t.Parallel()
	src := testkit.Source(t, "dev")
	spec, err := platform.Load(src)
	require.NoError(t, err)
	w := platform.WireMigration(spec, "users-db")
	assert.Equal(t, "<account>.dkr.ecr.eu-west-1.amazonaws.com/secure-vpc-dev/users:2.0.1", w.Image, "the owner's image by default: its imageTag in its own repository")
	assert.Equal(t, "secure-vpc:services.users.imageTag", w.ImageFrom)

	var dbs map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(src.Values["secure-vpc:databases"]), &dbs))
	dbs["users-db"]["migrationImage"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-migrations:2.0.1"
	data, err := json.Marshal(dbs)
	require.NoError(t, err)
	src.Values["secure-vpc:databases"] = string(data)
	spec, err = platform.Load(src)
	require.NoError(t, err)
	assert.Equal(t, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-migrations:2.0.1", platform.WireMigration(spec, "users-db").Image)
}
