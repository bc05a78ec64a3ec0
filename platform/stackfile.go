package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// projectFile is the part of Pulumi.yaml the offline tools read.
type projectFile struct {
	Name   string                    `yaml:"name"`
	Config map[string]map[string]any `yaml:"config"`
}

// stackFile is the part of Pulumi.<stack>.yaml the offline tools read.
type stackFile struct {
	Config map[string]any `yaml:"config"`
}

// offlineSecret stands in for a value that is encrypted in the stack file: the offline tools
// have no secrets provider, and they never need a secret's plaintext.
const offlineSecret = "offline-plan-secret"

// ReadStackFiles builds a stack's config Source from Pulumi.yaml and Pulumi.<stack>.yaml in dir,
// the way the Pulumi CLI would hand it to the program: project defaults first, stack values over
// them, objects as JSON, encrypted values marked secret (with a stand-in value).
func ReadStackFiles(dir, stack string) (Source, error) {
	src := Source{Stack: stack, Values: map[string]string{}, Secret: map[string]bool{}}

	var proj projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return src, err
	}
	if proj.Name != Project {
		return src, fmt.Errorf("%s: project name is %q, expected %q", filepath.Join(dir, "Pulumi.yaml"), proj.Name, Project)
	}
	for key, decl := range proj.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		for _, field := range []string{"default", "value"} {
			if v, ok := decl[field]; ok {
				if err := src.set(full, v); err != nil {
					return src, fmt.Errorf("reading config %s of Pulumi.yaml: %w", key, err)
				}
			}
		}
	}

	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	var sf stackFile
	if err := readYAML(path, &sf); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return src, fmt.Errorf("no stack file %s; stacks here: %s", path, strings.Join(Stacks(dir), ", "))
		}
		return src, err
	}
	for key, v := range sf.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		if err := src.set(full, v); err != nil {
			return src, fmt.Errorf("%s: config %s: %w", path, key, err)
		}
	}
	return src, nil
}

// set records one config value as the CLI would pass it, and which of its entries are encrypted.
func (src *Source) set(key string, v any) error {
	text, secret, err := configText(v)
	if err != nil {
		return err
	}
	src.Values[key], src.Secret[key] = text, secret
	for k := range src.SecretEntries {
		if strings.HasPrefix(k, key+".") {
			delete(src.SecretEntries, k) // a stack value replaces the project default whole
		}
	}
	if m, ok := v.(map[string]any); ok && !isSecureLeaf(m) {
		if src.SecretEntries == nil {
			src.SecretEntries = map[string]bool{}
		}
		for name, e := range m {
			src.SecretEntries[key+"."+name] = isEncrypted(e)
		}
	}
	return nil
}

// isSecureLeaf reports whether a mapping is one encrypted value ({secure: <ciphertext>}), not a
// mapping of entries.
func isSecureLeaf(m map[string]any) bool {
	s, ok := m["secure"].(string)
	return ok && len(m) == 1 && s != ""
}

// isEncrypted reports whether a config value is wholly encrypted: a {secure: ...} value, or a
// mapping or list whose every leaf is one.
func isEncrypted(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if isSecureLeaf(t) {
			return true
		}
		for _, e := range t {
			if !isEncrypted(e) {
				return false
			}
		}
		return len(t) > 0
	case []any:
		for _, e := range t {
			if !isEncrypted(e) {
				return false
			}
		}
		return len(t) > 0
	}
	return false
}

// SecretEntriesOf reads, from the stack file in dir, which entries of each mapping-valued key
// are encrypted. Pulumi hands a Go program only whole keys and marks a key secret when any of its
// entries is, so this is how the program tells an encrypted secretValues entry from a plaintext
// one. It returns nil when the stack file cannot be read (config kept elsewhere).
func SecretEntriesOf(dir, stack string) map[string]bool {
	src := Source{Stack: stack, Values: map[string]string{}, Secret: map[string]bool{}}
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &sf); err != nil {
		return nil
	}
	for key, v := range sf.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		if err := src.set(full, v); err != nil {
			return nil
		}
	}
	if src.SecretEntries == nil {
		return map[string]bool{}
	}
	return src.SecretEntries
}

// Stacks lists the stacks that have a stack file in dir.
func Stacks(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

func readYAML(path string, into any) error {
	data, err := os.ReadFile(path) // #nosec G304 -- project files named by the operator
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return newYAMLError(path, data, err)
	}
	return nil
}

// configText renders a config value as Pulumi passes it to programs: scalars as text, objects
// and lists as JSON. Encrypted ({secure: ...}) values, at any depth, become a stand-in and mark
// the whole key secret.
func configText(v any) (string, bool, error) {
	secret := false
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			if s, ok := t["secure"].(string); ok && len(t) == 1 && s != "" {
				secret = true
				return offlineSecret
			}
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		}
		return x
	}
	w := walk(v)
	switch t := w.(type) {
	case string:
		return t, secret, nil
	case map[string]any, []any:
		data, err := json.Marshal(t)
		if err != nil {
			return "", false, err
		}
		return string(data), secret, nil
	case nil:
		return "", secret, nil
	}
	return fmt.Sprint(w), secret, nil
}
