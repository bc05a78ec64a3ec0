package mockcloud

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
)

// Config is a stack's config in the form Pulumi hands it to a Go program.
type Config struct {
	Values map[string]string // namespaced key -> value (objects and lists as JSON)
	Secret []string          // keys whose values are secrets
}

// envMu serialises runs: Pulumi's Go SDK reads the stack config from the process environment
// (PULUMI_CONFIG), exactly as under the real engine, so two runs cannot overlap.
var envMu sync.Mutex

// Run runs a Pulumi program against a fresh mock cloud and returns the cloud with everything the
// program registered. The program's error, if any, is returned as is.
func Run(program pulumi.RunFunc, project, stack, region string, cfg Config) (*Cloud, error) {
	envMu.Lock()
	defer envMu.Unlock()

	values, err := json.Marshal(cfg.Values)
	if err != nil {
		return nil, fmt.Errorf("encoding config: %w", err)
	}
	secret, err := json.Marshal(cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("encoding secret keys: %w", err)
	}
	restore := setEnv(map[string]string{
		pulumi.EnvConfig:           string(values),
		pulumi.EnvConfigSecretKeys: string(secret),
	})
	defer restore()

	cloud := New(project, stack, region)
	err = pulumi.RunErr(program, pulumi.WithMocks(project, stack, cloud))
	return cloud, err
}

func setEnv(vars map[string]string) func() {
	old := map[string]*string{}
	for k, v := range vars {
		if prev, ok := os.LookupEnv(k); ok {
			old[k] = &prev
		} else {
			old[k] = nil
		}
		_ = os.Setenv(k, v)
	}
	return func() {
		for k, v := range old {
			if v == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *v)
			}
		}
	}
}

// Export renders the recording in the shape of `pulumi stack export`, with every secret value
// replaced by Pulumi's secret marker, so the plan can be audited like a real stack and never
// carries a secret.
func (c *Cloud) Export() stackstate.Export {
	stackURN := string(resource.NewURN(tokensQName(c.Stack), tokensPackage(c.Project), "", resource.RootStackType, c.Project+"-"+c.Stack))
	resources := []stackstate.Resource{{URN: stackURN, Type: string(resource.RootStackType)}}
	for _, r := range c.Records() {
		parent := r.Parent
		if parent == "" {
			parent = stackURN
		}
		resources = append(resources, stackstate.Resource{
			URN:                  r.URN,
			Custom:               r.Custom,
			ID:                   r.ID,
			Type:                 r.Type,
			Inputs:               plain(r.Inputs),
			Outputs:              plain(r.Outputs),
			Parent:               parent,
			Protect:              r.Protect,
			Dependencies:         r.Dependencies,
			PropertyDependencies: r.PropertyDependencies,
			Provider:             r.Provider,
		})
	}
	sort.SliceStable(resources[1:], func(i, j int) bool { return resources[1+i].URN < resources[1+j].URN })
	return stackstate.Export{
		Version: 3,
		Deployment: stackstate.Deployment{
			Manifest:  stackstate.Manifest{Magic: "secure-vpc offline plan", Version: "offline"},
			Resources: resources,
		},
	}
}

// Plain converts a property map to the JSON values of an export: a secret becomes Pulumi's
// secret marker (stackstate.SecretPlaceholder), an unknown value stackstate.Unknown, a resource
// reference its URN, and a null is left out. The offline plan and the policy pack (which reads the
// engine's values) write resources the same way.
func Plain(m resource.PropertyMap) map[string]any { return plain(m) }

// plain converts a property map to JSON values, withholding secrets.
func plain(m resource.PropertyMap) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if x, keep := plainValue(v); keep {
			out[string(k)] = x
		}
	}
	return out
}

func plainValue(v resource.PropertyValue) (any, bool) {
	switch {
	case v.IsSecret():
		return stackstate.SecretPlaceholder(), true
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return stackstate.SecretPlaceholder(), true
		}
		if !o.Known {
			return stackstate.Unknown, true
		}
		return plainValue(o.Element)
	case v.IsComputed():
		return stackstate.Unknown, true
	case v.IsNull():
		return nil, false
	case v.IsBool():
		return v.BoolValue(), true
	case v.IsNumber():
		f := v.NumberValue()
		if f == float64(int64(f)) {
			return int64(f), true
		}
		return f, true
	case v.IsString():
		return v.StringValue(), true
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, 0, len(arr))
		for _, e := range arr {
			if x, keep := plainValue(e); keep {
				out = append(out, x)
			}
		}
		return out, true
	case v.IsObject():
		// An empty object is a value (WAF's allow {}, an override action none {}), not an absence.
		obj := plain(v.ObjectValue())
		if obj == nil {
			obj = map[string]any{}
		}
		return obj, true
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN), true
	}
	return fmt.Sprint(v.V), true
}
