package resourcepolicy

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

// SigningAlgorithm is the one algorithm the identity-token signing key signs with: ECDSA on NIST
// P-256 with SHA-256, which is JWS's ES256 and the only one KMS offers for an ECC_NIST_P256 key
// (https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html#key-spec-ecc).
const SigningAlgorithm = "ECDSA_SHA_256"

// SignActions are what a signer of identity tokens may do with the signing key: sign, and read
// the key's metadata (which SDKs ask for before signing).
var SignActions = []string{"kms:Sign", "kms:DescribeKey"}

// PutKeyPolicyAction changes a key's policy; KeyPolicyGuardSid is the statement of the signing
// key's policy that denies it to all but the deploying roles.
const (
	PutKeyPolicyAction = "kms:PutKeyPolicy"
	KeyPolicyGuardSid  = "OnlyTheDeployingRolesChangeThisPolicy"
)

// CreateGrantAction creates a grant on a key; NoGrantsSid is the statement of the signing key's
// policy that denies it to every principal.
const (
	CreateGrantAction = "kms:CreateGrant"
	NoGrantsSid       = "NoOneCreatesGrants"
)

// SigningKeyPolicy is the key policy of the identity-token signing key (an asymmetric
// SIGN_VERIFY key): the account administers it as it does every key (adminActions, which
// include kms:GetPublicKey through kms:Get*, but neither kms:Sign nor kms:CreateGrant), and only
// the given roles (role ARNs: the BFFs' task roles) may sign, with SigningAlgorithm only
// (kms:SigningAlgorithm,
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-signing-algorithm).
// A key policy that names a role lets it sign with no IAM policy, and an IAM policy alone cannot
// let any other principal sign: the key policy gives the account (root) no use of the key
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
// With no signers the key signs nothing.
//
// The account's administration includes kms:PutKeyPolicy (through kms:Put*), and whoever may
// change the key policy may name itself a signer; so the policy denies kms:PutKeyPolicy to every
// principal but the deploying roles (deployerArns, role ARNs; aws:PrincipalArn is the role ARN
// of an assumed-role session). It locks no one out: KMS refuses (MalformedPolicyDocumentException)
// a key policy that would not let the principal setting it set it again, unless that principal
// asks for BypassPolicyLockoutSafetyCheck, which this program never does
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html): a `pulumi up` run
// by a principal that is no deploying role fails before the policy changes. With no deployers
// the Deny is left out (the key's policy is then changeable as the account's other keys are).
//
// A grant can allow kms:Sign to any principal
// (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html), and an IAM policy can
// allow kms:CreateGrant to whoever an account administrator chooses once any statement of the
// key policy allows it to the account (kms:*, kms:Create*); nothing in this stack needs a grant
// on the signing key, so the policy denies kms:CreateGrant to every principal, unconditionally.
func SigningKeyPolicy(accountID string, signerArns, deployerArns []string) policydoc.Document {
	statements := []policydoc.Statement{administers(accountID), {
		Sid:       NoGrantsSid,
		Effect:    policydoc.Deny,
		Principal: policydoc.AnyPrincipal,
		Action:    []string{CreateGrantAction},
		Resource:  []string{"*"},
	}}
	if len(deployerArns) > 0 {
		statements = append(statements, policydoc.Statement{
			Sid:       KeyPolicyGuardSid,
			Effect:    policydoc.Deny,
			Principal: policydoc.AnyPrincipal,
			Action:    []string{PutKeyPolicyAction},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"ArnNotEquals": {"aws:PrincipalArn": slices.Sorted(slices.Values(deployerArns))}},
		})
	}
	if len(signerArns) > 0 {
		statements = append(statements, policydoc.Statement{
			Sid:       "OnlyTheBFFsTaskRolesSign",
			Effect:    policydoc.Allow,
			Principal: map[string]any{"AWS": slices.Sorted(slices.Values(signerArns))},
			Action:    SignActions,
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEqualsIfExists": {"kms:SigningAlgorithm": SigningAlgorithm}},
		})
	}
	return policydoc.New(statements...)
}
