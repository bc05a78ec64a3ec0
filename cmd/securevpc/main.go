// Command securevpc shows and checks what a secure-vpc stack builds, with no AWS account:
//
//	securevpc plan  -stack dev [-out plan.json] [-dir .]   run the program under mocks, report, check
//	securevpc audit -state export.json                     check a `pulumi stack export` (or a plan)
//	securevpc diff  -before a.json -after b.json           what a change adds or removes in access
//
// Exit codes: 0 every invariant holds, 1 an invariant fails, 2 the input is invalid.
//
// The command is internal/cli; this file only gives it the offline planner, platform.PlanOffline.
// It has no tests, so that no third test binary links the AWS SDK: internal/cli tests the command
// on the recorded plans, and the platform tests (offline_test.go) drive it with the same planner.
package main

import (
	"errors"
	"os"

	"github.com/secure-vpc/secure-vpc/internal/cli"
	"github.com/secure-vpc/secure-vpc/platform"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr, offlinePlanner{}))
}

// offlinePlanner is platform's offline plan in the shape the command asks for. The platform
// tests hold a copy (platform/offline_test.go); keep the two the same.
type offlinePlanner struct{}

func (offlinePlanner) Stacks(dir string) []string { return platform.Stacks(dir) }

func (offlinePlanner) Plan(dir, stack string) (*cli.Plan, error) {
	p, err := platform.PlanOffline(dir, stack)
	var cfgErr *platform.ConfigError
	if errors.As(err, &cfgErr) {
		problems := make([]string, len(cfgErr.Problems))
		for i, problem := range cfgErr.Problems {
			problems[i] = problem.String()
		}
		return nil, &cli.ConfigError{Problems: problems}
	}
	if err != nil {
		return nil, err
	}
	return &cli.Plan{Export: p.Export, Environment: string(p.Environment), Region: p.Region, Account: p.Account,
		Notices: p.Notices, PlaceholderSecrets: p.PlaceholderSecrets}, nil
}
