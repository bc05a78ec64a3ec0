package query

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// ProtectionKind is how a store's data is encrypted at rest.
type ProtectionKind string

// The protection kinds.
const (
	CustomerManagedKey ProtectionKind = "customer-managed" // a KMS key of the stack
	AWSManagedKey      ProtectionKind = "aws-managed"      // an AWS managed key (alias/aws/<service>): not the stack's
	ForeignKey         ProtectionKind = "foreign-key"      // a key reference the stack does not hold
	SSES3              ProtectionKind = "sse-s3"           // S3-managed keys (AES256): the access-log bucket's documented exception
	Unencrypted        ProtectionKind = "none"             // no key at all
)

// KeyProtection is which key protects a store.
type KeyProtection struct {
	Kind  ProtectionKind
	Key   *Resource // CustomerManagedKey: the key
	Alias string    // CustomerManagedKey: the name of an alias that targets the key ("" when none does)
	Ref   string    // AWSManagedKey, ForeignKey: the reference as written
}

// KeyID identifies the key that protects a store across two plans or exports: its kind, and the
// alias that names a customer-managed key (else the key's logical name) or the reference as
// written (AWSManagedKey, ForeignKey).
type KeyID struct {
	Kind ProtectionKind
	Name string
}

// ID is the protection's identity.
func (p KeyProtection) ID() KeyID {
	switch {
	case p.Kind == CustomerManagedKey && p.Alias != "":
		return KeyID{Kind: p.Kind, Name: p.Alias}
	case p.Kind == CustomerManagedKey && p.Key != nil:
		return KeyID{Kind: p.Kind, Name: Name(p.Key)}
	}
	return KeyID{Kind: p.Kind, Name: p.Ref}
}

// Protection resolves a KMS key reference (id, ARN or alias) to the protection it gives.
func (ix *Index) Protection(ref string) KeyProtection {
	key := ix.KeyOf(ref)
	switch {
	case key != nil:
		p := KeyProtection{Kind: CustomerManagedKey, Key: key}
		for _, a := range ix.OfType(contract.TypeKMSAlias) {
			if t := Str(a, "targetKeyId"); t == key.ID || t == Str(key, "arn") {
				p.Alias = Str(a, "name")
				break
			}
		}
		return p
	case ref == "":
		return KeyProtection{Kind: Unencrypted}
	case strings.Contains(ref, "alias/aws/"):
		return KeyProtection{Kind: AWSManagedKey, Ref: ref}
	}
	return KeyProtection{Kind: ForeignKey, Ref: ref}
}

// KeyOf resolves a KMS key reference to a customer-managed key of the stack, or nil.
func (ix *Index) KeyOf(ref string) *Resource {
	if r := ix.Ref(ref); r != nil && r.Type == contract.TypeKMSKey {
		return r
	}
	return nil
}

// SideResources returns the resources of a type that configure a bucket (by its id, then by its
// name when that differs).
func (ix *Index) SideResources(bucket *Resource, typ string) []*Resource {
	out := ix.Where(typ, "bucket", bucket.ID)
	if name := Str(bucket, "bucket"); name != bucket.ID {
		out = append(out, ix.Where(typ, "bucket", name)...)
	}
	return out
}

// BucketEncryption reads the default encryption of a bucket encryption configuration: the
// algorithm ("aws:kms", "aws:kms:dsse", "AES256"), the key reference and whether the bucket key
// is on.
func BucketEncryption(sse *Resource) (alg, key string, bucketKey bool) {
	for _, rule := range List(sse, "rules") {
		m, _ := rule.(map[string]any)
		def, _ := m["applyServerSideEncryptionByDefault"].(map[string]any)
		alg, _ = def["sseAlgorithm"].(string)
		key, _ = def["kmsMasterKeyId"].(string)
		bucketKey, _ = m["bucketKeyEnabled"].(bool)
		return
	}
	return
}

// Encryption is how a store's data is encrypted at rest: what DATA-01 judges, and the key the
// report and the diff show (the same fact, so they cannot disagree).
type Encryption struct {
	// Enabled is whether the store encrypts at all: a database's storageEncrypted, a cache's
	// atRestEncryptionEnabled, a bucket's default encryption configuration; a secret always
	// (Secrets Manager encrypts every secret). Unset counts as off.
	Enabled bool
	// Protection is the key: Unencrypted when not Enabled; for a bucket, SSES3 for AES256, else
	// the key its configuration names.
	Protection KeyProtection
	// Buckets: the first default encryption configuration (AWS keeps one per bucket).
	Algorithm string // "aws:kms", "aws:kms:dsse", "AES256", or as written ("" when none)
	BucketKey bool   // bucketKeyEnabled
	// Insights is the key of a database's Performance Insights data; nil when it is off or the
	// store is not a database.
	Insights *KeyProtection
}

// EncryptionOf reads how a database, cache, bucket or secret is encrypted at rest (the zero
// Encryption, with Protection Unencrypted, for any other resource).
func (ix *Index) EncryptionOf(store *Resource) Encryption {
	enabledBy := func(flag string) Encryption {
		on, _ := Bool(store, flag)
		if !on {
			return Encryption{Protection: KeyProtection{Kind: Unencrypted}}
		}
		return Encryption{Enabled: true, Protection: ix.Protection(Str(store, "kmsKeyId"))}
	}
	switch store.Type {
	case contract.TypeDBInstance:
		enc := enabledBy("storageEncrypted")
		if pi, _ := Bool(store, "performanceInsightsEnabled"); pi {
			p := ix.Protection(Str(store, "performanceInsightsKmsKeyId"))
			enc.Insights = &p
		}
		return enc
	case contract.TypeCache:
		return enabledBy("atRestEncryptionEnabled")
	case contract.TypeBucket:
		sse := ix.SideResources(store, contract.TypeBucketSSE)
		if len(sse) == 0 {
			return Encryption{Protection: KeyProtection{Kind: Unencrypted}}
		}
		alg, key, bucketKey := BucketEncryption(sse[0])
		enc := Encryption{Enabled: true, Algorithm: alg, BucketKey: bucketKey, Protection: KeyProtection{Kind: SSES3}}
		if alg != "AES256" {
			enc.Protection = ix.Protection(key)
		}
		return enc
	case contract.TypeSecret:
		return Encryption{Enabled: true, Protection: ix.Protection(Str(store, "kmsKeyId"))}
	}
	return Encryption{Protection: KeyProtection{Kind: Unencrypted}}
}

// BucketPolicies returns the parsed policies of a bucket.
func (ix *Index) BucketPolicies(b *Resource) []policydoc.Document {
	var out []policydoc.Document
	for _, p := range ix.SideResources(b, contract.TypeBucketPolicy) {
		if doc := ix.PolicyOf(p); doc != nil {
			out = append(out, *doc)
		}
	}
	return out
}

// BucketDeniesPlaintext reports whether a bucket's policy denies every request made without TLS
// (Deny, any principal, s3:* or *, aws:SecureTransport = false).
func (ix *Index) BucketDeniesPlaintext(b *Resource) bool {
	for _, doc := range ix.BucketPolicies(b) {
		for _, st := range doc.Statement {
			if st.Effect == policydoc.Deny && len(st.Principals()["*"]) > 0 &&
				(slices.Contains(st.Action, "s3:*") || slices.Contains(st.Action, "*")) &&
				fmt.Sprint(st.Condition["Bool"]["aws:SecureTransport"]) == "false" {
				return true
			}
		}
	}
	return false
}

// BucketAccess is what a bucket's policy lets one principal do with its objects.
type BucketAccess struct {
	Who    Principal
	Access string // "reads", "writes" (any s3:Put* or s3:Delete* action), "delivers logs", or "" when not known
}

// The accesses a bucket policy grants.
const (
	ReadsObjects  = "reads"
	WritesObjects = "writes"
	DeliversLogs  = "delivers logs"
)

// BucketPrincipals lists who a bucket's policies allow to use its objects, statement by
// statement (a principal may appear more than once). An AWS service, or a whole account (its
// root or its bare id, IsAccountRoot: ELB log delivery), delivers logs; a role reads or writes.
func (ix *Index) BucketPrincipals(b *Resource) []BucketAccess {
	var out []BucketAccess
	for _, doc := range ix.BucketPolicies(b) {
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			access := ReadsObjects
			for _, a := range st.Action {
				if strings.HasPrefix(a, "s3:Put") || strings.HasPrefix(a, "s3:Delete") {
					access = WritesObjects
				}
			}
			ps := st.Principals()
			for _, svc := range ps["Service"] {
				out = append(out, BucketAccess{Who: Principal{Kind: AWSServicePrincipal, Name: svc}, Access: DeliversLogs})
			}
			for _, arn := range ps["AWS"] {
				who := ix.PrincipalOf(arn)
				if who.Kind == AccountPrincipal {
					out = append(out, BucketAccess{Who: who, Access: DeliversLogs})
					access = "" // what the statement grants to the roles after an account is not told apart
					continue
				}
				out = append(out, BucketAccess{Who: who, Access: access})
			}
		}
	}
	return out
}

// StoreKind is what kind of store holds data.
type StoreKind string

// The store kinds.
const (
	DatabaseStore StoreKind = "database"
	CacheStore    StoreKind = "cache"
	BucketStore   StoreKind = "bucket"
)

// StoreAccess is who can reach a database or cache according to its security groups.
type StoreAccess struct {
	Store    *Resource
	Kind     StoreKind
	Port     int      // the store's port (5432, 6379 when unset)
	Declared []string // the users the store declares (owner or users tag)
	// Migration is the migration task a database declares (DeclaredMigration); "" for none.
	Migration  string
	Services   []string // services whose groups its rules admit, sorted
	Migrations []string // migration tasks whose groups its rules admit, sorted
	Problems   []string // what its rules admit beyond its declared users on its port, in words
}

// StoreAccesses evaluates the ingress of every database, then every cache.
func (ix *Index) StoreAccesses() []StoreAccess {
	var out []StoreAccess
	add := func(store *Resource, kind StoreKind, groupsKey string, port int, declared []string) {
		acc := StoreAccess{Store: store, Kind: kind, Port: port, Declared: declared, Migration: DeclaredMigration(store)}
		groups := Strings(store, groupsKey)
		if len(groups) == 0 {
			acc.Problems = append(acc.Problems, "has no security group of its own")
		}
		seen := map[string]bool{}
		for _, id := range groups {
			sg := ix.Ref(id)
			if sg == nil {
				acc.Problems = append(acc.Problems, fmt.Sprintf("uses security group %s, which is not in this stack", id))
				continue
			}
			for _, r := range ix.IngressRules(sg) {
				where := Name(r.Source)
				switch {
				case r.CIDR != "" || r.PrefixList != "":
					acc.Problems = append(acc.Problems, fmt.Sprintf("admits %s%s through rule %s; only its users' security groups may reach it", r.CIDR, r.PrefixList, where))
				case r.Group == "":
					acc.Problems = append(acc.Problems, fmt.Sprintf("rule %s admits an unknown source", where))
				case ix.MigrationOfGroup(r.Group) != "":
					switch m := ix.MigrationOfGroup(r.Group); {
					case m != acc.Migration:
						acc.Problems = append(acc.Problems, fmt.Sprintf("is reachable from the migration task %s through rule %s, but its declared migration task is %s", m, where, orNobody(acc.Migration)))
					case !IsTCP(r.Proto) || r.From != port || r.To != port:
						acc.Problems = append(acc.Problems, fmt.Sprintf("rule %s admits %s %d-%d, not only tcp %d", where, r.Proto, r.From, r.To, port))
					}
					if m := ix.MigrationOfGroup(r.Group); !slices.Contains(acc.Migrations, m) {
						acc.Migrations = append(acc.Migrations, m)
					}
				default:
					svc := ix.ServiceOfGroup(r.Group)
					switch {
					case svc == "":
						acc.Problems = append(acc.Problems, fmt.Sprintf("admits security group %s, which is not a service's, through rule %s", r.Group, where))
					case !slices.Contains(declared, svc):
						acc.Problems = append(acc.Problems, fmt.Sprintf("is reachable from %s through rule %s, but its declared users are %s", svc, where, strings.Join(declared, ", ")))
					case !IsTCP(r.Proto) || r.From != port || r.To != port:
						acc.Problems = append(acc.Problems, fmt.Sprintf("rule %s admits %s %d-%d, not only tcp %d", where, r.Proto, r.From, r.To, port))
					}
					if svc != "" && !seen[svc] {
						seen[svc] = true
						acc.Services = append(acc.Services, svc)
					}
				}
			}
		}
		sort.Strings(acc.Services)
		sort.Strings(acc.Migrations)
		out = append(out, acc)
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		add(db, DatabaseStore, "vpcSecurityGroupIds", StorePort(db), DeclaredUsers(db))
	}
	for _, c := range ix.OfType(contract.TypeCache) {
		add(c, CacheStore, "securityGroupIds", StorePort(c), DeclaredUsers(c))
	}
	return out
}

// StorePort is the port a database or cache listens on: its port property, else the engine's
// default (5432 for a database, 6379 for a cache); 0 for any other resource.
func StorePort(store *Resource) int {
	if port, ok := Int(store, "port"); ok {
		return port
	}
	switch store.Type {
	case contract.TypeDBInstance:
		return 5432
	case contract.TypeCache:
		return 6379
	}
	return 0
}

// DeclaredUsers are the services a database (its owner tag) or a cache (its users tag) declares
// may reach it; nil when it declares none.
func DeclaredUsers(store *Resource) []string {
	if store.Type == contract.TypeDBInstance {
		if o := Tags(store)[contract.OwnerTag]; o != "" {
			return []string{o}
		}
		return nil
	}
	return strings.Fields(Tags(store)[contract.UsersTag])
}

// Store is a database, cache or bucket with how it is encrypted and who can use it.
type Store struct {
	Kind       StoreKind
	Resource   *Resource
	Encryption Encryption
	Access     *StoreAccess   // databases and caches: who their security groups admit
	Principals []BucketAccess // buckets: who their policies admit
}

// SubnetGroupOf returns the subnet group of the stack a database or cache names, or nil (none
// named, one the stack does not hold, or another type of resource).
func (ix *Index) SubnetGroupOf(store *Resource) *Resource {
	switch store.Type {
	case contract.TypeDBInstance:
		return ix.Named(contract.TypeDBSubnetGroup, "name", Str(store, "dbSubnetGroupName"))
	case contract.TypeCache:
		return ix.Named(contract.TypeCacheSubnetGroup, "name", Str(store, "subnetGroupName"))
	}
	return nil
}

// ParameterGroupOf returns the parameter group of the stack a database names, or nil.
func (ix *Index) ParameterGroupOf(db *Resource) *Resource {
	return ix.Named(contract.TypeDBParameterGroup, "name", Str(db, "parameterGroupName"))
}

// StoreID identifies a store across two plans or exports: its kind and logical name (ids and
// URNs differ between stacks).
type StoreID struct {
	Kind StoreKind
	Name string
}

// ID is the store's identity.
func (s Store) ID() StoreID { return StoreID{Kind: s.Kind, Name: Name(s.Resource)} }

// Compare orders store identities by kind, then name.
func (a StoreID) Compare(b StoreID) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
}

// Stores lists the databases, then the caches, then the buckets, each in export order.
func (ix *Index) Stores() []Store {
	var out []Store
	for _, a := range ix.StoreAccesses() {
		out = append(out, Store{Kind: a.Kind, Resource: a.Store, Encryption: ix.EncryptionOf(a.Store), Access: &a})
	}
	for _, b := range ix.OfType(contract.TypeBucket) {
		out = append(out, Store{Kind: BucketStore, Resource: b, Encryption: ix.EncryptionOf(b), Principals: ix.BucketPrincipals(b)})
	}
	return out
}
