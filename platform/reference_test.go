package platform_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
)

// referenceHeader opens the README's config reference table.
const referenceHeader = "| Key | Required | Default | Unit | Meaning |"

// renderReference is the README's config reference table, from the settings table.
func renderReference() string {
	var b strings.Builder
	b.WriteString(referenceHeader + "\n|---|---|---|---|---|\n")
	for _, d := range platform.Reference() {
		b.WriteString("| `" + d.Key + "` | " + d.Required + " | " + d.Default + " | " + d.Unit + " | " + d.Meaning + " |\n")
	}
	return b.String()
}

// TestREADMEConfigReferenceIsTheTable holds the README's config reference to the settings table
// (platform/settings.go): every key, whether it is required, its default, its unit and its
// meaning. After a change to the table: go test ./platform -run TestREADMEConfigReferenceIsTheTable -update
func TestREADMEConfigReferenceIsTheTable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(testkit.ProjectDir(), "README.md")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(data)
	start := strings.Index(readme, referenceHeader)
	require.GreaterOrEqual(t, start, 0, "the README has no config reference table (%q)", referenceHeader)
	end := start + strings.Index(readme[start:], "\n\n") + 1
	want := renderReference()
	if *update {
		readme = readme[:start] + want + readme[end:]
		end = start + len(want)
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o600))
	}
	assert.Equal(t, want, readme[start:end], "the README's config reference differs from the settings table; rerun with -update")

	t.Run("the environment defaults table is the table's", func(t *testing.T) {
		// Every row: the keys whose defaults differ by environment and the project's decisions
		// (settings.go), rendered from the settings table.
		start := strings.Index(readme, environmentHeader)
		require.GreaterOrEqual(t, start, 0, "the README has no environment defaults table (%q)", environmentHeader)
		end := start + strings.Index(readme[start:], "\n\n") + 1
		want := renderEnvironmentDefaults()
		if *update {
			readme = readme[:start] + want + readme[end:]
			require.NoError(t, os.WriteFile(path, []byte(readme), 0o600))
			end = start + len(want)
		}
		assert.Equal(t, want, readme[start:end], "the README's environment defaults differ from the settings table; rerun with -update")
	})
}

// environmentHeader opens the README's environment defaults table.
const environmentHeader = "| | dev | staging | prod |"

// renderEnvironmentDefaults is the README's environment defaults table, from the settings table.
func renderEnvironmentDefaults() string {
	var b strings.Builder
	b.WriteString(environmentHeader + "\n|---|---|---|---|\n")
	for _, r := range platform.EnvironmentDefaults() {
		b.WriteString("| " + r.Row + " | " + r.Dev + " | " + r.Staging + " | " + r.Prod + " |\n")
	}
	return b.String()
}

// defaultsByEnv reads a rendered default ("`1` (dev), `2` (staging, prod)", or "`256`") as the
// values of dev, staging and prod.
func defaultsByEnv(t *testing.T, rendered string) []string {
	t.Helper()
	one := regexp.MustCompile("^`([^`]*)`$")
	if m := one.FindStringSubmatch(rendered); m != nil {
		return []string{m[1], m[1], m[1]}
	}
	out := make([]string, 3)
	for _, m := range regexp.MustCompile("`([^`]*)` \\(([a-z, ]+)\\)").FindAllStringSubmatch(rendered, -1) {
		for _, env := range strings.Split(m[2], ", ") {
			out[map[string]int{"dev": 0, "staging": 1, "prod": 2}[env]] = m[1]
		}
	}
	return out
}

// statedByEnv reads a default as Pulumi.yaml's prose states it ("1000", or "single, perAz in
// prod", or "1, 2 in staging and prod") as the values of dev, staging and prod: the first value
// is every environment's but those named after it.
func statedByEnv(t *testing.T, stated string) []string {
	t.Helper()
	parts := strings.Split(stated, ", ")
	out := []string{parts[0], parts[0], parts[0]}
	for _, p := range parts[1:] {
		value, envs, ok := strings.Cut(p, " in ")
		require.True(t, ok, "%q: a default after the first names its environments (\"perAz in prod\")", stated)
		for _, env := range strings.Split(envs, " and ") {
			i, known := map[string]int{"dev": 0, "staging": 1, "prod": 2}[env]
			require.True(t, known, "%q names %q, not an environment", stated, env)
			out[i] = value
		}
	}
	return out
}

// TestPulumiYAMLDeclaresTheTable holds Pulumi.yaml's `config:` block to the settings table: the
// same keys in the same order, each with its type, default and description, and each
// description names every key below it, with the same default where it states one.
func TestPulumiYAMLDeclaresTheTable(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(testkit.ProjectDir(), "Pulumi.yaml"))
	require.NoError(t, err)
	var project struct {
		Config yaml.Node `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(data, &project))
	type declared struct {
		Type        string `yaml:"type"`
		Default     any    `yaml:"default"`
		Description string `yaml:"description"`
	}
	var keys []string
	config := map[string]declared{}
	for i := 0; i+1 < len(project.Config.Content); i += 2 {
		var d declared
		require.NoError(t, project.Config.Content[i+1].Decode(&d))
		keys = append(keys, project.Config.Content[i].Value)
		config[project.Config.Content[i].Value] = d
	}
	assert.Equal(t, platform.Keys, keys, "Pulumi.yaml declares the keys of the table, in its order")

	leaves := map[string][]platform.KeyDoc{} // a section's keys below it, by section
	for _, d := range platform.Reference() {
		section, rest, _ := strings.Cut(d.Key, ".")
		if field := strings.TrimPrefix(rest, "<name>"); field != "" {
			leaves[section] = append(leaves[section], d)
		}
	}
	for _, s := range platform.Sections {
		t.Run(s.Key, func(t *testing.T) {
			d, ok := config[s.Key]
			require.True(t, ok, "Pulumi.yaml does not declare %s", s.Key)
			assert.Equal(t, s.Type, d.Type)
			wantDefault := map[string]any{"": nil, "{}": map[string]any{}}[s.Default]
			assert.Equal(t, wantDefault, d.Default)
			assert.Equal(t, s.Description, strings.Join(strings.Fields(d.Description), " "))
			for _, leaf := range leaves[s.Key] {
				field := leaf.Key[strings.LastIndex(leaf.Key, ".")+1:]
				mention := regexp.MustCompile(`\b` + field + `\b( \(([^()]*)\))?`).FindStringSubmatch(s.Description)
				if !assert.NotNil(t, mention, "the description of %s does not name %s", s.Key, field) {
					continue
				}
				if stated := regexp.MustCompile(`default ([^;)]+)`).FindStringSubmatch(mention[2]); stated != nil {
					assert.Equal(t, defaultsByEnv(t, leaf.Default), statedByEnv(t, stated[1]), "the default of %s that Pulumi.yaml states, in dev, staging and prod", leaf.Key)
				}
			}
		})
	}
}
