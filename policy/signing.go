package policy

import (
	"maps"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

const strategyIdentity = `Strategy 1, "Authentication & Authorization": the BFFs forward a signed identity token that every service verifies; Strategy 3, "Secrets Management": no signing private key in the Pulumi state`

var signingInvariants = []Invariant{
	{
		ID:        "IDENT-01",
		Statement: "The identity-token signing key is an asymmetric AWS KMS key (SIGN_VERIFY) that only the BFFs' task roles may sign with, the verification key every service reads is its public key (and, during a rotation, the previous key's, which signs nothing), its key policy denies kms:PutKeyPolicy to every principal but the deploying roles and lets no one else create grants on it (kms:CreateGrant, also through a wildcard), so no one else can name a signer, and no identity-token private key is in the state",
		Enforces:  strategyIdentity,
		Covers:    []string{contract.TypeKMSKey, contract.TypeTLSPrivateKey, contract.TypeSecret, contract.TypeSecretVersion},
		check:     checkIdentitySigning,
	},
}

// signingGenerations are the identity keys whose policy lets some principal sign. During a
// rotation the stack holds two generations (edge.identityKeyGenerations), both verified, and
// only one of them may sign.
func signingGenerations(keys []query.SigningKey) []query.SigningKey {
	var out []query.SigningKey
	for _, k := range keys {
		if len(k.Signers) > 0 || len(k.Negated) > 0 || !k.PolicyValid {
			out = append(out, k)
		}
	}
	return out
}

// isBFFTaskRole reports whether p is the task role of one of the BFFs.
func isBFFTaskRole(p query.Principal, bffs map[string]bool) bool {
	return p.Kind == query.ServiceRolePrincipal && p.Role == contract.TaskRole && bffs[p.Service]
}

// checkIdentitySigning recognises the identity-token key by the contract's tags: the KMS key
// tagged with the identity domain, the secrets of kind identity. Any pulumi-tls private key
// whose material reaches an identity secret, or named for the identity token, is a signing key
// in the state, whatever the rest of the stack does.
func checkIdentitySigning(ix *query.Index) (int, []Finding) {
	var fs []Finding
	keys := ix.IdentitySigningKeys()
	bffs := ix.BFFs()
	keyURNs := map[string]bool{}
	for _, k := range keys {
		keyURNs[k.Resource.URN] = true
		r := k.Resource
		if k.Usage != "SIGN_VERIFY" {
			fs = append(fs, finding(r, "is the identity-token signing key (tag %s=%s) but its key usage is %s; set keyUsage SIGN_VERIFY", contract.DomainTag, contract.IdentityDomain, k.Usage))
		}
		if !k.Asymmetric() {
			fs = append(fs, finding(r, "is the identity-token signing key but its key spec %s is not an asymmetric key pair; use ECC_NIST_P256 (ES256)", k.Spec))
		}
		if !k.PolicyValid {
			fs = append(fs, finding(r, "is the identity-token signing key and has no valid key policy: the default policy lets the whole account sign"))
			continue
		}
		switch {
		case !k.PolicyGuarded:
			fs = append(fs, finding(r, "is the identity-token signing key but its key policy does not deny %s to every principal but the deploying roles: whoever may change the policy can name itself a signer", query.PutKeyPolicyAction))
		case k.BypassesLockoutCheck:
			fs = append(fs, finding(r, "sets bypassPolicyLockoutSafetyCheck: KMS would accept a policy that locks out the principal setting it; leave it unset"))
		}
		for _, p := range k.PolicyChangers {
			if p.Kind == query.AnyPrincipal || p.Kind == query.ServiceRolePrincipal || p.Kind == query.MigrationRolePrincipal || p.Kind == query.AccountPrincipal {
				fs = append(fs, finding(r, "key policy lets %s change it (exempt from the denial of %s), and so name a signer; exempt only the deploying roles", p.Label(), query.PutKeyPolicyAction))
			}
		}
		for _, sid := range k.Negated {
			fs = append(fs, finding(r, "key policy statement %s allows kms:Sign to all but what it lists", sid))
		}
		for _, p := range k.Signers {
			if !isBFFTaskRole(p, bffs) {
				fs = append(fs, finding(r, "key policy lets %s sign identity tokens (kms:Sign); only the BFFs' task roles may", p.Label()))
			}
		}
		if !k.GrantsDenied {
			for _, sid := range k.NegatedGrants {
				fs = append(fs, finding(r, "key policy statement %s allows %s to all but what it lists, and a grant can give kms:Sign to anyone; deny %s to every principal", sid, query.CreateGrantAction, query.CreateGrantAction))
			}
			for _, p := range k.Granters {
				if !isBFFTaskRole(p, bffs) {
					fs = append(fs, finding(r, "key policy lets %s create grants (%s), and a grant can give kms:Sign to any principal; deny %s to every principal in the key policy", p.Label(), query.CreateGrantAction, query.CreateGrantAction))
				}
			}
		}
	}
	if signing := signingGenerations(keys); len(signing) > 1 {
		for _, k := range signing {
			fs = append(fs, finding(k.Resource, "is one of %d identity-token keys that grant kms:Sign; only the newest generation may sign, the older one only verifies (its key policy names no signer)", len(signing)))
		}
	}
	secrets := ix.IdentitySecrets()
	for _, s := range secrets {
		fromKMS := false
		for _, v := range s.Versions {
			for urn := range ix.DependsOn(v) {
				fromKMS = fromKMS || keyURNs[urn]
			}
		}
		if !fromKMS {
			fs = append(fs, finding(s.Secret.Resource, "identity secret %s does not hold the public key of a KMS signing key of the stack (a key tagged %s=%s), which its value must come from", s.Secret.Name, contract.DomainTag, contract.IdentityDomain))
		}
	}
	if len(keys) == 0 && len(bffs) > 0 {
		for _, lb := range ix.LoadBalancers() {
			if bff := query.Tags(lb)[contract.BFFTag]; bff != "" {
				fs = append(fs, finding(lb, "BFF %s has no identity-token signing key in KMS (a SIGN_VERIFY key tagged %s=%s) to sign with", bff, contract.DomainTag, contract.IdentityDomain))
			}
		}
	}
	material := ix.IdentityKeyMaterial()
	for _, k := range slices.SortedFunc(maps.Keys(material), func(a, b *query.Resource) int { return strings.Compare(a.URN, b.URN) }) {
		if secret := material[k]; secret != "" {
			fs = append(fs, finding(k, "is a private key in the state whose material reaches identity secret %s; sign identity tokens in KMS (a SIGN_VERIFY key) instead", secret))
		} else {
			fs = append(fs, finding(k, "is an identity-token private key in the state; sign identity tokens in KMS (a SIGN_VERIFY key) instead"))
		}
	}
	return len(keys) + len(secrets) + len(ix.OfType(contract.TypeTLSPrivateKey)), fs
}
