package secrets

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"
)

// Identity-token signing key. KMS signs with the private key, which never leaves it: neither the
// program nor its state ever holds it.
const (
	// IdentityKeySpec is ECDSA on NIST P-256 (ES256), the curve the tokens were signed with when
	// the key was a pulumi-tls key.
	IdentityKeySpec = "ECC_NIST_P256"
	// IdentityKeyUsage makes the key sign and verify, never encrypt.
	IdentityKeyUsage = "SIGN_VERIFY"
	// IdentityTokenSigner is the platform's name of its TokenSigner: the key's logical name, and
	// the source the task contract names for the BFFs' IDENTITY_SIGNING_KEY_ARN.
	IdentityTokenSigner = "identity-token"
)

// TokenSignerArgs configures the token signer.
type TokenSignerArgs struct {
	// Scope is the stack the key belongs to; all of it is required. Protect adds Pulumi's protect
	// to the key and its alias (staging and prod).
	stack.Scope
	// SignerRoleArns are the roles that may sign identity tokens: the BFFs' task roles, in any
	// order. Optional: with none, the key signs nothing.
	SignerRoleArns []pulumi.StringInput
}

// TokenSigner is the key the BFFs sign identity tokens with: an asymmetric KMS key (SIGN_VERIFY,
// ECC_NIST_P256) whose key policy lets only the BFFs' task roles sign, and its public key, read
// from KMS at deploy time, for the verification-key secret every service reads.
//
// It is a component of its own, not one of the Keyring's keys: its policy names the BFFs' task
// roles, which exist only after the Keyring (the network and the roles' log groups need the
// Keyring's keys first), and it neither encrypts nor rotates. AWS KMS cannot rotate an
// asymmetric key automatically
// (https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html): a new key is
// a new TokenSigner, and the verification key must then carry both public keys for the tokens'
// lifetime.
type TokenSigner struct {
	pulumi.ResourceState

	// KeyArn is the signing key's ARN, which the BFFs sign with (kms:Sign).
	KeyArn pulumi.StringOutput `pulumi:"keyArn"`
	// PublicKeyPem is its public key, a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo, DER in
	// base64), as kms:GetPublicKey returns it.
	PublicKeyPem pulumi.StringOutput `pulumi:"publicKeyPem"`
}

// NewTokenSigner creates the signing key, its alias (stack.Scope.KeyAlias of
// contract.IdentityDomain) and reads its public key.
func NewTokenSigner(ctx *pulumi.Context, name string, args *TokenSignerArgs, opts ...pulumi.ResourceOption) (*TokenSigner, error) {
	if args == nil {
		return nil, fmt.Errorf("token signer: args are required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("token signer: %w", err)
	}
	s := &TokenSigner{}
	if err := ctx.RegisterComponentResource(contract.TypeTokenSigner, name, s, opts...); err != nil {
		return nil, fmt.Errorf("registering token signer: %w", err)
	}
	signers := make([]any, len(args.SignerRoleArns))
	for i, arn := range args.SignerRoleArns {
		signers[i] = arn
	}
	account := args.AccountID
	policy := pulumi.All(signers...).ApplyT(func(xs []any) (string, error) {
		roles := make([]string, len(xs))
		for i, x := range xs {
			roles[i] = x.(string)
		}
		return resourcepolicy.SigningKeyPolicy(account, roles).JSON()
	}).(pulumi.StringOutput)
	domain := string(contract.IdentityDomain)
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:           pulumi.String(args.Describe("identity-token signing key: the BFFs sign identity tokens with it (ES256), every service verifies them with its public key")),
		KeyUsage:              pulumi.String(IdentityKeyUsage),
		CustomerMasterKeySpec: pulumi.String(IdentityKeySpec),
		EnableKeyRotation:     pulumi.Bool(false), // KMS cannot rotate an asymmetric key
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		Policy:                policy,
		Tags:                  pulumi.ToStringMap(args.Tags(name, map[string]string{contract.DomainTag: domain})),
	}, pulumi.Parent(s), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating identity-token signing key: %w", err)
	}
	if _, err := kms.NewAlias(ctx, name, &kms.AliasArgs{
		Name:        pulumi.String(args.KeyAlias(contract.IdentityDomain)),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(s), pulumi.Protect(args.Protect)); err != nil {
		return nil, fmt.Errorf("creating identity-token signing key alias: %w", err)
	}
	public := kms.GetPublicKeyOutput(ctx, kms.GetPublicKeyOutputArgs{KeyId: key.Arn}, pulumi.Parent(s))
	s.KeyArn, s.PublicKeyPem = key.Arn, public.PublicKeyPem()
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"keyArn": s.KeyArn, "publicKeyPem": s.PublicKeyPem}); err != nil {
		return nil, fmt.Errorf("registering token signer outputs: %w", err)
	}
	return s, nil
}
