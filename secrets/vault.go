package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/naming"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/secrets/resourcepolicy"
)

// Certificate lifetimes. Service certificates are renewed by `pulumi up` within the early renewal
// window; the CA lives ten years and is rotated deliberately.
const (
	CAValidityHours      = 10 * 365 * 24
	ServiceValidityHours = 365 * 24
	EarlyRenewalHours    = 30 * 24
)

// VaultService is a service as the vault sees it.
type VaultService struct {
	// Name is the service's name; its certificate names <Name>.<namespace>. Required.
	Name string
	// ExecutionRoleArn is the role ECS uses to inject the service's secrets at start. Required.
	ExecutionRoleArn pulumi.StringInput
}

// AppSecret is an application secret whose value comes from a Pulumi config secret.
type AppSecret struct {
	Name        string             // the secret's config name. Required.
	Description string             // the Secrets Manager description. Optional.
	Value       pulumi.StringInput // the value, a Pulumi secret. Required.
	Readers     []string           // the services that read it, each a VaultArgs service. Required: at least one.
}

// CacheToken is a cache whose auth token the vault generates and keeps.
type CacheToken struct {
	Name  string   // the cache's name. Required.
	Users []string // the services that read the token. Required: at least one.
}

// VaultArgs configures the vault.
type VaultArgs struct {
	// Scope is the stack the secrets belong to; all of it is required. Protect keeps every secret
	// and its resource policy from deletion (staging and prod); the versions are not protected, a
	// renewed certificate replaces its version.
	stack.Scope
	// SecretsKeyArn is the customer-managed key every secret is encrypted with. Required.
	SecretsKeyArn pulumi.StringInput
	// VerificationKeyPem are the public keys of the identity-token signing key's generations,
	// PEM blocks (TokenSigner.PublicKeyPem): the value of the verification-key secret. Required.
	VerificationKeyPem pulumi.StringInput
	// Services are the services that get an mTLS certificate, in any order. Required: at least one.
	Services []VaultService
	// AppSecrets are the application secrets from config. Optional.
	AppSecrets []AppSecret
	// Caches are the caches whose auth tokens the vault generates. Optional.
	Caches []CacheToken
	// RecoveryWindowDays is how long a deleted secret can be restored, in days, 7 to 30.
	// Required; the platform uses 7 without protect and 30 with it.
	RecoveryWindowDays int
	// ExecutionRoleTags name every execution role of the stack (the tags each carries:
	// contract.RoleTag=execution and contract.StackTag=<stack>) in the account of the scope: the
	// secret every service reads admits them by tag, so its policy does not grow with the number
	// of services (Secrets Manager caps a resource policy at 20,480 characters). Required.
	ExecutionRoleTags map[string]string
	// DeployerArns are the IAM roles that deploy the stack (role ARNs): every secret's policy
	// denies changes to every other principal, and its value to all but its readers and them.
	// Required: at least one.
	DeployerArns []string
	// CAGenerations are the generations of the internal CA that exist, ascending, distinct and
	// positive, one or two (MaxCAGenerations). Every TLS secret's caCertificate is the bundle of
	// all of them, highest first, so that during a rotation ([1, 2]) every service trusts both.
	// Optional: nil means [1].
	CAGenerations []int
	// IssuingCAGeneration is the generation that issues the services' certificates, one of
	// CAGenerations. Optional: 0 means the highest. A rotation first trusts the new generation
	// while the old one still issues, so that no task presents a certificate a task not yet
	// rolled does not trust.
	IssuingCAGeneration int
	// CertificateAuthority is which CA the generations are: PulumiTLS (the default when "") or
	// AWSPrivateCA, with which the vault writes no TLS secret (each task obtains its own
	// certificate: Vault.CertificateAuthorityArn) and no private key of the PKI is in the state.
	CertificateAuthority CertificateAuthority
}

// MaxCAGenerations is how many generations of the internal CA may exist at once: a rotation's
// overlap is between the old and the new.
const MaxCAGenerations = 2

// CAGenerationsProblem says why a list of CA generations is refused ("" when it is not): it must
// hold one or two positive generations, ascending, without repeats.
func CAGenerationsProblem(gens []int) string {
	switch {
	case len(gens) == 0:
		return "must list at least one generation, e.g. [1]"
	case len(gens) > MaxCAGenerations:
		return fmt.Sprintf("lists %d generations; keep at most %d (the old and the new): drop the oldest", len(gens), MaxCAGenerations)
	}
	for i, g := range gens {
		switch {
		case g < 1:
			return fmt.Sprintf("%d is not a generation; use positive integers, e.g. [1, 2]", g)
		case i > 0 && g == gens[i-1]:
			return fmt.Sprintf("lists generation %d twice; list each once", g)
		case i > 0 && g < gens[i-1]:
			return fmt.Sprintf("%v is not in ascending order; list the old generation first, e.g. [1, 2]", gens)
		}
	}
	return ""
}

// CAIssuerProblem says why an issuing generation is refused among gens ("" when it is not): it
// must be 0 (the highest) or one of them.
func CAIssuerProblem(issuer int, gens []int) string {
	if issuer == 0 || slices.Contains(gens, issuer) {
		return ""
	}
	return fmt.Sprintf("%d is not among the CA generations %v; name one of them, or remove it to issue from the highest", issuer, gens)
}

// caName is the logical name of a generation's CA key and certificate: generation 1 keeps the
// name the CA had before generations existed, so that existing stacks keep its URN.
func caName(generation int) string {
	if generation == 1 {
		return "internal-ca"
	}
	return fmt.Sprintf("internal-ca-g%d", generation)
}

// pemBundle concatenates PEM blocks, each on its own lines.
func pemBundle(pems []string) string {
	var b strings.Builder
	for _, p := range pems {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Vault holds every Secrets Manager entry the program creates, and the internal PKI whose
// material goes into it: a CA per generation (VaultArgs.CAGenerations) and one mTLS certificate per service (its SAN is the service's
// discovery name), and the public key of the identity-token signing key (the key itself is in
// AWS KMS: TokenSigner). With PulumiTLS (the default) the CA's and the services' private keys are
// pulumi-tls keys: they are in the stack's state (encrypted as Pulumi secrets), which is why only
// approved runs may read a staging or prod state (README, "State and secrets"). With
// AWSPrivateCA each generation is an AWS Private CA (newPrivateCA), no TLS secret is written, and
// each task obtains its own certificate from CertificateAuthorityArn. Every secret is encrypted
// with the secrets key and has a resource policy naming only its readers' execution roles.
type Vault struct {
	pulumi.ResourceState

	// CACertificate is what every service trusts: the PEM bundle of every generation's CA
	// certificate, highest first (one certificate outside a rotation).
	CACertificate pulumi.StringOutput    `pulumi:"caCertificate"`
	SecretArns    pulumi.StringMapOutput `pulumi:"secretArns"`
	// CertificateAuthorityArn is the ARN of the AWS Private CA generation that issues the
	// services' certificates (VaultArgs.IssuingCAGeneration). Only with AWSPrivateCA.
	CertificateAuthorityArn pulumi.StringOutput `pulumi:"certificateAuthorityArn"`

	issuerReady []pulumi.Resource
	arns        map[string]pulumi.StringOutput
	versions    map[string]pulumi.StringOutput
	ready       map[string][]pulumi.Resource
	tokens      map[string]pulumi.StringOutput
}

// SecretVersionID returns the id of the version of a secret the stack wrote last: it changes
// whenever the value does (a renewed certificate, a new app secret value).
func (v *Vault) SecretVersionID(kind contract.SecretKind, name string) pulumi.StringOutput {
	return v.versions[entryKey(kind, name)]
}

// CacheAuthToken returns the auth token of a cache (a Pulumi secret).
func (v *Vault) CacheAuthToken(cache string) pulumi.StringOutput { return v.tokens[cache] }

// SecretArn returns the ARN of a secret by kind and name (for example tls, users).
func (v *Vault) SecretArn(kind contract.SecretKind, name string) pulumi.StringOutput {
	return v.arns[entryKey(kind, name)]
}

// SecretReady returns what must exist before a task can read a secret at start: its value (the
// secret version) and its resource policy. ECS resolves a task's secrets when it launches the
// task, so a service must not start before them.
func (v *Vault) SecretReady(kind contract.SecretKind, name string) []pulumi.Resource {
	return v.ready[entryKey(kind, name)]
}

// IssuerReady returns what must exist before a task can obtain its certificate at start (with
// AWSPrivateCA): every generation's installed CA certificate, without which a CA issues nothing.
// Nil with PulumiTLS.
func (v *Vault) IssuerReady() []pulumi.Resource { return v.issuerReady }

// NewVault creates the PKI and the secrets.
func NewVault(ctx *pulumi.Context, name string, args *VaultArgs, opts ...pulumi.ResourceOption) (*Vault, error) {
	if err := args.validate(); err != nil {
		return nil, err
	}
	v := &Vault{arns: map[string]pulumi.StringOutput{}, versions: map[string]pulumi.StringOutput{}, ready: map[string][]pulumi.Resource{}, tokens: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(contract.TypeVault, name, v, opts...); err != nil {
		return nil, fmt.Errorf("registering vault: %w", err)
	}
	w := &secretWriter{ctx: ctx, parent: v, scope: args.Scope, keyArn: args.SecretsKeyArn,
		recoveryDays: args.RecoveryWindowDays, deployers: args.DeployerArns, vault: v}
	roles := map[string]pulumi.StringInput{}
	var all []string
	for _, s := range args.Services {
		roles[s.Name] = s.ExecutionRoleArn
		all = append(all, s.Name)
	}
	sort.Strings(all)
	readers := func(names []string) []Reader {
		out := make([]Reader, 0, len(names))
		for _, n := range names {
			out = append(out, Reader{Service: n, RoleArn: roles[n]})
		}
		return out
	}

	// The internal CA, one per generation: pulumi-tls (its key in the state, an input of every
	// service certificate) or AWS Private CA (its key in AWS's HSMs; README, "The internal CA").
	gens := args.caGenerations()
	issuer := args.IssuingCAGeneration
	if issuer == 0 {
		issuer = gens[len(gens)-1]
	}
	if args.CertificateAuthority == AWSPrivateCA {
		if err := v.newPrivateCAs(ctx, args, gens, issuer); err != nil {
			return nil, err
		}
	} else if err := v.newPulumiTLSPKI(ctx, args, w, gens, issuer, all, readers); err != nil {
		return nil, err
	}

	// The public key of the identity token the BFFs sign (in KMS, TokenSigner) after
	// authenticating a user, and every service verifies.
	everyService, err := resourcepolicy.StackReadersPolicy(args.AccountID, args.ExecutionRoleTags, args.DeployerArns).JSON()
	if err != nil {
		return nil, fmt.Errorf("building the verification key's policy: %w", err)
	}
	if err := w.write(contract.IdentitySecret, IdentityVerificationKey, "public key every service verifies identity tokens with (ES256; the private key is in AWS KMS)", args.VerificationKeyPem, pulumi.String(everyService)); err != nil {
		return nil, err
	}

	for _, s := range args.AppSecrets {
		if err := w.Write(contract.AppSecret, s.Name, s.Description, s.Value, readers(slices.Sorted(slices.Values(s.Readers)))); err != nil {
			return nil, err
		}
	}

	// Cache auth tokens. pulumi-random is not available to this project, so the random material
	// of a pulumi-tls key (generated once, kept encrypted in state, replaced only on purpose) is
	// hashed into a 64-character hex token.
	for _, c := range args.Caches {
		seed, err := tls.NewPrivateKey(ctx, c.Name+"-auth-token", &tls.PrivateKeyArgs{
			Algorithm: pulumi.String("ED25519"),
		}, pulumi.Parent(v))
		if err != nil {
			return nil, fmt.Errorf("creating auth token of cache %s: %w", c.Name, err)
		}
		token := pulumi.ToSecret(seed.PrivateKeyPem.ApplyT(func(pem string) string {
			sum := sha256.Sum256([]byte(pem))
			return hex.EncodeToString(sum[:])
		})).(pulumi.StringOutput)
		if err := w.Write(contract.CacheSecret, c.Name, fmt.Sprintf("auth token of the %s cache", c.Name), token, readers(slices.Sorted(slices.Values(c.Users)))); err != nil {
			return nil, err
		}
		v.tokens[c.Name] = token
	}

	out := pulumi.StringMap{}
	for k, a := range v.arns {
		out[k] = a
	}
	v.SecretArns = out.ToStringMapOutput()
	outputs := pulumi.Map{"caCertificate": v.CACertificate, "secretArns": v.SecretArns}
	if args.CertificateAuthority == AWSPrivateCA {
		outputs["certificateAuthorityArn"] = v.CertificateAuthorityArn
	}
	if err := ctx.RegisterResourceOutputs(v, outputs); err != nil {
		return nil, fmt.Errorf("registering vault outputs: %w", err)
	}
	return v, nil
}

// newPulumiTLSPKI creates the pulumi-tls CA of each generation and one certificate per service,
// written with its key and the CA bundle into the service's TLS secret.
func (v *Vault) newPulumiTLSPKI(ctx *pulumi.Context, args *VaultArgs, w *secretWriter, gens []int, issuer int, all []string, readers func([]string) []Reader) error {
	var caKey *tls.PrivateKey
	var ca *tls.SelfSignedCert
	var trusted []any // every generation's certificate, highest first
	for i := len(gens) - 1; i >= 0; i-- {
		key, cert, err := newCA(ctx, v, args.Scope, gens[i])
		if err != nil {
			return err
		}
		if gens[i] == issuer {
			caKey, ca = key, cert
		}
		trusted = append(trusted, cert.CertPem)
	}
	v.CACertificate = bundleOf(trusted)

	// One certificate per service, for both ends of mTLS: it serves its discovery name and
	// presents the same certificate as a client.
	for _, svc := range all {
		key, err := tls.NewPrivateKey(ctx, svc+"-tls", &tls.PrivateKeyArgs{
			Algorithm: pulumi.String("ECDSA"), EcdsaCurve: pulumi.String("P256"),
		}, pulumi.Parent(v))
		if err != nil {
			return fmt.Errorf("creating %s key: %w", svc, err)
		}
		dns := naming.ServiceDNS(svc, args.Stack)
		csr, err := tls.NewCertRequest(ctx, svc+"-tls", &tls.CertRequestArgs{
			PrivateKeyPem: key.PrivateKeyPem,
			DnsNames:      pulumi.ToStringArray([]string{dns}),
			Subject:       &tls.CertRequestSubjectArgs{CommonName: pulumi.String(dns), Organization: pulumi.String(args.Project)},
		}, pulumi.Parent(v))
		if err != nil {
			return fmt.Errorf("creating %s certificate request: %w", svc, err)
		}
		cert, err := tls.NewLocallySignedCert(ctx, svc+"-tls", &tls.LocallySignedCertArgs{
			CertRequestPem:      csr.CertRequestPem,
			CaPrivateKeyPem:     caKey.PrivateKeyPem,
			CaCertPem:           ca.CertPem,
			ValidityPeriodHours: pulumi.Int(ServiceValidityHours),
			EarlyRenewalHours:   pulumi.Int(EarlyRenewalHours),
			AllowedUses:         pulumi.ToStringArray([]string{"digital_signature", "key_encipherment", "server_auth", "client_auth"}),
		}, pulumi.Parent(v))
		if err != nil {
			return fmt.Errorf("creating %s certificate: %w", svc, err)
		}
		bundle := pulumi.All(cert.CertPem, key.PrivateKeyPem, v.CACertificate).ApplyT(func(x []any) (string, error) {
			return jsonObject(map[string]string{TLSCertificateKey: x[0].(string), TLSPrivateKeyKey: x[1].(string), TLSCACertificateKey: x[2].(string)})
		}).(pulumi.StringOutput)
		if err := w.Write(contract.TLSSecret, svc, fmt.Sprintf("mTLS certificate and key of %s (%s), with the internal CA", svc, dns), pulumi.ToSecret(bundle).(pulumi.StringOutput), readers([]string{svc})); err != nil {
			return err
		}
	}

	return nil
}

// newPrivateCAs creates the AWS Private CA of each generation; every service trusts all of them
// (the bundle of their certificates, highest first) and obtains its certificate from the issuer.
func (v *Vault) newPrivateCAs(ctx *pulumi.Context, args *VaultArgs, gens []int, issuer int) error {
	var trusted []any
	for i := len(gens) - 1; i >= 0; i-- {
		pca, err := newPrivateCA(ctx, v, args.Scope, gens[i], args.RecoveryWindowDays)
		if err != nil {
			return err
		}
		if gens[i] == issuer {
			v.CertificateAuthorityArn = pca.ca.Arn
		}
		trusted = append(trusted, pca.cert.Certificate)
		v.issuerReady = append(v.issuerReady, pca.installed)
	}
	v.CACertificate = bundleOf(trusted)
	return nil
}

// bundleOf is the PEM bundle of certificates, in order.
func bundleOf(certs []any) pulumi.StringOutput {
	return pulumi.All(certs...).ApplyT(func(x []any) string {
		pems := make([]string, len(x))
		for i := range x {
			pems[i] = x[i].(string)
		}
		return pemBundle(pems)
	}).(pulumi.StringOutput)
}

// newCA creates a generation of the internal CA: its key and its self-signed certificate, whose
// common name says the generation (from 2 on) so that the two of a rotation are told apart.
func newCA(ctx *pulumi.Context, v *Vault, scope stack.Scope, generation int) (*tls.PrivateKey, *tls.SelfSignedCert, error) {
	name := caName(generation)
	key, err := tls.NewPrivateKey(ctx, name, &tls.PrivateKeyArgs{
		Algorithm: pulumi.String("ECDSA"), EcdsaCurve: pulumi.String("P384"),
	}, pulumi.Parent(v))
	if err != nil {
		return nil, nil, fmt.Errorf("creating CA key (generation %d): %w", generation, err)
	}
	commonName := scope.Project + " " + scope.Stack + " internal CA"
	if generation > 1 {
		commonName += fmt.Sprintf(" %d", generation)
	}
	cert, err := tls.NewSelfSignedCert(ctx, name, &tls.SelfSignedCertArgs{
		PrivateKeyPem:       key.PrivateKeyPem,
		IsCaCertificate:     pulumi.Bool(true),
		ValidityPeriodHours: pulumi.Int(CAValidityHours),
		AllowedUses:         pulumi.ToStringArray([]string{"cert_signing", "crl_signing"}),
		SetSubjectKeyId:     pulumi.Bool(true),
		Subject: &tls.SelfSignedCertSubjectArgs{
			CommonName:   pulumi.String(commonName),
			Organization: pulumi.String(scope.Project),
		},
	}, pulumi.Parent(v))
	if err != nil {
		return nil, nil, fmt.Errorf("creating CA certificate (generation %d): %w", generation, err)
	}
	return key, cert, nil
}

// caGenerations are the CA generations the args ask for: [1] when they name none.
func (a *VaultArgs) caGenerations() []int {
	if len(a.CAGenerations) == 0 {
		return []int{1}
	}
	return a.CAGenerations
}

func (a *VaultArgs) validate() error {
	switch {
	case a == nil:
		return fmt.Errorf("vault: args are required")
	case a.Check() != nil:
		return fmt.Errorf("vault: %w", a.Check())
	case a.SecretsKeyArn == nil:
		return fmt.Errorf("vault: the secrets key is required")
	case a.VerificationKeyPem == nil:
		return fmt.Errorf("vault: the identity-token verification key is required")
	case len(a.Services) == 0:
		return fmt.Errorf("vault: at least one service is required")
	case a.RecoveryWindowDays < 7 || a.RecoveryWindowDays > 30:
		return fmt.Errorf("vault: recovery window %d is outside 7-30 days", a.RecoveryWindowDays)
	case len(a.ExecutionRoleTags) == 0:
		return fmt.Errorf("vault: the tags of the stack's execution roles are required")
	case len(a.DeployerArns) == 0:
		return fmt.Errorf("vault: at least one deploying role is required: every secret denies changes to all other principals")
	case a.CAGenerations != nil && CAGenerationsProblem(a.CAGenerations) != "":
		return fmt.Errorf("vault: CA generations %s", CAGenerationsProblem(a.CAGenerations))
	case a.CertificateAuthority != "" && CertificateAuthorityProblem(a.CertificateAuthority) != "":
		return fmt.Errorf("vault: %s", CertificateAuthorityProblem(a.CertificateAuthority))
	case CAIssuerProblem(a.IssuingCAGeneration, a.caGenerations()) != "":
		return fmt.Errorf("vault: issuing CA generation %s", CAIssuerProblem(a.IssuingCAGeneration, a.caGenerations()))
	}
	known := map[string]bool{}
	for _, s := range a.Services {
		if s.ExecutionRoleArn == nil {
			return fmt.Errorf("vault: service %s has no execution role", s.Name)
		}
		known[s.Name] = true
	}
	for _, s := range a.AppSecrets {
		if s.Value == nil || len(s.Readers) == 0 {
			return fmt.Errorf("vault: app secret %s needs a value and readers", s.Name)
		}
		for _, r := range s.Readers {
			if !known[r] {
				return fmt.Errorf("vault: app secret %s names unknown reader %s", s.Name, r)
			}
		}
	}
	return nil
}

// Reader is a service allowed to read a secret, by its execution role.
type Reader struct {
	Service string             // the service's name
	RoleArn pulumi.StringInput // its execution role's ARN
}

// secretWriter creates secrets the way this program always does: encrypted with the secrets key,
// named by prefix (so a replacement never collides with a secret pending deletion), with a
// resource policy that names only the readers' roles and blocks public policies.
type secretWriter struct {
	ctx          *pulumi.Context
	parent       pulumi.Resource
	scope        stack.Scope
	keyArn       pulumi.StringInput
	recoveryDays int
	deployers    []string
	vault        *Vault
}

// Write creates one secret with its value and a policy that admits exactly the readers' roles,
// and records its ARN and readiness in the vault.
func (w *secretWriter) Write(kind contract.SecretKind, name, description string, value pulumi.StringInput, readers []Reader) error {
	arns := make([]pulumi.StringInput, 0, len(readers))
	for _, r := range readers {
		arns = append(arns, r.RoleArn)
	}
	return w.write(kind, name, description, value, w.readersPolicy(arns))
}

// readersPolicy is the resource policy that admits exactly the given roles to read a secret (and
// denies it to all others but the deploying roles, and every change to all but them).
func (w *secretWriter) readersPolicy(roleArns []pulumi.StringInput) pulumi.StringOutput {
	arns := make([]any, 0, len(roleArns))
	for _, a := range roleArns {
		arns = append(arns, a)
	}
	return pulumi.All(arns...).ApplyT(func(xs []any) (string, error) {
		roles := make([]string, len(xs))
		for i, x := range xs {
			roles[i] = x.(string)
		}
		return resourcepolicy.ReadersPolicy(roles, w.deployers).JSON()
	}).(pulumi.StringOutput)
}

// write creates the secret, its version and its resource policy, and records the ARN and what a
// reader must wait for.
func (w *secretWriter) write(kind contract.SecretKind, name, description string, value pulumi.StringInput, policy pulumi.StringInput) error {
	logical := string(kind) + "-" + name
	secret, err := secretsmanager.NewSecret(w.ctx, logical, &secretsmanager.SecretArgs{
		NamePrefix:           pulumi.String(w.scope.SecretPrefix(kind, name)),
		Description:          pulumi.String(description),
		KmsKeyId:             w.keyArn,
		RecoveryWindowInDays: pulumi.Int(w.recoveryDays),
		Tags:                 pulumi.StringMap{contract.SecretKindTag: pulumi.String(string(kind))},
	}, pulumi.Parent(w.parent), pulumi.Protect(w.scope.Protect))
	if err != nil {
		return fmt.Errorf("creating secret %s: %w", logical, err)
	}
	version, err := secretsmanager.NewSecretVersion(w.ctx, logical, &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, pulumi.Parent(w.parent))
	if err != nil {
		return fmt.Errorf("storing secret %s: %w", logical, err)
	}
	sp, err := secretsmanager.NewSecretPolicy(w.ctx, logical, &secretsmanager.SecretPolicyArgs{
		SecretArn:         secret.Arn,
		Policy:            policy,
		BlockPublicPolicy: pulumi.Bool(true),
	}, pulumi.Parent(w.parent), pulumi.Protect(w.scope.Protect))
	if err != nil {
		return fmt.Errorf("creating policy of secret %s: %w", logical, err)
	}
	w.vault.arns[entryKey(kind, name)] = secret.Arn
	w.vault.versions[entryKey(kind, name)] = version.VersionId
	w.vault.ready[entryKey(kind, name)] = []pulumi.Resource{version, sp}
	return nil
}

// entryKey is a secret's key in the vault's maps and in SecretArns: <kind>/<name>, for example tls/users.
func entryKey(kind contract.SecretKind, name string) string { return string(kind) + "/" + name }

func jsonObject(m map[string]string) (string, error) {
	data, err := json.Marshal(m)
	return string(data), err
}
