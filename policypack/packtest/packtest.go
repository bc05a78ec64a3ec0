// Package packtest drives the policy pack as the Pulumi engine does, in-process and without the
// CLI: the policy SDK's own analyzer server (policyx.Main) on a local port, a gRPC client, and the
// requests the engine sends for a stack (Request) or for a preview of it (Preview).
package packtest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policypack/pack"
)

var (
	once   sync.Once
	client pulumirpc.AnalyzerClient
	errC   error
)

// Client starts the pack's analyzer server once per process, as policyx.Main serves it to the
// engine (it prints its port on stdout, which Client reads), and returns a client of it.
func Client() (pulumirpc.AnalyzerClient, error) {
	once.Do(func() {
		r, w, err := os.Pipe()
		if err != nil {
			errC = err
			return
		}
		stdout := os.Stdout
		os.Stdout = w
		go func() { _ = policyx.Main(pack.New) }()
		line, err := bufio.NewReader(r).ReadString('\n')
		os.Stdout = stdout
		_ = w.Close()
		if err != nil {
			errC = fmt.Errorf("reading the analyzer's port: %w", err)
			return
		}
		conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			errC = err
			return
		}
		client = pulumirpc.NewAnalyzerClient(conn)
	})
	return client, errC
}

// Analyze runs the engine's sequence for one stack: Handshake, ConfigureStack (dryRun for a
// preview), Configure with the enforcement level of each policy named in levels ("advisory",
// "mandatory", "disabled"), GetAnalyzerInfo and AnalyzeStack; it returns the diagnostics.
func Analyze(ctx context.Context, req *pulumirpc.AnalyzeStackRequest, dryRun bool, levels map[string]string) ([]*pulumirpc.AnalyzeDiagnostic, error) {
	c, err := Client()
	if err != nil {
		return nil, err
	}
	dir := "policypack"
	if _, err := c.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &dir, ProgramDirectory: &dir}); err != nil {
		return nil, err
	}
	if _, err := c.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "dev", Project: contract.Project, DryRun: dryRun}); err != nil {
		return nil, err
	}
	cfg := map[string]*pulumirpc.PolicyConfig{}
	for name, level := range levels {
		l, ok := map[string]pulumirpc.EnforcementLevel{"advisory": pulumirpc.EnforcementLevel_ADVISORY,
			"mandatory": pulumirpc.EnforcementLevel_MANDATORY, "disabled": pulumirpc.EnforcementLevel_DISABLED}[level]
		if !ok {
			return nil, fmt.Errorf("enforcement level %q of %s: use advisory, mandatory or disabled", level, name)
		}
		cfg[name] = &pulumirpc.PolicyConfig{EnforcementLevel: l, Properties: &structpb.Struct{}}
	}
	if _, err := c.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: cfg}); err != nil {
		return nil, err
	}
	if _, err := c.GetAnalyzerInfo(ctx, nil); err != nil {
		return nil, err
	}
	resp, err := c.AnalyzeStack(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp.GetDiagnostics(), nil
}

// defaultProvider is the provider the engine names for a custom resource of a package.
func defaultProvider(e *stackstate.Export, typ string) *pulumirpc.AnalyzerProviderResource {
	pkg, _, _ := strings.Cut(typ, ":")
	stack, project := "dev", contract.Project
	if len(e.Deployment.Resources) > 0 {
		if parts := strings.Split(e.Deployment.Resources[0].URN, "::"); len(parts) > 2 {
			stack, project = strings.TrimPrefix(parts[0], "urn:pulumi:"), parts[1]
		}
	}
	return &pulumirpc.AnalyzerProviderResource{Type: contract.TypeProviderPrefix + pkg, Name: "default",
		Urn: "urn:pulumi:" + stack + "::" + project + "::" + contract.TypeProviderPrefix + pkg + "::default"}
}

// Request is the AnalyzeStack request the engine sends for a stack whose state is e: per resource
// its outputs with its inputs over them, with its id as the "id" output (as the Terraform-bridged providers
// return it; the engine sends no id), its parent, dependencies, property dependencies, protect and
// provider. stackstate.Unknown becomes an unknown value, a secret placeholder a secret.
func Request(e *stackstate.Export) (*pulumirpc.AnalyzeStackRequest, error) {
	req := &pulumirpc.AnalyzeStackRequest{}
	for _, r := range e.Deployment.Resources {
		props := map[string]any{}
		for k, v := range r.Outputs {
			props[k] = v
		}
		for k, v := range r.Inputs {
			props[k] = v // what the program asks for is what the provider's state holds after the update
		}
		if r.Custom && r.ID != "" {
			props["id"] = r.ID
		}
		pm := resource.PropertyMap{}
		for k, v := range props {
			if v != nil {
				pm[resource.PropertyKey(k)] = value(v)
			}
		}
		st, err := plugin.MarshalProperties(pm, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.URN, err)
		}
		deps := map[string]*pulumirpc.AnalyzerPropertyDependencies{}
		for k, urns := range r.PropertyDependencies {
			deps[k] = &pulumirpc.AnalyzerPropertyDependencies{Urns: urns}
		}
		res := &pulumirpc.AnalyzerResource{Type: r.Type, Urn: r.URN, Name: r.URN[strings.LastIndex(r.URN, "::")+2:], Properties: st,
			Options: &pulumirpc.AnalyzerResourceOptions{Protect: r.Protect, Parent: r.Parent},
			Parent:  r.Parent, Dependencies: r.Dependencies, PropertyDependencies: deps}
		if r.Custom && !strings.HasPrefix(r.Type, contract.TypeProviderPrefix) {
			res.Provider = defaultProvider(e, r.Type)
		}
		req.Resources = append(req.Resources, res)
	}
	return req, nil
}

func value(v any) resource.PropertyValue {
	switch t := v.(type) {
	case string:
		if t == stackstate.Unknown {
			return resource.MakeComputed(resource.NewStringProperty(""))
		}
		return resource.NewStringProperty(t)
	case map[string]any:
		if stackstate.IsSecret(t) {
			return resource.MakeSecret(resource.NewStringProperty("[secret]"))
		}
		m := resource.PropertyMap{}
		for k, x := range t {
			if x != nil {
				m[resource.PropertyKey(k)] = value(x)
			}
		}
		return resource.NewObjectProperty(m)
	case []any:
		arr := make([]resource.PropertyValue, 0, len(t))
		for _, x := range t {
			arr = append(arr, value(x))
		}
		return resource.NewArrayProperty(arr)
	}
	return resource.NewPropertyValue(v)
}

// Preview rewrites a plan (or export) as the engine sees it in a preview that creates every
// resource: a custom resource has no id, and each output the provider computes (one that is not an
// input: arn, endpoint, ...) is unknown, as is each input whose value holds an id, ARN or computed
// output of a resource it depends on (a reference, or a policy document built from ARNs).
func Preview(e *stackstate.Export) {
	res := e.Deployment.Resources
	byURN := map[string]*stackstate.Resource{}
	for i := range res {
		byURN[res[i].URN] = &res[i]
	}
	computed := func(r *stackstate.Resource) []string {
		var out []string
		if r.ID != "" {
			out = append(out, r.ID)
		}
		for k, v := range r.Outputs {
			if _, in := r.Inputs[k]; in {
				continue
			}
			if s, ok := v.(string); ok && len(s) > 3 {
				out = append(out, s)
			}
		}
		return out
	}
	values := map[string][]string{}
	for i := range res {
		values[res[i].URN] = computed(&res[i])
	}
	for i := range res {
		r := &res[i]
		if !r.Custom {
			continue
		}
		for k, urns := range r.PropertyDependencies {
			var from []string
			for _, u := range urns {
				from = append(from, values[u]...)
			}
			r.Inputs[k] = unknownWhere(r.Inputs[k], from)
			if _, ok := r.Outputs[k]; ok {
				r.Outputs[k] = r.Inputs[k]
			}
		}
	}
	for i := range res {
		r := &res[i]
		if !r.Custom {
			continue
		}
		r.ID = ""
		for k, v := range r.Outputs {
			if _, in := r.Inputs[k]; !in && !stackstate.IsSecret(v) {
				r.Outputs[k] = stackstate.Unknown
			}
		}
	}
}

// unknownWhere makes each string of v that holds one of from unknown.
func unknownWhere(v any, from []string) any {
	switch t := v.(type) {
	case string:
		for _, f := range from {
			if strings.Contains(t, f) {
				return stackstate.Unknown
			}
		}
	case []any:
		for i := range t {
			if t[i] = unknownWhere(t[i], from); t[i] == stackstate.Unknown {
				return stackstate.Unknown // a list built from outputs is unknown as a whole
			}
		}
	case map[string]any:
		if stackstate.IsSecret(t) {
			return t
		}
		for k := range t {
			t[k] = unknownWhere(t[k], from)
		}
	}
	return v
}
