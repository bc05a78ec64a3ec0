package query

import (
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// IssueAction is the AWS Private CA action that signs a certificate for a CSR.
const IssueAction = "acm-pca:IssueCertificate"

// PrivateCA is an AWS Private CA of the stack, with its certificates (acmpca.Certificate
// issued by it) and the installations of its own certificate.
type PrivateCA struct {
	Resource *Resource
	// UsageMode is its usageMode, or AWS's default GENERAL_PURPOSE when the plan sets none.
	UsageMode    string
	Certificates []*Resource
	Installed    []*Resource
}

// PrivateCAs lists the stack's AWS Private CAs, in export order.
func (ix *Index) PrivateCAs() []PrivateCA {
	var out []PrivateCA
	for _, r := range ix.OfType(contract.TypePCACertificateAuthority) {
		ca := PrivateCA{Resource: r, UsageMode: Str(r, "usageMode")}
		if ca.UsageMode == "" {
			ca.UsageMode = "GENERAL_PURPOSE"
		}
		for _, ref := range []string{Str(r, "arn"), r.ID} {
			if ref == "" {
				continue
			}
			for _, c := range ix.Where(contract.TypePCACertificate, "certificateAuthorityArn", ref) {
				if !slices.Contains(ca.Certificates, c) {
					ca.Certificates = append(ca.Certificates, c)
				}
			}
			for _, c := range ix.Where(contract.TypePCACertificateAuthorityCertificate, "certificateAuthorityArn", ref) {
				if !slices.Contains(ca.Installed, c) {
					ca.Installed = append(ca.Installed, c)
				}
			}
		}
		out = append(out, ca)
	}
	return out
}

// IssueGrant is an Allow statement of an identity policy of the stack that reaches
// acm-pca:IssueCertificate (also through a wildcard).
type IssueGrant struct {
	Policy *Resource // the role policy, managed policy or role that carries it
	// Roles are the roles it is attached to (a role policy's role, a role's inline policy);
	// none for a managed policy, whose attachments the plan does not say.
	Roles []Principal
	Sid   string
	// Resources are its Resource entries as written; Negated says "NotResource" and the like.
	Resources []string
	Negated   string
	// Templates are the values its condition requires of acm-pca:TemplateArn (StringEquals or
	// ArnEquals); nil when it requires none.
	Templates []string
}

// CertificateIssueGrants lists every grant of acm-pca:IssueCertificate in the stack's identity
// policies, by carrier URN then statement.
func (ix *Index) CertificateIssueGrants() []IssueGrant {
	var out []IssueGrant
	policies := ix.IdentityPolicies()
	carriers := make([]*Resource, 0, len(policies))
	for r := range policies {
		carriers = append(carriers, r)
	}
	slices.SortFunc(carriers, func(a, b *Resource) int { return strings.Compare(a.URN, b.URN) })
	for _, r := range carriers {
		var roles []Principal
		switch r.Type {
		case contract.TypeRolePolicy:
			for _, role := range ix.Where(contract.TypeIAMRole, "name", Str(r, "role")) {
				roles = append(roles, ix.RolePrincipalOf(Str(role, "arn")))
			}
		case contract.TypeIAMRole:
			roles = append(roles, ix.RolePrincipalOf(Str(r, "arn")))
		}
		for _, doc := range policies[r] {
			for _, st := range doc.Statement {
				if st.Effect != policydoc.Allow || !st.Covers(IssueAction) {
					continue
				}
				g := IssueGrant{Policy: r, Roles: roles, Sid: st.Sid, Resources: st.Resource, Negated: st.Negated()}
				for _, op := range []string{"StringEquals", "ArnEquals"} {
					if v, ok := st.Condition[op][awslimits.PrivateCATemplateArnKey]; ok {
						g.Templates = append(g.Templates, policydoc.StringList(v)...)
					}
				}
				out = append(out, g)
			}
		}
	}
	return out
}
