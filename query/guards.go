package query

import (
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// bucketGuards are the side resources that keep a bucket private, encrypted, versioned (and its
// versions locked) and logged.
var bucketGuards = []string{contract.TypeBucketPAB, contract.TypeBucketOwnership, contract.TypeBucketVersioning, contract.TypeBucketObjectLock,
	contract.TypeBucketSSE, contract.TypeBucketPolicy, contract.TypeBucketLifecycle, contract.TypeBucketLogging}

// Guards returns, for a store (a KMS key, bucket, database, cache or secret), the resources of
// the stack that guard it, each with what it does for the store, in words. Other types have none.
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
					if r := ix.Ref(arn); r != nil && r.Type == contract.TypeIAMRole {
						out[r] = what
					}
				}
				if tags := PrincipalTags(st); len(tags) > 0 {
					for _, r := range ix.RolesTagged(tags) {
						out[r] = what
					}
				}
			}
		}
	}
	switch store.Type {
	case contract.TypeKMSKey:
		for _, ref := range []string{store.ID, Str(store, "keyId"), Str(store, "arn")} {
			for _, a := range ix.Where(contract.TypeKMSAlias, "targetKeyId", ref) {
				out[a] = "names the key for every policy and service that uses it"
			}
		}
	case contract.TypeBucket:
		for _, typ := range bucketGuards {
			for _, g := range ix.SideResources(store, typ) {
				out[g] = "keeps the bucket private, encrypted, versioned (and its versions locked) and logged"
			}
		}
		roles(ix.BucketPolicies(store), "is named by the bucket's policy, and a role made again is a different principal to it")
	case contract.TypeSecret:
		var docs []policydoc.Document
		for _, p := range ix.SecretPolicies(store) {
			out[p] = "limits who may read the secret"
			if doc := ix.PolicyOf(p); doc != nil {
				docs = append(docs, *doc)
			}
		}
		roles(docs, "is named by the secret's policy, and a role made again is a different principal to it")
	case contract.TypeDBInstance:
		if g := ix.SubnetGroupOf(store); g != nil {
			out[g] = "keeps the database in the isolated tier"
		}
		if g := ix.ParameterGroupOf(store); g != nil {
			out[g] = "forces TLS on the database"
		}
	case contract.TypeCache:
		if g := ix.SubnetGroupOf(store); g != nil {
			out[g] = "keeps the cache in the isolated tier"
		}
	}
	delete(out, store)
	return out
}
