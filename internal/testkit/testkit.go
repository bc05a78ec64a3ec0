// Package testkit is the one helper tests use to run the program under the recording mocks, for a
// committed stack or for a config a test wrote, or to run one component alone (Component).
package testkit

import (
	"os"
	"testing"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/offline"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/platform"
)

// Stacks are the committed stacks every whole-stack test runs against.
var Stacks = fixtures.Stacks

// ProjectDir is the repository root (where Pulumi.yaml lives).
func ProjectDir() string { return fixtures.ProjectDir() }

// Source reads a committed stack's config, with placeholders for unset app secrets (as the
// offline plan does).
func Source(t testing.TB, stack string) platform.Source {
	t.Helper()
	src, err := platform.ReadStackFiles(ProjectDir(), stack)
	if err != nil {
		t.Fatalf("reading stack %s: %v", stack, err)
	}
	src, _ = platform.WithPlaceholderSecrets(src)
	return src
}

// Run runs platform.Deploy under the mocks for a config source.
func Run(t testing.TB, src platform.Source) (*mockcloud.Cloud, error) {
	t.Helper()
	return offline.Run(src)
}

// Plan runs a committed stack and returns the recording and its export; it fails the test if the
// program fails.
func Plan(t testing.TB, stack string) (*mockcloud.Cloud, *stackstate.Export) {
	t.Helper()
	cloud, err := Run(t, Source(t, stack))
	if err != nil {
		t.Fatalf("running stack %s under mocks: %v", stack, err)
	}
	export := cloud.Export()
	return cloud, &export
}

// StackDir writes a project directory holding the committed Pulumi.yaml and the given stack
// file contents, for tests of config that must not be committed as a real stack.
func StackDir(t testing.TB, stack, stackYAML string) string {
	t.Helper()
	dir := t.TempDir()
	project, err := os.OpenRoot(ProjectDir())
	if err != nil {
		t.Fatal(err)
	}
	defer project.Close()
	proj, err := project.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := out.WriteFile("Pulumi.yaml", proj, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := out.WriteFile("Pulumi."+stack+".yaml", []byte(stackYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// CommittedStackYAML returns the text of a committed stack file.
func CommittedStackYAML(t testing.TB, stack string) string {
	t.Helper()
	project, err := os.OpenRoot(ProjectDir())
	if err != nil {
		t.Fatal(err)
	}
	defer project.Close()
	data, err := project.ReadFile("Pulumi." + stack + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
