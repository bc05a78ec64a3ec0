package secrets

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acmpca"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/stack"
)

// CertificateAuthority is which internal CA issues the services' mTLS certificates
// (vault.certificateAuthority).
type CertificateAuthority string

// The internal CAs a stack may use.
const (
	// PulumiTLS, the default: a pulumi-tls CA whose key, like every service's key, is in the
	// stack's state; Pulumi issues each service a one-year certificate into its TLS secret.
	PulumiTLS CertificateAuthority = "pulumi-tls"
	// AWSPrivateCA: an AWS Private CA in short-lived certificate mode whose key never leaves
	// AWS's HSMs; each task makes its own key and obtains a certificate of at most 7 days from
	// it (acm-pca:IssueCertificate), so no private key of the PKI is in the state.
	AWSPrivateCA CertificateAuthority = "aws-private-ca"
)

// CertificateAuthorities are the accepted values, the default first.
var CertificateAuthorities = []CertificateAuthority{PulumiTLS, AWSPrivateCA}

// CertificateAuthorityProblem says why a value of vault.certificateAuthority is refused ("" when
// it is not).
func CertificateAuthorityProblem(ca CertificateAuthority) string {
	if slices.Contains(CertificateAuthorities, ca) {
		return ""
	}
	return fmt.Sprintf("%q is not an internal CA; use %q (the default) or %q", ca, PulumiTLS, AWSPrivateCA)
}

// PrivateCAValidityYears is how long a generation's root certificate is valid, in years; it is
// rotated deliberately, by generations, as the pulumi-tls CA is.
const PrivateCAValidityYears = 10

// privateCA is a generation of the internal CA in AWS Private CA: the CA, and the installation of
// its self-signed root certificate (until then the CA is PENDING_CERTIFICATE and issues nothing).
type privateCA struct {
	ca        *acmpca.CertificateAuthority
	cert      *acmpca.Certificate
	installed *acmpca.CertificateAuthorityCertificate
}

// newPrivateCA creates a generation of the internal CA in AWS Private CA: a root CA in
// short-lived certificate mode (no revocation: its certificates live at most 7 days), ECDSA
// P-384 in AWS's HSMs, restorable for the secrets' recovery window after a deletion, and its
// self-signed certificate (RootCACertificate/V1, PrivateCAValidityYears). All three are
// protected with the stack's stores.
func newPrivateCA(ctx *pulumi.Context, v *Vault, scope stack.Scope, generation, deletionDays int) (*privateCA, error) {
	name := caName(generation)
	commonName := scope.Project + " " + scope.Stack + " internal CA"
	if generation > 1 {
		commonName += fmt.Sprintf(" %d", generation)
	}
	ca, err := acmpca.NewCertificateAuthority(ctx, name, &acmpca.CertificateAuthorityArgs{
		Type:      pulumi.String(awslimits.PrivateCARootType),
		UsageMode: pulumi.String(awslimits.PrivateCAShortLivedMode),
		CertificateAuthorityConfiguration: &acmpca.CertificateAuthorityCertificateAuthorityConfigurationArgs{
			KeyAlgorithm:     pulumi.String(awslimits.PrivateCAKeyAlgorithm),
			SigningAlgorithm: pulumi.String(awslimits.PrivateCASigningAlgorithm),
			Subject: &acmpca.CertificateAuthorityCertificateAuthorityConfigurationSubjectArgs{
				CommonName:   pulumi.String(commonName),
				Organization: pulumi.String(scope.Project),
			},
		},
		PermanentDeletionTimeInDays: pulumi.Int(deletionDays),
	}, pulumi.Parent(v), pulumi.Protect(scope.Protect))
	if err != nil {
		return nil, fmt.Errorf("creating the private CA (generation %d): %w", generation, err)
	}
	cert, err := acmpca.NewCertificate(ctx, name, &acmpca.CertificateArgs{
		CertificateAuthorityArn:   ca.Arn,
		CertificateSigningRequest: ca.CertificateSigningRequest,
		SigningAlgorithm:          pulumi.String(awslimits.PrivateCASigningAlgorithm),
		TemplateArn:               pulumi.String(awslimits.PrivateCARootTemplateArn),
		Validity:                  &acmpca.CertificateValidityArgs{Type: pulumi.String("YEARS"), Value: pulumi.String(fmt.Sprint(PrivateCAValidityYears))},
	}, pulumi.Parent(v), pulumi.Protect(scope.Protect))
	if err != nil {
		return nil, fmt.Errorf("issuing the private CA's certificate (generation %d): %w", generation, err)
	}
	installed, err := acmpca.NewCertificateAuthorityCertificate(ctx, name, &acmpca.CertificateAuthorityCertificateArgs{
		CertificateAuthorityArn: ca.Arn,
		Certificate:             cert.Certificate,
		CertificateChain:        cert.CertificateChain,
	}, pulumi.Parent(v), pulumi.Protect(scope.Protect))
	if err != nil {
		return nil, fmt.Errorf("installing the private CA's certificate (generation %d): %w", generation, err)
	}
	return &privateCA{ca: ca, cert: cert, installed: installed}, nil
}
