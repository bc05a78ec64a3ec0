package awslimits

// AWS Private CA names and limits the program uses when the internal CA is AWS Private CA
// (vault.certificateAuthority: aws-private-ca).
const (
	// PrivateCAShortLivedMode is the usage mode (CreateCertificateAuthority UsageMode) of a CA
	// that issues only certificates of at most PrivateCAShortLivedMaxDays, which need no
	// revocation, and costs less than a GENERAL_PURPOSE CA
	// (https://docs.aws.amazon.com/privateca/latest/userguide/short-lived-certificates.html).
	PrivateCAShortLivedMode = "SHORT_LIVED_CERTIFICATE"
	// PrivateCAShortLivedMaxDays is the longest validity, in days, a short-lived-mode CA issues
	// (same source).
	PrivateCAShortLivedMaxDays = 7
	// PrivateCARootType is a CA whose certificate it signs itself (CreateCertificateAuthority
	// CertificateAuthorityType; https://docs.aws.amazon.com/privateca/latest/APIReference/API_CreateCertificateAuthority.html).
	PrivateCARootType = "ROOT"
	// PrivateCARootTemplateArn is the template a root CA's own certificate is issued with
	// (https://docs.aws.amazon.com/privateca/latest/userguide/template-definitions.html).
	PrivateCARootTemplateArn = "arn:aws:acm-pca:::template/RootCACertificate/V1"
	// PrivateCAEndEntityTemplateArn is the template of an end-entity certificate whose subject
	// and subject alternative names come from the CSR alone, with the extended key usages
	// serverAuth and clientAuth (same source): no API or CSR passthrough of other extensions.
	PrivateCAEndEntityTemplateArn = "arn:aws:acm-pca:::template/EndEntityCertificate/V1"
	// PrivateCATemplateArnKey is the only service condition key of acm-pca:IssueCertificate: the
	// template a request names. AWS offers no condition key on a request's subject or subject
	// alternative names
	// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsprivatecertificateauthority.html).
	PrivateCATemplateArnKey = "acm-pca:TemplateArn"
	// PrivateCAKeyAlgorithm and PrivateCASigningAlgorithm are the CA's key pair (ECDSA P-384,
	// kept in AWS's HSMs) and the algorithm it signs with (CertificateAuthorityConfiguration;
	// https://docs.aws.amazon.com/privateca/latest/APIReference/API_CertificateAuthorityConfiguration.html).
	PrivateCAKeyAlgorithm     = "EC_secp384r1"
	PrivateCASigningAlgorithm = "SHA384WITHECDSA"
)
