package naming_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/naming"
)

// The data package creates the log groups under this name and the audit looks them up by it.
func TestRDSLogGroup(t *testing.T) {
	for _, tc := range []struct{ identifier, kind, want string }{
		{"users-db-dev", "postgresql", "/aws/rds/instance/users-db-dev/postgresql"},
		{"orders-db-prod", "upgrade", "/aws/rds/instance/orders-db-prod/upgrade"},
	} {
		assert.Equal(t, tc.want, naming.RDSLogGroup(tc.identifier, tc.kind))
	}
}

// A database's name is bounded by its migration task's role names (64 characters with Pulumi's
// suffix) before its RDS identifier (63, with the stack): 41 characters, whatever the stack.
func TestDatabaseNamesFitTheirMigrationRoles(t *testing.T) {
	assert.Equal(t, 41, naming.MaxLength(naming.Database, "dev"))
	assert.Equal(t, 41, naming.MaxLength(naming.Database, strings.Repeat("s", naming.MaxStackLength)))
	long := naming.Check(naming.Database, strings.Repeat("d", 42), "dev")
	if assert.NotNil(t, long) {
		assert.Equal(t, "IAM role name of its migration task", long.What)
		assert.Equal(t, 65, long.Physical())
	}
	assert.Nil(t, naming.Check(naming.Database, strings.Repeat("d", 41), "dev"))
	assert.Equal(t, "users-db-migration", naming.Migration("users-db"))
	assert.Equal(t, "users-db-migration-exec", naming.MigrationExecutionRole("users-db"))
}
