// Package rolepolicy writes the IAM policies of the services' roles as data, with no cloud SDK:
// who may assume a task or execution role, what ECS may do to start a service (pull its image,
// write its logs, inject its secrets), and what its code may do (its buckets, its databases).
// compute.Identities and compute.Service attach them; the config loader sizes them against IAM's
// limits before anything is created.
package rolepolicy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

var ecrImage = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([^:@]+)`)

// TaskTrustPolicy lets ECS tasks of this account and region, and nothing else, assume a role
// (the confused-deputy guard AWS recommends).
func TaskTrustPolicy(accountID, region string) policydoc.Document {
	return policydoc.New(policydoc.Statement{
		Sid:       "EcsTasksOfThisAccountOnly",
		Effect:    policydoc.Allow,
		Principal: policydoc.ServicePrincipal("ecs-tasks.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": accountID},
			"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:aws:ecs:%s:%s:*", region, accountID)},
		},
	})
}

// ExecutionPolicy is the execution role's policy. ecr:GetAuthorizationToken is the one action
// AWS only grants on "*"; it hands out a registry login, not access to any image.
func ExecutionPolicy(image, region, logGroupArn, secretsKeyArn string, secretArns []string) policydoc.Document {
	var sts []policydoc.Statement
	if m := ecrImage.FindStringSubmatch(image); m != nil {
		sts = append(sts,
			policydoc.Statement{Sid: "RegistryLogin", Effect: policydoc.Allow, Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
			policydoc.Statement{Sid: "PullItsImage", Effect: policydoc.Allow,
				Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
				Resource: []string{fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", m[2], m[1], m[3])}},
		)
	}
	sts = append(sts, policydoc.Statement{Sid: "WriteItsLogs", Effect: policydoc.Allow,
		Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroupArn + ":*"}})
	if len(secretArns) > 0 {
		arns := slices.Compact(slices.Sorted(slices.Values(secretArns)))
		sts = append(sts,
			policydoc.Statement{Sid: "InjectItsSecrets", Effect: policydoc.Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: arns},
			policydoc.Statement{Sid: "DecryptItsSecrets", Effect: policydoc.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{secretsKeyArn},
				Condition: secretsKeyUse(region, arns)},
		)
	}
	return policydoc.New(sts...)
}

// secretsKeyUse binds a role's use of the secrets key to the secrets it reads: only through
// Secrets Manager, and only for those secrets, which Secrets Manager names in the encryption
// context of every data key it asks for (kms:EncryptionContext:SecretARN;
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context).
// A role that could read another secret through a mistaken policy still could not decrypt it.
func secretsKeyUse(region string, secretArns []string) map[string]map[string]any {
	return map[string]map[string]any{"StringEquals": {
		"kms:ViaService":                  fmt.Sprintf("secretsmanager.%s.amazonaws.com", region),
		"kms:EncryptionContext:SecretARN": slices.Compact(slices.Sorted(slices.Values(secretArns))),
	}}
}

// BucketGrant and DatabaseGrant are resolved accesses for TaskPolicy.
type (
	BucketGrant struct {
		Arn         string
		Read, Write bool
	}
	// DatabaseGrant is IAM authentication as User on the instance whose resource id (db-...,
	// its DbiResourceId) is ResourceID.
	DatabaseGrant struct{ ResourceID, User string }
)

// DBUserArn is the resource rds-db:connect names to connect as one database user of one instance:
// arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html).
func DBUserArn(region, accountID, resourceID, user string) string {
	return fmt.Sprintf("arn:aws:rds-db:%s:%s:dbuser:%s/%s", region, accountID, resourceID, user)
}

// TaskPolicy is the task role's policy: object access to its buckets (and the data key only
// through S3), and IAM authentication as its own user on the databases it owns. It never reads a
// database's master secret: only the execution role of the database's migration task does (ExecutionPolicy, to inject it).
// For a BFF (signingKeyArn not "") it may sign identity tokens with exactly that KMS key and its
// one algorithm (SignIdentityTokens). With AWS Private CA (certificateAuthorityArn not "") it may
// obtain its mTLS certificate from exactly that CA (IssueItsCertificate).
func TaskPolicy(region, accountID, dataKeyArn string, buckets []BucketGrant, dbs []DatabaseGrant, signingKeyArn, certificateAuthorityArn string) policydoc.Document {
	var sts []policydoc.Statement
	var keyActions []string
	for _, b := range buckets {
		label := strings.NewReplacer("-", "", ".", "").Replace(b.Arn[strings.LastIndex(b.Arn, ":")+1:])
		if b.Read {
			sts = append(sts, policydoc.Statement{Sid: "Read" + label, Effect: policydoc.Allow,
				Action: []string{"s3:GetObject", "s3:GetObjectVersion"}, Resource: []string{b.Arn + "/*"}},
				policydoc.Statement{Sid: "List" + label, Effect: policydoc.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{b.Arn}})
			keyActions = append(keyActions, "kms:Decrypt")
		}
		if b.Write {
			sts = append(sts, policydoc.Statement{Sid: "Write" + label, Effect: policydoc.Allow,
				Action: []string{"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}, Resource: []string{b.Arn + "/*"}})
			keyActions = append(keyActions, "kms:GenerateDataKey", "kms:Decrypt")
		}
	}
	if len(keyActions) > 0 {
		sort.Strings(keyActions)
		sts = append(sts, policydoc.Statement{Sid: "UseTheDataKeyThroughS3", Effect: policydoc.Allow,
			Action: slices.Compact(keyActions), Resource: []string{dataKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", region)}}})
	}
	var users []string
	for _, d := range dbs {
		users = append(users, DBUserArn(region, accountID, d.ResourceID, d.User))
	}
	if len(users) > 0 {
		sts = append(sts, policydoc.Statement{Sid: "ConnectWithIAM", Effect: policydoc.Allow, Action: []string{"rds-db:connect"}, Resource: users})
	}
	if signingKeyArn != "" {
		sts = append(sts, SignIdentityTokens(signingKeyArn))
	}
	if certificateAuthorityArn != "" {
		sts = append(sts, IssueItsCertificate(certificateAuthorityArn)...)
	}
	return policydoc.New(sts...)
}

// IssueItsCertificate lets a task role obtain certificates from one AWS Private CA (a CA ARN):
// IssueCertificate only with the end-entity template (acm-pca:TemplateArn, the only condition
// key the action has, so no passthrough template can add extensions), and GetCertificate to
// fetch what it issued. IAM cannot bind the subject alternative names of the request to the
// caller: any role this grants may obtain a certificate for any name (README).
func IssueItsCertificate(certificateAuthorityArn string) []policydoc.Statement {
	return []policydoc.Statement{
		{Sid: "IssueItsCertificate", Effect: policydoc.Allow, Action: []string{"acm-pca:IssueCertificate"}, Resource: []string{certificateAuthorityArn},
			Condition: map[string]map[string]any{"StringEquals": {awslimits.PrivateCATemplateArnKey: awslimits.PrivateCAEndEntityTemplateArn}}},
		{Sid: "GetItsCertificate", Effect: policydoc.Allow, Action: []string{"acm-pca:GetCertificate"}, Resource: []string{certificateAuthorityArn}},
	}
}

// SignIdentityTokens lets a BFF's task role sign with the identity-token signing key (a key ARN)
// and describe it, with ECDSA_SHA_256 only (kms:SigningAlgorithm,
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-signing-algorithm;
// IfExists, since DescribeKey has no algorithm). The key policy names the same roles.
func SignIdentityTokens(signingKeyArn string) policydoc.Statement {
	return policydoc.Statement{Sid: "SignIdentityTokens", Effect: policydoc.Allow, Action: []string{"kms:Sign", "kms:DescribeKey"},
		Resource:  []string{signingKeyArn},
		Condition: map[string]map[string]any{"StringEqualsIfExists": {"kms:SigningAlgorithm": "ECDSA_SHA_256"}}}
}
