package testkit

import (
	"encoding/json"
	"fmt"

	"github.com/secure-vpc/secure-vpc/platform"
)

// MaxFanIn is how many callers the generated graph's busiest service has.
const MaxFanIn = 20

// GeneratedSource is the config of a synthetic dev stack with n services (n >= 4): two BFFs, a
// "hub" called by MaxFanIn services, a chain of private services each calling the next, a
// database owned by every tenth service, a cache for the BFFs, a bucket and an app secret. It
// is what the scale benchmark plans and audits.
func GeneratedSource(n int) platform.Source {
	if n < 4 {
		n = 4
	}
	services := map[string]map[string]any{}
	const imageTag = "1.0.0" // each service runs it from its own repository of the stack
	private := n - 3
	name := func(i int) string { return fmt.Sprintf("svc-%03d", i) }
	bffCalls := []any{"hub"}
	for i := 1; i <= min(5, private); i++ {
		bffCalls = append(bffCalls, name(i))
	}
	services["web-bff"] = map[string]any{"public": true, "port": 8443, "imageTag": imageTag, "calls": bffCalls}
	services["mobile-bff"] = map[string]any{"public": true, "port": 8443, "imageTag": imageTag, "calls": []any{"hub"}}
	services["hub"] = map[string]any{"port": 8443, "imageTag": imageTag}
	databases := map[string]any{}
	for i := 1; i <= private; i++ {
		var calls []any
		if i <= MaxFanIn-2 {
			calls = append(calls, "hub") // the hub's callers: two BFFs and MaxFanIn-2 services
		}
		if i < private {
			calls = append(calls, name(i+1))
		}
		services[name(i)] = map[string]any{"port": 8443, "imageTag": imageTag, "calls": calls}
		if i%10 == 0 {
			databases[fmt.Sprintf("db-%03d", i)] = map[string]any{"engine": "postgres", "version": "16", "owner": name(i), "instanceClass": "db.t4g.micro"}
		}
	}
	js := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return string(data)
	}
	src := platform.Source{
		Stack: "scale",
		Values: map[string]string{
			"aws:region":             "eu-west-1",
			"secure-vpc:environment": "dev",
			"secure-vpc:network":     `{"cidr":"10.50.0.0/16","availabilityZones":["eu-west-1a","eu-west-1b","eu-west-1c"],"natGateways":"none"}`,
			"secure-vpc:services":    js(services),
			"secure-vpc:databases":   js(databases),
			"secure-vpc:buckets":     js(map[string]any{"uploads": map[string]any{"writers": []any{name(1)}, "readers": []any{"web-bff"}}}),
			"secure-vpc:caches":      js(map[string]any{"sessions": map[string]any{"users": []any{"web-bff", "mobile-bff"}}}),
			"secure-vpc:secrets":     js(map[string]any{"api-key": map[string]any{"readers": []any{name(1)}}}),
			"secure-vpc:edge":        "{}",
			"secure-vpc:deploy":      `{"roleArns":["arn:aws:iam::123456789012:role/secure-vpc-deploy-scale"]}`,
		},
		Secret: map[string]bool{},
	}
	src, _ = platform.WithPlaceholderSecrets(src)
	return src
}
