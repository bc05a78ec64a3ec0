package secrets

import "github.com/secure-vpc/secure-vpc/internal/contract"

// The JSON keys of a service's TLS secret (kind tls): the secret's value is one JSON object
// holding the three PEM documents, and ECS injects each into its own variable by naming its key
// (valueFrom "<secret arn>:<key>::"). The vault writes these keys and the platform's task
// contract reads them: a renamed key would leave the variable unset at task start.
const (
	TLSCertificateKey   = "certificate"   // the service's certificate, PEM
	TLSPrivateKeyKey    = "privateKey"    // its private key, PEM
	TLSCACertificateKey = "caCertificate" // the internal CA's certificate, PEM
)

// IdentityVerificationKey is the name of the identity-token secret (kind identity): the public
// key every service verifies identity tokens with, one PEM document, so ECS injects the whole
// secret string, with no JSON key. The private key is in AWS KMS (TokenSigner), never a secret.
const IdentityVerificationKey = contract.IdentityVerificationKeyName

// The JSON keys of a database's master secret, which RDS writes ({"username": ..., "password":
// ...}, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html): ECS
// injects each into the migration task's own variable.
const (
	MasterUsernameKey = "username" // the master user's name (data.MasterUsername)
	MasterPasswordKey = "password" // its current password, which RDS rotates every 7 days
)
