package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

func TestIdentityPoliciesOfDev(t *testing.T) {
	ix, _ := dev(t)
	policies := ix.IdentityPolicies()
	for _, rp := range ix.OfType(contract.TypeRolePolicy) {
		assert.Len(t, policies[rp], 1, rp.URN)
	}
	assert.Len(t, policies, len(ix.OfType(contract.TypeRolePolicy, contract.TypeIAMPolicy)), "dev's roles carry no inline policies")
}
