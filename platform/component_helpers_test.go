package platform_test

// The component_*_test.go files test each component alone: testkit.Component runs one component
// under the recording mock, and each test asserts what that component promises (its children,
// their key inputs and tags, protect, dependencies and outputs). They live in platform's test
// binary with the tests of the whole program because every test that runs code under the mock
// links the AWS SDK, and one binary linking it costs one link (about 7 s on a 2-core machine)
// instead of two; the component packages' pure planners (netplan, rolepolicy, bucketpolicy,
// resourcepolicy) are tested next to their code without it.

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/stack"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/internal/testkit"
)

// testScope is the scope components run in alone: the project in testkit's stack and region, in
// the mock's account, unprotected (dev). protected is the same with protect (staging, prod).
var (
	testScope = stack.Scope{Project: contract.Project, Stack: testkit.ComponentStack, Region: testkit.ComponentRegion, AccountID: mockcloud.AccountID}
	protected = stack.Scope{Project: contract.Project, Stack: testkit.ComponentStack, Region: testkit.ComponentRegion, AccountID: mockcloud.AccountID, Protect: true}
)

// Stand-in ARNs of the inputs a component takes from others.
const (
	logsKey    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-00000000000a"
	dataKey    = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-00000000000b"
	secretsKey = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-00000000000c"
)

// componentPlan is the recording of one component's run, as the export every audit reads.
type componentPlan struct {
	t *testing.T
	stackstate.Export
}

// runAlone runs build alone under the mock and returns its plan.
func runAlone(t *testing.T, build func(ctx *pulumi.Context) error) componentPlan {
	t.Helper()
	return componentPlan{t, testkit.Component(t, build).Export()}
}

// all returns the resources of a type, in URN order.
func (p componentPlan) all(typ string) []stackstate.Resource {
	var out []stackstate.Resource
	for _, r := range p.Deployment.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the resource of a type with a logical name; it fails the test if there is none.
func (p componentPlan) one(typ, name string) stackstate.Resource {
	p.t.Helper()
	for _, r := range p.all(typ) {
		if strings.HasSuffix(r.URN, "::"+name) {
			return r
		}
	}
	require.Failf(p.t, "no such resource", "%s %s", typ, name)
	return stackstate.Resource{}
}

// has reports whether a resource of a type with a logical name exists.
func (p componentPlan) has(typ, name string) bool {
	for _, r := range p.all(typ) {
		if strings.HasSuffix(r.URN, "::"+name) {
			return true
		}
	}
	return false
}

// component returns the component resource of a type; it fails the test unless there is one.
func (p componentPlan) component(typ string) stackstate.Resource {
	p.t.Helper()
	rs := p.all(typ)
	require.Len(p.t, rs, 1, "one %s", typ)
	return rs[0]
}

// children returns the resources whose parent is urn.
func (p componentPlan) children(urn string) []stackstate.Resource {
	var out []stackstate.Resource
	for _, r := range p.Deployment.Resources {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}

// count returns the number of resources of each type among rs.
func count(rs []stackstate.Resource) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Type]++
	}
	return out
}

// tags returns a resource's tags.
func tags(r stackstate.Resource) map[string]any {
	t, _ := r.Inputs["tags"].(map[string]any)
	return t
}

// in returns a nested input by path (object keys, or "0" for a list's first element).
func in(r stackstate.Resource, path ...string) any {
	var v any = r.Inputs
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			if len(x) == 0 {
				return nil
			}
			v = x[0]
		default:
			return nil
		}
	}
	return v
}

// resolved collects what outputs resolve to during a run, for assertions after it returns.
type resolved struct {
	mu   sync.Mutex
	wg   sync.WaitGroup
	vals map[string]any
}

// watch records the value out resolves to under name.
func (r *resolved) watch(name string, out pulumi.Output) {
	r.mu.Lock()
	if r.vals == nil {
		r.vals = map[string]any{}
	}
	r.mu.Unlock()
	r.wg.Add(1)
	pulumi.All(out).ApplyT(func(xs []any) any {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.vals[name] = xs[0]
		r.wg.Done()
		return nil
	})
}

// get returns the value an output resolved to; it fails the test if one has not resolved.
func (r *resolved) get(t *testing.T, name string) any {
	t.Helper()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		require.FailNow(t, "outputs did not resolve")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.vals[name]
	require.True(t, ok, "output %s was not watched", name)
	return v
}

// stub is a stand-in for a resource a component depends on but does not create.
type stub struct{ pulumi.CustomResourceState }

// newStub registers a stand-in resource.
func newStub(ctx *pulumi.Context, name string) (*stub, error) {
	var s stub
	err := ctx.RegisterResource("test:index:Stub", name, pulumi.Map{}, &s)
	return &s, err
}
