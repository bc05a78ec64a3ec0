package query

import (
	"cmp"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// PrincipalKind is what a principal a policy names turns out to be in the stack.
type PrincipalKind string

// The principal kinds.
const (
	ServiceRolePrincipal PrincipalKind = "service-role" // a service's task or execution role
	RolePrincipal        PrincipalKind = "role"         // a role of the stack that is no service's
	ForeignRolePrincipal PrincipalKind = "foreign-role" // a role ARN the stack does not hold
	ARNPrincipal         PrincipalKind = "arn"          // an ARN the stack does not hold that names no role
	AccountPrincipal     PrincipalKind = "account"      // a whole account (its root or its id)
	AWSServicePrincipal  PrincipalKind = "aws-service"  // an AWS service (log delivery)
	AnyPrincipal         PrincipalKind = "anyone"       // "*"
)

// Principal is who a policy names, resolved to the stack's terms.
type Principal struct {
	Kind    PrincipalKind
	Service string            // ServiceRolePrincipal: the service; MigrationRolePrincipal: the migration task
	Role    contract.RoleKind // ServiceRolePrincipal: which of its roles
	Name    string            // the role's logical name, the ARN, the account id, the AWS service, or "*"
}

// Label names a principal for a reader: "orders (execution role)", a role's name, an ARN,
// "account 123456789012", an AWS service or "*".
func (p Principal) Label() string {
	switch p.Kind {
	case ServiceRolePrincipal, MigrationRolePrincipal:
		return p.Service + " (" + string(p.Role) + " role)"
	case AccountPrincipal:
		return "account " + p.Name
	}
	return p.Name
}

// IsRole reports whether a principal is an IAM role: a service's, another of the stack, or a
// role ARN the stack does not hold.
func (p Principal) IsRole() bool {
	return p.Kind == ServiceRolePrincipal || p.Kind == MigrationRolePrincipal || p.Kind == RolePrincipal || p.Kind == ForeignRolePrincipal
}

// RolePrincipalOf resolves a role ARN: a service's role, another role of the stack, or the ARN
// as written when the stack does not hold it (ForeignRolePrincipal when it names a role).
func (ix *Index) RolePrincipalOf(arn string) Principal {
	if r := ix.Ref(arn); r != nil && r.Type == contract.TypeIAMRole {
		if m := Tags(r)[contract.MigrationTag]; m != "" {
			return Principal{Kind: MigrationRolePrincipal, Service: m, Role: contract.RoleKind(Tags(r)[contract.RoleTag]), Name: Name(r)}
		}
		if svc := Tags(r)[contract.ServiceTag]; svc != "" {
			return Principal{Kind: ServiceRolePrincipal, Service: svc, Role: contract.RoleKind(Tags(r)[contract.RoleTag]), Name: Name(r)}
		}
		return Principal{Kind: RolePrincipal, Name: Name(r)}
	}
	if strings.Contains(arn, ":role/") {
		return Principal{Kind: ForeignRolePrincipal, Name: arn}
	}
	return Principal{Kind: ARNPrincipal, Name: arn}
}

// PrincipalOf resolves an AWS principal a policy names (an ARN or a bare account id): a whole
// account (IsAccountRoot), else as RolePrincipalOf does.
func (ix *Index) PrincipalOf(arn string) Principal {
	if IsAccountRoot(arn) {
		return Principal{Kind: AccountPrincipal, Name: AccountOf(arn)}
	}
	return ix.RolePrincipalOf(arn)
}

// SecretPolicies returns the resource policies of a secret (by its ARN, then by its id).
func (ix *Index) SecretPolicies(secret *Resource) []*Resource {
	return append(ix.Where(contract.TypeSecretPolicy, "secretArn", Str(secret, "arn")), ix.Where(contract.TypeSecretPolicy, "secretArn", secret.ID)...)
}

// SecretReaders resolves the principals a secret's resource policy admits, sorted by identity
// (Principal.Compare), and
// returns the policy (nil when the secret has none; readers nil when it is unreadable). A
// statement that admits this account's roles by tag (the stack's execution roles) is resolved to
// the roles of the stack that carry those tags; a whole account without such tags is an
// AccountPrincipal.
func (ix *Index) SecretReaders(secret *Resource) ([]Principal, *Resource) {
	for _, p := range ix.SecretPolicies(secret) {
		doc, err := policydoc.Parse(Str(p, "policy"))
		if err != nil {
			return nil, p
		}
		var readers []Principal
		for _, st := range doc.Statement {
			if st.Effect != policydoc.Allow {
				continue
			}
			for _, arn := range st.Principals()["AWS"] {
				who := ix.PrincipalOf(arn)
				if who.Kind != AccountPrincipal {
					readers = append(readers, who)
					continue
				}
				tags := PrincipalTags(st)
				if len(tags) == 0 {
					readers = append(readers, who)
					continue
				}
				for _, role := range ix.RolesTagged(tags) {
					readers = append(readers, ix.RolePrincipalOf(Str(role, "arn")))
				}
			}
			for _, who := range st.Principals()["*"] {
				readers = append(readers, Principal{Kind: AnyPrincipal, Name: who})
			}
		}
		sortPrincipals(readers)
		return readers, p
	}
	return nil, nil
}

// Compare orders principals by their identity: kind, service, role, then name.
func (p Principal) Compare(o Principal) int {
	return cmp.Or(cmp.Compare(p.Kind, o.Kind), cmp.Compare(p.Service, o.Service), cmp.Compare(p.Role, o.Role), cmp.Compare(p.Name, o.Name))
}

func sortPrincipals(ps []Principal) {
	slices.SortStableFunc(ps, Principal.Compare)
}

// IsAccountRoot reports whether a principal is a whole account (its root, or its bare id).
func IsAccountRoot(arn string) bool {
	return strings.HasSuffix(arn, ":root") || (len(arn) == 12 && strings.Trim(arn, "0123456789") == "")
}

// AccountOf is the account id of an ARN (the ARN itself when it has no account field).
func AccountOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) > 4 {
		return parts[4]
	}
	return arn
}

// PrincipalTags returns the aws:PrincipalTag/<key> values a statement requires (StringEquals).
func PrincipalTags(st policydoc.Statement) map[string]string {
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

// RolesTagged returns the roles of the stack that carry every given tag, in export order.
func (ix *Index) RolesTagged(tags map[string]string) []*Resource {
	var out []*Resource
	for _, r := range ix.OfType(contract.TypeIAMRole) {
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

// IdentityPolicyReaders lists the roles whose identity policies (role policies) allow reading a
// secret by ARN, sorted by identity (Principal.Compare), each once.
func (ix *Index) IdentityPolicyReaders(secretArn string) []Principal {
	if ix.secretGrants == nil {
		ix.secretGrants = map[string][]Principal{}
		for _, rp := range ix.OfType(contract.TypeRolePolicy) {
			doc := ix.PolicyOf(rp)
			if doc == nil {
				continue
			}
			var who *Principal
			for _, r := range ix.Where(contract.TypeIAMRole, "name", Str(rp, "role")) {
				p := ix.RolePrincipalOf(Str(r, "arn"))
				who = &p
			}
			if who == nil {
				continue
			}
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow || !(slices.Contains(st.Action, "secretsmanager:GetSecretValue") || slices.Contains(st.Action, "secretsmanager:*")) {
					continue
				}
				for _, res := range st.Resource {
					ix.secretGrants[res] = append(ix.secretGrants[res], *who)
				}
			}
		}
	}
	out := append([]Principal(nil), ix.secretGrants[secretArn]...)
	sortPrincipals(out)
	return slices.Compact(out)
}

// Secret is a secret of the stack, or a database's master password that RDS creates and
// rotates in Secrets Manager, with its key and who can read it.
type Secret struct {
	Name       string    // the name without the suffix AWS appends ("secure-vpc/dev/app/payments-api-key"), or "rds!<database>"
	Resource   *Resource // the secret; the database for an RDS-managed one
	ManagedBy  *Resource // the database that creates and rotates it; nil for the stack's own secrets
	Protection KeyProtection
	Readers    []Principal // resource-policy readers (own secrets); identity- and resource-policy readers (RDS-managed, MasterSecretReaders)
}

// SecretID identifies a secret across two plans or exports: its name (without the suffix AWS
// appends), and whether RDS manages it.
type SecretID struct {
	Name       string
	RDSManaged bool
}

// ID is the secret's identity.
func (s Secret) ID() SecretID { return SecretID{Name: s.Name, RDSManaged: s.ManagedBy != nil} }

// Compare orders secret identities by name, the stack's own before an RDS-managed one.
func (a SecretID) Compare(b SecretID) int {
	return cmp.Or(cmp.Compare(a.Name, b.Name), compareBool(a.RDSManaged, b.RDSManaged))
}

// Secrets lists the stack's secrets in export order, then the RDS-managed master passwords.
func (ix *Index) Secrets() []Secret {
	var out []Secret
	for _, s := range ix.OfType(contract.TypeSecret) {
		readers, _ := ix.SecretReaders(s)
		// A namePrefix ends with the "-" before the suffix AWS appends; the secret's name is what
		// comes before it.
		name := Str(s, "namePrefix")
		if name == "" {
			name = Str(s, "name")
		}
		out = append(out, Secret{Name: strings.TrimSuffix(name, "-"), Resource: s, Protection: ix.EncryptionOf(s).Protection, Readers: readers})
	}
	for _, db := range ix.OfType(contract.TypeDBInstance) {
		if managed, _ := Bool(db, "manageMasterUserPassword"); managed {
			out = append(out, Secret{Name: "rds!" + Name(db), Resource: db, ManagedBy: db,
				Protection: ix.Protection(Str(db, "masterUserSecretKmsKeyId")), Readers: ix.MasterSecretReaders(db)})
		}
	}
	return out
}
