package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// Which key protects each store of dev, and who its security groups or policy admit.
func TestStoresOfDev(t *testing.T) {
	ix, _ := dev(t)
	type fact struct {
		kind  query.StoreKind
		prot  query.ProtectionKind
		alias string
	}
	got := map[string]fact{}
	access := map[string][]string{}
	for _, s := range ix.Stores() {
		got[query.Name(s.Resource)] = fact{s.Kind, s.Encryption.Protection.Kind, s.Encryption.Protection.Alias}
		assert.True(t, s.Encryption.Enabled, query.Name(s.Resource))
		assert.Equal(t, s.Encryption, ix.EncryptionOf(s.Resource), query.Name(s.Resource))
		if s.Access != nil {
			access[query.Name(s.Resource)] = s.Access.Services
		}
	}
	assert.Equal(t, map[string]fact{
		"users-db":     {query.DatabaseStore, query.CustomerManagedKey, "alias/secure-vpc/dev/data"},
		"sessions":     {query.CacheStore, query.CustomerManagedKey, "alias/secure-vpc/dev/data"},
		"user-uploads": {query.BucketStore, query.CustomerManagedKey, "alias/secure-vpc/dev/data"},
		"access-logs":  {query.BucketStore, query.SSES3, ""},
	}, got)
	assert.Equal(t, map[string][]string{"users-db": {"users"}, "sessions": {"mobile-bff", "web-bff"}}, access)

	for _, a := range ix.StoreAccesses() {
		assert.Empty(t, a.Problems, query.Name(a.Store))
		assert.Equal(t, a.Declared, a.Services, query.Name(a.Store))
	}

	uploads := named(t, ix, contract.TypeBucket, "user-uploads")
	assert.True(t, ix.BucketDeniesPlaintext(uploads))
	var who []string
	for _, a := range ix.BucketPrincipals(uploads) {
		require.Equal(t, query.ServiceRolePrincipal, a.Who.Kind)
		assert.Equal(t, contract.TaskRole, a.Who.Role)
		who = append(who, a.Who.Service+" "+a.Access)
	}
	assert.ElementsMatch(t, []string{"users writes", "web-bff reads"}, who)

	var logs []query.PrincipalKind
	for _, a := range ix.BucketPrincipals(named(t, ix, contract.TypeBucket, "access-logs")) {
		assert.Equal(t, query.DeliversLogs, a.Access)
		logs = append(logs, a.Who.Kind)
	}
	assert.ElementsMatch(t, []query.PrincipalKind{query.AWSServicePrincipal, query.AWSServicePrincipal, query.AccountPrincipal}, logs,
		"the S3 and ELB log delivery services, and the ELB account of the region")
}

func TestProtectionOfAReference(t *testing.T) {
	ix, _ := dev(t)
	key := named(t, ix, contract.TypeKMSKey, "keys-data")
	for _, ref := range []string{key.ID, query.Str(key, "arn")} {
		p := ix.Protection(ref)
		assert.Equal(t, query.CustomerManagedKey, p.Kind)
		assert.Same(t, key, p.Key)
		assert.Equal(t, "alias/secure-vpc/dev/data", p.Alias)
	}
	assert.Equal(t, query.KeyProtection{Kind: query.Unencrypted}, ix.Protection(""))
	assert.Equal(t, query.KeyProtection{Kind: query.AWSManagedKey, Ref: "alias/aws/s3"}, ix.Protection("alias/aws/s3"))
	foreign := "arn:aws:kms:eu-west-1:999999999999:key/elsewhere"
	assert.Equal(t, query.KeyProtection{Kind: query.ForeignKey, Ref: foreign}, ix.Protection(foreign))
	assert.Equal(t, query.ForeignKey, ix.Protection(named(t, ix, contract.TypeSecurityGroup, "svc-users").ID).Kind, "a resource that is not a key")
}

func TestBucketEncryption(t *testing.T) {
	sse := res(contract.TypeBucketSSE, "sse", "b", map[string]any{"rules": []any{map[string]any{
		"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}, "bucketKeyEnabled": true}}})
	alg, key, bucketKey := query.BucketEncryption(&sse)
	assert.Equal(t, []any{"aws:kms", "k", true}, []any{alg, key, bucketKey})
	ix := indexOf(res(contract.TypeBucket, "b", "b", map[string]any{"bucket": "b"}))
	assert.Equal(t, query.Encryption{Protection: query.KeyProtection{Kind: query.Unencrypted}}, ix.EncryptionOf(ix.Ref("b")), "no configuration: none")
}

// A whole account is an AccountPrincipal on a bucket as on a secret, whether the policy names
// its root or its bare id.
func TestBucketPrincipalsTellAccountsApart(t *testing.T) {
	ix := indexOf(
		res(contract.TypeBucket, "b", "b", map[string]any{"bucket": "b"}),
		res(contract.TypeBucketPolicy, "b", "b", map[string]any{"bucket": "b", "policy": `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"]},"Action":"s3:PutObject","Resource":"*"}]}`}),
	)
	var got []query.BucketAccess
	got = append(got, ix.BucketPrincipals(ix.Ref("b"))...)
	assert.Equal(t, []query.BucketAccess{
		{Who: query.Principal{Kind: query.AccountPrincipal, Name: "111122223333"}, Access: query.DeliversLogs},
		{Who: query.Principal{Kind: query.AccountPrincipal, Name: "444455556666"}, Access: query.DeliversLogs},
	}, got)
}

// The encryption of each store of dev, as DATA-01 judges it and the report shows it.
func TestEncryptionOfDev(t *testing.T) {
	ix, _ := dev(t)
	db := ix.EncryptionOf(named(t, ix, contract.TypeDBInstance, "users-db"))
	assert.True(t, db.Enabled)
	require.NotNil(t, db.Insights, "Performance Insights is on, with its own key")
	assert.Equal(t, query.CustomerManagedKey, db.Insights.Kind)

	uploads := ix.EncryptionOf(named(t, ix, contract.TypeBucket, "user-uploads"))
	assert.Equal(t, []any{true, "aws:kms", true, query.CustomerManagedKey}, []any{uploads.Enabled, uploads.Algorithm, uploads.BucketKey, uploads.Protection.Kind})
	logs := ix.EncryptionOf(named(t, ix, contract.TypeBucket, "access-logs"))
	assert.Equal(t, []any{true, "AES256", query.SSES3}, []any{logs.Enabled, logs.Algorithm, logs.Protection.Kind})

	for _, s := range ix.OfType(contract.TypeSecret) {
		enc := ix.EncryptionOf(s)
		assert.True(t, enc.Enabled, query.Name(s))
		assert.Equal(t, query.CustomerManagedKey, enc.Protection.Kind, query.Name(s))
	}
}

// A store whose encryption flag is off is unencrypted whatever key it names: the key column of
// the report follows the same fact DATA-01 judges. A bucket is judged by its first configuration.
func TestEncryptionFollowsTheEnabledFlags(t *testing.T) {
	key := res(contract.TypeKMSKey, "k", "k-1", map[string]any{"arn": "arn:aws:kms:eu-west-1:111122223333:key/k-1"})
	for _, tc := range []struct {
		name  string
		store stackstate.Resource
		want  query.ProtectionKind
		on    bool
	}{
		{"database off", res(contract.TypeDBInstance, "db", "db-1", map[string]any{"storageEncrypted": false, "kmsKeyId": "k-1"}), query.Unencrypted, false},
		{"database unset", res(contract.TypeDBInstance, "db", "db-1", map[string]any{"kmsKeyId": "k-1"}), query.Unencrypted, false},
		{"database on", res(contract.TypeDBInstance, "db", "db-1", map[string]any{"storageEncrypted": true, "kmsKeyId": "k-1"}), query.CustomerManagedKey, true},
		{"database on, AWS key", res(contract.TypeDBInstance, "db", "db-1", map[string]any{"storageEncrypted": true, "kmsKeyId": "alias/aws/rds"}), query.AWSManagedKey, true},
		{"cache off", res(contract.TypeCache, "c", "c-1", map[string]any{"atRestEncryptionEnabled": false, "kmsKeyId": "k-1"}), query.Unencrypted, false},
		{"cache on", res(contract.TypeCache, "c", "c-1", map[string]any{"atRestEncryptionEnabled": true, "kmsKeyId": "k-1"}), query.CustomerManagedKey, true},
		{"secret", res(contract.TypeSecret, "s", "s-1", map[string]any{"kmsKeyId": "k-1"}), query.CustomerManagedKey, true},
		{"secret without a key", res(contract.TypeSecret, "s", "s-1", map[string]any{}), query.Unencrypted, true},
	} {
		ix := indexOf(key, tc.store)
		enc := ix.EncryptionOf(ix.Ref(tc.store.ID))
		assert.Equal(t, tc.want, enc.Protection.Kind, tc.name)
		assert.Equal(t, tc.on, enc.Enabled, tc.name)
		assert.Nil(t, enc.Insights, tc.name)
	}

	sse := func(name, alg string) stackstate.Resource {
		return res(contract.TypeBucketSSE, name, name, map[string]any{"bucket": "b", "rules": []any{map[string]any{
			"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": alg, "kmsMasterKeyId": "k-1"}}}})
	}
	ix := indexOf(key, res(contract.TypeBucket, "b", "b", map[string]any{"bucket": "b"}), sse("first", "AES256"), sse("second", "aws:kms"))
	enc := ix.EncryptionOf(ix.Ref("b"))
	assert.Equal(t, []any{"AES256", query.SSES3, false}, []any{enc.Algorithm, enc.Protection.Kind, enc.BucketKey}, "the first configuration, as DATA-01 judges it")
}

func TestStoreGroupsOfDev(t *testing.T) {
	ix, _ := dev(t)
	db := named(t, ix, contract.TypeDBInstance, "users-db")
	cache := named(t, ix, contract.TypeCache, "sessions")
	for _, store := range []*query.Resource{db, cache} {
		g := ix.SubnetGroupOf(store)
		require.NotNil(t, g, query.Name(store))
		for _, id := range query.Strings(g, "subnetIds") {
			assert.Equal(t, contract.Isolated, query.Tier(ix.Ref(id)), query.Name(store))
		}
	}
	assert.Equal(t, contract.TypeDBSubnetGroup, ix.SubnetGroupOf(db).Type)
	assert.Equal(t, contract.TypeCacheSubnetGroup, ix.SubnetGroupOf(cache).Type)
	assert.Equal(t, contract.TypeDBParameterGroup, ix.ParameterGroupOf(db).Type)
	assert.Nil(t, ix.SubnetGroupOf(named(t, ix, contract.TypeBucket, "user-uploads")))
}
