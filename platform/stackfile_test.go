package platform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadStackFiles(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	assert.Contains(t, err.Error(), "stored in plaintext")
}

// Pulumi marks a whole key secret when any entry of it is; the stack file tells each secretValues
// entry apart, so one plaintext value among encrypted ones is refused.
func TestSecretEntriesAreJudgedOneByOne(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
	}
	write("Pulumi.yaml", "name: secure-vpc\nruntime: go\n")
	write("Pulumi.test.yaml", `config:
  secure-vpc:secretValues:
    api-key:
      secure: v1:AAAABBBBCCCC
    other-key: plain-text-value
`)
	src, err := ReadStackFiles(dir, "test")
	require.NoError(t, err)
	assert.True(t, src.Secret["secure-vpc:secretValues"], "Pulumi would mark the whole key secret")
	assert.Equal(t, map[string]bool{"secure-vpc:secretValues.api-key": true, "secure-vpc:secretValues.other-key": false}, src.SecretEntries)
	assert.Equal(t, src.SecretEntries, SecretEntriesOf(dir, "test"), "the program reads the same from the stack file under the engine")
	assert.Nil(t, SecretEntriesOf(dir, "missing"), "no stack file: nothing known")

	full := validSource()
	full.Values["secure-vpc:secrets"] = `{"api-key":{"readers":["orders"]},"other-key":{"readers":["orders"]}}`
	full.Values["secure-vpc:secretValues"] = src.Values["secure-vpc:secretValues"]
	full.Secret["secure-vpc:secretValues"] = true
	full.SecretEntries = src.SecretEntries
	_, err = Load(full)
	var cfgErr *ConfigError
	require.True(t, errors.As(err, &cfgErr), "%v", err)
	require.Len(t, cfgErr.Problems, 1)
	assert.Equal(t, "secure-vpc:secretValues.other-key", cfgErr.Problems[0].Key)
	assert.Contains(t, cfgErr.Problems[0].Message, "pulumi config set --secret --path 'secretValues.other-key'")
}

// A secretValues map set whole as one secret (pulumi config set --secret secretValues '{...}') is
// opaque offline: the plan stands in for every declared secret, as pulumi up would decrypt it.
func TestSecretValuesSetAsOneSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: secure-vpc\nruntime: go\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.test.yaml"), []byte("config:\n  secure-vpc:secretValues:\n    secure: v1:AAAABBBBCCCC\n"), 0o600))
	src, err := ReadStackFiles(dir, "test")
	require.NoError(t, err)
	assert.True(t, src.Secret["secure-vpc:secretValues"])
	assert.Empty(t, src.SecretEntries, "one encrypted value, not a mapping of entries")

	full := validSource()
	full.Values["secure-vpc:secretValues"] = src.Values["secure-vpc:secretValues"]
	full.Secret["secure-vpc:secretValues"] = true
	filled, placeholders := WithPlaceholderSecrets(full)
	assert.Empty(t, placeholders, "the values are set, only not readable offline")
	spec, err := Load(filled)
	require.NoError(t, err)
	assert.True(t, spec.Secrets["payments-api-key"].HasValue)
}
