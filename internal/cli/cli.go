// Package cli is the securevpc command: flag parsing, reports, usage text, one-line errors and
// exit codes of plan, audit and diff. It does not run the program: plan asks a Planner for the
// stack's offline plan (internal/offline: the program under the mocks), so that this
// package and its tests do not link the AWS SDK; audit and diff read exports from files.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/report"
)

// Exit codes.
const (
	ExitOK      = 0 // every invariant holds (diff: access does not widen)
	ExitFailed  = 1 // an invariant fails (diff: access widens)
	ExitInvalid = 2 // the input is invalid: usage, flags, config, files
)

// Plan is what the offline plan of a stack built, and what the report's title and notes say
// about it.
type Plan struct {
	Export      stackstate.Export
	Environment string // the stack's environment: dev, staging or prod
	Region      string // the AWS region, e.g. eu-west-1
	Account     string // the mock account every ARN of the plan belongs to
	// Notices are what the config loader accepts but a reviewer should know, one line each.
	Notices []string
	// PlaceholderSecrets are the declared app secrets, sorted, that have no value yet and that
	// the plan filled with placeholders.
	PlaceholderSecrets []string
}

// A Planner plans a stack with no AWS account.
type Planner interface {
	// Stacks lists the stacks of the project directory dir (one per Pulumi.<stack>.yaml), sorted.
	Stacks(dir string) []string
	// Plan runs the program for Pulumi.<stack>.yaml in dir under offline mocks. A config that is
	// invalid returns a *ConfigError; any other error is printed as one "error: " line.
	Plan(dir, stack string) (*Plan, error)
}

// ConfigError is every problem found in a stack's config, one line each ("<key>: <how to fix>");
// plan prints each as its own "error: " line.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string { return strings.Join(e.Problems, "\n") }

// Usage is the text printed for help and after a usage error.
const Usage = `usage:
  securevpc plan  -stack <name> [-out plan.json] [-dir <project dir>] [-format text|json|markdown]
  securevpc audit -state <export.json> [-format text|json|markdown]
  securevpc diff  -before <a.json> -after <b.json> [-format text|json|markdown]
  securevpc version
  securevpc help      (or -h after a command for its flags)

plan runs the program for Pulumi.<name>.yaml under offline mocks, writes the plan in the shape of
'pulumi stack export', prints what the stack builds and checks the security invariants.
audit checks the same invariants on 'pulumi stack export' output of a real stack, or on a plan.
diff says what a change adds or removes in reachability, exposure, encryption and secret readers.
Exit codes: 0 all invariants hold (diff: access does not widen), 1 an invariant fails (diff: access
widens), 2 invalid input.
`

// Run runs the command args (without the program name), writing the report to stdout and
// errors to stderr, and returns the exit code. plan uses planner; audit and diff do not.
func Run(args []string, stdout, stderr io.Writer, planner Planner) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, Usage)
		return ExitInvalid
	}
	switch args[0] {
	case "plan":
		return plan(args[1:], stdout, stderr, planner)
	case "audit":
		return audit(args[1:], stdout, stderr)
	case "diff":
		return diff(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, Usage)
		return ExitOK
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "securevpc "+Version())
		return ExitOK
	}
	fmt.Fprintf(stderr, "error: unknown command %q\n%s", args[0], Usage)
	return ExitInvalid
}

func plan(args []string, stdout, stderr io.Writer, planner Planner) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	stack := fs.String("stack", "", "stack name: reads Pulumi.<stack>.yaml")
	out := fs.String("out", "", "write the plan (stack-export JSON) to this file")
	dir := fs.String("dir", ".", "the project directory (holding Pulumi.yaml)")
	format := fs.String("format", report.FormatText, "report format: text, json or markdown")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if !validFormat(format, stderr) {
		return ExitInvalid
	}
	if *stack == "" {
		fmt.Fprintf(stderr, "error: -stack is required (stacks in %s: %s)\n", *dir, strings.Join(planner.Stacks(*dir), ", "))
		return ExitInvalid
	}

	p, err := planner.Plan(*dir, *stack)
	if err != nil {
		printPlanError(stderr, err)
		return ExitInvalid
	}
	export := &p.Export

	if *out != "" {
		data, err := stackstate.Encode(export)
		if err != nil {
			fmt.Fprintf(stderr, "error: encoding the plan: %v\n", err)
			return ExitInvalid
		}
		if err := os.WriteFile(*out, data, 0o600); err != nil {
			fmt.Fprintf(stderr, "error: writing the plan: %v\n", err)
			return ExitInvalid
		}
	}

	title := fmt.Sprintf("secure-vpc plan: stack %s (environment %s, region %s, mock account %s)",
		*stack, p.Environment, p.Region, p.Account)
	rep := report.Build(title, export, policy.Evaluate(export))
	if *out != "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("plan written to %s (%d resources)", *out, len(export.Deployment.Resources)))
	}
	rep.Notes = append(rep.Notes, p.Notices...)
	if len(p.PlaceholderSecrets) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no value is set yet for secret(s) %s; the plan used placeholders, and pulumi up will refuse to run until each is set with pulumi config set --secret --path 'secretValues.<name>' <value>",
			strings.Join(p.PlaceholderSecrets, ", ")))
	}
	return finish(rep, *format, stdout, stderr)
}

func audit(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	state := fs.String("state", "", "a `pulumi stack export` file, or a plan written by securevpc plan")
	format := fs.String("format", report.FormatText, "report format: text, json or markdown")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if !validFormat(format, stderr) {
		return ExitInvalid
	}
	if *state == "" {
		fmt.Fprintln(stderr, "error: -state is required (pulumi stack export --file export.json)")
		return ExitInvalid
	}
	export, err := stackstate.Read(*state)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitInvalid
	}
	if len(export.Deployment.Resources) == 0 {
		// An export of a stack with nothing in it passes every invariant vacuously: that is not a
		// verdict, so it is not a pass.
		fmt.Fprintf(stderr, "error: %s holds no resources, so there is nothing to judge: audit a stack that has been deployed (pulumi stack export), or a plan\n", *state)
		return ExitFailed
	}
	title := fmt.Sprintf("secure-vpc audit: %s (%d resources)", *state, len(export.Deployment.Resources))
	return finish(report.Build(title, export, policy.Evaluate(export)), *format, stdout, stderr)
}

func diff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	before := fs.String("before", "", "the plan or export before the change")
	after := fs.String("after", "", "the plan or export after the change")
	format := fs.String("format", report.FormatText, "output format: text, json or markdown")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if !validFormat(format, stderr) {
		return ExitInvalid
	}
	if *before == "" || *after == "" {
		fmt.Fprintln(stderr, "error: -before and -after are required")
		return ExitInvalid
	}
	a, err := stackstate.Read(*before)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitInvalid
	}
	b, err := stackstate.Read(*after)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitInvalid
	}
	d := report.Compare(*before, a, *after, b)
	if err := d.Write(stdout, *format); err != nil {
		fmt.Fprintf(stderr, "error: writing the diff: %v\n", err)
		return ExitInvalid
	}
	if d.Widens() {
		return ExitFailed
	}
	return ExitOK
}

func finish(rep *report.Report, format string, stdout, stderr io.Writer) int {
	if err := rep.Write(stdout, format); err != nil {
		fmt.Fprintf(stderr, "error: writing the report: %v\n", err)
		return ExitInvalid
	}
	if !rep.AllHold() {
		return ExitFailed
	}
	return ExitOK
}

// printPlanError prints a config error one "error: " line per problem, any other error on one.
func printPlanError(w io.Writer, err error) {
	var cfgErr *ConfigError
	if errors.As(err, &cfgErr) {
		for _, p := range cfgErr.Problems {
			fmt.Fprintf(w, "error: %s\n", p)
		}
		return
	}
	fmt.Fprintf(w, "error: %v\n", err)
}

// validFormat reports whether -format names a known format, in any case (JSON, Markdown), and
// says so when it does not; it leaves the format in lower case.
func validFormat(f *string, stderr io.Writer) bool {
	lower := strings.ToLower(*f)
	if lower == report.FormatText || lower == report.FormatJSON || lower == report.FormatMarkdown {
		*f = lower
		return true
	}
	fmt.Fprintf(stderr, "error: -format %q: use text, json or markdown\n", *f)
	return false
}

// parseFlags parses a command's flags. -h (or -help) prints the command's usage to stdout and
// exits 0; an unknown or malformed flag, or an argument that is not a flag (plan -stack dev
// staging), is one error line and the usage on stderr, exit 2. done says whether the command
// must return code now.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage of securevpc %s:\n", fs.Name())
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return ExitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "error: %v\n", err)
		usage(stderr)
		return ExitInvalid, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "error: unexpected argument %q: %s takes flags only (each flag once, for example -stack dev)\n", fs.Arg(0), fs.Name())
		return ExitInvalid, true
	}
	return ExitOK, false
}

// Version is the command's version: the module version it was built at ("(devel)" for a build
// from a clone) and, when the build recorded it, the commit ("+dirty" if the tree had changes).
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	return v
}
