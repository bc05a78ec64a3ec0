package query_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

func TestPropertyAccessors(t *testing.T) {
	r := &stackstate.Resource{
		URN:     "urn:pulumi:dev::secure-vpc::secure-vpc:network:Vpc$aws:ec2/subnet:Subnet::network-private-a",
		Inputs:  map[string]any{"s": "x", "b": true, "f": float64(3), "l": []any{"a", 1, "b"}, "null": nil, "tags": map[string]any{contract.TierTag: "private", "n": 1}},
		Outputs: map[string]any{"null": "from outputs", "computed": "out"},
	}
	assert.Equal(t, "network-private-a", query.Name(r))
	assert.Equal(t, "x", query.Str(r, "s"))
	assert.Equal(t, "", query.Str(r, "b"), "not a string")
	assert.Equal(t, "from outputs", query.Str(r, "null"), "a null input falls back to the outputs")
	assert.Equal(t, "out", query.Str(r, "computed"))
	b, set := query.Bool(r, "b")
	assert.True(t, b && set)
	_, set = query.Bool(r, "s")
	assert.False(t, set)
	n, set := query.Int(r, "f")
	assert.True(t, set)
	assert.Equal(t, 3, n)
	_, set = query.Int(r, "missing")
	assert.False(t, set)
	assert.Equal(t, []string{"a", "b"}, query.Strings(r, "l"), "non-strings are skipped")
	assert.Len(t, query.List(r, "l"), 3)
	assert.Equal(t, map[string]string{contract.TierTag: "private"}, query.Tags(r))
	assert.Equal(t, contract.Private, query.Tier(r))
	assert.Equal(t, contract.GroupKind(""), query.GroupKind(r))
	assert.Equal(t, "Subnet", query.ShortType(contract.TypeSubnet))
	for v, want := range map[any]int{float64(7): 7, int64(8): 8, 9: 9, "10": 0} {
		assert.Equal(t, want, query.ToInt(v))
	}
}
