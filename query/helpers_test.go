package query_test

import (
	"testing"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

// dev indexes a fresh copy of dev's recorded plan.
func dev(t *testing.T) (*query.Index, *stackstate.Export) {
	t.Helper()
	e := fixtures.Plan(t, "dev")
	return query.NewIndex(e), e
}

// named returns the one resource of a type with a logical name, failing the test if none.
func named(t *testing.T, ix *query.Index, typ, name string) *query.Resource {
	t.Helper()
	for _, r := range ix.OfType(typ) {
		if query.Name(r) == name {
			return r
		}
	}
	t.Fatalf("no %s named %s in the plan", typ, name)
	return nil
}

// res builds a resource for table tests.
func res(typ, name, id string, inputs map[string]any) stackstate.Resource {
	return stackstate.Resource{URN: "urn:pulumi:t::secure-vpc::" + typ + "::" + name, Custom: true, ID: id, Type: typ, Inputs: inputs}
}

// indexOf indexes hand-built resources.
func indexOf(rs ...stackstate.Resource) *query.Index {
	e := &stackstate.Export{Version: 3}
	e.Deployment.Resources = rs
	return query.NewIndex(e)
}
