package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// The orders task injects its TLS material, the verification key and its app secret, each from a
// secret of the stack with one version; the migration task's master secret is RDS's, not listed.
func TestInjectedSecretsOfDev(t *testing.T) {
	ix, _ := dev(t)
	got := map[string]string{}
	for _, in := range ix.InjectedSecrets(named(t, ix, contract.TypeTaskDefinition, "orders")) {
		got[in.Env] = query.Name(in.Secret)
		assert.Len(t, in.Versions, 1, in.Env)
	}
	assert.Equal(t, map[string]string{
		"TLS_CERTIFICATE": "tls-orders", "TLS_PRIVATE_KEY": "tls-orders", "TLS_CA_CERTIFICATE": "tls-orders",
		"IDENTITY_VERIFICATION_KEY": "identity-verification-key", "APP_PAYMENTS_API_KEY": "app-payments-api-key",
	}, got)
	assert.Empty(t, ix.InjectedSecrets(named(t, ix, contract.TypeTaskDefinition, "users-db-migration")), "RDS writes the master secret")
}
