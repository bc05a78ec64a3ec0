package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// OfflinePlan is what a stack builds, planned with no AWS account: the program run under the
// recording mocks (internal/mockcloud).
type OfflinePlan struct {
	// Export is the plan in the shape of `pulumi stack export`.
	Export      stackstate.Export
	Environment Environment
	Region      string
	Account     string // the mock account every ARN belongs to (mockcloud.AccountID)
	// Notices are what Load accepts but a reviewer should know (Spec.Notices).
	Notices []string
	// PlaceholderSecrets are the declared app secrets, sorted, that have no value yet; the plan
	// gave them placeholders (WithPlaceholderSecrets).
	PlaceholderSecrets []string
}

// PlanOffline plans the stack of Pulumi.<stack>.yaml in the project directory dir: it reads the
// stack files, fills unset app secrets with placeholders, loads the config and runs Deploy under
// the mocks. An invalid config returns a *ConfigError (from Load or from Deploy); a stack file
// that cannot be read returns ReadStackFiles' error; a program that fails otherwise returns
// "building the plan: <cause>".
func PlanOffline(dir, stack string) (*OfflinePlan, error) {
	src, err := ReadStackFiles(dir, stack)
	if err != nil {
		return nil, err
	}
	src, placeholders := WithPlaceholderSecrets(src)
	spec, err := Load(src)
	if err != nil {
		return nil, err
	}
	cloud, err := mockcloud.Run(Deploy, Project, stack, spec.Region, mockcloud.Config{
		Values: src.Values,
		Secret: secretKeys(src),
	})
	if err != nil {
		var cfgErr *ConfigError
		if errors.As(err, &cfgErr) {
			return nil, cfgErr
		}
		return nil, fmt.Errorf("building the plan: %w", err)
	}
	return &OfflinePlan{
		Export:             cloud.Export(),
		Environment:        spec.Environment,
		Region:             spec.Region,
		Account:            mockcloud.AccountID,
		Notices:            spec.Notices,
		PlaceholderSecrets: placeholders,
	}, nil
}

// secretKeys are the config keys src marks secret, sorted.
func secretKeys(src Source) []string {
	var out []string
	for k, secret := range src.Secret {
		if secret {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

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
