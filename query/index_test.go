package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestIndexLookups(t *testing.T) {
	ix, e := dev(t)
	require.Len(t, ix.Resources, len(e.Deployment.Resources))

	db := named(t, ix, contract.TypeDBInstance, "users-db")
	assert.Same(t, db, ix.Ref(db.ID), "by id")
	assert.Same(t, db, ix.Ref(query.Str(db, "arn")), "by ARN")
	assert.Same(t, db, ix.URN(db.URN))
	assert.Nil(t, ix.Ref(""))
	assert.Nil(t, ix.Ref("no-such-id"))

	group := ix.Named(contract.TypeDBSubnetGroup, "name", query.Str(db, "dbSubnetGroupName"))
	require.NotNil(t, group, "a subnet group is referred to by name")
	assert.Equal(t, "users-db", query.Name(group))
	assert.Nil(t, ix.Named(contract.TypeDBSubnetGroup, "name", ""))

	// Where indexes list properties by each element.
	s3 := ix.Where(contract.TypeVpcEndpoint, "vpcEndpointType", "Gateway")
	require.Len(t, s3, 1)
	for _, rt := range query.Strings(s3[0], "routeTableIds") {
		assert.Contains(t, ix.Where(contract.TypeVpcEndpoint, "routeTableIds", rt), s3[0])
	}

	// OfType keeps the order of the types asked for, each in export order.
	both := ix.OfType(contract.TypeCache, contract.TypeDBInstance)
	require.Len(t, both, 2)
	assert.Equal(t, contract.TypeCache, both[0].Type)

	p := named(t, ix, contract.TypeBucketPolicy, "user-uploads")
	doc := ix.PolicyOf(p)
	require.NotNil(t, doc)
	assert.Same(t, doc, ix.PolicyOf(p), "parsed once")
	assert.Nil(t, ix.PolicyOf(db), "no policy input")
}

// An ARN names its own resource first, even when another resource takes it as its id.
func TestRefPrefersTheOwnerOfAnARN(t *testing.T) {
	arn := "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"
	ix := indexOf(
		res(contract.TypeSecretPolicy, "p", arn, map[string]any{"secretArn": arn}),
		res(contract.TypeSecret, "s", arn, map[string]any{"arn": arn}),
	)
	assert.Equal(t, contract.TypeSecret, ix.Ref(arn).Type)
}
