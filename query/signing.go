package query

import (
	"cmp"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// SignAction is the KMS action that signs with a key.
const SignAction = "kms:Sign"

// SigningKey is an identity-token signing key of the stack: a KMS key tagged
// contract.DomainTag=contract.IdentityDomain.
type SigningKey struct {
	Resource *Resource
	// Usage and Spec are its keyUsage and customerMasterKeySpec as the plan sets them, or AWS's
	// defaults (ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT) when it does not.
	Usage, Spec string
	// PolicyValid is false when its key policy is missing or does not parse.
	PolicyValid bool
	// Signers are the principals an Allow statement of its key policy lets sign (kms:Sign, also
	// through a wildcard), sorted by identity; "*" is an AnyPrincipal, a whole account an
	// AccountPrincipal whatever the statement's condition.
	Signers []Principal
	// Negated are the Allow statements that reach kms:Sign with NotAction, NotPrincipal or
	// NotResource ("<sid> (<NotX>)"): each grants everything but what it lists.
	Negated []string
	// PolicyGuarded is whether a Deny of its key policy takes kms:PutKeyPolicy from every
	// principal ("*") under no condition but aws:PrincipalArn not being one of PolicyChangers;
	// PolicyChangers are those exempt principals, sorted.
	PolicyGuarded  bool
	PolicyChangers []Principal
	// BypassesLockoutCheck is whether the plan sets bypassPolicyLockoutSafetyCheck.
	BypassesLockoutCheck bool
	// GrantsDenied is whether a Deny of its key policy takes kms:CreateGrant from every
	// principal ("*") under no condition. Granters are the principals an Allow statement lets
	// create grants (kms:CreateGrant, also through a wildcard such as kms:* or kms:Create*),
	// sorted: a grant can give kms:Sign to any principal
	// (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), so each is a signer
	// in all but name unless GrantsDenied. NegatedGrants are the Allow statements that reach
	// kms:CreateGrant with NotAction, NotPrincipal or NotResource ("<sid> (<NotX>)").
	GrantsDenied  bool
	Granters      []Principal
	NegatedGrants []string
}

// CreateGrantAction creates a grant on a KMS key, which can allow any operation the key
// supports, kms:Sign included, to a grantee principal
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html).
const CreateGrantAction = "kms:CreateGrant"

// DeniesToAll reports whether st denies action to every principal ("*") under no condition.
func DeniesToAll(st policydoc.Statement, action string) bool {
	if st.Effect != policydoc.Deny || !st.Covers(action) || st.Negated() != "" || len(st.Condition) > 0 || st.Principal == nil {
		return false
	}
	all, _ := st.Principal.(string)
	return all == policydoc.AnyPrincipal || slices.Contains(st.Principals()["AWS"], policydoc.AnyPrincipal)
}

// principalsOf are the principals a statement names: "*" an AnyPrincipal, an AWS principal as
// PrincipalOf reads it, a service principal an AWSServicePrincipal.
func (ix *Index) principalsOf(st policydoc.Statement) []Principal {
	var out []Principal
	for kind, names := range st.Principals() {
		for _, name := range names {
			switch {
			case name == "*":
				out = append(out, Principal{Kind: AnyPrincipal, Name: name})
			case kind == "AWS":
				out = append(out, ix.PrincipalOf(name))
			default:
				out = append(out, Principal{Kind: AWSServicePrincipal, Name: name})
			}
		}
	}
	return out
}

// PutKeyPolicyAction changes a KMS key's policy.
const PutKeyPolicyAction = "kms:PutKeyPolicy"

// policyGuard reads a Deny of kms:PutKeyPolicy to every principal but those its condition lists
// (ArnNotEquals or ArnNotLike on aws:PrincipalArn, and no other condition).
func (ix *Index) policyGuard(st policydoc.Statement) (bool, []Principal) {
	if st.Effect != policydoc.Deny || !st.Covers(PutKeyPolicyAction) || st.Negated() != "" || st.Principal == nil {
		return false, nil
	}
	if all, _ := st.Principal.(string); all != policydoc.AnyPrincipal && !slices.Contains(st.Principals()["AWS"], policydoc.AnyPrincipal) {
		return false, nil
	}
	var exempt []Principal
	for op, keys := range st.Condition {
		for key, v := range keys {
			if (op != "ArnNotEquals" && op != "ArnNotLike") || key != "aws:PrincipalArn" {
				return false, nil // a condition that narrows the denial
			}
			for _, arn := range policydoc.StringList(v) {
				if strings.Contains(arn, "*") {
					exempt = append(exempt, Principal{Kind: AnyPrincipal, Name: arn})
				} else {
					exempt = append(exempt, ix.PrincipalOf(arn))
				}
			}
		}
	}
	sortPrincipals(exempt)
	return true, exempt
}

// Asymmetric reports whether the key spec is an asymmetric key pair (RSA_*, ECC_*, SM2): neither
// SYMMETRIC_DEFAULT nor an HMAC key.
func (k SigningKey) Asymmetric() bool {
	return k.Spec != "SYMMETRIC_DEFAULT" && !strings.HasPrefix(k.Spec, "HMAC_")
}

// IdentitySigningKeys lists the stack's identity-token signing keys, in export order.
func (ix *Index) IdentitySigningKeys() []SigningKey {
	var out []SigningKey
	for _, k := range ix.OfType(contract.TypeKMSKey) {
		if Tags(k)[contract.DomainTag] != string(contract.IdentityDomain) {
			continue
		}
		key := SigningKey{Resource: k, Usage: cmp.Or(Str(k, "keyUsage"), "ENCRYPT_DECRYPT"), Spec: cmp.Or(Str(k, "customerMasterKeySpec"), "SYMMETRIC_DEFAULT")}
		doc, err := policydoc.Parse(Str(k, "policy"))
		key.PolicyValid = err == nil && Str(k, "policy") != ""
		key.BypassesLockoutCheck, _ = Bool(k, "bypassPolicyLockoutSafetyCheck")
		if key.PolicyValid {
			for _, st := range doc.Statement {
				if guarded, exempt := ix.policyGuard(st); guarded {
					key.PolicyGuarded, key.PolicyChangers = true, append(key.PolicyChangers, exempt...)
				}
				key.GrantsDenied = key.GrantsDenied || DeniesToAll(st, CreateGrantAction)
				if st.Effect != policydoc.Allow {
					continue
				}
				if st.Covers(CreateGrantAction) {
					if n := st.Negated(); n != "" {
						key.NegatedGrants = append(key.NegatedGrants, st.Sid+" ("+n+")")
					}
					key.Granters = append(key.Granters, ix.principalsOf(st)...)
				}
				if !st.Covers(SignAction) {
					continue
				}
				if n := st.Negated(); n != "" {
					key.Negated = append(key.Negated, st.Sid+" ("+n+")")
				}
				key.Signers = append(key.Signers, ix.principalsOf(st)...)
			}
		}
		sortPrincipals(key.Signers)
		key.Signers = slices.Compact(key.Signers)
		sortPrincipals(key.Granters)
		key.Granters = slices.Compact(key.Granters)
		out = append(out, key)
	}
	return out
}

// BFFs are the services the stack serves through a load balancer: the values of
// contract.BFFTag on its load balancers and target groups.
func (ix *Index) BFFs() map[string]bool {
	out := map[string]bool{}
	for _, r := range ix.OfType(contract.TypeLoadBalancer, contract.TypeALBLoadBalancer, contract.TypeTargetGroup, contract.TypeALBTargetGroup) {
		if bff := Tags(r)[contract.BFFTag]; bff != "" {
			out[bff] = true
		}
	}
	return out
}

// IdentitySecret is a secret of kind identity (contract.SecretKindTag), with the versions that
// hold its value.
type IdentitySecret struct {
	Secret   Secret
	Versions []*Resource
}

// IdentitySecrets lists the stack's identity secrets (the verification key), in export order.
func (ix *Index) IdentitySecrets() []IdentitySecret {
	var out []IdentitySecret
	for _, s := range ix.Secrets() {
		if s.ManagedBy != nil || Tags(s.Resource)[contract.SecretKindTag] != string(contract.IdentitySecret) {
			continue
		}
		versions := ix.Where(contract.TypeSecretVersion, "secretId", s.Resource.ID)
		if arn := Str(s.Resource, "arn"); arn != "" && arn != s.Resource.ID {
			versions = append(versions, ix.Where(contract.TypeSecretVersion, "secretId", arn)...)
		}
		out = append(out, IdentitySecret{Secret: s, Versions: versions})
	}
	return out
}

// IdentityKeyMaterial returns the pulumi-tls private keys (which Pulumi keeps in state) that are
// an identity-token key: one whose material reaches an identity secret (a version of it depends
// on the key, directly or not), or one named for it (its logical name mentions "identity").
// Each is returned once, with the identity secret it reaches ("" when it is recognised by name).
func (ix *Index) IdentityKeyMaterial() map[*Resource]string {
	out := map[*Resource]string{}
	for _, k := range ix.OfType(contract.TypeTLSPrivateKey) {
		if strings.Contains(strings.ToLower(Name(k)), string(contract.IdentitySecret)) {
			out[k] = ""
		}
	}
	for _, s := range ix.IdentitySecrets() {
		for _, v := range s.Versions {
			for urn := range ix.DependsOn(v) {
				if d := ix.URN(urn); d != nil && d.Type == contract.TypeTLSPrivateKey {
					out[d] = s.Secret.Name
				}
			}
		}
	}
	return out
}
