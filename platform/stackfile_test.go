package platform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadStackFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("Pulumi.yaml", "name: secure-vpc\nruntime: go\nconfig:\n  buckets:\n    type: object\n    default: {}\n  aws:defaultTags:\n    value:\n      tags: {Project: secure-vpc}\n")
	write("Pulumi.test.yaml", `config:
  aws:region: eu-west-1
  secure-vpc:environment: dev
  secure-vpc:network:
    cidr: 10.20.0.0/16
    availabilityZones: [eu-west-1a, eu-west-1b]
    flowLogRetentionDays: 30
  secure-vpc:secretValues:
    api-key:
      secure: v1:AAAABBBBCCCC
  secure-vpc:databases:
    db: {version: 16}
`)
	src, err := ReadStackFiles(dir, "test")
	require.NoError(t, err)
	assert.Equal(t, "test", src.Stack)
	assert.Equal(t, "eu-west-1", src.Values["aws:region"])
	assert.Equal(t, "dev", src.Values["secure-vpc:environment"])
	assert.JSONEq(t, `{"cidr":"10.20.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b"],"flowLogRetentionDays":30}`, src.Values["secure-vpc:network"])
	assert.JSONEq(t, `{}`, src.Values["secure-vpc:buckets"], "project defaults apply")
	assert.JSONEq(t, `{"tags":{"Project":"secure-vpc"}}`, src.Values["aws:defaultTags"], "namespaced project values apply")
	assert.JSONEq(t, `{"db":{"version":16}}`, src.Values["secure-vpc:databases"])
	assert.True(t, src.Secret["secure-vpc:secretValues"], "an encrypted leaf makes the key secret")
	assert.NotContains(t, src.Values["secure-vpc:secretValues"], "v1:AAAA", "ciphertext is never handed on")
	assert.False(t, src.Secret["secure-vpc:network"])

	_, err = ReadStackFiles(dir, "missing")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stacks here: test")
}

func TestWithPlaceholderSecrets(t *testing.T) {
	src := validSource()
	delete(src.Values, "secure-vpc:secretValues")
	delete(src.Secret, "secure-vpc:secretValues")
	_, err := Load(src)
	require.Error(t, err, "a real deployment refuses unset secrets")

	filled, names := WithPlaceholderSecrets(src)
	assert.Equal(t, []string{"payments-api-key"}, names)
	spec, err := Load(filled)
	require.NoError(t, err)
	assert.True(t, spec.Secrets["payments-api-key"].HasValue)

	plaintext := validSource()
	plaintext.Values["secure-vpc:secrets"] = `{"payments-api-key":{"readers":["orders"]},"other":{"readers":["orders"]}}`
	plaintext.Secret["secure-vpc:secretValues"] = false
	filled, _ = WithPlaceholderSecrets(plaintext)
	_, err = Load(filled)
	require.Error(t, err, "placeholders never launder a plaintext value")
	assert.Contains(t, err.Error(), "holds plaintext values")
}
