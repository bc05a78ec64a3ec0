package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// Who reads each secret of dev: the execution roles of the services ECS injects it into, and,
// for the RDS-managed master password, its migration task's execution role alone (it injects it).
func TestSecretsOfDev(t *testing.T) {
	ix, _ := dev(t)
	readers := map[string][]string{}
	for _, s := range ix.Secrets() {
		assert.Equal(t, query.CustomerManagedKey, s.Protection.Kind, s.Name)
		assert.Equal(t, "alias/secure-vpc/dev/secrets", s.Protection.Alias, s.Name)
		for _, p := range s.Readers {
			want := query.ServiceRolePrincipal
			if s.ManagedBy != nil {
				want = query.MigrationRolePrincipal
			}
			require.Equal(t, want, p.Kind, s.Name)
			readers[s.Name] = append(readers[s.Name], p.Label())
		}
		if s.ManagedBy != nil {
			assert.Equal(t, "users-db", query.Name(s.ManagedBy))
		}
	}
	assert.Equal(t, map[string][]string{
		"rds!users-db":                             {"users-db-migration (execution role)"},
		"secure-vpc/dev/app/payments-api-key":      {"orders (execution role)"},
		"secure-vpc/dev/cache/sessions":            {"mobile-bff (execution role)", "web-bff (execution role)"},
		"secure-vpc/dev/identity/verification-key": {"mobile-bff (execution role)", "orders (execution role)", "users (execution role)", "web-bff (execution role)"},
		"secure-vpc/dev/tls/mobile-bff":            {"mobile-bff (execution role)"},
		"secure-vpc/dev/tls/orders":                {"orders (execution role)"},
		"secure-vpc/dev/tls/users":                 {"users (execution role)"},
		"secure-vpc/dev/tls/web-bff":               {"web-bff (execution role)"},
	}, readers)

	s := named(t, ix, contract.TypeSecret, "identity-verification-key")
	got, policy := ix.SecretReaders(s)
	require.NotNil(t, policy)
	assert.Len(t, got, 4, "the roles tagged as the stack's execution roles")
	for _, p := range got {
		assert.Equal(t, contract.ExecutionRole, p.Role)
	}
}

func TestPrincipals(t *testing.T) {
	assert.True(t, query.IsAccountRoot("arn:aws:iam::123456789012:root"))
	assert.True(t, query.IsAccountRoot("123456789012"))
	assert.False(t, query.IsAccountRoot("arn:aws:iam::123456789012:role/x"))
	assert.Equal(t, "123456789012", query.AccountOf("arn:aws:iam::123456789012:root"))
	assert.Equal(t, "123456789012", query.AccountOf("123456789012"))
	for _, tc := range []struct {
		p    query.Principal
		want string
	}{
		{query.Principal{Kind: query.ServiceRolePrincipal, Service: "users", Role: contract.TaskRole}, "users (task role)"},
		{query.Principal{Kind: query.AccountPrincipal, Name: "123456789012"}, "account 123456789012"},
		{query.Principal{Kind: query.ARNPrincipal, Name: "arn:aws:iam::1:role/x"}, "arn:aws:iam::1:role/x"},
		{query.Principal{Kind: query.ForeignRolePrincipal, Name: "arn:aws:iam::1:role/x"}, "arn:aws:iam::1:role/x"},
		{query.Principal{Kind: query.AnyPrincipal, Name: "*"}, "*"},
	} {
		assert.Equal(t, tc.want, tc.p.Label())
	}
	ix, _ := dev(t)
	assert.Equal(t, query.ForeignRolePrincipal, ix.RolePrincipalOf("arn:aws:iam::1:role/elsewhere").Kind)
	assert.Equal(t, query.ARNPrincipal, ix.RolePrincipalOf("arn:aws:iam::1:user/elsewhere").Kind)

	// PrincipalOf tells a whole account (its root or its bare id) from a role, the same for a
	// bucket's policy and a secret's; IsRole is the role check DATA-08 makes.
	role := named(t, ix, contract.TypeIAMRole, "users-task-role")
	for _, tc := range []struct {
		arn    string
		kind   query.PrincipalKind
		name   string
		isRole bool
	}{
		{"arn:aws:iam::123456789012:root", query.AccountPrincipal, "123456789012", false},
		{"123456789012", query.AccountPrincipal, "123456789012", false},
		{query.Str(role, "arn"), query.ServiceRolePrincipal, "users-task-role", true},
		{"arn:aws:iam::1:role/elsewhere", query.ForeignRolePrincipal, "arn:aws:iam::1:role/elsewhere", true},
		{"arn:aws:iam::1:user/someone", query.ARNPrincipal, "arn:aws:iam::1:user/someone", false},
	} {
		p := ix.PrincipalOf(tc.arn)
		assert.Equal(t, tc.kind, p.Kind, tc.arn)
		assert.Equal(t, tc.name, p.Name, tc.arn)
		assert.Equal(t, tc.isRole, p.IsRole(), tc.arn)
	}
}
