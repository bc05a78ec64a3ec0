package secrets

import (
	"fmt"
	"slices"
	"strings"

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
	// Generations are the key generations that exist, positive and distinct, in any order, at
	// most MaxIdentityKeyGenerations; empty means [1]. Each is a KMS key with its alias: generation
	// 1 is named <name> with alias stack.Scope.KeyAlias(identity), generation N>1 <name>-N and
	// <alias>-N. Only SigningGeneration signs (SignerRoleArns may kms:Sign with it alone); every
	// one's public key is verified, which is the overlap a rotation needs.
	Generations []int
	// SigningGeneration is the generation whose key the BFFs sign with: one of Generations; 0 means
	// the highest. A rotation first adds the next generation while the current one still signs,
	// so that every service trusts the new key before any token is signed with it.
	SigningGeneration int
	// DeployerArns are the roles that deploy the stack (deploy.roleArns): the only principals the
	// key policy lets change it (kms:PutKeyPolicy). Optional: with none, no such Deny.
	DeployerArns []string
}

// SigningProblem says why a signing generation is refused ("" when it is accepted): it must be
// one of the generations (0 is the highest).
func SigningProblem(gens []int, signing int) string {
	if signing != 0 && !slices.Contains(gens, signing) {
		return fmt.Sprintf("%d is not one of the key generations %v; name one of them, or leave it out for the highest", signing, gens)
	}
	return ""
}

// MaxIdentityKeyGenerations is how many identity-key generations may exist at once: the signing
// one and the one it replaces, during a rotation.
const MaxIdentityKeyGenerations = 2

// GenerationsProblem says why a list of key generations is refused ("" when it is accepted):
// empty, a number below 1, a number twice, or more than MaxIdentityKeyGenerations.
func GenerationsProblem(gens []int) string {
	switch {
	case len(gens) == 0:
		return "is empty; list the key generations that exist, e.g. [1]"
	case len(gens) > MaxIdentityKeyGenerations:
		return fmt.Sprintf("lists %d generations; at most %d exist at once (the signing one and the one it replaces): drop the oldest", len(gens), MaxIdentityKeyGenerations)
	}
	seen := map[int]bool{}
	for _, g := range gens {
		if g < 1 {
			return fmt.Sprintf("%d is not a positive number; number generations from 1", g)
		}
		if seen[g] {
			return fmt.Sprintf("lists generation %d twice; list each once", g)
		}
		seen[g] = true
	}
	return ""
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
// a new generation (TokenSignerArgs.Generations), and the verification key carries both public
// keys for the tokens' lifetime.
type TokenSigner struct {
	pulumi.ResourceState

	// KeyArn is the signing key's ARN (the highest generation's), which the BFFs sign with
	// (kms:Sign).
	KeyArn pulumi.StringOutput `pulumi:"keyArn"`
	// PublicKeyPem are the public keys of every generation, highest first, each a PEM "PUBLIC
	// KEY" block (SubjectPublicKeyInfo, DER in base64) as kms:GetPublicKey returns it, one after
	// the other.
	PublicKeyPem pulumi.StringOutput `pulumi:"publicKeyPem"`
}

// NewTokenSigner creates a signing key per generation, each with its alias
// (stack.Scope.KeyAlias of contract.IdentityDomain, suffixed -N for generation N>1), and reads
// their public keys.
func NewTokenSigner(ctx *pulumi.Context, name string, args *TokenSignerArgs, opts ...pulumi.ResourceOption) (*TokenSigner, error) {
	if args == nil {
		return nil, fmt.Errorf("token signer: args are required")
	}
	if err := args.Check(); err != nil {
		return nil, fmt.Errorf("token signer: %w", err)
	}
	gens := slices.Clone(args.Generations)
	if len(gens) == 0 {
		gens = []int{1}
	}
	if problem := GenerationsProblem(gens); problem != "" {
		return nil, fmt.Errorf("token signer: generations %v %s", gens, problem)
	}
	if problem := SigningProblem(gens, args.SigningGeneration); problem != "" {
		return nil, fmt.Errorf("token signer: signing generation %s", problem)
	}
	slices.Sort(gens)
	slices.Reverse(gens) // highest first
	if signing := args.SigningGeneration; signing != 0 {
		// The signing one first: the verification key lists its public key first.
		gens = append([]int{signing}, slices.DeleteFunc(gens, func(g int) bool { return g == signing })...)
	}
	s := &TokenSigner{}
	if err := ctx.RegisterComponentResource(contract.TypeTokenSigner, name, s, opts...); err != nil {
		return nil, fmt.Errorf("registering token signer: %w", err)
	}
	pems := make([]any, len(gens))
	for i, gen := range gens {
		var signers []pulumi.StringInput
		if i == 0 {
			signers = args.SignerRoleArns
		}
		key, pem, err := newSigningKey(ctx, s, name, gen, signers, args)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			s.KeyArn = key.Arn
		}
		pems[i] = pem
	}
	s.PublicKeyPem = pulumi.All(pems...).ApplyT(func(xs []any) string {
		var b strings.Builder
		for _, x := range xs {
			b.WriteString(x.(string))
		}
		return b.String()
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{"keyArn": s.KeyArn, "publicKeyPem": s.PublicKeyPem}); err != nil {
		return nil, fmt.Errorf("registering token signer outputs: %w", err)
	}
	return s, nil
}

// newSigningKey creates generation gen's key and alias under s, whose policy lets signers sign
// (nobody when empty), and reads its public key.
func newSigningKey(ctx *pulumi.Context, s *TokenSigner, name string, gen int, signerArns []pulumi.StringInput, args *TokenSignerArgs) (*kms.Key, pulumi.StringOutput, error) {
	keyName, alias, about := name, args.KeyAlias(contract.IdentityDomain), ""
	if gen > 1 {
		suffix := fmt.Sprintf("-%d", gen)
		keyName, alias, about = name+suffix, alias+suffix, fmt.Sprintf(" (generation %d)", gen)
	}
	signers := make([]any, len(signerArns))
	for i, arn := range signerArns {
		signers[i] = arn
	}
	account := args.AccountID
	policy := pulumi.All(signers...).ApplyT(func(xs []any) (string, error) {
		roles := make([]string, len(xs))
		for i, x := range xs {
			roles[i] = x.(string)
		}
		return resourcepolicy.SigningKeyPolicy(account, roles, args.DeployerArns).JSON()
	}).(pulumi.StringOutput)
	domain := string(contract.IdentityDomain)
	key, err := kms.NewKey(ctx, keyName, &kms.KeyArgs{
		Description:           pulumi.String(args.Describe("identity-token signing key" + about + ": the BFFs sign identity tokens with it (ES256), every service verifies them with its public key")),
		KeyUsage:              pulumi.String(IdentityKeyUsage),
		CustomerMasterKeySpec: pulumi.String(IdentityKeySpec),
		EnableKeyRotation:     pulumi.Bool(false), // KMS cannot rotate an asymmetric key
		DeletionWindowInDays:  pulumi.Int(DeletionWindowDays),
		Policy:                policy,
		Tags:                  pulumi.ToStringMap(args.Tags(keyName, map[string]string{contract.DomainTag: domain})),
	}, pulumi.Parent(s), pulumi.Protect(args.Protect))
	if err != nil {
		return nil, pulumi.StringOutput{}, fmt.Errorf("creating identity-token signing key%s: %w", about, err)
	}
	if _, err := kms.NewAlias(ctx, keyName, &kms.AliasArgs{
		Name:        pulumi.String(alias),
		TargetKeyId: key.KeyId,
	}, pulumi.Parent(s), pulumi.Protect(args.Protect)); err != nil {
		return nil, pulumi.StringOutput{}, fmt.Errorf("creating identity-token signing key alias%s: %w", about, err)
	}
	public := kms.GetPublicKeyOutput(ctx, kms.GetPublicKeyOutputArgs{KeyId: key.Arn}, pulumi.Parent(s))
	return key, public.PublicKeyPem(), nil
}
