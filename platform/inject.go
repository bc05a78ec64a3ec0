package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// inject gives a service's Args what its wiring says, resolved against what the vault and the
// stores created: each secret's ARN (and what must exist before a task reads it), each store
// output its environment carries, and the stores its task role is granted. A BFF's
// IDENTITY_SIGNING_KEY_ARN is the signer's key, which its task role may then sign with.
func (w ServiceWiring) inject(args *compute.ServiceArgs, vault *secrets.Vault, stores *storeOutputs, signer *secrets.TokenSigner) {
	env := map[string]pulumi.StringInput{}
	for _, v := range w.Variables {
		switch {
		case v.IsSecret():
			kind := v.Secret.Kind
			args.Secrets = append(args.Secrets, compute.InjectedSecret{Env: v.Name, Arn: vault.SecretArn(kind, v.Secret.Name), JSONKey: v.Secret.JSONKey,
				Ready: vault.SecretReady(kind, v.Secret.Name)})
		case v.Output.Attr == SigningKeyArn:
			env[v.Name], args.SigningKeyArn = signer.KeyArn, signer.KeyArn
		case v.Output != StoreOutput{}:
			env[v.Name] = stores.output(v.Output)
		default:
			env[v.Name] = pulumi.String(v.Value)
		}
	}
	for _, d := range w.Databases {
		db := stores.dbs[d.Database]
		args.Databases = append(args.Databases, compute.DatabaseAccess{Name: d.Database, ResourceID: db.ResourceID, User: d.User, MasterSecretArn: db.MasterSecretArn})
	}
	for _, b := range w.Buckets {
		args.Buckets = append(args.Buckets, compute.BucketAccess{Name: b.Bucket, Arn: stores.bucketsBy[b.Bucket].Arn, Read: b.Read, Write: b.Write})
	}
	args.Environment = env
}

// output is the Output a store gives for a StoreOutput.
func (s *storeOutputs) output(o StoreOutput) pulumi.StringInput {
	switch o.Attr {
	case DatabaseAddress:
		return s.dbs[o.Store].Address
	case DatabaseMasterSecretArn:
		return s.dbs[o.Store].MasterSecretArn
	case CacheEndpoint:
		return s.cachesBy[o.Store].PrimaryEndpoint
	case BucketName:
		return s.bucketsBy[o.Store].BucketName
	}
	panic("platform: no store output " + string(o.Attr)) // a StoreAttr without a case here
}
