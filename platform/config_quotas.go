package platform

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/awslimits"
)

// adjustableQuotas are the account- and Region-wide AWS quotas a large graph reaches that an
// account can have raised: secure-vpc:quotas.<key> declares the account's applied value (the
// Service Quotas console shows it). The stack's own use is checked against it; what other stacks
// and resources of the account use is not known here, so keep room.
var adjustableQuotas = []struct {
	key   string
	quota awslimits.Quota
}{
	{"iamRoles", awslimits.IAMRolesPerAccount},
	{"securityGroups", awslimits.SecurityGroupsPerRegion},
	{"loadBalancers", awslimits.ALBsPerRegion},
	{"targetGroups", awslimits.TargetGroupsPerRegion},
	{"webAcls", awslimits.WebACLsPerRegion},
	{"elasticIps", awslimits.ElasticIPsPerRegion},
	{"cloudMapInstances", awslimits.CloudMapInstancesPerNamespace},
	{"dbInstances", awslimits.DBInstancesPerRegion},
	{"cacheNodes", awslimits.CacheNodesPerRegion},
}

// quotaKeys lists the keys of secure-vpc:quotas.
func quotaKeys() []string {
	out := make([]string, len(adjustableQuotas))
	for i, q := range adjustableQuotas {
		out[i] = q.key
	}
	return out
}

func loadQuotas(src Source, spec *Spec, ps *problems) {
	key := nsKey(keyQuotas)
	spec.Quotas = map[string]int{}
	for _, q := range adjustableQuotas {
		spec.Quotas[q.key] = q.quota.Limit
	}
	data, ok := raw(src, keyQuotas)
	if !ok {
		return
	}
	entries, ok := decodeMap(key, data, ps)
	if !ok {
		return
	}
	for _, name := range sortedNames(entries) {
		if !slices.Contains(quotaKeys(), name) {
			hint := ""
			if guess := closest(name, quotaKeys()); guess != "" {
				hint = fmt.Sprintf("did you mean %q? ", guess)
			}
			ps.add(key+"."+name, "unknown quota; %s(valid keys: %s)", hint, strings.Join(quotaKeys(), ", "))
			continue
		}
		var n int
		if err := json.Unmarshal(entries[name], &n); err != nil || n < 1 {
			ps.add(key+"."+name, "expected the account's applied quota as a whole number above 0, got %s", describeJSON(entries[name]))
			continue
		}
		spec.Quotas[name] = n
	}
}

func quotaOf(key string) awslimits.Quota {
	for _, q := range adjustableQuotas {
		if q.key == key {
			return q.quota
		}
	}
	return awslimits.Quota{}
}
