package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
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
		got[query.Name(s.Resource)] = fact{s.Kind, s.Protection.Kind, s.Protection.Alias}
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
	assert.Equal(t, query.Unencrypted, ix.BucketProtection(ix.Ref("b")).Kind, "no configuration: none")
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
