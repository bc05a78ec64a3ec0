// Command securevpc shows and checks what a secure-vpc stack builds, with no AWS account:
//
//	securevpc plan  -stack dev [-out plan.json] [-dir .]   run the program under mocks, report, check
//	securevpc audit -state export.json                     check a `pulumi stack export` (or a plan)
//
// Exit codes: 0 every invariant holds, 1 an invariant fails, 2 the input is invalid.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/mockcloud"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/platform"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitInvalid = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  securevpc plan  -stack <name> [-out plan.json] [-dir <project dir>] [-format text|json|markdown]
  securevpc audit -state <export.json> [-format text|json|markdown]
  securevpc diff  -before <a.json> -after <b.json> [-format text|json|markdown]

plan runs the program for Pulumi.<name>.yaml under offline mocks, writes the plan in the shape of
'pulumi stack export', prints what the stack builds and checks the security invariants.
audit checks the same invariants on 'pulumi stack export' output of a real stack, or on a plan.
diff says what a change adds or removes in reachability, exposure, encryption and secret readers.
Exit codes: 0 all invariants hold (diff: access does not widen), 1 an invariant fails (diff: access
widens), 2 invalid input.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInvalid
	}
	switch args[0] {
	case "plan":
		return plan(args[1:], stdout, stderr)
	case "audit":
		return audit(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "error: unknown command %q\n%s", args[0], usage)
	return exitInvalid
}

func plan(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack name: reads Pulumi.<stack>.yaml")
	out := fs.String("out", "", "write the plan (stack-export JSON) to this file")
	dir := fs.String("dir", ".", "the project directory (holding Pulumi.yaml)")
	format := fs.String("format", report.FormatText, "report format: text, json or markdown")
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if !validFormat(*format, stderr) {
		return exitInvalid
	}
	if *stack == "" {
		fmt.Fprintf(stderr, "error: -stack is required (stacks in %s: %s)\n", *dir, strings.Join(platform.Stacks(*dir), ", "))
		return exitInvalid
	}

	src, err := platform.ReadStackFiles(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInvalid
	}
	src, placeholders := platform.WithPlaceholderSecrets(src)
	spec, err := platform.Load(src)
	if err != nil {
		printConfigError(stderr, err)
		return exitInvalid
	}

	cloud, err := mockcloud.Run(platform.Deploy, platform.Project, *stack, spec.Region, mockcloud.Config{
		Values: src.Values,
		Secret: secretKeys(src),
	})
	if err != nil {
		var cfgErr *platform.ConfigError
		if errors.As(err, &cfgErr) {
			printConfigError(stderr, cfgErr)
		} else {
			fmt.Fprintf(stderr, "error: building the plan: %v\n", err)
		}
		return exitInvalid
	}
	export := cloud.Export()

	if *out != "" {
		data, err := stackstate.Encode(&export)
		if err != nil {
			fmt.Fprintf(stderr, "error: encoding the plan: %v\n", err)
			return exitInvalid
		}
		if err := os.WriteFile(*out, data, 0o600); err != nil {
			fmt.Fprintf(stderr, "error: writing the plan: %v\n", err)
			return exitInvalid
		}
	}

	title := fmt.Sprintf("secure-vpc plan: stack %s (environment %s, region %s, mock account %s)",
		*stack, spec.Environment, spec.Region, mockcloud.AccountID)
	rep := report.Build(title, &export, policy.Evaluate(&export))
	if *out != "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("plan written to %s (%d resources)", *out, len(export.Deployment.Resources)))
	}
	rep.Notes = append(rep.Notes, spec.Notices...)
	if len(placeholders) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no value is set yet for secret(s) %s; the plan used placeholders, and pulumi up will refuse to run until each is set with pulumi config set --secret --path 'secretValues.<name>' <value>",
			strings.Join(placeholders, ", ")))
	}
	return finish(rep, *format, stdout, stderr)
}

func audit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "", "a `pulumi stack export` file, or a plan written by securevpc plan")
	format := fs.String("format", report.FormatText, "report format: text, json or markdown")
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if !validFormat(*format, stderr) {
		return exitInvalid
	}
	if *state == "" {
		fmt.Fprintln(stderr, "error: -state is required (pulumi stack export --file export.json)")
		return exitInvalid
	}
	export, err := stackstate.Read(*state)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInvalid
	}
	title := fmt.Sprintf("secure-vpc audit: %s (%d resources)", *state, len(export.Deployment.Resources))
	return finish(report.Build(title, export, policy.Evaluate(export)), *format, stdout, stderr)
}

func diff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	before := fs.String("before", "", "the plan or export before the change")
	after := fs.String("after", "", "the plan or export after the change")
	format := fs.String("format", report.FormatText, "output format: text, json or markdown")
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if !validFormat(*format, stderr) {
		return exitInvalid
	}
	if *before == "" || *after == "" {
		fmt.Fprintln(stderr, "error: -before and -after are required")
		return exitInvalid
	}
	a, err := stackstate.Read(*before)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInvalid
	}
	b, err := stackstate.Read(*after)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInvalid
	}
	d := report.Compare(*before, a, *after, b)
	if err := d.Write(stdout, *format); err != nil {
		fmt.Fprintf(stderr, "error: writing the diff: %v\n", err)
		return exitInvalid
	}
	if d.Widens() {
		return exitFailed
	}
	return exitOK
}

func finish(rep *report.Report, format string, stdout, stderr io.Writer) int {
	if err := rep.Write(stdout, format); err != nil {
		fmt.Fprintf(stderr, "error: writing the report: %v\n", err)
		return exitInvalid
	}
	if !rep.AllHold() {
		return exitFailed
	}
	return exitOK
}

func printConfigError(w io.Writer, err error) {
	var cfgErr *platform.ConfigError
	if errors.As(err, &cfgErr) {
		for _, p := range cfgErr.Problems {
			fmt.Fprintf(w, "error: %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "error: %v\n", err)
}

func secretKeys(src platform.Source) []string {
	var out []string
	for k, secret := range src.Secret {
		if secret {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// validFormat reports whether -format names a known format, and says so when it does not.
func validFormat(f string, stderr io.Writer) bool {
	if f == report.FormatText || f == report.FormatJSON || f == report.FormatMarkdown {
		return true
	}
	fmt.Fprintf(stderr, "error: -format %q: use text, json or markdown\n", f)
	return false
}
