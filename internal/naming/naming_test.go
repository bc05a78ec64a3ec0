package naming_test

import (
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
