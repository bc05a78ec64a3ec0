// Package offline runs the program with no AWS account: platform.Deploy under the recording mock
// (internal/mockcloud). It is the planner of `securevpc plan` (a cli.Planner) and what the tests
// use to run a whole stack; the deployed program (main.go) never links it.
package offline

import (
	"errors"
	"fmt"
	"sort"

	"github.com/secure-vpc/secure-vpc/internal/cli"
	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/platform"
)

// Run runs platform.Deploy under the mocks for a config source: in the source's aws:region, with
// the keys the source marks secret passed as Pulumi secrets. Deploy validates the config first
// and returns a *platform.ConfigError before registering anything.
func Run(src platform.Source) (*mockcloud.Cloud, error) {
	var secret []string
	for k, s := range src.Secret {
		if s {
			secret = append(secret, k)
		}
	}
	sort.Strings(secret)
	return mockcloud.Run(platform.Deploy, platform.Project, src.Stack, src.Values["aws:region"], mockcloud.Config{Values: src.Values, Secret: secret})
}

// Planner plans a stack of a project directory offline; it is the cli.Planner of the securevpc
// command.
type Planner struct{}

// Stacks lists the stacks of the project in dir (platform.Stacks).
func (Planner) Stacks(dir string) []string { return platform.Stacks(dir) }

// Plan plans the stack of Pulumi.<stack>.yaml in the project directory dir: it reads the stack
// files, fills unset app secrets with placeholders (platform.WithPlaceholderSecrets), loads the
// config and runs Deploy under the mocks. An invalid config returns a *cli.ConfigError with one
// problem per line (from Load or from Deploy); a stack file that cannot be read returns
// platform.ReadStackFiles' error; a program that fails otherwise returns "building the plan:
// <cause>".
func (Planner) Plan(dir, stack string) (*cli.Plan, error) {
	src, err := platform.ReadStackFiles(dir, stack)
	if err != nil {
		return nil, err
	}
	src, placeholders := platform.WithPlaceholderSecrets(src)
	spec, err := platform.Load(src)
	if err != nil {
		return nil, configError(err)
	}
	cloud, err := Run(src)
	if err != nil {
		if cfgErr := configError(err); cfgErr != err {
			return nil, cfgErr
		}
		return nil, fmt.Errorf("building the plan: %w", err)
	}
	return &cli.Plan{
		Export:             cloud.Export(),
		Environment:        string(spec.Environment),
		Region:             spec.Region,
		Account:            mockcloud.AccountID,
		Notices:            spec.Notices,
		PlaceholderSecrets: placeholders,
	}, nil
}

// configError turns a *platform.ConfigError into the command's *cli.ConfigError, one problem a
// line; any other error is returned as it is.
func configError(err error) error {
	var cfgErr *platform.ConfigError
	if !errors.As(err, &cfgErr) {
		return err
	}
	problems := make([]string, len(cfgErr.Problems))
	for i, problem := range cfgErr.Problems {
		problems[i] = problem.String()
	}
	return &cli.ConfigError{Problems: problems}
}
