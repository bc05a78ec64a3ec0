// Command securevpc shows and checks what a secure-vpc stack builds, with no AWS account:
//
//	securevpc plan  -stack dev [-out plan.json] [-dir .]   run the program under mocks, report, check
//	securevpc audit -state export.json                     check a `pulumi stack export` (or a plan)
//	securevpc diff  -before a.json -after b.json           what a change adds or removes in access
//
// Exit codes: 0 every invariant holds, 1 an invariant fails, 2 the input is invalid.
//
// The command is internal/cli; this file only gives it the offline planner (internal/offline).
// It has no tests, so that its test binary does not link the AWS SDK: internal/cli tests the
// command on the recorded plans, and the platform tests (offline_test.go) drive it with the same
// planner.
package main

import (
	"os"

	"github.com/secure-vpc/secure-vpc/internal/cli"
	"github.com/secure-vpc/secure-vpc/internal/offline"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr, offline.Planner{}))
}
