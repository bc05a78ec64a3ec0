package platform

import (
	"encoding/json"
	"maps"
	"sort"
)

// WithPlaceholderSecrets returns a copy of src in which every declared app secret without a
// value gets a placeholder secret value. The offline plan uses it to show what a stack builds
// before its secrets are set; a real deployment never does (Load then asks for the values).
func WithPlaceholderSecrets(src Source) (Source, []string) {
	out := Source{Stack: src.Stack, Values: maps.Clone(src.Values), Secret: maps.Clone(src.Secret), SecretEntries: maps.Clone(src.SecretEntries)}
	if out.SecretEntries == nil {
		out.SecretEntries = map[string]bool{}
	}
	var declared map[string]json.RawMessage
	if err := json.Unmarshal([]byte(src.Values[nsKey(keySecrets)]), &declared); err != nil || len(declared) == 0 {
		return out, nil
	}
	values := map[string]any{}
	vk := nsKey(keySecretValues)
	if src.Values[vk] == offlineSecret {
		// The whole map was set as one secret (pulumi config set --secret secretValues '{...}'):
		// the offline plan cannot see which values it holds, and pulumi up decrypts and checks
		// them. Stand in for every declared secret.
		for name := range declared {
			values[name] = offlineSecret
			out.SecretEntries[vk+"."+name] = true
		}
		data, _ := json.Marshal(values)
		out.Values[vk], out.Secret[vk] = string(data), true
		return out, nil
	}
	if existing, ok := src.Values[vk]; ok {
		if err := json.Unmarshal([]byte(existing), &values); err != nil {
			return out, nil // leave it for Load to report
		}
	}
	var filled []string
	for name := range declared {
		if _, has := values[name]; !has {
			values[name] = "offline-plan-placeholder"
			filled = append(filled, name)
			out.SecretEntries[vk+"."+name] = true // a stand-in, never a real value
		}
	}
	if len(filled) == 0 {
		return out, nil
	}
	sort.Strings(filled)
	data, _ := json.Marshal(values)
	if len(values) == len(filled) {
		out.Secret[vk] = true // only placeholders; a plaintext value stays plaintext, for Load to reject
	}
	out.Values[vk] = string(data)
	return out, filled
}
