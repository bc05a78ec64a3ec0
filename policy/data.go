package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyAtRest = `Strategy 3, "Encryption at Rest": "All data stored in databases, caches, and object storage is encrypted at rest"`

var dataInvariants = []Invariant{
	{
		ID:        "DATA-01",
		Statement: "Every database, cache, bucket and secret is encrypted with a customer-managed KMS key of the stack; the access-log bucket (SSE-S3, required by ALB log delivery) is the only exception",
		Enforces:  strategyAtRest + "; Security Hub RDS.3, S3.17 (CKV_AWS_145), CKV_AWS_149",
		Covers:    []string{contract.TypeDBInstance, contract.TypeCache, contract.TypeBucket, contract.TypeBucketSSE, contract.TypeSecret, contract.TypeKMSKey},
		check:     checkStoresEncrypted,
	},
	{
		ID:        "DATA-02",
		Statement: "TLS is forced on every database (rds.force_ssl), cache (transit encryption) and bucket (deny aws:SecureTransport=false)",
		Enforces:  `Strategy 3, "Encryption in Transit"; Security Hub S3.5, CKV2_AWS_69`,
		Covers:    []string{contract.TypeDBInstance, contract.TypeDBParameterGroup, contract.TypeCache, contract.TypeBucket, contract.TypeBucketPolicy},
		check:     checkTLSForced,
	},
	{
		ID:        "DATA-03",
		Statement: "No database or cache is reachable from any security group but those of its declared users, and only on its port; never from a CIDR or prefix list",
		Enforces:  `Strategy 2, "Firewall Rules": "only the Users Service is permitted to establish a connection with the user database"`,
		Covers:    []string{contract.TypeDBInstance, contract.TypeCache, contract.TypeSecurityGroup, contract.TypeSGRule, contract.TypeSGIngressRule, contract.TypeSGEgressRule},
		check:     checkStoreReachability,
	},
	{
		ID:        "DATA-04",
		Statement: "No secret material (passwords, tokens, private keys, secret strings) appears in any input or output that is not a Pulumi secret",
		Enforces:  `Strategy 3, "Secrets Management": "Secrets are never hardcoded"`,
		Covers:    []string{contract.TypeSecretVersion, contract.TypeTLSPrivateKey, contract.TypeTLSCertRequest, contract.TypeTLSLocallySignedCert, contract.TypeTLSSelfSignedCert},
		check:     checkNoPlaintextSecrets,
	},
	{
		ID:        "DATA-05",
		Statement: "Every symmetric encryption KMS key rotates automatically (KMS rotates no asymmetric key) and every key keeps a deletion window of at least 7 days; no key policy allows any principal without a condition, nor lets an AWS principal create grants (kms:CreateGrant, which can give any use of the key) but for AWS resources (kms:GrantIsForAWSResource)",
		Enforces:  "Security Hub KMS.4, CIS 3.6, CKV_AWS_7",
		Covers:    []string{contract.TypeKMSKey},
		check:     checkKeys,
	},
	{
		ID:        "DATA-06",
		Statement: "Databases are private: not publicly accessible, in isolated-tier subnets of at least 2 AZs, IAM authentication on, master password managed by RDS",
		Enforces:  strategyVPC + "; Security Hub RDS.2, RDS.10, RDS.18",
		Covers:    []string{contract.TypeDBInstance, contract.TypeDBSubnetGroup},
		check:     checkDatabasesPrivate,
	},
	{
		ID:        "DATA-07",
		Statement: "Every bucket blocks all public access, disables ACLs (BucketOwnerEnforced) and keeps versions",
		Enforces:  "Security Hub S3.8, S3.12, S3.14; CIS 2.1.4",
		Covers:    []string{contract.TypeBucket, contract.TypeBucketPAB, contract.TypeBucketOwnership, contract.TypeBucketVersioning},
		check:     checkBucketsPrivate,
	},
	{
		ID:        "DATA-08",
		Statement: "Every secret has a resource policy that names only specific IAM roles as readers (or, for the verification key every service reads, the stack's execution roles by their " + contract.RoleTag + " and " + contract.StackTag + " tags) and blocks public policies",
		Enforces:  `Strategy 3, "Secrets Management"; strategy 1, "Service-to-Service Security"`,
		Covers:    []string{contract.TypeSecret, contract.TypeSecretPolicy},
		check:     checkSecretPolicies,
	},
}

func checkStoresEncrypted(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked, exceptions := 0, 0
	for _, st := range ix.Stores() {
		checked++
		enc, r := st.Encryption, st.Resource
		customerManaged := enc.Protection.Kind == query.CustomerManagedKey
		switch st.Kind {
		case query.DatabaseStore:
			if !enc.Enabled {
				fs = append(fs, finding(r, "storage is not encrypted; set storageEncrypted with the data key"))
			} else if !customerManaged {
				fs = append(fs, finding(r, "storage is encrypted with %q, not a customer-managed key of this stack", enc.Protection.Ref))
			}
			if enc.Insights != nil && enc.Insights.Kind != query.CustomerManagedKey {
				fs = append(fs, finding(r, "Performance Insights data is not encrypted with a customer-managed key of this stack"))
			}
		case query.CacheStore:
			if !customerManaged {
				fs = append(fs, finding(r, "is not encrypted at rest with a customer-managed key of this stack"))
			}
		case query.BucketStore:
			switch alg := enc.Algorithm; {
			case !enc.Enabled:
				fs = append(fs, finding(r, "has no default encryption configuration"))
			case query.Purpose(r) == contract.AccessLogsPurpose && enc.Protection.Kind == query.SSES3:
				exceptions++
				if exceptions > 1 {
					fs = append(fs, finding(r, "is a second SSE-S3 access-log bucket; the stack has exactly one documented exception"))
				}
			case alg != "aws:kms" && alg != "aws:kms:dsse":
				fs = append(fs, finding(r, "is encrypted with %s, not with the stack's data key (only the access-log bucket may use SSE-S3)", orNone(alg)))
			case !customerManaged:
				fs = append(fs, finding(r, "is encrypted with %q, not a customer-managed key of this stack", enc.Protection.Ref))
			case !enc.BucketKey:
				fs = append(fs, finding(r, "has no bucket key; enable bucketKeyEnabled"))
			}
		}
	}
	for _, s := range ix.Secrets() {
		if s.ManagedBy != nil {
			continue // RDS creates and rotates it with the key the database names
		}
		checked++
		if s.Protection.Kind != query.CustomerManagedKey {
			fs = append(fs, finding(s.Resource, "is encrypted with %s, not a customer-managed key of this stack", orNone(s.Protection.Ref)))
		}
	}
	return checked, fs
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func checkTLSForced(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		checked++
		pg := ix.ParameterGroupOf(db)
		if pg == nil {
			fs = append(fs, finding(db, "uses no parameter group of this stack, so rds.force_ssl is not set"))
			continue
		}
		forced := false
		for _, p := range query.List(pg, "parameters") {
			m, _ := p.(map[string]any)
			if m["name"] == "rds.force_ssl" && fmt.Sprint(m["value"]) == "1" {
				forced = true
			}
		}
		if !forced {
			fs = append(fs, finding(db, "parameter group %s does not set rds.force_ssl = 1", query.Name(pg)))
		}
	}
	for _, c := range ix.OfType(contract.TypeCache) {
		checked++
		if on, _ := query.Bool(c, "transitEncryptionEnabled"); !on {
			fs = append(fs, finding(c, "accepts plaintext connections; set transitEncryptionEnabled"))
		}
	}
	for _, b := range ix.OfType(contract.TypeBucket) {
		checked++
		if !ix.BucketDeniesPlaintext(b) {
			fs = append(fs, finding(b, "has no policy denying requests without TLS (aws:SecureTransport = false)"))
		}
	}
	return checked, fs
}

func checkStoreReachability(ix *query.Index) (int, []Finding) {
	var fs []Finding
	accesses := ix.StoreAccesses()
	for _, a := range accesses {
		if len(a.Declared) == 0 {
			fs = append(fs, finding(a.Store, "declares no users (tags %s / %s), so no one may reach it", contract.OwnerTag, contract.UsersTag))
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

func checkNoPlaintextSecrets(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, r := range ix.Resources {
		if !r.Custom {
			continue
		}
		checked++
		// side is "input" or "output": an export holds what AWS and the providers returned too
		// (a generated private key, an access key's secret), and state readers see both.
		var walk func(side, path, key string, v any)
		walk = func(side, path, key string, v any) {
			if stackstate.IsSecret(v) {
				return
			}
			switch t := v.(type) {
			case map[string]any:
				for k, x := range t {
					walk(side, path+"."+k, k, x)
				}
			case []any:
				for i, x := range t {
					walk(side, fmt.Sprintf("%s[%d]", path, i), key, x)
				}
			case string:
				if secretKeys[key] && t != "" {
					fs = append(fs, finding(r, "%s %s holds a plaintext value; pass it as a Pulumi secret (pulumi.ToSecret or a --secret config value)", side, strings.TrimPrefix(path, ".")))
					return
				}
				for _, re := range secretLooking {
					if re.MatchString(t) {
						fs = append(fs, finding(r, "%s %s holds what looks like a credential or private key in plaintext", side, strings.TrimPrefix(path, ".")))
						return
					}
				}
			}
		}
		for k, v := range r.Inputs {
			walk("input", "."+k, k, v)
		}
		for k, v := range r.Outputs {
			walk("output", "."+k, k, v)
		}
	}
	return checked, fs
}

// checkKeys asks rotation of symmetric encryption keys only: AWS KMS cannot rotate asymmetric
// keys (the identity-token signing key is one), HMAC keys, imported key material or keys in a
// custom key store
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html).
func checkKeys(ix *query.Index) (int, []Finding) {
	var fs []Finding
	keys := ix.OfType(contract.TypeKMSKey)
	for _, k := range keys {
		spec := query.Str(k, "customerMasterKeySpec")
		if on, _ := query.Bool(k, "enableKeyRotation"); !on && (spec == "" || spec == "SYMMETRIC_DEFAULT") {
			fs = append(fs, finding(k, "does not rotate; set enableKeyRotation"))
		}
		if d, ok := query.Int(k, "deletionWindowInDays"); ok && d < 7 {
			fs = append(fs, finding(k, "has a deletion window of %d days", d))
		}
		if doc, err := policydoc.Parse(query.Str(k, "policy")); err != nil {
			fs = append(fs, finding(k, "has no valid key policy"))
		} else {
			fs = append(fs, grantFindings(k, doc)...)
			for _, st := range doc.Statement {
				if st.Effect == policydoc.Allow && st.Negated() != "" {
					fs = append(fs, finding(k, "key policy %s", negatedAllow(st)))
				}
				if st.Effect == policydoc.Allow && (len(st.Principals()["*"]) > 0 || slices.Contains(st.Principals()["AWS"], "*")) && len(st.Condition) == 0 {
					fs = append(fs, finding(k, "key policy statement %s allows any principal without a condition", st.Sid))
				}
			}
		}
	}
	return len(keys), fs
}

func checkDatabasesPrivate(ix *query.Index) (int, []Finding) {
	var fs []Finding
	dbs := ix.OfType(contract.TypeDBInstance)
	for _, db := range dbs {
		if pub, _ := query.Bool(db, "publiclyAccessible"); pub {
			fs = append(fs, finding(db, "is publicly accessible; set publiclyAccessible to false"))
		}
		if on, _ := query.Bool(db, "iamDatabaseAuthenticationEnabled"); !on {
			fs = append(fs, finding(db, "has IAM authentication off"))
		}
		if managed, _ := query.Bool(db, "manageMasterUserPassword"); !managed {
			fs = append(fs, finding(db, "does not let RDS manage its master password in Secrets Manager"))
		}
		if _, has := query.Prop(db, "password"); has {
			fs = append(fs, finding(db, "sets a master password in the program; let RDS manage it (manageMasterUserPassword)"))
		}
		group := ix.SubnetGroupOf(db)
		if group == nil {
			fs = append(fs, finding(db, "uses no DB subnet group of this stack"))
			continue
		}
		azs := map[string]bool{}
		for _, id := range query.Strings(group, "subnetIds") {
			s := ix.Ref(id)
			if s == nil || query.Tier(s) != contract.Isolated {
				fs = append(fs, finding(db, "its subnet group %s includes %s, which is not an isolated-tier subnet", query.Name(group), id))
				continue
			}
			azs[query.Str(s, "availabilityZone")] = true
		}
		if len(azs) < 2 {
			fs = append(fs, finding(db, "its subnet group spans %d AZ(s); RDS needs at least 2", len(azs)))
		}
	}
	return len(dbs), fs
}

func checkBucketsPrivate(ix *query.Index) (int, []Finding) {
	var fs []Finding
	buckets := ix.OfType(contract.TypeBucket)
	for _, b := range buckets {
		pabs := ix.SideResources(b, contract.TypeBucketPAB)
		if len(pabs) == 0 {
			fs = append(fs, finding(b, "has no public access block"))
		} else {
			for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if on, _ := query.Bool(pabs[0], flag); !on {
					fs = append(fs, finding(b, "public access block leaves %s off", flag))
				}
			}
		}
		owned := false
		for _, oc := range ix.SideResources(b, contract.TypeBucketOwnership) {
			v, _ := query.Prop(oc, "rule")
			m, _ := v.(map[string]any)
			owned = owned || m["objectOwnership"] == "BucketOwnerEnforced"
		}
		if !owned {
			fs = append(fs, finding(b, "does not enforce bucket ownership, so ACLs still apply"))
		}
		versioned := false
		for _, ver := range ix.SideResources(b, contract.TypeBucketVersioning) {
			v, _ := query.Prop(ver, "versioningConfiguration")
			m, _ := v.(map[string]any)
			versioned = versioned || m["status"] == "Enabled"
		}
		if !versioned {
			fs = append(fs, finding(b, "does not keep versions"))
		}
	}
	return len(buckets), fs
}

func checkSecretPolicies(ix *query.Index) (int, []Finding) {
	var fs []Finding
	secrets := ix.OfType(contract.TypeSecret)
	for _, s := range secrets {
		_, policy := ix.SecretReaders(s)
		if policy == nil {
			fs = append(fs, finding(s, "has no resource policy naming its readers"))
			continue
		}
		if on, _ := query.Bool(policy, "blockPublicPolicy"); !on {
			fs = append(fs, finding(s, "does not block public resource policies"))
		}
		doc, err := policydoc.Parse(query.Str(policy, "policy"))
		if err != nil {
			fs = append(fs, finding(s, "has an unreadable resource policy"))
			continue
		}
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			if st.Negated() != "" {
				fs = append(fs, finding(s, "resource policy %s", negatedAllow(st)))
				continue
			}
			ps := st.Principals()
			if len(ps["*"]) > 0 || len(ps["Service"]) > 0 {
				fs = append(fs, finding(s, "policy statement %s admits %v, not specific roles", st.Sid, ps))
			}
			for _, arn := range ps["AWS"] {
				who, tags := ix.PrincipalOf(arn), query.PrincipalTags(st)
				switch {
				case who.Kind == query.AccountPrincipal && (tags[contract.RoleTag] == "" || tags[contract.StackTag] == ""):
					fs = append(fs, finding(s, "policy statement %s admits the whole account %s; name the reader roles, or the stack's roles by the tags %s and %s", st.Sid, who.Name, contract.RoleTag, contract.StackTag))
				case who.Kind == query.AccountPrincipal && len(ix.RolesTagged(tags)) == 0:
					fs = append(fs, finding(s, "policy statement %s admits the roles tagged %v, and no role of this stack carries those tags", st.Sid, tags))
				case who.Kind != query.AccountPrincipal && !who.IsRole():
					fs = append(fs, finding(s, "policy statement %s admits %s, which is not a role", st.Sid, arn))
				}
			}
		}
	}
	return len(secrets), fs
}

// grantFindings names the statements of a key policy that let an AWS principal create grants
// (kms:CreateGrant, also through a wildcard) without requiring kms:GrantIsForAWSResource true: a
// grant can give its grantee any use of the key (Decrypt, Sign), so an administrator could grant
// itself what the policy gives only to a service
// (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
// A Deny of kms:CreateGrant to every principal under no condition answers them all.
func grantFindings(k *query.Resource, doc policydoc.Document) []Finding {
	var fs []Finding
	if slices.ContainsFunc(doc.Statement, func(st policydoc.Statement) bool { return query.DeniesToAll(st, query.CreateGrantAction) }) {
		return nil
	}
	for _, st := range doc.Statement {
		aws := append(st.Principals()["AWS"], st.Principals()["*"]...)
		if st.Effect != policydoc.Allow || !st.Covers(query.CreateGrantAction) || len(aws) == 0 && st.NotPrincipal == nil {
			continue
		}
		if !grantIsForAWSResource(st.Condition["Bool"]["kms:GrantIsForAWSResource"]) || st.Negated() != "" {
			fs = append(fs, finding(k, "key policy statement %s lets %s create grants (%s) without kms:GrantIsForAWSResource true, and a grant can give any use of the key; allow it only for AWS resources, or deny it", st.Sid, strings.Join(aws, ", "), query.CreateGrantAction))
		}
	}
	return fs
}

// grantIsForAWSResource reports whether a Bool condition's value requires true ("true", true, or
// a list of only those).
func grantIsForAWSResource(v any) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	if list, ok := v.([]any); ok && len(list) > 0 {
		return !slices.ContainsFunc(list, func(x any) bool { return !grantIsForAWSResource(x) })
	}
	return v == "true"
}
