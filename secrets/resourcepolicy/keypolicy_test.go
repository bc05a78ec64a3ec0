package resourcepolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/policydoc"
)

func TestKeyPolicies(t *testing.T) {
	groups := []string{"arn:aws:logs:eu-west-1:123456789012:log-group:/secure-vpc/dev/*", "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-secure-vpc-dev-*"}
	for _, domain := range contract.KeyDomains {
		t.Run(string(domain), func(t *testing.T) {
			built := KeyPolicy(domain, "123456789012", "eu-west-1")
			if domain == contract.LogsDomain {
				built = LogsKeyPolicy("123456789012", "eu-west-1", groups)
			}
			text, err := built.JSON()
			require.NoError(t, err)
			doc, err := policydoc.Parse(text)
			require.NoError(t, err)

			admin := doc.Statement[0]
			assert.Equal(t, []string{"arn:aws:iam::123456789012:root"}, admin.Principals()["AWS"], "the account keeps control of the key")
			for _, a := range admin.Action {
				assert.NotContains(t, []string{"kms:*", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:CreateGrant"}, a,
					"administering a key must not include using it")
			}
			for _, st := range doc.Statement[1:] {
				assert.NotEmpty(t, st.Condition, "every use of the key is bound by a condition: %s", st.Sid)
				assert.NotContains(t, st.Principals(), "*", "no anonymous principal")
			}
			switch domain {
			case contract.LogsDomain:
				logs := doc.Statement[1]
				assert.Equal(t, []string{"logs.eu-west-1.amazonaws.com"}, logs.Principals()["Service"])
				assert.Equal(t, map[string]any{"kms:EncryptionContext:aws:logs:arn": []any{groups[0], groups[1]}}, logs.Condition["ArnLike"],
					"CloudWatch Logs may use the key only for the stack's log groups, never for every log group of the account")
			case contract.DataDomain:
				assert.ElementsMatch(t, []any{"rds.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com", "elasticache.eu-west-1.amazonaws.com"},
					doc.Statement[1].Condition["StringEquals"]["kms:ViaService"], "the data key is usable only through the data services")
				assert.Equal(t, "true", doc.Statement[2].Condition["Bool"]["kms:GrantIsForAWSResource"])
			case contract.SecretsDomain:
				assert.Contains(t, doc.Statement[1].Condition["StringEquals"]["kms:ViaService"], "secretsmanager.eu-west-1.amazonaws.com")
			}
		})
	}
}

// The signing key's policy lets exactly the given roles sign, with ES256 only; the account
// administers it (its public key included) but neither signs nor grants.
func TestSigningKeyPolicy(t *testing.T) {
	const web, mobile = "arn:aws:iam::123456789012:role/web-bff-task-role", "arn:aws:iam::123456789012:role/mobile-bff-task-role"
	for _, signers := range [][]string{{web, mobile}, nil} {
		text, err := SigningKeyPolicy("123456789012", signers, nil).JSON()
		require.NoError(t, err)
		doc, err := policydoc.Parse(text)
		require.NoError(t, err)
		var got []string
		for _, st := range doc.Statement {
			if st.Covers("kms:Sign") {
				got = append(got, st.Principals()["AWS"]...)
				assert.Equal(t, SigningAlgorithm, st.Condition["StringEqualsIfExists"]["kms:SigningAlgorithm"])
			}
			assert.False(t, st.Effect == policydoc.Allow && st.Covers("kms:CreateGrant"), "%s: no one grants the key's use", st.Sid)
		}
		if signers == nil {
			assert.Empty(t, got, "with no BFF nobody signs")
			continue
		}
		assert.Equal(t, []string{mobile, web}, got, "exactly the BFFs' task roles sign")
		assert.True(t, doc.Statement[0].Covers("kms:GetPublicKey"), "the account reads the public key")
		assert.Equal(t, []string{AccountRoot("123456789012")}, doc.Statement[0].Principals()["AWS"])
	}
}

// Only the deploying roles may change the signing key's policy (and so name a signer); without
// deploying roles there is no such Deny, and the Deny never touches signing.
func TestSigningKeyPolicyGuardsItself(t *testing.T) {
	const deployer, breakGlass = "arn:aws:iam::123456789012:role/secure-vpc-deploy-dev", "arn:aws:iam::123456789012:role/admin/break-glass"
	const web = "arn:aws:iam::123456789012:role/web-bff-task-role"
	guard := func(deployers []string) *policydoc.Statement {
		text, err := SigningKeyPolicy("123456789012", []string{web}, deployers).JSON()
		require.NoError(t, err)
		doc, err := policydoc.Parse(text)
		require.NoError(t, err)
		for _, st := range doc.Statement {
			if st.Effect == policydoc.Deny && st.Sid != NoGrantsSid {
				return &st
			}
		}
		return nil
	}
	st := guard([]string{deployer, breakGlass})
	require.NotNil(t, st)
	assert.Equal(t, KeyPolicyGuardSid, st.Sid)
	assert.Equal(t, policydoc.AnyPrincipal, st.Principal, "every principal")
	assert.True(t, st.Covers("kms:PutKeyPolicy"))
	assert.False(t, st.Covers("kms:Sign"), "the BFFs still sign")
	assert.Equal(t, []any{breakGlass, deployer}, st.Condition["ArnNotEquals"]["aws:PrincipalArn"], "but the deploying roles, who may set it again (KMS's lockout safety check)")
	assert.Nil(t, guard(nil), "no deploying role named, no Deny that would lock the key")
}

// No principal may create a grant on the signing key (a grant can give kms:Sign to anyone),
// with or without deploying roles, and the denial touches neither signing nor the policy guard.
func TestSigningKeyPolicyDeniesGrantsToAll(t *testing.T) {
	const web = "arn:aws:iam::123456789012:role/web-bff-task-role"
	for _, deployers := range [][]string{nil, {"arn:aws:iam::123456789012:role/secure-vpc-deploy-dev"}} {
		text, err := SigningKeyPolicy("123456789012", []string{web}, deployers).JSON()
		require.NoError(t, err)
		doc, err := policydoc.Parse(text)
		require.NoError(t, err)
		var denies []policydoc.Statement
		for _, st := range doc.Statement {
			if st.Effect == policydoc.Deny && st.Covers("kms:CreateGrant") {
				denies = append(denies, st)
			}
			if st.Effect == policydoc.Allow {
				assert.False(t, st.Covers("kms:CreateGrant"), "statement %s allows kms:CreateGrant", st.Sid)
			}
		}
		require.Len(t, denies, 1, "deployers %v", deployers)
		assert.Equal(t, policydoc.AnyPrincipal, denies[0].Principal, "every principal")
		assert.Empty(t, denies[0].Condition, "unconditionally")
		assert.False(t, denies[0].Covers("kms:Sign"), "the BFFs still sign")
		assert.False(t, denies[0].Covers("kms:PutKeyPolicy"), "the deploying roles still set the policy")
	}
}
