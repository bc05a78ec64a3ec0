package platform

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// contractVar is one variable a service's tasks receive (in their environment, or as a secret
// ECS injects) and the config key it comes from.
type contractVar struct {
	Name   string
	From   string
	Secret secretRef // the vault secret ECS injects it from; zero for an environment variable
}

// secretRef names a secret of the vault by kind and name.
type secretRef struct{ Kind, Name string }

// taskContract lists, by name, every variable a service's tasks receive: the README's task
// table. wireService gives the tasks exactly these (a test compares them on every committed
// stack); the loader uses the list to refuse two variables of one name, which ECS would let one
// of silently win.
func taskContract(spec *Spec, name string) []contractVar {
	svc := spec.Services[name]
	sk := nsKey(keyServices) + "." + name
	tls := secretRef{string(contract.TLSSecret), name}
	out := []contractVar{
		{"TLS_CERTIFICATE", sk, tls}, {"TLS_PRIVATE_KEY", sk, tls}, {"TLS_CA_CERTIFICATE", sk, tls},
		{"IDENTITY_VERIFICATION_KEY", sk, secretRef{string(contract.IdentitySecret), "verification-key"}},
		{"SERVICE_NAME", sk, secretRef{}}, {"SERVICE_DNS", sk, secretRef{}}, {"PORT", sk + ".port", secretRef{}}, {"ENVIRONMENT", nsKey(keyEnvironment), secretRef{}},
	}
	if svc.Public {
		out = append(out, contractVar{"IDENTITY_SIGNING_KEY", sk + ".public", secretRef{string(contract.IdentitySecret), "signing-key"}})
	}
	for _, s := range sortedNames(spec.Secrets) {
		if slices.Contains(spec.Secrets[s].Readers, name) {
			out = append(out, contractVar{"APP_" + envName(s), nsKey(keySecrets) + "." + s, secretRef{string(contract.AppSecret), s}})
		}
	}
	for _, callee := range svc.Calls {
		out = append(out, contractVar{Name: envName(callee) + "_URL", From: sk + ".calls (" + callee + ")"})
	}
	for _, d := range sortedNames(spec.Databases) {
		if spec.Databases[d].Owner == name {
			for _, v := range []string{"MASTER_SECRET_ARN", "HOST", "PORT", "NAME", "IAM_USER"} {
				out = append(out, contractVar{Name: "DB_" + envName(d) + "_" + v, From: nsKey(keyDatabases) + "." + d})
			}
		}
	}
	for _, c := range sortedNames(spec.Caches) {
		if slices.Contains(spec.Caches[c].Users, name) {
			out = append(out, contractVar{"CACHE_" + envName(c) + "_AUTH_TOKEN", nsKey(keyCaches) + "." + c, secretRef{string(contract.CacheSecret), c}})
			for _, v := range []string{"HOST", "PORT"} {
				out = append(out, contractVar{Name: "CACHE_" + envName(c) + "_" + v, From: nsKey(keyCaches) + "." + c})
			}
		}
	}
	for _, b := range sortedNames(spec.Buckets) {
		if slices.Contains(spec.Buckets[b].Readers, name) || slices.Contains(spec.Buckets[b].Writers, name) {
			out = append(out, contractVar{Name: "BUCKET_" + envName(b), From: nsKey(keyBuckets) + "." + b})
		}
	}
	return out
}

// checkContracts refuses a graph that would give a service's tasks two variables of one name.
func checkContracts(spec *Spec, ps *problems) {
	for _, name := range sortedNames(spec.Services) {
		from := map[string]string{}
		for _, v := range taskContract(spec, name) {
			if first, taken := from[v.Name]; taken {
				ps.add(nsKey(keyServices)+"."+name, "its tasks would receive two variables named %s, from %s and from %s, and only one would reach them; rename one of those", v.Name, first, v.From)
				continue
			}
			from[v.Name] = v.From
		}
	}
}

// TaskVariables lists the names of every variable a service's tasks receive, sorted.
func TaskVariables(spec *Spec, service string) []string {
	var out []string
	for _, v := range taskContract(spec, service) {
		out = append(out, v.Name)
	}
	slices.Sort(out)
	return out
}
