package testkit

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
)

// ComponentStack and ComponentRegion are the stack and region Component runs in.
const (
	ComponentStack  = "test"
	ComponentRegion = "eu-west-1"
)

// Component runs one component alone under the recording mock, with no config, in stack
// ComponentStack of the project in ComponentRegion, and returns the recording (every resource
// the build registered, with its inputs, computed outputs, parent, dependencies and protect
// flag). It fails the test if build returns an error. Build creates the component, and whatever
// stand-ins for its inputs it needs, from ctx.
func Component(t testing.TB, build func(ctx *pulumi.Context) error) *mockcloud.Cloud {
	t.Helper()
	cloud, err := ComponentErr(build)
	if err != nil {
		t.Fatalf("running the component under mocks: %v", err)
	}
	return cloud
}

// ComponentErr is Component for a build that is expected to fail: it returns the build's error.
func ComponentErr(build func(ctx *pulumi.Context) error) (*mockcloud.Cloud, error) {
	return mockcloud.Run(build, contract.Project, ComponentStack, ComponentRegion, mockcloud.Config{})
}
