package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

// dev's data bucket: who each Deny spares or is limited to, who the Allows name, and the
// endpoint the task roles are held to.
func TestObjectDeniesOfDev(t *testing.T) {
	ix, _ := dev(t)
	b := named(t, ix, contract.TypeBucket, "user-uploads")
	bySid := map[string]query.ObjectDeny{}
	for _, d := range ix.ObjectDenies(b) {
		bySid[d.Statement.Sid] = d
	}
	readers, writers := ix.BucketUsers(b)
	require.Len(t, readers, 1)
	require.Len(t, writers, 1)
	assert.Equal(t, "web-bff", readers[0].Service)
	assert.Equal(t, "users", writers[0].Service)

	reads := bySid["DenyReadsButReaders"]
	assert.True(t, reads.AppliesToAll())
	require.Len(t, reads.SparedArns, 1)
	assert.Equal(t, readers[0], ix.PrincipalOf(reads.SparedArns[0]))
	assert.True(t, reads.Covers("s3:GetObjectVersionTagging"))

	outside := bySid["DenyTaskRolesOutsideTheS3Endpoint"]
	assert.False(t, outside.AppliesToAll(), "it holds the task roles only")
	assert.Len(t, outside.OnlyArns, 2)
	require.Len(t, outside.OutsideEndpoints, 1)
	ep := ix.S3GatewayEndpointOf(outside.OutsideEndpoints[0])
	require.NotNil(t, ep)
	assert.Equal(t, "network-s3", query.Name(ep))
	assert.Nil(t, ix.S3GatewayEndpointOf(named(t, ix, contract.TypeVpcEndpoint, "network-sts").ID), "an interface endpoint is not the S3 gateway")

	assert.True(t, bySid["DenyDestroyingVersions"].Unconditional())
	assert.False(t, bySid["DenyPlaintext"].Unconditional(), "TLS statements have a condition")
	assert.Equal(t, query.ObjectLock{}, ix.ObjectLockOf(b), "dev locks nothing")

	logs := named(t, ix, contract.TypeBucket, "access-logs")
	for _, d := range ix.ObjectDenies(logs) {
		if d.Statement.Sid == "DenyWritesButLogDelivery" {
			assert.ElementsMatch(t, []string{"logdelivery.elasticloadbalancing.amazonaws.com", "logging.s3.amazonaws.com"}, d.SparedServices)
			assert.Equal(t, []string{"156460612806"}, d.SparedAccounts)
			assert.Empty(t, d.SparedArns)
		}
	}
}

// A condition the reader does not know makes a Deny one that may spare anyone.
func TestObjectDenyWithAnUnknownCondition(t *testing.T) {
	ix := indexOf(
		res(contract.TypeBucket, "b", "b", map[string]any{"bucket": "b", "arn": "arn:aws:s3:::b"}),
		res(contract.TypeBucketPolicy, "b", "b", map[string]any{"bucket": "b", "policy": `{"Version":"2012-10-17","Statement":[
			{"Sid":"D","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:userid":"AROA*"}}},
			{"Sid":"Elsewhere","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`}),
		res(contract.TypeBucketObjectLock, "b", "b", map[string]any{"bucket": "b", "rule": map[string]any{"defaultRetention": map[string]any{"mode": "GOVERNANCE", "years": float64(1)}}}),
	)
	b := ix.OfType(contract.TypeBucket)[0]
	denies := ix.ObjectDenies(b)
	require.Len(t, denies, 1, "a Deny on another bucket's objects is not this bucket's")
	assert.True(t, denies[0].AnyPrincipal)
	assert.Equal(t, []string{"StringNotLike aws:userid"}, denies[0].Other)
	assert.False(t, denies[0].AppliesToAll())
	lock := ix.ObjectLockOf(b)
	assert.Equal(t, query.ObjectLock{Config: lock.Config, Enabled: true, Mode: "GOVERNANCE", Years: 1}, lock)
	assert.NotNil(t, lock.Config)
}
