package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestGuardsOfDev(t *testing.T) {
	ix, _ := dev(t)
	types := func(store *query.Resource) map[string]int {
		out := map[string]int{}
		for g := range ix.Guards(store) {
			out[g.Type]++
		}
		return out
	}
	assert.Equal(t, map[string]int{
		contract.TypeBucketPAB: 1, contract.TypeBucketOwnership: 1, contract.TypeBucketVersioning: 1, contract.TypeBucketSSE: 1,
		contract.TypeBucketPolicy: 1, contract.TypeBucketLifecycle: 1, contract.TypeBucketLogging: 1,
		contract.TypeIAMRole: 2, // the users and web-bff task roles its policy names
	}, types(named(t, ix, contract.TypeBucket, "user-uploads")))
	assert.Equal(t, map[string]int{contract.TypeKMSAlias: 1}, types(named(t, ix, contract.TypeKMSKey, "keys-data")))
	assert.Equal(t, map[string]int{contract.TypeDBSubnetGroup: 1, contract.TypeDBParameterGroup: 1}, types(named(t, ix, contract.TypeDBInstance, "users-db")))
	assert.Equal(t, map[string]int{contract.TypeCacheSubnetGroup: 1}, types(named(t, ix, contract.TypeCache, "sessions")))
	assert.Equal(t, map[string]int{contract.TypeSecretPolicy: 1, contract.TypeIAMRole: 1}, types(named(t, ix, contract.TypeSecret, "tls-users")))
	assert.Empty(t, ix.Guards(named(t, ix, contract.TypeSecurityGroup, "svc-users")), "not a store")
}
