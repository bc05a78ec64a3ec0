package platform

import (
	"cmp"
	"encoding/json"

	"github.com/secure-vpc/secure-vpc/internal/naming"
)

type rawSecret struct {
	Description string   `json:"description"`
	Readers     []string `json:"readers"`
}

// defaultSecretDescription is an app secret's description in Secrets Manager when the config
// gives none.
func defaultSecretDescription(name string) string { return "application secret " + name }

func loadSecrets(src Source, spec *Spec, ps *problems) {
	key := nsKey(keySecrets)
	eachEntry(src, keySecrets, naming.Secret, ps, func(name, sk string, rs *rawSecret, ok bool) {
		if !ok {
			spec.Secrets[name] = AppSecret{Name: name, HasValue: true} // one problem per entry is enough
			return
		}
		if len(rs.Readers) == 0 {
			ps.add(sk+".readers", "required; name the services that may read this secret")
		}
		spec.Secrets[name] = AppSecret{Name: name, Description: cmp.Or(rs.Description, defaultSecretDescription(name)), Readers: rs.Readers}
	})

	vk := nsKey(keySecretValues)
	defer func() {
		for _, name := range sortedNames(spec.Secrets) {
			if !spec.Secrets[name].HasValue {
				ps.add(vk+"."+name, "not set; set the value with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			}
		}
	}()
	data, ok := raw(src, keySecretValues)
	if !ok {
		return
	}
	var values map[string]any
	if err := json.Unmarshal(data, &values); err != nil {
		ps.add(vk, "must be a mapping of secret names to values set with pulumi config set --secret --path")
		return
	}
	for _, name := range sortedNames(values) {
		encrypted := src.Secret[vk]
		if known, ok := src.SecretEntries[vk+"."+name]; ok {
			encrypted = known // the stack file says, entry by entry
		}
		if !encrypted {
			ps.add(vk+"."+name, "is stored in plaintext; remove it from the stack file and set it with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			if s, declared := spec.Secrets[name]; declared {
				s.HasValue = true // reported once, as plaintext, not again as missing
				spec.Secrets[name] = s
			}
			continue
		}
		s, declared := spec.Secrets[name]
		if !declared {
			ps.add(vk+"."+name, "no secret %q is declared under %s; declare it with its readers or remove the value", name, key)
			continue
		}
		if str, isString := values[name].(string); !isString || str == "" {
			ps.add(vk+"."+name, "must be a non-empty string; set it with pulumi config set --secret --path 'secretValues.%s' <value>", name)
			s.HasValue = true // reported once, not again as missing
			spec.Secrets[name] = s
			continue
		}
		s.HasValue = true
		s.value = values[name].(string)
		spec.Secrets[name] = s
	}
}
