package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestIdentityOfEachStack(t *testing.T) {
	for _, stack := range fixtures.Stacks {
		id := query.NewIndex(fixtures.Plan(t, stack)).Identity()
		assert.Equal(t, query.StackIdentity{Stack: stack, Project: "secure-vpc", Region: "eu-west-1", Account: "123456789012"}, id, stack)
	}
	empty := fixtures.Plan(t, "dev")
	empty.Deployment.Resources = nil
	assert.Equal(t, query.StackIdentity{}, query.NewIndex(empty).Identity(), "an export that does not say")
}
