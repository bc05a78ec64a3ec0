package policy

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyPrivateCA = `Strategy 3, "Encryption in Transit" (mTLS between services) and "Secrets Management": with vault.certificateAuthority aws-private-ca, whoever reads a state cannot mint a service certificate, and a task obtains certificates only from its stack's CA`

var privateCAInvariants = []Invariant{
	{
		ID: "PKI-01",
		Statement: "An AWS Private CA of the stack is in short-lived certificate mode with its certificate installed, and a stack that has one keeps no pulumi-tls CA or mTLS key in the state; " +
			"acm-pca:IssueCertificate is granted only to services' task roles, only on CAs of the stack and only with the end-entity template (acm-pca:TemplateArn); " +
			"a stack that protects its stores protects its CAs, their certificates and their installation",
		Enforces: strategyPrivateCA,
		Covers:   []string{contract.TypePCACertificateAuthority, contract.TypePCACertificate, contract.TypePCACertificateAuthorityCertificate, contract.TypeTLSPrivateKey, contract.TypeTLSSelfSignedCert, contract.TypeTLSLocallySignedCert, contract.TypeRolePolicy, contract.TypeIAMPolicy},
		check:    checkPrivateCA,
	},
}

func checkPrivateCA(ix *query.Index) (int, []Finding) {
	var fs []Finding
	cas := ix.PrivateCAs()
	protects := storesProtected(ix)
	for _, ca := range cas {
		r := ca.Resource
		if ca.UsageMode != awslimits.PrivateCAShortLivedMode {
			fs = append(fs, finding(r, "is an AWS Private CA in %s mode; set usageMode %s (certificates of at most %d days, no revocation to run, USD 50 a month instead of 400)", ca.UsageMode, awslimits.PrivateCAShortLivedMode, awslimits.PrivateCAShortLivedMaxDays))
		}
		if len(ca.Installed) == 0 {
			fs = append(fs, finding(r, "has no installed certificate (acmpca.CertificateAuthorityCertificate): it stays PENDING_CERTIFICATE and issues nothing"))
		}
		if protects {
			for _, x := range append(append([]*query.Resource{r}, ca.Certificates...), ca.Installed...) {
				if !x.Protect {
					fs = append(fs, finding(x, "belongs to the internal CA of a stack that protects its stores, but is not protected; protect it (deleting a CA stops every task's renewal)"))
				}
			}
		}
	}
	if len(cas) > 0 {
		fs = append(fs, tlsPKIInState(ix)...)
	}
	stackCA := func(ref string) bool {
		x := ix.Ref(ref)
		return x != nil && x.Type == contract.TypePCACertificateAuthority
	}
	grants := ix.CertificateIssueGrants()
	for _, g := range grants {
		r := g.Policy
		if g.Negated != "" {
			fs = append(fs, finding(r, "statement %s reaches %s with %s: it grants every CA but what it lists", g.Sid, query.IssueAction, g.Negated))
		}
		if len(g.Roles) == 0 {
			fs = append(fs, finding(r, "statement %s grants %s in a policy attached to no role of the stack's services; only their task roles may issue", g.Sid, query.IssueAction))
		}
		for _, p := range g.Roles {
			if p.Kind != query.ServiceRolePrincipal || p.Role != contract.TaskRole {
				fs = append(fs, finding(r, "statement %s lets %s issue certificates (%s); only the services' task roles may", g.Sid, p.Label(), query.IssueAction))
			}
		}
		for _, res := range g.Resources {
			if !stackCA(res) {
				fs = append(fs, finding(r, "statement %s lets its role issue certificates from %s, which is not an AWS Private CA of the stack; name the stack's CA", g.Sid, res))
			}
		}
		if len(g.Templates) != 1 || g.Templates[0] != awslimits.PrivateCAEndEntityTemplateArn {
			fs = append(fs, finding(r, "statement %s lets its role issue certificates with templates %v; require %s %s (a passthrough template would let it add any extension)", g.Sid, g.Templates, awslimits.PrivateCATemplateArnKey, awslimits.PrivateCAEndEntityTemplateArn))
		}
	}
	// Every identity policy was read for grants of IssueCertificate, whichever the internal CA.
	return len(cas) + len(ix.IdentityPolicies()), fs
}

// storesProtected reports whether the stack protects its stores (any of them): DATA-09 then
// requires them all to be.
func storesProtected(ix *query.Index) bool {
	return slices.ContainsFunc(ix.OfType(contract.TypeKMSKey, contract.TypeBucket, contract.TypeDBInstance, contract.TypeCache, contract.TypeSecret), func(r *query.Resource) bool { return r.Protect })
}

// tlsPKIInState lists the pulumi-tls PKI of a stack whose internal CA is AWS Private CA: a CA
// certificate, a certificate it signed, and every key either depends on.
func tlsPKIInState(ix *query.Index) []Finding {
	var fs []Finding
	keys := map[string]bool{}
	for _, c := range ix.OfType(contract.TypeTLSSelfSignedCert, contract.TypeTLSLocallySignedCert, contract.TypeTLSCertRequest) {
		isCA, _ := query.Bool(c, "isCaCertificate")
		if c.Type == contract.TypeTLSSelfSignedCert && !isCA {
			continue // a self-signed leaf (dev's edge certificates) is no internal PKI
		}
		if c.Type != contract.TypeTLSCertRequest {
			fs = append(fs, finding(c, "is a pulumi-tls %s in a stack whose internal CA is AWS Private CA; remove it (the tasks obtain their certificates from the Private CA)", query.ShortType(c.Type)))
		}
		for urn := range ix.DependsOn(c) {
			if d := ix.URN(urn); d != nil && d.Type == contract.TypeTLSPrivateKey {
				keys[urn] = true
			}
		}
	}
	for _, k := range ix.OfType(contract.TypeTLSPrivateKey) {
		if keys[k.URN] {
			fs = append(fs, finding(k, "is a CA or mTLS private key in the state of a stack whose internal CA is AWS Private CA; no key of the PKI may be in the state"))
		}
	}
	return fs
}
