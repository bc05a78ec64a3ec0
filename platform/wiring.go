package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
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
	// Revision marks the environment variable whose value digests the versions of every secret
	// the task receives: a new version (a renewed certificate, a new app secret value) changes
	// the task definition, and ECS rolls the service onto tasks that read the new value.
	Revision bool
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
	DatabaseMasterSecretArn StoreAttr = "masterSecretArn" // the ARN of its RDS-managed master secret: a key of the `databases` output, in no service's environment
	CacheEndpoint           StoreAttr = "primaryEndpoint" // a cache's primary endpoint host name
	BucketName              StoreAttr = "bucketName"      // a bucket's physical name
)

// SigningKeyArn is the ARN of the identity-token signing key, an output of the token signer
// (StoreOutput{secrets.IdentityTokenSigner, SigningKeyArn}) rather than of a store: a BFF signs
// with it (kms:Sign), which its task role is granted.
const SigningKeyArn StoreAttr = "keyArn"

// CertificateAuthorityArn and CACertificateBundle are outputs of the vault
// (StoreOutput{contract.InternalCA, ...}) when the internal CA is AWS Private CA: the CA a task
// obtains its certificate from (which its task role may then issue from), and the PEM bundle of
// every generation's certificate, which it trusts.
const (
	CertificateAuthorityArn StoreAttr = "certificateAuthorityArn"
	CACertificateBundle     StoreAttr = "caCertificate"
)

// DatabasePort is the port a database listens on: a key of the stack's `databases` output beside
// DatabaseAddress and DatabaseMasterSecretArn. It is no store output of a task's environment: a
// task's DB_<NAME>_PORT comes from the config.
const DatabasePort StoreAttr = "port"

// DatabaseGrant lets a service (the database's owner) connect with IAM authentication as User,
// and as no other user; it never reads the master secret (see WireMigration).
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

	if spec.CertificateAuthority == secrets.AWSPrivateCA {
		// No key or certificate to inject: the task makes its key and obtains its certificate
		// (SAN SERVICE_DNS) from the CA at start, and renews it, with its task role.
		vk := nsKey(keyVault) + ".certificateAuthority"
		output("TLS_CERTIFICATE_AUTHORITY_ARN", vk, contract.InternalCA, CertificateAuthorityArn)
		value("TLS_CERTIFICATE_TEMPLATE_ARN", vk, awslimits.PrivateCAEndEntityTemplateArn)
		value("TLS_CERTIFICATE_SIGNING_ALGORITHM", vk, awslimits.PrivateCASigningAlgorithm)
		value("TLS_CERTIFICATE_VALIDITY_DAYS", vk, fmt.Sprint(awslimits.PrivateCAShortLivedMaxDays))
		output("TLS_CA_CERTIFICATE", nsKey(keyVault)+".caGenerations", contract.InternalCA, CACertificateBundle)
	} else {
		secret("TLS_CERTIFICATE", sk, contract.TLSSecret, name, secrets.TLSCertificateKey)
		secret("TLS_PRIVATE_KEY", sk, contract.TLSSecret, name, secrets.TLSPrivateKeyKey)
		secret("TLS_CA_CERTIFICATE", sk, contract.TLSSecret, name, secrets.TLSCACertificateKey)
	}
	secret("IDENTITY_VERIFICATION_KEY", sk, contract.IdentitySecret, secrets.IdentityVerificationKey, "")
	value("SERVICE_NAME", sk, name)
	value("SERVICE_DNS", sk, naming.ServiceDNS(name, spec.Stack))
	value("PORT", sk+".port", fmt.Sprint(svc.Port))
	value("ENVIRONMENT", nsKey(keyEnvironment), string(spec.Environment))
	// The mTLS peers the graph lets call it, by the SAN of their certificates: the application
	// authorises a caller, not only authenticates it.
	var callers []string
	for _, other := range sortedNames(spec.Services) {
		if slices.Contains(spec.Services[other].Calls, name) {
			callers = append(callers, naming.ServiceDNS(other, spec.Stack))
		}
	}
	if len(callers) > 0 {
		value("MTLS_ALLOWED_CALLERS", sk+" (the services whose calls name it)", strings.Join(callers, ","))
	}
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
		// What IAM authentication needs, and no password: the master secret is the migration
		// task's alone.
		w.Variables = append(w.Variables, databaseVariables(spec, d)...)
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
	w.Variables = append(w.Variables, TaskVariable{Name: "VAULT_REVISION", From: sk + " (the versions of its secrets)", Revision: true})
	return w
}

// databaseVariables are the environment variables that say where a database is and which user
// its owner connects as: DB_<DB>_HOST, _PORT, _NAME and _IAM_USER.
func databaseVariables(spec *Spec, d string) []TaskVariable {
	db := spec.Databases[d]
	dk, prefix := nsKey(keyDatabases)+"."+d, "DB_"+envName(d)+"_"
	return []TaskVariable{
		{Name: prefix + "HOST", From: dk, Output: StoreOutput{d, DatabaseAddress}},
		{Name: prefix + "PORT", From: dk, Value: fmt.Sprint(db.Port)},
		{Name: prefix + "NAME", From: dk, Value: naming.DatabaseName(d)},
		{Name: prefix + "IAM_USER", From: dk + ".owner", Value: naming.DatabaseUser(db.Owner)},
	}
}

// MigrationWiring is the task contract of a database's one-off migration task: where the
// database is, the owner's IAM database user it creates, and the master user's credentials,
// which ECS injects from the RDS-managed master secret when the task starts (the task is short,
// so RDS's 7-day rotation cannot make them stale while it runs).
type MigrationWiring struct {
	Database string
	Name     string // naming.Migration(Database)
	// Image is the container image: databases.<db>.migrationImage, else the owner's image.
	Image, ImageFrom string
	// Variables are the environment (never a secret), in contract order: the database's
	// variables as its owner receives them, then ENVIRONMENT.
	Variables []TaskVariable
	// MasterSecret are the variables ECS injects from the master secret, each from a key of its
	// JSON value.
	MasterSecret []MasterSecretVariable
}

// MasterSecretVariable is a variable ECS injects from a key of a database's master secret.
type MasterSecretVariable struct {
	Name    string
	JSONKey string // secrets.MasterUsernameKey or MasterPasswordKey
}

// WireMigration returns the task contract of a database's migration task.
func WireMigration(spec *Spec, database string) MigrationWiring {
	db := spec.Databases[database]
	dk, prefix := nsKey(keyDatabases)+"."+database, "DB_"+envName(database)+"_"
	w := MigrationWiring{Database: database, Name: naming.Migration(database), Image: db.MigrationImage, ImageFrom: dk + ".migrationImage"}
	if w.Image == "" {
		owner := spec.Services[db.Owner]
		w.Image, w.ImageFrom = owner.Image, nsKey(keyServices)+"."+db.Owner+".image"
		if owner.ImageTag != "" {
			// Before Build knows the account, the contract names the repository with a placeholder.
			w.ImageFrom = nsKey(keyServices) + "." + db.Owner + ".imageTag"
			if w.Image == "" {
				w.Image = ownImage(RepositoryURL("<account>", spec.Region, spec.Stack, db.Owner), owner.ImageTag)
			}
		}
	}
	w.Variables = append(databaseVariables(spec, database), TaskVariable{Name: "ENVIRONMENT", From: nsKey(keyEnvironment), Value: string(spec.Environment)})
	w.MasterSecret = []MasterSecretVariable{
		{Name: prefix + "MASTER_USERNAME", JSONKey: secrets.MasterUsernameKey},
		{Name: prefix + "MASTER_PASSWORD", JSONKey: secrets.MasterPasswordKey},
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
