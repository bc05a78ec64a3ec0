package platform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/compute"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// inject gives a service's Args what its wiring says, resolved against what the vault and the
// stores created: each secret's ARN (and what must exist before a task reads it), each store
// output its environment carries, and the stores its task role is granted. A BFF's
// IDENTITY_SIGNING_KEY_ARN is the signer's key, which its task role may then sign with; with AWS
// Private CA, TLS_CERTIFICATE_AUTHORITY_ARN is the issuing CA, which its task role may then issue
// from, and the service waits for every generation's CA certificate to be installed.
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
		case v.Output.Attr == CertificateAuthorityArn:
			env[v.Name], args.CertificateAuthorityArn = vault.CertificateAuthorityArn, vault.CertificateAuthorityArn
			args.DependsOn = append(args.DependsOn, vault.IssuerReady()...)
		case v.Output.Attr == CACertificateBundle:
			env[v.Name] = vault.CACertificate
		case v.Output != StoreOutput{}:
			env[v.Name] = stores.output(v.Output)
		case v.Revision:
			env[v.Name] = w.secretsRevision(vault)
		default:
			env[v.Name] = pulumi.String(v.Value)
		}
	}
	for _, d := range w.Databases {
		db := stores.dbs[d.Database]
		args.Databases = append(args.Databases, compute.DatabaseAccess{Name: d.Database, ResourceID: db.ResourceID, User: d.User})
	}
	for _, b := range w.Buckets {
		args.Buckets = append(args.Buckets, compute.BucketAccess{Name: b.Bucket, Arn: stores.bucketsBy[b.Bucket].Arn, Read: b.Read, Write: b.Write})
	}
	args.Environment = env
}

// secretsRevision digests the version ids of the secrets the service reads, in contract order:
// 16 hex characters of a SHA-256, which change with any of them.
func (w ServiceWiring) secretsRevision(vault *secrets.Vault) pulumi.StringOutput {
	var versions []any
	for _, s := range w.SecretsRead() {
		versions = append(versions, pulumi.Sprintf("%s/%s=%s", s.Kind, s.Name, vault.SecretVersionID(s.Kind, s.Name)))
	}
	return pulumi.All(versions...).ApplyT(func(xs []any) string {
		entries := make([]string, len(xs))
		for i, x := range xs {
			entries[i] = x.(string)
		}
		return revisionOf(entries)
	}).(pulumi.StringOutput)
}

// revisionOf digests "<kind>/<name>=<version id>" entries, in order: 16 hex characters of their
// SHA-256.
func revisionOf(entries []string) string {
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintln(h, e)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// inject gives a migration's Args what its wiring says: its image, the database's outputs its
// environment carries, and the keys of the master secret ECS injects.
func (w MigrationWiring) inject(args *compute.MigrationArgs, stores *storeOutputs) {
	args.Database, args.Image = w.Database, w.Image
	args.Environment = map[string]pulumi.StringInput{}
	for _, v := range w.Variables {
		if v.Output != (StoreOutput{}) {
			args.Environment[v.Name] = stores.output(v.Output)
		} else {
			args.Environment[v.Name] = pulumi.String(v.Value)
		}
	}
	for _, v := range w.MasterSecret {
		args.Secrets = append(args.Secrets, compute.InjectedSecret{Env: v.Name, Arn: stores.dbs[w.Database].MasterSecretArn, JSONKey: v.JSONKey})
	}
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
