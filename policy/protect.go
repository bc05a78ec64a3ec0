package policy

import (
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// TypeBucketLifecycle is the lifecycle configuration of a bucket.
const TypeBucketLifecycle = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"

// bucketGuards are the side resources that keep a bucket private, encrypted, versioned and logged.
var bucketGuards = []string{TypeBucketPAB, TypeBucketOwnership, TypeBucketVersioning, TypeBucketSSE, TypeBucketPolicy, TypeBucketLifecycle, TypeBucketLogging}

var protectInvariants = []Invariant{
	{
		ID: "DATA-09",
		Statement: "Whatever guards a protected store is protected with it: a bucket's public access block, ownership, versioning, encryption, lifecycle, logging and policy; " +
			"a key's alias; a secret's policy; a database's subnet and parameter groups; a cache's subnet group; and the roles their policies name. " +
			"A stack that protects its stores protects them all",
		Enforces: `Strategy 3, "Encryption at Rest" and "Secrets Management": no destroy order (pulumi destroy stops only at protected resources) can leave a kept store public, unencrypted or unreadable by its services`,
		check:    checkGuardsProtected,
	},
}

// Guards returns, for a store (a KMS key, bucket, database, cache or secret), the resources of
// the stack that guard it, each with what it does for the store.
func (ix *Index) Guards(store *Resource) map[*Resource]string {
	out := map[*Resource]string{}
	roles := func(docs []policydoc.Document, what string) {
		for _, doc := range docs {
			for _, st := range doc.Statement {
				names := st.Principals()["AWS"]
				for _, cond := range st.Condition {
					names = append(names, policydoc.StringList(cond["aws:PrincipalArn"])...)
				}
				for _, arn := range names {
					if r := ix.Ref(arn); r != nil && r.Type == TypeIAMRole {
						out[r] = what
					}
				}
				if tags := principalTags(st); len(tags) > 0 {
					for _, r := range ix.rolesTagged(tags) {
						out[r] = what
					}
				}
			}
		}
	}
	switch store.Type {
	case TypeKMSKey:
		for _, ref := range []string{store.ID, Str(store, "keyId"), Str(store, "arn")} {
			for _, a := range ix.Where(TypeKMSAlias, "targetKeyId", ref) {
				out[a] = "names the key for every policy and service that uses it"
			}
		}
	case TypeBucket:
		for _, typ := range bucketGuards {
			for _, g := range ix.SideResources(store, typ) {
				out[g] = "keeps the bucket private, encrypted, versioned and logged"
			}
		}
		roles(ix.bucketPolicies(store), "is named by the bucket's policy, and a role made again is a different principal to it")
	case TypeSecret:
		var docs []policydoc.Document
		for _, p := range append(ix.Where(TypeSecretPolicy, "secretArn", Str(store, "arn")), ix.Where(TypeSecretPolicy, "secretArn", store.ID)...) {
			out[p] = "limits who may read the secret"
			if doc := ix.PolicyOf(p); doc != nil {
				docs = append(docs, *doc)
			}
		}
		roles(docs, "is named by the secret's policy, and a role made again is a different principal to it")
	case TypeDBInstance:
		if g := ix.Named(TypeDBSubnetGroup, "name", Str(store, "dbSubnetGroupName")); g != nil {
			out[g] = "keeps the database in the isolated tier"
		}
		if g := ix.Named(TypeDBParameterGroup, "name", Str(store, "parameterGroupName")); g != nil {
			out[g] = "forces TLS on the database"
		}
	case TypeCache:
		if g := ix.Named(TypeCacheSubnetGroup, "name", Str(store, "subnetGroupName")); g != nil {
			out[g] = "keeps the cache in the isolated tier"
		}
	}
	delete(out, store)
	return out
}

func checkGuardsProtected(ix *Index) (int, []Finding) {
	var fs []Finding
	stores := ix.OfType(TypeKMSKey, TypeBucket, TypeDBInstance, TypeCache, TypeSecret)
	for _, store := range stores {
		if !store.Protect {
			continue
		}
		guards := ix.Guards(store)
		list := make([]*Resource, 0, len(guards))
		for g := range guards {
			list = append(list, g)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].URN < list[j].URN })
		for _, g := range list {
			if !g.Protect {
				fs = append(fs, finding(g, "guards the protected %s %s (it %s) but is not protected itself: a destroy would delete it and leave the store unguarded; protect it with the store",
					shortType(store.Type), Name(store), guards[g]))
			}
		}
	}
	// A stack that keeps some stores keeps them all: the stores hold data or the means to read it.
	var kept int
	for _, store := range append(stores, ix.OfType(TypeLogGroup)...) {
		if store.Protect {
			kept++
		}
	}
	if kept > 0 {
		for _, store := range append(stores, ix.OfType(TypeLogGroup)...) {
			if !store.Protect {
				fs = append(fs, finding(store, "is a store of a stack that protects its stores, but is not protected itself; protect it"))
			}
		}
	}
	return len(stores), fs
}
