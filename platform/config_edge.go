package platform

import (
	"regexp"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/secrets"
)

type rawEdge struct {
	CertificateARN string `json:"certificateArn"`
	DomainName     string `json:"domainName"`
	RateLimit      *int   `json:"rateLimit"`
	// IdentityKeyGenerations is edge.identityKeyGenerations; nil when the config does not set it.
	IdentityKeyGenerations *[]int `json:"identityKeyGenerations"`
	// IdentitySigningGeneration is edge.identitySigningGeneration; 0 when the config does not set it.
	IdentitySigningGeneration int `json:"identitySigningGeneration"`
}

// domainPattern is a lowercase DNS name of two labels or more.
var domainPattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func loadEdge(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyEdge)
	var re rawEdge
	if data, ok := raw(src, keyEdge); ok {
		decodeObject(key, data, &re, ps)
	}
	if re.CertificateARN != "" {
		m := awslimits.ACMCertificateARN.FindStringSubmatch(re.CertificateARN)
		switch {
		case m == nil:
			ps.add(key+".certificateArn", "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", re.CertificateARN)
		case spec.Region != "" && m[1] != spec.Region:
			ps.add(key+".certificateArn", "the certificate is in %s but the stack is in %s; a load balancer needs a certificate from its own region", m[1], spec.Region)
		}
	}
	spec.Edge.CertificateARN = re.CertificateARN
	if re.DomainName != "" && !domainPattern.MatchString(re.DomainName) {
		ps.add(key+".domainName", "%q is not a lowercase DNS name such as api.example.com", re.DomainName)
	}
	for _, name := range sortedNames(spec.Services) {
		if host := spec.Scope("").EdgeHost(name, re.DomainName); re.DomainName != "" && spec.Services[name].Public && len(host) > 253 {
			ps.add(key+".domainName", "the BFF %s would be served as %s, longer than the 253 characters of a DNS name; use a shorter domain", name, host)
		}
	}
	spec.Edge.DomainName = re.DomainName
	spec.Edge.RateLimit = rateLimit.resolve(key, spec.Environment, re.RateLimit, ps)
	spec.IdentityKeyGenerations = []int{1}
	if re.IdentityKeyGenerations != nil {
		spec.IdentityKeyGenerations = *re.IdentityKeyGenerations
		if problem := secrets.GenerationsProblem(spec.IdentityKeyGenerations); problem != "" {
			ps.add(key+".identityKeyGenerations", "%s", problem)
		}
	}
	spec.IdentitySigningGeneration = re.IdentitySigningGeneration
	if problem := secrets.SigningProblem(spec.IdentityKeyGenerations, re.IdentitySigningGeneration); problem != "" {
		ps.add(key+".identitySigningGeneration", "%s", problem)
	}
	needsCert := false
	for _, s := range spec.Services {
		needsCert = needsCert || s.Public
	}
	if needsCert && re.CertificateARN == "" && (spec.Environment == Staging || spec.Environment == Prod) {
		ps.add(key+".certificateArn", "required in %s: the BFF load balancers need a real ACM certificate (a self-signed one is only imported in dev); set it with pulumi config set --path edge.certificateArn <arn>", spec.Environment)
	}
}
