package policy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// More type tokens the data invariants read.
const (
	TypeDBInstance       = "aws:rds/instance:Instance"
	TypeDBSubnetGroup    = "aws:rds/subnetGroup:SubnetGroup"
	TypeDBParameterGroup = "aws:rds/parameterGroup:ParameterGroup"
	TypeCacheSubnetGroup = "aws:elasticache/subnetGroup:SubnetGroup"
	TypeBucket           = "aws:s3/bucketV2:BucketV2"
	TypeBucketSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	TypeBucketPAB        = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	TypeBucketOwnership  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	TypeBucketVersioning = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	TypeBucketPolicy     = "aws:s3/bucketPolicy:BucketPolicy"
	TypeCache            = "aws:elasticache/replicationGroup:ReplicationGroup"
	TypeSecret           = "aws:secretsmanager/secret:Secret"
	TypeSecretPolicy     = "aws:secretsmanager/secretPolicy:SecretPolicy"
	TypeKMSAlias         = "aws:kms/alias:Alias"
	TypeIAMRole          = "aws:iam/role:Role"
)

// Tags the data invariants read (written by the data, network and compute packages).
const (
	PurposeTag    = "secure-vpc:purpose"
	OwnerTag      = "secure-vpc:owner"
	UsersTag      = "secure-vpc:users"
	GroupKindTag  = "secure-vpc:group-kind"
	GroupNameTag  = "secure-vpc:group-name"
	ServiceTag    = "secure-vpc:service"
	RoleTag       = "secure-vpc:role"  // task or execution, on a service's roles
	StackTag      = "secure-vpc:stack" // the stack, on a service's roles
	AccessLogsTag = "access-logs"
)

const strategyAtRest = `Strategy 3, "Encryption at Rest": "All data stored in databases, caches, and object storage is encrypted at rest"`

var dataInvariants = []Invariant{
	{
		ID:        "DATA-01",
		Statement: "Every database, cache, bucket and secret is encrypted with a customer-managed KMS key of the stack; the access-log bucket (SSE-S3, required by ALB log delivery) is the only exception",
		Enforces:  strategyAtRest + "; Security Hub RDS.3, S3.17 (CKV_AWS_145), CKV_AWS_149",
		check:     checkStoresEncrypted,
	},
	{
		ID:        "DATA-02",
		Statement: "TLS is forced on every database (rds.force_ssl), cache (transit encryption) and bucket (deny aws:SecureTransport=false)",
		Enforces:  `Strategy 3, "Encryption in Transit"; Security Hub S3.5, CKV2_AWS_69`,
		check:     checkTLSForced,
	},
	{
		ID:        "DATA-03",
		Statement: "No database or cache is reachable from any security group but those of its declared users, and only on its port; never from a CIDR or prefix list",
		Enforces:  `Strategy 2, "Firewall Rules": "only the Users Service is permitted to establish a connection with the user database"`,
		check:     checkStoreReachability,
	},
	{
		ID:        "DATA-04",
		Statement: "No secret material (passwords, tokens, private keys, secret strings) appears in any input that is not a Pulumi secret",
		Enforces:  `Strategy 3, "Secrets Management": "Secrets are never hardcoded"`,
		check:     checkNoPlaintextSecrets,
	},
	{
		ID:        "DATA-05",
		Statement: "Every KMS key rotates automatically and keeps a deletion window of at least 7 days",
		Enforces:  "Security Hub KMS.4, CIS 3.6, CKV_AWS_7",
		check:     checkKeys,
	},
	{
		ID:        "DATA-06",
		Statement: "Databases are private: not publicly accessible, in isolated-tier subnets of at least 2 AZs, IAM authentication on, master password managed by RDS",
		Enforces:  strategyVPC + "; Security Hub RDS.2, RDS.10, RDS.18",
		check:     checkDatabasesPrivate,
	},
	{
		ID:        "DATA-07",
		Statement: "Every bucket blocks all public access, disables ACLs (BucketOwnerEnforced) and keeps versions",
		Enforces:  "Security Hub S3.8, S3.12, S3.14; CIS 2.1.4",
		check:     checkBucketsPrivate,
	},
	{
		ID:        "DATA-08",
		Statement: "Every secret has a resource policy that names only specific IAM roles as readers and blocks public policies",
		Enforces:  `Strategy 3, "Secrets Management"; strategy 1, "Service-to-Service Security"`,
		check:     checkSecretPolicies,
	},
}

// keyOf resolves a KMS key reference to a planned customer-managed key, or nil.
func (ix *Index) keyOf(ref string) *Resource {
	if r := ix.Ref(ref); r != nil && r.Type == TypeKMSKey {
		return r
	}
	return nil
}

// SideResources returns the resources of a type that configure a bucket.
func (ix *Index) SideResources(bucket *Resource, typ string) []*Resource {
	out := ix.Where(typ, "bucket", bucket.ID)
	if name := Str(bucket, "bucket"); name != bucket.ID {
		out = append(out, ix.Where(typ, "bucket", name)...)
	}
	return out
}

func checkStoresEncrypted(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, db := range ix.OfType(TypeDBInstance) {
		checked++
		if on, _ := Bool(db, "storageEncrypted"); !on {
			fs = append(fs, finding(db, "storage is not encrypted; set storageEncrypted with the data key"))
		} else if ix.keyOf(Str(db, "kmsKeyId")) == nil {
			fs = append(fs, finding(db, "storage is encrypted with %q, not a customer-managed key of this stack", Str(db, "kmsKeyId")))
		}
		if pi, _ := Bool(db, "performanceInsightsEnabled"); pi && ix.keyOf(Str(db, "performanceInsightsKmsKeyId")) == nil {
			fs = append(fs, finding(db, "Performance Insights data is not encrypted with a customer-managed key of this stack"))
		}
	}
	for _, c := range ix.OfType(TypeCache) {
		checked++
		if on, _ := Bool(c, "atRestEncryptionEnabled"); !on || ix.keyOf(Str(c, "kmsKeyId")) == nil {
			fs = append(fs, finding(c, "is not encrypted at rest with a customer-managed key of this stack"))
		}
	}
	exceptions := 0
	for _, b := range ix.OfType(TypeBucket) {
		checked++
		sse := ix.SideResources(b, TypeBucketSSE)
		if len(sse) == 0 {
			fs = append(fs, finding(b, "has no default encryption configuration"))
			continue
		}
		alg, key, bucketKey := BucketEncryption(sse[0])
		switch {
		case Tags(b)[PurposeTag] == AccessLogsTag && alg == "AES256":
			exceptions++
			if exceptions > 1 {
				fs = append(fs, finding(b, "is a second SSE-S3 access-log bucket; the stack has exactly one documented exception"))
			}
		case alg != "aws:kms" && alg != "aws:kms:dsse":
			fs = append(fs, finding(b, "is encrypted with %s, not with the stack's data key (only the access-log bucket may use SSE-S3)", orNone(alg)))
		case ix.keyOf(key) == nil:
			fs = append(fs, finding(b, "is encrypted with %q, not a customer-managed key of this stack", key))
		case !bucketKey:
			fs = append(fs, finding(b, "has no bucket key; enable bucketKeyEnabled"))
		}
	}
	for _, s := range ix.OfType(TypeSecret) {
		checked++
		if ix.keyOf(Str(s, "kmsKeyId")) == nil {
			fs = append(fs, finding(s, "is encrypted with %s, not a customer-managed key of this stack", orNone(Str(s, "kmsKeyId"))))
		}
	}
	return checked, fs
}

// BucketEncryption reads the default encryption of a bucket encryption configuration.
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

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func checkTLSForced(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, db := range ix.OfType(TypeDBInstance) {
		checked++
		pg := ix.Named(TypeDBParameterGroup, "name", Str(db, "parameterGroupName"))
		if pg == nil {
			fs = append(fs, finding(db, "uses no parameter group of this stack, so rds.force_ssl is not set"))
			continue
		}
		forced := false
		for _, p := range List(pg, "parameters") {
			m, _ := p.(map[string]any)
			if m["name"] == "rds.force_ssl" && fmt.Sprint(m["value"]) == "1" {
				forced = true
			}
		}
		if !forced {
			fs = append(fs, finding(db, "parameter group %s does not set rds.force_ssl = 1", Name(pg)))
		}
	}
	for _, c := range ix.OfType(TypeCache) {
		checked++
		if on, _ := Bool(c, "transitEncryptionEnabled"); !on {
			fs = append(fs, finding(c, "accepts plaintext connections; set transitEncryptionEnabled"))
		}
	}
	for _, b := range ix.OfType(TypeBucket) {
		checked++
		if !ix.bucketDeniesPlaintext(b) {
			fs = append(fs, finding(b, "has no policy denying requests without TLS (aws:SecureTransport = false)"))
		}
	}
	return checked, fs
}

func (ix *Index) bucketPolicies(b *Resource) []policydoc.Document {
	var out []policydoc.Document
	for _, p := range ix.SideResources(b, TypeBucketPolicy) {
		if doc := ix.PolicyOf(p); doc != nil {
			out = append(out, *doc)
		}
	}
	return out
}

func (ix *Index) bucketDeniesPlaintext(b *Resource) bool {
	for _, doc := range ix.bucketPolicies(b) {
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

// ingressRules returns the normalised ingress rules of a security group.
func (ix *Index) ingressRules(sg *Resource) []sgRule {
	var out []sgRule
	for _, r := range ix.Where(TypeSGIngressRule, "securityGroupId", sg.ID) {
		out = append(out, vpcRule(r))
	}
	for _, r := range ix.Where(TypeSGRule, "securityGroupId", sg.ID) {
		if Str(r, "type") == "ingress" {
			from, _ := Int(r, "fromPort")
			to, _ := Int(r, "toPort")
			out = append(out, sgRule{source: r, proto: Str(r, "protocol"), from: from, to: to,
				group: Str(r, "sourceSecurityGroupId"), cidr: strings.Join(append(Strings(r, "cidrBlocks"), Strings(r, "ipv6CidrBlocks")...), ","), prefixList: strings.Join(Strings(r, "prefixListIds"), ",")})
		}
	}
	for _, x := range List(sg, "ingress") {
		m, _ := x.(map[string]any)
		out = append(out, sgRule{source: sg, proto: fmt.Sprint(m["protocol"]), from: toInt(m["fromPort"]), to: toInt(m["toPort"]),
			group: strings.Join(policydoc.StringList(m["securityGroups"]), ","), cidr: strings.Join(append(policydoc.StringList(m["cidrBlocks"]), policydoc.StringList(m["ipv6CidrBlocks"])...), ",")})
	}
	return out
}

// vpcRule normalises a standalone vpc.SecurityGroupIngressRule or EgressRule.
func vpcRule(r *Resource) sgRule {
	from, _ := Int(r, "fromPort")
	to, _ := Int(r, "toPort")
	proto := Str(r, "ipProtocol")
	if proto == "-1" || proto == "all" {
		from, to = 0, 65535
	}
	return sgRule{source: r, proto: proto, from: from, to: to,
		group: Str(r, "referencedSecurityGroupId"), cidr: Str(r, "cidrIpv4") + Str(r, "cidrIpv6"), prefixList: Str(r, "prefixListId")}
}

type sgRule struct {
	source      *Resource
	proto       string
	from, to    int
	group, cidr string
	prefixList  string
}

func toInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// serviceOfGroup names the service whose tasks carry a security group ("" if it is not a
// service's group).
func (ix *Index) serviceOfGroup(id string) string {
	sg := ix.Ref(id)
	if sg == nil || Tags(sg)[GroupKindTag] != "service" {
		return ""
	}
	return Tags(sg)[GroupNameTag]
}

// StoreAccess is who can reach a database or cache according to its security groups.
type StoreAccess struct {
	Store    *Resource
	Port     int
	Declared []string // the users the store declares (owner or users tag)
	Services []string // services whose groups its rules admit
	Problems []string
}

// StoreAccesses evaluates the ingress of every database and cache.
func (ix *Index) StoreAccesses() []StoreAccess {
	var out []StoreAccess
	add := func(store *Resource, groupsKey string, port int, declared []string) {
		acc := StoreAccess{Store: store, Port: port, Declared: declared}
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
			for _, r := range ix.ingressRules(sg) {
				where := Name(r.source)
				switch {
				case r.cidr != "" || r.prefixList != "":
					acc.Problems = append(acc.Problems, fmt.Sprintf("admits %s%s through rule %s; only its users' security groups may reach it", r.cidr, r.prefixList, where))
				case r.group == "":
					acc.Problems = append(acc.Problems, fmt.Sprintf("rule %s admits an unknown source", where))
				default:
					svc := ix.serviceOfGroup(r.group)
					switch {
					case svc == "":
						acc.Problems = append(acc.Problems, fmt.Sprintf("admits security group %s, which is not a service's, through rule %s", r.group, where))
					case !slices.Contains(declared, svc):
						acc.Problems = append(acc.Problems, fmt.Sprintf("is reachable from %s through rule %s, but its declared users are %s", svc, where, strings.Join(declared, ", ")))
					case r.proto != "tcp" && r.proto != "6" || r.from != port || r.to != port:
						acc.Problems = append(acc.Problems, fmt.Sprintf("rule %s admits %s %d-%d, not only tcp %d", where, r.proto, r.from, r.to, port))
					}
					if svc != "" && !seen[svc] {
						seen[svc] = true
						acc.Services = append(acc.Services, svc)
					}
				}
			}
		}
		sort.Strings(acc.Services)
		out = append(out, acc)
	}
	for _, db := range ix.OfType(TypeDBInstance) {
		port, ok := Int(db, "port")
		if !ok {
			port = 5432
		}
		var declared []string
		if o := Tags(db)[OwnerTag]; o != "" {
			declared = []string{o}
		}
		add(db, "vpcSecurityGroupIds", port, declared)
	}
	for _, c := range ix.OfType(TypeCache) {
		port, ok := Int(c, "port")
		if !ok {
			port = 6379
		}
		add(c, "securityGroupIds", port, strings.Fields(Tags(c)[UsersTag]))
	}
	return out
}

func checkStoreReachability(ix *Index) (int, []Finding) {
	var fs []Finding
	accesses := ix.StoreAccesses()
	for _, a := range accesses {
		if len(a.Declared) == 0 {
			fs = append(fs, finding(a.Store, "declares no users (tags %s / %s), so no one may reach it", OwnerTag, UsersTag))
		}
		for _, p := range a.Problems {
			fs = append(fs, finding(a.Store, "%s", p))
		}
	}
	return len(accesses), fs
}

// secretKeys are input names whose values are secret wherever they appear.
var secretKeys = map[string]bool{
	"password": true, "masterPassword": true, "authToken": true, "secretString": true, "secretBinary": true,
	"privateKeyPem": true, "caPrivateKeyPem": true, "privateKey": true, "privateKeyPemPkcs8": true,
	"privateKeyOpenssh": true, "apiKey": true, "clientSecret": true, "token": true,
}

var secretLooking = []*regexp.Regexp{
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
}

func checkNoPlaintextSecrets(ix *Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, r := range ix.Resources {
		if !r.Custom {
			continue
		}
		checked++
		var walk func(path string, key string, v any)
		walk = func(path, key string, v any) {
			if stackstate.IsSecret(v) {
				return
			}
			switch t := v.(type) {
			case map[string]any:
				for k, x := range t {
					walk(path+"."+k, k, x)
				}
			case []any:
				for i, x := range t {
					walk(fmt.Sprintf("%s[%d]", path, i), key, x)
				}
			case string:
				if secretKeys[key] && t != "" {
					fs = append(fs, finding(r, "input %s holds a plaintext value; pass it as a Pulumi secret (pulumi.ToSecret or a --secret config value)", strings.TrimPrefix(path, ".")))
					return
				}
				for _, re := range secretLooking {
					if re.MatchString(t) {
						fs = append(fs, finding(r, "input %s holds what looks like a credential or private key in plaintext", strings.TrimPrefix(path, ".")))
						return
					}
				}
			}
		}
		for k, v := range r.Inputs {
			walk("."+k, k, v)
		}
	}
	return checked, fs
}

func checkKeys(ix *Index) (int, []Finding) {
	var fs []Finding
	keys := ix.OfType(TypeKMSKey)
	for _, k := range keys {
		spec := Str(k, "customerMasterKeySpec")
		if on, _ := Bool(k, "enableKeyRotation"); !on && (spec == "" || spec == "SYMMETRIC_DEFAULT") {
			fs = append(fs, finding(k, "does not rotate; set enableKeyRotation"))
		}
		if d, ok := Int(k, "deletionWindowInDays"); ok && d < 7 {
			fs = append(fs, finding(k, "has a deletion window of %d days", d))
		}
		if doc, err := policydoc.Parse(Str(k, "policy")); err != nil {
			fs = append(fs, finding(k, "has no valid key policy"))
		} else {
			for _, st := range doc.Statement {
				if st.Effect == policydoc.Allow && (len(st.Principals()["*"]) > 0 || slices.Contains(st.Principals()["AWS"], "*")) && len(st.Condition) == 0 {
					fs = append(fs, finding(k, "key policy statement %s allows any principal without a condition", st.Sid))
				}
			}
		}
	}
	return len(keys), fs
}

func checkDatabasesPrivate(ix *Index) (int, []Finding) {
	var fs []Finding
	dbs := ix.OfType(TypeDBInstance)
	for _, db := range dbs {
		if pub, _ := Bool(db, "publiclyAccessible"); pub {
			fs = append(fs, finding(db, "is publicly accessible; set publiclyAccessible to false"))
		}
		if on, _ := Bool(db, "iamDatabaseAuthenticationEnabled"); !on {
			fs = append(fs, finding(db, "has IAM authentication off"))
		}
		if managed, _ := Bool(db, "manageMasterUserPassword"); !managed {
			fs = append(fs, finding(db, "does not let RDS manage its master password in Secrets Manager"))
		}
		if _, has := Prop(db, "password"); has {
			fs = append(fs, finding(db, "sets a master password in the program; let RDS manage it (manageMasterUserPassword)"))
		}
		group := ix.Named(TypeDBSubnetGroup, "name", Str(db, "dbSubnetGroupName"))
		if group == nil {
			fs = append(fs, finding(db, "uses no DB subnet group of this stack"))
			continue
		}
		azs := map[string]bool{}
		for _, id := range Strings(group, "subnetIds") {
			s := ix.Ref(id)
			if s == nil || Tier(s) != "isolated" {
				fs = append(fs, finding(db, "its subnet group %s includes %s, which is not an isolated-tier subnet", Name(group), id))
				continue
			}
			azs[Str(s, "availabilityZone")] = true
		}
		if len(azs) < 2 {
			fs = append(fs, finding(db, "its subnet group spans %d AZ(s); RDS needs at least 2", len(azs)))
		}
	}
	return len(dbs), fs
}

func checkBucketsPrivate(ix *Index) (int, []Finding) {
	var fs []Finding
	buckets := ix.OfType(TypeBucket)
	for _, b := range buckets {
		pabs := ix.SideResources(b, TypeBucketPAB)
		if len(pabs) == 0 {
			fs = append(fs, finding(b, "has no public access block"))
		} else {
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if on, _ := Bool(pabs[0], flag); !on {
					fs = append(fs, finding(b, "public access block leaves %s off", flag))
				}
			}
		}
		owned := false
		for _, oc := range ix.SideResources(b, TypeBucketOwnership) {
			v, _ := Prop(oc, "rule")
			m, _ := v.(map[string]any)
			owned = owned || m["objectOwnership"] == "BucketOwnerEnforced"
		}
		if !owned {
			fs = append(fs, finding(b, "does not enforce bucket ownership, so ACLs still apply"))
		}
		versioned := false
		for _, ver := range ix.SideResources(b, TypeBucketVersioning) {
			v, _ := Prop(ver, "versioningConfiguration")
			m, _ := v.(map[string]any)
			versioned = versioned || m["status"] == "Enabled"
		}
		if !versioned {
			fs = append(fs, finding(b, "does not keep versions"))
		}
	}
	return len(buckets), fs
}

// SecretReaders resolves the principals a secret's policy admits to service names (or role ARNs
// when a role is not a service's). A statement that admits this account's roles by tag (the
// stack's execution roles) is resolved to the roles of the stack that carry those tags.
func (ix *Index) SecretReaders(secret *Resource) ([]string, *Resource) {
	for _, p := range append(ix.Where(TypeSecretPolicy, "secretArn", Str(secret, "arn")), ix.Where(TypeSecretPolicy, "secretArn", secret.ID)...) {
		doc, err := policydoc.Parse(Str(p, "policy"))
		if err != nil {
			return nil, p
		}
		var readers []string
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			for _, arn := range st.Principals()["AWS"] {
				if !isAccountRoot(arn) {
					readers = append(readers, ix.serviceOfRole(arn))
					continue
				}
				tags := principalTags(st)
				if len(tags) == 0 {
					readers = append(readers, "account "+accountOf(arn)+" (any principal its IAM policies allow)")
					continue
				}
				for _, role := range ix.rolesTagged(tags) {
					readers = append(readers, ix.serviceOfRole(Str(role, "arn")))
				}
			}
			readers = append(readers, st.Principals()["*"]...)
		}
		sort.Strings(readers)
		return readers, p
	}
	return nil, nil
}

// isAccountRoot reports whether a principal is a whole account (its root, or its bare id).
func isAccountRoot(arn string) bool {
	return strings.HasSuffix(arn, ":root") || (len(arn) == 12 && strings.Trim(arn, "0123456789") == "")
}

func accountOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 4 {
		return parts[4]
	}
	return arn
}

// principalTags returns the aws:PrincipalTag/<key> values a statement requires (StringEquals).
func principalTags(st policydoc.Statement) map[string]string {
	out := map[string]string{}
	for k, v := range st.Condition["StringEquals"] {
		if key, ok := strings.CutPrefix(k, "aws:PrincipalTag/"); ok {
			if s, isString := v.(string); isString {
				out[key] = s
			}
		}
	}
	return out
}

// rolesTagged returns the roles of the stack that carry every given tag.
func (ix *Index) rolesTagged(tags map[string]string) []*Resource {
	var out []*Resource
	for _, r := range ix.OfType(TypeIAMRole) {
		have := Tags(r)
		match := true
		for k, v := range tags {
			match = match && have[k] == v
		}
		if match {
			out = append(out, r)
		}
	}
	return out
}

func (ix *Index) serviceOfRole(arn string) string {
	if r := ix.Ref(arn); r != nil && r.Type == TypeIAMRole {
		if svc := Tags(r)[ServiceTag]; svc != "" {
			return svc + " (" + Tags(r)[RoleTag] + " role)"
		}
		return Name(r)
	}
	return arn
}

func checkSecretPolicies(ix *Index) (int, []Finding) {
	var fs []Finding
	secrets := ix.OfType(TypeSecret)
	for _, s := range secrets {
		_, policy := ix.SecretReaders(s)
		if policy == nil {
			fs = append(fs, finding(s, "has no resource policy naming its readers"))
			continue
		}
		if on, _ := Bool(policy, "blockPublicPolicy"); !on {
			fs = append(fs, finding(s, "does not block public resource policies"))
		}
		doc, err := policydoc.Parse(Str(policy, "policy"))
		if err != nil {
			fs = append(fs, finding(s, "has an unreadable resource policy"))
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			ps := st.Principals()
			if len(ps["*"]) > 0 || len(ps["Service"]) > 0 {
				fs = append(fs, finding(s, "policy statement %s admits %v, not specific roles", st.Sid, ps))
			}
			for _, arn := range ps["AWS"] {
				tags := principalTags(st)
				switch {
				case isAccountRoot(arn) && (tags[RoleTag] == "" || tags[StackTag] == ""):
					fs = append(fs, finding(s, "policy statement %s admits the whole account %s; name the reader roles, or the stack's roles by the tags %s and %s", st.Sid, accountOf(arn), RoleTag, StackTag))
				case isAccountRoot(arn) && len(ix.rolesTagged(tags)) == 0:
					fs = append(fs, finding(s, "policy statement %s admits the roles tagged %v, and no role of this stack carries those tags", st.Sid, tags))
				case !isAccountRoot(arn) && !strings.Contains(arn, ":role/"):
					fs = append(fs, finding(s, "policy statement %s admits %s, which is not a role", st.Sid, arn))
				}
			}
		}
	}
	return len(secrets), fs
}

// BucketPrincipals lists who a bucket's policy lets read or write objects, by service.
func (ix *Index) BucketPrincipals(b *Resource) []string {
	var out []string
	seen := map[string]bool{}
	for _, doc := range ix.bucketPolicies(b) {
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			access := "reads"
			for _, a := range st.Action {
				if strings.HasPrefix(a, "s3:Put") || strings.HasPrefix(a, "s3:Delete") {
					access = "writes"
				}
			}
			ps := st.Principals()
			for _, svc := range ps["Service"] {
				entry := svc + " (delivers logs)"
				if !seen[entry] {
					seen[entry] = true
					out = append(out, entry)
				}
			}
			for _, arn := range ps["AWS"] {
				who := ix.serviceOfRole(arn)
				if strings.HasSuffix(arn, ":root") {
					who = "account " + strings.Split(arn, ":")[4] + " (delivers logs)"
					access = ""
				}
				entry := strings.TrimSpace(strings.Replace(who, " (task role)", "", 1) + " " + access)
				if !seen[entry] {
					seen[entry] = true
					out = append(out, entry)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// IdentityPolicyReaders lists the services whose role policies allow reading a secret by ARN.
func (ix *Index) IdentityPolicyReaders(secretArn string) []string {
	if ix.secretGrants == nil {
		ix.secretGrants = map[string][]string{}
		for _, rp := range ix.OfType(TypeRolePolicy) {
			doc := ix.PolicyOf(rp)
			if doc == nil {
				continue
			}
			var who string
			for _, r := range ix.Where(TypeIAMRole, "name", Str(rp, "role")) {
				who = ix.serviceOfRole(Str(r, "arn"))
			}
			if who == "" {
				continue
			}
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow || !(slices.Contains(st.Action, "secretsmanager:GetSecretValue") || slices.Contains(st.Action, "secretsmanager:*")) {
					continue
				}
				for _, res := range st.Resource {
					ix.secretGrants[res] = append(ix.secretGrants[res], who)
				}
			}
		}
	}
	out := append([]string(nil), ix.secretGrants[secretArn]...)
	sort.Strings(out)
	return slices.Compact(out)
}
