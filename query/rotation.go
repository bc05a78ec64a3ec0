package query

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// InjectedSecret is a secret of the stack that a task definition has ECS inject at task start,
// with the versions the stack writes of it.
type InjectedSecret struct {
	Container string
	Env       string      // the variable it is injected as
	Secret    *Resource   // the secret (the stack's own; an RDS-managed secret is not listed)
	Versions  []*Resource // its secretsmanager.SecretVersion resources
}

// InjectedSecrets lists, container by container, the stack's secrets a task definition injects.
// A valueFrom the stack does not hold (an RDS-managed master secret, another stack's secret) is
// left out: its versions are not the stack's to follow.
func (ix *Index) InjectedSecrets(td *Resource) []InjectedSecret {
	cs, _ := Containers(td)
	var out []InjectedSecret
	for _, c := range cs {
		for _, s := range c.Secrets {
			secret := ix.secretByArn(SecretArnOf(s.ValueFrom))
			if secret == nil {
				continue
			}
			var versions []*Resource
			for _, key := range slices.Compact([]string{secret.ID, Str(secret, "arn")}) {
				versions = append(versions, ix.Where(contract.TypeSecretVersion, "secretId", key)...)
			}
			out = append(out, InjectedSecret{Container: c.Name, Env: s.Name, Secret: secret, Versions: versions})
		}
	}
	return out
}

// secretByArn is the stack's secret of an ARN. A secret's version and policy report the secret's
// ARN too, so the ARN alone (Ref) may name one of them first, depending on the export's order;
// Named looks among the secrets only.
func (ix *Index) secretByArn(arn string) *Resource { return ix.Named(contract.TypeSecret, "arn", arn) }
