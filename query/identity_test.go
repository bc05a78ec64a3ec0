package query_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/query"
)

// Identities match facts across two plans (dev and prod here): typed, free of ids, URNs and
// rendered labels.
func TestIdentitiesMatchAcrossStacks(t *testing.T) {
	dev, _ := dev(t)
	prod := query.NewIndex(fixtures.Plan(t, "prod"))

	pathKeys := func(ix *query.Index) []query.PathKey {
		var out []query.PathKey
		for _, p := range ix.Reachability() {
			out = append(out, p.Key())
		}
		return out
	}
	assert.Equal(t, pathKeys(dev), pathKeys(prod), "the same graph in both stacks")
	assert.True(t, slices.IsSortedFunc(pathKeys(dev), query.PathKey.Compare))

	storeIDs := func(ix *query.Index) []query.StoreID {
		var out []query.StoreID
		for _, s := range ix.Stores() {
			out = append(out, s.ID())
		}
		return out
	}
	assert.Equal(t, []query.StoreID{{query.DatabaseStore, "users-db"}, {query.CacheStore, "sessions"},
		{query.BucketStore, "access-logs"}, {query.BucketStore, "user-uploads"}}, sortedByName(storeIDs(dev)))
	assert.ElementsMatch(t, storeIDs(dev), storeIDs(prod))

	var rds []query.SecretID
	for _, s := range dev.Secrets() {
		if s.ManagedBy != nil {
			rds = append(rds, s.ID())
		}
		assert.Equal(t, query.KeyID{Kind: query.CustomerManagedKey, Name: "alias/secure-vpc/dev/secrets"}, s.Protection.ID(), s.Name)
	}
	assert.Equal(t, []query.SecretID{{Name: "rds!users-db", RDSManaged: true}}, rds)
}

// sortedByName puts databases, caches, then buckets by name, as Stores lists them.
func sortedByName(ids []query.StoreID) []query.StoreID {
	order := map[query.StoreKind]int{query.DatabaseStore: 0, query.CacheStore: 1, query.BucketStore: 2}
	slices.SortStableFunc(ids, func(a, b query.StoreID) int {
		if order[a.Kind] != order[b.Kind] {
			return order[a.Kind] - order[b.Kind]
		}
		return a.Compare(b)
	})
	return ids
}

func TestIdentityOrder(t *testing.T) {
	lb := query.NodeID{Kind: contract.LoadBalancerNode, Name: "web-bff-alb"}
	internet := query.NodeID{Kind: contract.InternetNode, Name: "internet"}
	p80 := query.PathKey{From: internet, To: lb, Protocol: "tcp", FromPort: 80, ToPort: 80}
	p443 := query.PathKey{From: internet, To: lb, Protocol: "tcp", FromPort: 443, ToPort: 443}
	assert.Negative(t, p80.Compare(p443), "ports compare as numbers")
	assert.Zero(t, p80.Compare(p80))

	s3 := query.Node{Kind: contract.EndpointNode, Name: "s3"}
	gw := query.Node{Kind: contract.EndpointNode, Name: "s3", Gateway: true}
	assert.NotEqual(t, s3.ID(), gw.ID(), "the gateway endpoint is another node")
	assert.Negative(t, s3.ID().Compare(gw.ID()))

	task := query.Principal{Kind: query.ServiceRolePrincipal, Service: "users", Role: contract.TaskRole, Name: "users-task-role"}
	exec := query.Principal{Kind: query.ServiceRolePrincipal, Service: "users", Role: contract.ExecutionRole, Name: "users-exec-role"}
	account := query.Principal{Kind: query.AccountPrincipal, Name: "123456789012"}
	ps := []query.Principal{task, account, exec}
	slices.SortFunc(ps, query.Principal.Compare)
	assert.Equal(t, []query.Principal{account, exec, task}, ps)

	assert.Equal(t, query.KeyID{Kind: query.SSES3}, query.KeyProtection{Kind: query.SSES3}.ID())
	assert.Equal(t, query.KeyID{Kind: query.ForeignKey, Name: "arn:x"}, query.KeyProtection{Kind: query.ForeignKey, Ref: "arn:x"}.ID())
	assert.Negative(t, query.SecretID{Name: "a"}.Compare(query.SecretID{Name: "a", RDSManaged: true}))
}
