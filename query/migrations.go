package query

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// Facts of issue 12, item 3: each database's one-off migration task, the only principal that
// reads its master secret, and the database users its owner connects as.

// MigrationRolePrincipal is a role of a database's migration task (Principal.Service names the
// migration, Principal.Role which of its two roles).
const MigrationRolePrincipal PrincipalKind = "migration-role"

// MigrationOfGroup names the migration task whose security group this is (its group-name tag;
// "" if it is not a migration's group).
func (ix *Index) MigrationOfGroup(id string) string {
	sg := ix.Ref(id)
	if sg == nil || GroupKind(sg) != contract.MigrationGroup {
		return ""
	}
	return Tags(sg)[contract.GroupNameTag]
}

// DeclaredMigration is the migration task a database declares may reach it (its migration tag);
// "" for a cache, and for a database that declares none.
func DeclaredMigration(store *Resource) string {
	if store.Type != contract.TypeDBInstance {
		return ""
	}
	return Tags(store)[contract.MigrationTag]
}

// migrationNodes are the migration tasks, one per migration security group: a task that runs
// only when started (`aws ecs run-task`), with that group, in the private-tier subnets of the
// group's VPC, which is where the README and the stack's `migrations` output start it.
func (ix *Index) migrationNodes() []Node {
	var out []Node
	for _, sg := range ix.OfType(contract.TypeSecurityGroup) {
		if GroupKind(sg) != contract.MigrationGroup {
			continue
		}
		var subnets []string
		for _, s := range ix.OfType(contract.TypeSubnet) {
			if Tier(s) == contract.Private && Str(s, "vpcId") == Str(sg, "vpcId") {
				subnets = append(subnets, s.ID)
			}
		}
		out = append(out, Node{Kind: contract.MigrationNode, Name: Tags(sg)[contract.GroupNameTag], URN: sg.URN, Tags: Tags(sg),
			Groups: []string{sg.ID}, Subnets: subnets})
	}
	return out
}

// MasterSecretArns are the ARNs of a database's RDS-managed master secrets (its
// masterUserSecrets), in export order.
func MasterSecretArns(db *Resource) []string {
	var out []string
	for _, sec := range List(db, "masterUserSecrets") {
		m, _ := sec.(map[string]any)
		if arn, _ := m["secretArn"].(string); arn != "" {
			out = append(out, arn)
		}
	}
	return out
}

// MasterSecretReaders are who may read a database's master secrets: the roles whose identity
// policies allow it, and the principals the secrets' resource policies admit (within one account
// either is enough), sorted by identity, each once.
func (ix *Index) MasterSecretReaders(db *Resource) []Principal {
	var out []Principal
	for _, arn := range MasterSecretArns(db) {
		out = append(out, ix.IdentityPolicyReaders(arn)...)
		// RDS creates the secret: the stack holds no secret resource, only its ARN.
		readers, _ := ix.SecretReaders(&Resource{Type: contract.TypeSecret, ID: arn, Outputs: map[string]any{"arn": arn}})
		out = append(out, readers...)
	}
	sortPrincipals(out)
	return slices.Compact(out)
}

// TaskSecretRef is a task definition's container that names a secret: injected from it
// (secrets), or given its ARN in the environment.
type TaskSecretRef struct {
	TaskDefinition *Resource
	Container      string
	Variable       string
}

// TaskDefinitionsNaming lists the containers of the stack's task definitions that inject a secret
// (valueFrom is its ARN, or its ARN followed by :<json key>:...) or carry its ARN in their
// environment, in export order.
func (ix *Index) TaskDefinitionsNaming(secretArn string) []TaskSecretRef {
	var out []TaskSecretRef
	names := func(v string) bool { return v == secretArn || strings.HasPrefix(v, secretArn+":") }
	for _, td := range ix.OfType(contract.TypeTaskDefinition) {
		containers, _ := Containers(td)
		for _, c := range containers {
			for _, s := range c.Secrets {
				if names(s.ValueFrom) {
					out = append(out, TaskSecretRef{TaskDefinition: td, Container: c.Name, Variable: s.Name})
				}
			}
			for _, e := range c.Environment {
				if names(e.Value) {
					out = append(out, TaskSecretRef{TaskDefinition: td, Container: c.Name, Variable: e.Name})
				}
			}
		}
	}
	return out
}

// DBConnectGrant is one statement of a role's identity policy that allows rds-db:connect.
type DBConnectGrant struct {
	Role     Principal
	Policy   *Resource // the role policy or managed policy that holds it
	Sid      string
	Resource string // as written: arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>, or a wildcard
}

// DBConnectGrants lists every rds-db:connect (or rds-db:*, or *) a role policy of the stack allows,
// resource by resource, in export order.
func (ix *Index) DBConnectGrants() []DBConnectGrant {
	var out []DBConnectGrant
	for _, rp := range ix.OfType(contract.TypeRolePolicy) {
		doc := ix.PolicyOf(rp)
		if doc == nil {
			continue
		}
		for _, r := range ix.Where(contract.TypeIAMRole, "name", Str(rp, "role")) {
			who := ix.RolePrincipalOf(Str(r, "arn"))
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow || !slices.ContainsFunc(st.Action, func(a string) bool { return a == "rds-db:connect" || a == "rds-db:*" || a == "*" }) {
					continue
				}
				for _, res := range st.Resource {
					out = append(out, DBConnectGrant{Role: who, Policy: rp, Sid: st.Sid, Resource: res})
				}
			}
		}
	}
	return out
}

// DBUser is what an rds-db:connect resource names: the instance's resource id and the user.
// ok is false when the resource is not a dbuser ARN.
func DBUser(resource string) (resourceID, user string, ok bool) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[2] != "rds-db" {
		return "", "", false
	}
	rest, found := strings.CutPrefix(parts[5], "dbuser:")
	if !found {
		return "", "", false
	}
	resourceID, user, ok = strings.Cut(rest, "/")
	return resourceID, user, ok
}

// orNobody renders a declared name, or "none".
func orNobody(name string) string {
	if name == "" {
		return "none"
	}
	return name
}
