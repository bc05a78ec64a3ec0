package rolepolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func statements(t *testing.T, d policydoc.Document) map[string]policydoc.Statement {
	t.Helper()
	text, err := d.JSON()
	require.NoError(t, err)
	parsed, err := policydoc.Parse(text)
	require.NoError(t, err)
	out := map[string]policydoc.Statement{}
	for _, st := range parsed.Statement {
		out[st.Sid] = st
		assert.Nil(t, st.Principal, "identity policies name no principal")
	}
	return out
}

func TestExecutionPolicy(t *testing.T) {
	const (
		image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders:3.2.0"
		logs  = "arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/services/orders"
		key   = "arn:aws:kms:eu-west-1:123456789012:key/k"
		tls   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:secure-vpc/dev/tls/orders-1-abcdef"
		app   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:secure-vpc/dev/app/payments-api-key-1-abcdef"
	)
	sts := statements(t, ExecutionPolicy(image, "eu-west-1", logs, key, []string{tls, app, tls}))
	assert.Equal(t, []string{"*"}, sts["RegistryLogin"].Resource, "the registry login is the one action AWS grants only on *")
	assert.Equal(t, []string{"ecr:GetAuthorizationToken"}, sts["RegistryLogin"].Action)
	assert.Equal(t, []string{"arn:aws:ecr:eu-west-1:123456789012:repository/orders"}, sts["PullItsImage"].Resource, "only its own repository")
	assert.Equal(t, []string{logs + ":*"}, sts["WriteItsLogs"].Resource)
	assert.Equal(t, []string{app, tls}, sts["InjectItsSecrets"].Resource, "exactly its secrets, once each")
	assert.Equal(t, []string{key}, sts["DecryptItsSecrets"].Resource)
	assert.Equal(t, "secretsmanager.eu-west-1.amazonaws.com", sts["DecryptItsSecrets"].Condition["StringEquals"]["kms:ViaService"])
	assert.Equal(t, []any{app, tls}, sts["DecryptItsSecrets"].Condition["StringEquals"]["kms:EncryptionContext:SecretARN"],
		"the secrets key only for its own secrets")

	public := statements(t, ExecutionPolicy("ghcr.io/example/web:1.0", "eu-west-1", logs, key, nil))
	assert.NotContains(t, public, "RegistryLogin", "no ECR permissions for an image that is not in ECR")
	assert.NotContains(t, public, "InjectItsSecrets")
}

func TestTaskPolicy(t *testing.T) {
	bucket := "arn:aws:s3:::user-uploads-dev-123"
	sts := statements(t, TaskPolicy("eu-west-1", "123456789012", "arn:aws:kms:eu-west-1:123456789012:key/d",
		[]BucketGrant{{Arn: bucket, Read: true}}, []DatabaseGrant{{ResourceID: "db-ABC", User: "users"}}, "", ""))
	read := sts["Readuseruploadsdev123"]
	assert.Equal(t, []string{bucket + "/*"}, read.Resource)
	assert.NotContains(t, read.Action, "s3:PutObject", "a reader cannot write")
	assert.NotContains(t, sts, "Writeuseruploadsdev123")
	assert.Equal(t, []string{"kms:Decrypt"}, sts["UseTheDataKeyThroughS3"].Action)
	assert.Equal(t, []string{"arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABC/users"}, sts["ConnectWithIAM"].Resource)
	assert.Equal(t, []string{"rds-db:connect"}, sts["ConnectWithIAM"].Action)
	for sid, st := range sts {
		assert.NotContains(t, st.Action, "secretsmanager:GetSecretValue", "statement %s: the owner connects with IAM and never reads the master secret", sid)
	}

	writer := statements(t, TaskPolicy("eu-west-1", "123456789012", "k", []BucketGrant{{Arn: bucket, Write: true}}, nil, "", ""))
	assert.Equal(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, writer["UseTheDataKeyThroughS3"].Action)
	assert.NotContains(t, writer, "ConnectWithIAM")
	assert.NotContains(t, writer, "ReadTheMasterSecretWhenConnecting", "only a database's owner reads its master secret")
	// The bucket policy denies every principal what destroys a version (DeleteObjectVersion,
	// retention and legal hold changes, bypassing governance): a writer's role never needs it.
	deletes := false
	for _, st := range writer {
		for _, a := range awslimits.S3VersionDestroyActions {
			assert.False(t, st.Covers(a), "%s grants %s", st.Sid, a)
		}
		deletes = deletes || st.Covers("s3:DeleteObject")
	}
	assert.True(t, deletes, "a writer deletes objects: a delete marker, the versions stay")
}

// A BFF's task role signs identity tokens with exactly the signing key, with ES256 only; no other
// service's role signs anything.
func TestTaskPolicySignsOnlyWithTheSigningKey(t *testing.T) {
	const key = "arn:aws:kms:eu-west-1:123456789012:key/0f0f0f0f-0000-4000-8000-000000000000"
	bff := statements(t, TaskPolicy("eu-west-1", "123456789012", "", nil, nil, key, ""))
	sign := bff["SignIdentityTokens"]
	assert.Equal(t, []string{key}, sign.Resource, "exactly the signing key")
	assert.Equal(t, []string{"kms:Sign", "kms:DescribeKey"}, sign.Action)
	assert.Equal(t, "ECDSA_SHA_256", sign.Condition["StringEqualsIfExists"]["kms:SigningAlgorithm"])
	for _, st := range bff {
		assert.False(t, st.Covers("kms:Decrypt") || st.Covers("kms:GetPublicKey"), "%s: a signer needs nothing else of KMS", st.Sid)
	}
	other := statements(t, TaskPolicy("eu-west-1", "123456789012", "k", []BucketGrant{{Arn: "arn:aws:s3:::b", Read: true}}, nil, "", ""))
	for _, st := range other {
		assert.False(t, st.Covers("kms:Sign"), "%s: a service that is no BFF signs nothing", st.Sid)
	}
}

func TestTaskPolicyIssuesOnlyFromItsCAWithTheEndEntityTemplate(t *testing.T) {
	const ca = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/0f0f0f0f-0000-4000-8000-000000000000"
	sts := statements(t, TaskPolicy("eu-west-1", "123456789012", "", nil, nil, "", ca))
	issue := sts["IssueItsCertificate"]
	assert.Equal(t, []string{ca}, issue.Resource, "exactly the stack's CA")
	assert.Equal(t, []string{"acm-pca:IssueCertificate"}, issue.Action)
	assert.Equal(t, "arn:aws:acm-pca:::template/EndEntityCertificate/V1", issue.Condition["StringEquals"]["acm-pca:TemplateArn"])
	assert.Equal(t, []string{ca}, sts["GetItsCertificate"].Resource)
	assert.Equal(t, []string{"acm-pca:GetCertificate"}, sts["GetItsCertificate"].Action)
	without := statements(t, TaskPolicy("eu-west-1", "123456789012", "k", []BucketGrant{{Arn: "arn:aws:s3:::b", Read: true}}, nil, "", ""))
	for _, st := range without {
		assert.False(t, st.Covers("acm-pca:IssueCertificate"), "%s: with pulumi-tls no task issues certificates", st.Sid)
	}
}
