package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/secrets"
)

// ServiceWiring is the task contract of one service, from the validated Spec alone: every
// variable its tasks receive (the README's table "What a task receives") and the stores its
// task role is granted. It holds plain values and no Pulumi Output, so it can be read and tested
// without running the program; Build resolves its secrets to ARNs and its store outputs to the
// stores' Outputs (inject.go). The loader uses it too, to refuse two variables of one name, and
// the quota check, to size the services' role policies.
type ServiceWiring struct {
	Service string
	// Variables are in contract order: TLS and identity secrets, the service's own variables,
	// the signing key's ARN for a BFF, then app secrets, callees, databases, caches and buckets, each
	// group in name order (callees in the order of `calls`). The order is the one in which a
	// duplicate name is reported, and the order of the task definition's secrets.
	Variables []TaskVariable
	Databases []DatabaseGrant // the databases it owns, in name order
	Buckets   []BucketGrant   // the buckets it reads or writes, in name order
}

// TaskVariable is one variable a service's tasks receive: either a secret ECS injects at task
// start (Secret set; never in the task definition's environment) or an environment variable
// (Value, or Output when only the store knows it once created).
type TaskVariable struct {
	Name   string
	From   string        // the config key it comes from, as problems name it
	Secret *SecretSource // the secret ECS injects it from; nil for an environment variable
	Value  string        // an environment variable's value, when the config decides it
	Output StoreOutput   // an environment variable's value, when a store gives it; zero otherwise
}

// IsSecret reports whether ECS injects the variable from a secret.
func (v TaskVariable) IsSecret() bool { return v.Secret != nil }

// SecretSource is a secret of the vault, by kind and name, and the key of its JSON value that a
// variable takes ("" for the whole secret string).
type SecretSource struct {
	Kind    contract.SecretKind
	Name    string
	JSONKey string
}

// StoreOutput names an output of a store (or of the identity-token signer), known only once it
// exists.
type StoreOutput struct {
	Store string    // the store's config name, e.g. users-db, or secrets.IdentityTokenSigner
	Attr  StoreAttr // which of its outputs
}

// StoreAttr is an output of a store that a service's environment carries.
type StoreAttr string

// The store outputs a task's environment carries.
const (
	DatabaseAddress         StoreAttr = "address"         // a database instance's host name
	DatabaseMasterSecretArn StoreAttr = "masterSecretArn" // the ARN of its RDS-managed master secret
	CacheEndpoint           StoreAttr = "primaryEndpoint" // a cache's primary endpoint host name
	BucketName              StoreAttr = "bucketName"      // a bucket's physical name
)

// SigningKeyArn is the ARN of the identity-token signing key, an output of the token signer
// (StoreOutput{secrets.IdentityTokenSigner, SigningKeyArn}) rather than of a store: a BFF signs
// with it (kms:Sign), which its task role is granted.
const SigningKeyArn StoreAttr = "keyArn"

// DatabasePort is the port a database listens on: a key of the stack's `databases` output beside
// DatabaseAddress and DatabaseMasterSecretArn. It is no store output of a task's environment: a
// task's DB_<NAME>_PORT comes from the config.
const DatabasePort StoreAttr = "port"

// DatabaseGrant lets a service (the database's owner) connect with IAM authentication as User,
// and read the master secret.
type DatabaseGrant struct {
	Database string
	User     string
}

// BucketGrant is what a service may do with a bucket.
type BucketGrant struct {
	Bucket      string
	Read, Write bool
}

// Secrets are the variables ECS injects from secrets, in contract order.
func (w ServiceWiring) Secrets() []TaskVariable {
	return slices.DeleteFunc(slices.Clone(w.Variables), func(v TaskVariable) bool { return !v.IsSecret() })
}

// SecretsRead lists the distinct secrets the service's execution role reads (several variables
// can come from one secret), in contract order.
func (w ServiceWiring) SecretsRead() []SecretSource {
	var out []SecretSource
	for _, v := range w.Secrets() {
		s := SecretSource{Kind: v.Secret.Kind, Name: v.Secret.Name}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// WireService returns the task contract of a service of the spec.
func WireService(spec *Spec, name string) ServiceWiring {
	svc := spec.Services[name]
	w := ServiceWiring{Service: name}
	sk := nsKey(keyServices) + "." + name
	secret := func(env, from string, kind contract.SecretKind, secretName, jsonKey string) {
		w.Variables = append(w.Variables, TaskVariable{Name: env, From: from, Secret: &SecretSource{kind, secretName, jsonKey}})
	}
	value := func(env, from, v string) {
		w.Variables = append(w.Variables, TaskVariable{Name: env, From: from, Value: v})
	}
	output := func(env, from, store string, attr StoreAttr) {
		w.Variables = append(w.Variables, TaskVariable{Name: env, From: from, Output: StoreOutput{store, attr}})
	}

	secret("TLS_CERTIFICATE", sk, contract.TLSSecret, name, secrets.TLSCertificateKey)
	secret("TLS_PRIVATE_KEY", sk, contract.TLSSecret, name, secrets.TLSPrivateKeyKey)
	secret("TLS_CA_CERTIFICATE", sk, contract.TLSSecret, name, secrets.TLSCACertificateKey)
	secret("IDENTITY_VERIFICATION_KEY", sk, contract.IdentitySecret, secrets.IdentityVerificationKey, "")
	value("SERVICE_NAME", sk, name)
	value("SERVICE_DNS", sk, naming.ServiceDNS(name, spec.Stack))
	value("PORT", sk+".port", fmt.Sprint(svc.Port))
	value("ENVIRONMENT", nsKey(keyEnvironment), string(spec.Environment))
	if svc.Public {
		// The key signs in KMS, with no key material in the task: the BFF gets its ARN.
		output("IDENTITY_SIGNING_KEY_ARN", sk+".public", secrets.IdentityTokenSigner, SigningKeyArn)
	}
	for _, s := range sortedNames(spec.Secrets) {
		if slices.Contains(spec.Secrets[s].Readers, name) {
			secret("APP_"+envName(s), nsKey(keySecrets)+"."+s, contract.AppSecret, s, "")
		}
	}
	for _, callee := range svc.Calls {
		value(envName(callee)+"_URL", sk+".calls ("+callee+")", fmt.Sprintf("https://%s:%d", naming.ServiceDNS(callee, spec.Stack), spec.Services[callee].Port))
	}
	for _, d := range sortedNames(spec.Databases) {
		db := spec.Databases[d]
		if db.Owner != name {
			continue
		}
		dk, prefix := nsKey(keyDatabases)+"."+d, "DB_"+envName(d)+"_"
		// RDS rotates the master password every 7 days: a value injected at task start would go
		// stale, so the service gets the secret's ARN and reads it when it connects.
		output(prefix+"MASTER_SECRET_ARN", dk, d, DatabaseMasterSecretArn)
		output(prefix+"HOST", dk, d, DatabaseAddress)
		value(prefix+"PORT", dk, fmt.Sprint(db.Port))
		value(prefix+"NAME", dk, naming.DatabaseName(d))
		value(prefix+"IAM_USER", dk, naming.DatabaseUser(name))
		w.Databases = append(w.Databases, DatabaseGrant{Database: d, User: naming.DatabaseUser(name)})
	}
	for _, c := range sortedNames(spec.Caches) {
		cache := spec.Caches[c]
		if !slices.Contains(cache.Users, name) {
			continue
		}
		ck, prefix := nsKey(keyCaches)+"."+c, "CACHE_"+envName(c)+"_"
		secret(prefix+"AUTH_TOKEN", ck, contract.CacheSecret, c, "")
		output(prefix+"HOST", ck, c, CacheEndpoint)
		value(prefix+"PORT", ck, fmt.Sprint(cache.Port))
	}
	for _, b := range sortedNames(spec.Buckets) {
		bucket := spec.Buckets[b]
		read, write := slices.Contains(bucket.Readers, name), slices.Contains(bucket.Writers, name)
		if !read && !write {
			continue
		}
		output("BUCKET_"+envName(b), nsKey(keyBuckets)+"."+b, b, BucketName)
		w.Buckets = append(w.Buckets, BucketGrant{Bucket: b, Read: read, Write: write})
	}
	return w
}

// envName turns a config name into an environment variable name (users-db -> USERS_DB).
func envName(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// checkContracts refuses a graph that would give a service's tasks two variables of one name,
// of which ECS would let one silently win.
func checkContracts(spec *Spec, ps *problems) {
	for _, name := range sortedNames(spec.Services) {
		from := map[string]string{}
		for _, v := range WireService(spec, name).Variables {
			if first, taken := from[v.Name]; taken {
				ps.add(nsKey(keyServices)+"."+name, "its tasks would receive two variables named %s, from %s and from %s, and only one would reach them; rename one of those", v.Name, first, v.From)
				continue
			}
			from[v.Name] = v.From
		}
	}
}
