package policy

import (
	"slices"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/query"
)

var rotationInvariants = []Invariant{
	{
		ID:        "ROTATE-01",
		Statement: "Every task definition changes with the version of every secret of the stack it injects (it depends on each version), so a new value rolls its service",
		Enforces:  vaultStrategy + "; ECS injects secrets only when a task starts: a renewed certificate must replace the running tasks before the old one expires",
		Covers:    []string{contract.TypeTaskDefinition, contract.TypeSecret, contract.TypeSecretVersion},
		check:     checkTasksFollowVersions,
	},
}

func checkTasksFollowVersions(ix *query.Index) (int, []Finding) {
	var fs []Finding
	checked := 0
	for _, td := range ix.OfType(contract.TypeTaskDefinition) {
		reported := map[*query.Resource]bool{}
		for _, in := range ix.InjectedSecrets(td) {
			checked++
			follows := slices.ContainsFunc(in.Versions, func(v *query.Resource) bool { return slices.Contains(td.Dependencies, v.URN) })
			if follows || reported[in.Secret] {
				continue
			}
			reported[in.Secret] = true
			if len(in.Versions) == 0 {
				fs = append(fs, finding(td, "container %s injects %s from %s, whose value the stack does not write: a new value reaches its tasks only when they restart", in.Container, in.Env, query.Name(in.Secret)))
				continue
			}
			fs = append(fs, finding(td, "container %s injects %s from %s but does not change with its versions: a renewed value reaches its tasks only when they restart by chance; make the task definition depend on the version (VAULT_REVISION)", in.Container, in.Env, query.Name(in.Secret)))
		}
	}
	return checked, fs
}
