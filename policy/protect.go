package policy

import (
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

var protectInvariants = []Invariant{
	{
		ID: "DATA-09",
		Statement: "Whatever guards a protected store is protected with it: a bucket's public access block, ownership, versioning, Object Lock, encryption, lifecycle, logging and policy; " +
			"a key's alias; a secret's policy; a database's subnet and parameter groups; a cache's subnet group; and the roles their policies name. " +
			"A stack that protects its stores protects them all",
		Enforces: `Strategy 3, "Encryption at Rest" and "Secrets Management": no destroy order (pulumi destroy stops only at protected resources) can leave a kept store public, unencrypted or unreadable by its services`,
		Covers:   []string{contract.TypeKMSKey, contract.TypeKMSAlias, contract.TypeBucket, contract.TypeBucketPAB, contract.TypeBucketOwnership, contract.TypeBucketVersioning, contract.TypeBucketObjectLock, contract.TypeBucketSSE, contract.TypeBucketLifecycle, contract.TypeBucketLogging, contract.TypeBucketPolicy, contract.TypeDBInstance, contract.TypeDBSubnetGroup, contract.TypeDBParameterGroup, contract.TypeCache, contract.TypeCacheSubnetGroup, contract.TypeSecret, contract.TypeSecretPolicy, contract.TypeIAMRole, contract.TypeLogGroup},
		check:    checkGuardsProtected,
	},
}

func checkGuardsProtected(ix *query.Index) (int, []Finding) {
	var fs []Finding
	stores := ix.OfType(contract.TypeKMSKey, contract.TypeBucket, contract.TypeDBInstance, contract.TypeCache, contract.TypeSecret)
	for _, store := range stores {
		if !store.Protect {
			continue
		}
		guards := ix.Guards(store)
		list := make([]*query.Resource, 0, len(guards))
		for g := range guards {
			list = append(list, g)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].URN < list[j].URN })
		for _, g := range list {
			if !g.Protect {
				fs = append(fs, finding(g, "guards the protected %s %s (it %s) but is not protected itself: a destroy would delete it and leave the store unguarded; protect it with the store",
					query.ShortType(store.Type), query.Name(store), guards[g]))
			}
		}
	}
	// A stack that keeps some stores keeps them all: the stores hold data or the means to read it.
	var kept int
	for _, store := range append(stores, ix.OfType(contract.TypeLogGroup)...) {
		if store.Protect {
			kept++
		}
	}
	if kept > 0 {
		for _, store := range append(stores, ix.OfType(contract.TypeLogGroup)...) {
			if !store.Protect {
				fs = append(fs, finding(store, "is a store of a stack that protects its stores, but is not protected itself; protect it"))
			}
		}
	}
	return len(stores), fs
}
