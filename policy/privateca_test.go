package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// privateCAPlan is dev's plan with vault.certificateAuthority: aws-private-ca, recorded by the
// platform test TestRecordedPlansAreCurrentWithPrivateCA.
func privateCAPlan(t *testing.T) *stackstate.Export {
	t.Helper()
	return fixtures.Plan(t, "dev-private-ca")
}

// The option's plan passes every invariant and leaves nothing unevaluated.
func TestPrivateCAPlanPasses(t *testing.T) {
	e := privateCAPlan(t)
	assert.Empty(t, policy.Failed(policy.Evaluate(e)))
	assert.Empty(t, query.NewIndex(e).NotEvaluated())
	ix := query.NewIndex(e)
	assert.Equal(t, 1+len(ix.IdentityPolicies()), checkedBy(t, e, "PKI-01"), "PKI-01 judged the CA and every identity policy")
	assert.Len(t, ix.CertificateIssueGrants(), 4, "one grant per service's task role")
}

// checkedBy returns how many things an invariant checked on a plan.
func checkedBy(t *testing.T, e *stackstate.Export, id string) int {
	t.Helper()
	for _, r := range policy.Evaluate(e) {
		if r.Invariant.ID == id {
			return r.Checked
		}
	}
	t.Fatalf("no invariant %s", id)
	return 0
}

// addIssueGrant adds an Allow of acm-pca:IssueCertificate to a role policy of the plan.
func addIssueGrant(t *testing.T, e *stackstate.Export, policyName string, st policydoc.Statement) string {
	t.Helper()
	rp := find(e, named(contract.TypeRolePolicy, policyName))
	require.NotNil(t, rp, policyName)
	editPolicy(t, rp, func(doc *policydoc.Document) { doc.Statement = append(doc.Statement, st) })
	return rp.URN
}

// editIssueGrant changes the IssueItsCertificate statement of a task role's policy.
func editIssueGrant(t *testing.T, e *stackstate.Export, policyName string, edit func(st *policydoc.Statement)) string {
	t.Helper()
	rp := find(e, named(contract.TypeRolePolicy, policyName))
	require.NotNil(t, rp, policyName)
	editPolicy(t, rp, func(doc *policydoc.Document) {
		for i := range doc.Statement {
			if doc.Statement[i].Sid == "IssueItsCertificate" {
				edit(&doc.Statement[i])
			}
		}
	})
	return rp.URN
}

func caArn(t *testing.T, e *stackstate.Export) string {
	t.Helper()
	ca := find(e, ofType(contract.TypePCACertificateAuthority))
	require.NotNil(t, ca)
	return ca.Outputs["arn"].(string)
}

// privateCACase breaks a plan (the option's, or dev's with the default CA) for PKI-01.
type privateCACase struct {
	name    string
	plan    func(t *testing.T) *stackstate.Export
	breakIt func(t *testing.T, e *stackstate.Export) string
	want    string
	also    []string
}

func privateCACases() []privateCACase {
	const endEntity = "arn:aws:acm-pca:::template/EndEntityCertificate/V1"
	return []privateCACase{
		{"a general-purpose CA", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			ca := find(e, ofType(contract.TypePCACertificateAuthority))
			ca.Inputs["usageMode"] = "GENERAL_PURPOSE"
			return ca.URN
		}, "is an AWS Private CA in GENERAL_PURPOSE mode", nil},
		{"a CA whose certificate is not installed", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			inst := find(e, ofType(contract.TypePCACertificateAuthorityCertificate))
			inst.Inputs["certificateAuthorityArn"] = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/other"
			return find(e, ofType(contract.TypePCACertificateAuthority)).URN
		}, "has no installed certificate", nil},
		{"a pulumi-tls CA beside the Private CA", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			dev := devPlan(t)
			key := find(dev, named(contract.TypeTLSPrivateKey, "internal-ca"))
			cert := find(dev, named(contract.TypeTLSSelfSignedCert, "internal-ca"))
			addResource(e, *key)
			addResource(e, *cert)
			return cert.URN
		}, "is a pulumi-tls SelfSignedCert in a stack whose internal CA is AWS Private CA", nil},
		{"its CA key in the state", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			dev := devPlan(t)
			key := find(dev, named(contract.TypeTLSPrivateKey, "internal-ca"))
			addResource(e, *key)
			addResource(e, *find(dev, named(contract.TypeTLSSelfSignedCert, "internal-ca")))
			return key.URN
		}, "is a CA or mTLS private key in the state", nil},
		{"a service key and certificate signed in the state", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			dev := devPlan(t)
			for _, typ := range []string{contract.TypeTLSPrivateKey, contract.TypeTLSCertRequest, contract.TypeTLSLocallySignedCert} {
				addResource(e, *find(dev, named(typ, "orders-tls")))
			}
			return find(dev, named(contract.TypeTLSLocallySignedCert, "orders-tls")).URN
		}, "is a pulumi-tls LocallySignedCert", nil},
		{"no template condition", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return editIssueGrant(t, e, "orders-task", func(st *policydoc.Statement) { st.Condition = nil })
		}, "lets its role issue certificates with templates []", nil},
		{"a passthrough template", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return editIssueGrant(t, e, "orders-task", func(st *policydoc.Statement) {
				st.Condition = map[string]map[string]any{"StringEquals": {"acm-pca:TemplateArn": "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1"}}
			})
		}, "EndEntityCertificate_APIPassthrough/V1]; require acm-pca:TemplateArn", nil},
		{"any CA", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return editIssueGrant(t, e, "users-task", func(st *policydoc.Statement) { st.Resource = []string{"*"} })
		}, "issue certificates from *, which is not an AWS Private CA of the stack", []string{"SVC-03"}},
		{"another account's CA", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return editIssueGrant(t, e, "users-task", func(st *policydoc.Statement) {
				st.Resource = []string{"arn:aws:acm-pca:eu-west-1:210987654321:certificate-authority/0f0f0f0f-0000-4000-8000-000000000000"}
			})
		}, "which is not an AWS Private CA of the stack", nil},
		{"NotResource", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return editIssueGrant(t, e, "users-task", func(st *policydoc.Statement) { st.NotResource, st.Resource = st.Resource, nil })
		}, "reaches acm-pca:IssueCertificate with NotResource", []string{"SVC-03"}},
		{"an execution role that issues", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			return addIssueGrant(t, e, "orders-exec", policydoc.Statement{Sid: "Mint", Effect: policydoc.Allow, Action: []string{"acm-pca:*"}, Resource: []string{caArn(t, e)},
				Condition: map[string]map[string]any{"StringEquals": {"acm-pca:TemplateArn": endEntity}}})
		}, "lets orders (execution role) issue certificates", nil},
		{"an unprotected CA in a stack that protects its stores", privateCAPlan, func(t *testing.T, e *stackstate.Export) string {
			for i := range e.Deployment.Resources {
				r := &e.Deployment.Resources[i]
				if r.Type == contract.TypeSecret {
					r.Protect = true
				}
			}
			return find(e, ofType(contract.TypePCACertificateAuthority)).URN
		}, "belongs to the internal CA of a stack that protects its stores, but is not protected", []string{"DATA-09"}},
		{"with the default CA, a role that may issue from any CA", devPlan, func(t *testing.T, e *stackstate.Export) string {
			return addIssueGrant(t, e, "web-bff-task", policydoc.Statement{Sid: "Mint", Effect: policydoc.Allow, Action: []string{"acm-pca:IssueCertificate"}, Resource: []string{"*"}})
		}, "issue certificates from *, which is not an AWS Private CA of the stack", []string{"SVC-03"}},
	}
}

// Each way of breaking the option is caught, naming the resource at fault; and a grant of
// IssueCertificate is judged with the default CA too.
func TestPrivateCACatchesBrokenPlans(t *testing.T) {
	for _, tc := range privateCACases() {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.plan(t)
			culprit := tc.breakIt(t, e)
			assertCaught(t, e, "PKI-01", culprit, tc.want, tc.also)
		})
	}
}

// The default CA keeps its keys in the state, as the README documents; that alone fails nothing.
func TestPulumiTLSKeysAreTheDocumentedDefault(t *testing.T) {
	e := devPlan(t)
	ix := query.NewIndex(e)
	require.NotEmpty(t, ix.OfType(contract.TypeTLSLocallySignedCert), "dev uses the pulumi-tls CA")
	assert.Empty(t, findingOf(t, e, "PKI-01"))
	assert.True(t, strings.HasPrefix(find(e, named(contract.TypeTLSPrivateKey, "internal-ca")).URN, "urn:pulumi:dev::"))
}

// A service that does not wait for its CA's certificate to be installed starts tasks that cannot
// obtain a certificate: ORDER-01 names it.
func TestPrivateCAOrder(t *testing.T) {
	e := privateCAPlan(t)
	inst := find(e, ofType(contract.TypePCACertificateAuthorityCertificate))
	svc := find(e, named(contract.TypeECSService, "orders"))
	require.NotNil(t, svc)
	require.Contains(t, svc.Dependencies, inst.URN, "the service waits for the installation")
	svc.Dependencies = slices.DeleteFunc(svc.Dependencies, func(u string) bool { return u == inst.URN })
	for k, urns := range svc.PropertyDependencies {
		svc.PropertyDependencies[k] = slices.DeleteFunc(urns, func(u string) bool { return u == inst.URN })
	}
	assertCaught(t, e, "ORDER-01", svc.URN, "installs the certificate of the CA the task obtains its certificate from", nil)
}
