package platform

import (
	"github.com/secure-vpc/secure-vpc/secrets"
)

type rawVault struct {
	CAGenerations        *[]int `json:"caGenerations"`
	CAIssuingGeneration  int    `json:"caIssuingGeneration"`
	CertificateAuthority string `json:"certificateAuthority"`
}

// loadVault reads the vault's settings: the generations of the internal CA (default [1]), the
// one that issues the services' certificates (default the highest), and which CA it is
// (vault.certificateAuthority: pulumi-tls, the default, or aws-private-ca). Two generations are a
// rotation's overlap, in which every service trusts both (README, "Rotating the internal CA").
func loadVault(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyVault)
	spec.CAGenerations = []int{1}
	spec.CertificateAuthority = secrets.PulumiTLS
	var rv rawVault
	data, ok := raw(src, keyVault)
	if !ok || !decodeObject(key, data, &rv, ps) {
		return
	}
	if rv.CAGenerations != nil {
		if problem := secrets.CAGenerationsProblem(*rv.CAGenerations); problem != "" {
			ps.add(key+".caGenerations", "%s", problem)
			return
		}
		spec.CAGenerations = *rv.CAGenerations
	}
	if problem := secrets.CAIssuerProblem(rv.CAIssuingGeneration, spec.CAGenerations); problem != "" {
		ps.add(key+".caIssuingGeneration", "%s", problem)
		return
	}
	spec.CAIssuingGeneration = rv.CAIssuingGeneration
	if rv.CertificateAuthority != "" {
		if problem := secrets.CertificateAuthorityProblem(secrets.CertificateAuthority(rv.CertificateAuthority)); problem != "" {
			ps.add(key+".certificateAuthority", "%s", problem)
			return
		}
		spec.CertificateAuthority = secrets.CertificateAuthority(rv.CertificateAuthority)
	}
}
