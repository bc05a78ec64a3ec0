package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/cli"
	"github.com/secure-vpc/secure-vpc/internal/contract"
	"github.com/secure-vpc/secure-vpc/internal/fixtures"
	"github.com/secure-vpc/secure-vpc/internal/stackstate"
	"github.com/secure-vpc/secure-vpc/policy"
	"github.com/secure-vpc/secure-vpc/query"
)

// recordedPlanner plans a committed stack by returning its recorded plan: what the program plans
// today (platform's TestRecordedPlansAreCurrent), without running it. Any other stack has no
// stack file; a stack named in problems has an invalid config.
type recordedPlanner struct {
	t        testing.TB
	problems map[string][]string
}

func (recordedPlanner) Stacks(string) []string { return []string{"dev", "prod", "staging"} }

func (p recordedPlanner) Plan(dir, stack string) (*cli.Plan, error) {
	if problems, ok := p.problems[stack]; ok {
		return nil, &cli.ConfigError{Problems: problems}
	}
	for _, s := range fixtures.Stacks {
		if s == stack {
			return &cli.Plan{Export: *fixtures.Plan(p.t, stack), Environment: stack, Region: "eu-west-1", Account: "123456789012",
				Notices: []string{"a notice"}, PlaceholderSecrets: []string{"payments-api-key"}}, nil
		}
	}
	return nil, errors.New("no stack file " + filepath.Join(dir, "Pulumi."+stack+".yaml"))
}

func runCLI(t testing.TB, args ...string) (int, string, string) {
	return runWith(recordedPlanner{t: t}, args...)
}

func runWith(planner cli.Planner, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := cli.Run(args, &out, &errOut, planner)
	return code, out.String(), errOut.String()
}

// recordedPlan is the path of a committed stack's recorded plan: what plan -out writes for it
// today (TestRecordedPlansAreCurrent), read without running the program again.
func recordedPlan(stack string) string {
	return filepath.Join(fixtures.ProjectDir(), fixtures.PlanPath(stack))
}

// The edits a reviewer fears most, made by hand to a plan file: audit exits 1 and names the
// resource and the invariant.
func TestAuditCatchesHandEditedPlans(t *testing.T) {
	planFile := recordedPlan("dev")

	byName := func(e *stackstate.Export, typ, name string) *stackstate.Resource {
		for i, r := range e.Deployment.Resources {
			if r.Type == typ && strings.HasSuffix(r.URN, "::"+name) {
				return &e.Deployment.Resources[i]
			}
		}
		t.Fatalf("no %s %s in the plan", typ, name)
		return nil
	}
	ingress := func(e *stackstate.Export, name, group string, source map[string]any) {
		in := map[string]any{"securityGroupId": byName(e, contract.TypeSecurityGroup, group).ID,
			"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "description": "hand edit"}
		for k, v := range source {
			in[k] = v
		}
		e.Deployment.Resources = append(e.Deployment.Resources, stackstate.Resource{
			URN:    "urn:pulumi:dev::secure-vpc::secure-vpc:network:Firewall$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::" + name,
			Custom: true, ID: "sgr-" + name, Type: contract.TypeSGIngressRule, Inputs: in})
	}
	const db = "urn:pulumi:dev::secure-vpc::secure-vpc:data:Database$aws:rds/instance:Instance::users-db"
	cases := []struct {
		name, invariant, culprit string
		edit                     func(e *stackstate.Export)
	}{
		{"the internet reaches the database", "DATA-03", db, func(e *stackstate.Export) {
			ingress(e, "internet-to-db", "db-users-db", map[string]any{"cidrIpv4": "0.0.0.0/0"})
		}},
		{"a second service reaches the database", "DATA-03", db, func(e *stackstate.Export) {
			ingress(e, "orders-to-db", "db-users-db", map[string]any{"referencedSecurityGroupId": byName(e, contract.TypeSecurityGroup, "svc-orders").ID})
		}},
		{"the database is public", "DATA-06", db, func(e *stackstate.Export) {
			byName(e, contract.TypeDBInstance, "users-db").Inputs["publiclyAccessible"] = true
		}},
		{"an isolated subnet maps public IPs", "NET-03", "urn:pulumi:dev::secure-vpc::secure-vpc:network:Vpc$aws:ec2/subnet:Subnet::network-isolated-a", func(e *stackstate.Export) {
			byName(e, contract.TypeSubnet, "network-isolated-a").Inputs["mapPublicIpOnLaunch"] = true
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			export, err := stackstate.Read(planFile)
			require.NoError(t, err)
			tc.edit(export)
			data, err := json.Marshal(export)
			require.NoError(t, err)
			edited := filepath.Join(t.TempDir(), "edited.json")
			require.NoError(t, os.WriteFile(edited, data, 0o600))

			code, out, _ := runCLI(t, "audit", "-state", edited)
			assert.Equal(t, 1, code)
			assert.Contains(t, out, "FAIL "+tc.invariant)
			assert.Contains(t, out, tc.culprit)
		})
	}
}

// A stack that cannot be planned is platform's TestPlanUnknownStack (the real planner).
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"deploy"},
		{"plan"},
		{"plan", "-stack", "nope"},
		{"audit"},
		{"audit", "-state", "/nonexistent/export.json"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.NotEmpty(t, errOut, "%v", args)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":2}`), 0o600))
	code, _, errOut := runCLI(t, "audit", "-state", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "version 2 is not supported")
}

// audit and diff of the wrong kind of file: exit 2 and one line naming the file and what it is;
// an export with nothing in it is not a pass (exit 1).
func TestWrongInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
		return path
	}
	var report bytes.Buffer
	require.Equal(t, 0, cli.Run([]string{"audit", "-state", recordedPlan("dev"), "-format", "json"}, &report, io.Discard, recordedPlanner{t: t}))
	var diffJSON bytes.Buffer
	require.Equal(t, 0, cli.Run([]string{"diff", "-before", recordedPlan("dev"), "-after", recordedPlan("dev"), "-format", "json"}, &diffJSON, io.Discard, recordedPlanner{t: t}))
	stackYAML, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), "Pulumi.dev.yaml"))
	require.NoError(t, err)
	cases := []struct {
		name, file string
		code       int
		want       string
	}{
		{"empty", write("empty.json", ""), cli.ExitInvalid, "empty.json is empty"},
		{"{}", write("object.json", "{}"), cli.ExitInvalid, `object.json is a JSON object without "version" and "deployment"`},
		{"[]", write("array.json", "[]"), cli.ExitInvalid, "array.json holds a JSON array"},
		{"a stack file", write("Pulumi.dev.yaml", string(stackYAML)), cli.ExitInvalid, "Pulumi.dev.yaml is not JSON (it reads like YAML"},
		{"the report", write("report.json", report.String()), cli.ExitInvalid, "report.json is a securevpc report (-format json), not a plan"},
		{"the diff", write("diff.json", diffJSON.String()), cli.ExitInvalid, "diff.json is a securevpc diff (-format json), not a plan"},
		{"no deployment", write("v3.json", `{"version":3}`), cli.ExitInvalid, `v3.json has "version" but no "deployment"`},
		{"nothing deployed", write("none.json", `{"version":3,"deployment":{"manifest":{}}}`), cli.ExitFailed, "none.json holds no resources, so there is nothing to judge"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "audit", "-state", tc.file)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, out, "no verdict is printed")
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %s", errOut)
			if tc.code == cli.ExitInvalid {
				code, _, errOut = runCLI(t, "diff", "-before", recordedPlan("dev"), "-after", tc.file)
				assert.Equal(t, cli.ExitInvalid, code, "diff reads inputs the same way")
				assert.Contains(t, errOut, tc.want)
			}
		})
	}
}

// The lines plan prints to stderr, and its exit code, for each way a plan cannot start.
func TestPlanErrorLines(t *testing.T) {
	planner := recordedPlanner{t: t, problems: map[string][]string{
		"broken": {"secure-vpc:network.cidr: not private", "secure-vpc:network.natGateway: unknown key"},
	}}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no stack", []string{"plan"}, "error: -stack is required (stacks in .: dev, prod, staging)\n"},
		{"no stack, another dir", []string{"plan", "-dir", "/p"}, "error: -stack is required (stacks in /p: dev, prod, staging)\n"},
		{"the planner fails", []string{"plan", "-stack", "nope", "-dir", "/p"}, "error: no stack file /p/Pulumi.nope.yaml\n"},
		{"a config error: one line per problem", []string{"plan", "-stack", "broken"},
			"error: secure-vpc:network.cidr: not private\nerror: secure-vpc:network.natGateway: unknown key\n"},
		{"a bad format, before planning", []string{"plan", "-stack", "broken", "-format", "yaml"}, "error: -format \"yaml\": use text, json or markdown\n"},
		{"an -out that cannot be written", []string{"plan", "-stack", "dev", "-out", "/nonexistent/dir/plan.json"},
			"error: writing the plan: open /nonexistent/dir/plan.json: no such file or directory\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runWith(planner, tc.args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out, "nothing is reported")
			assert.Equal(t, tc.want, errOut)
		})
	}
}

// plan reports what the planner planned: the title names the stack, environment, region and
// account, the notes say where the plan went, the notices and the placeholder secrets; -out
// writes the export as stackstate encodes it.
func TestPlanReportsThePlannersPlan(t *testing.T) {
	planFile := filepath.Join(t.TempDir(), "plan.json")
	code, out, errOut := runCLI(t, "plan", "-stack", "prod", "-out", planFile)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Empty(t, errOut)
	assert.Contains(t, out, "secure-vpc plan: stack prod (environment prod, region eu-west-1, mock account 123456789012)")
	n := len(fixtures.Plan(t, "prod").Deployment.Resources)
	for _, want := range []string{fmt.Sprintf("plan written to %s (%d resources)", planFile, n), "a notice",
		"no value is set yet for secret(s) payments-api-key; the plan used placeholders"} {
		assert.Contains(t, out, want)
	}
	dir, err := os.OpenRoot(filepath.Dir(planFile))
	require.NoError(t, err)
	defer dir.Close()
	written, err := dir.ReadFile(filepath.Base(planFile))
	require.NoError(t, err)
	assert.Equal(t, string(fixtures.PlanBytes(t, "prod")), string(written), "-out writes the plan as plan -out recorded it")
}

func TestReportFormats(t *testing.T) {
	code, out, _ := runCLI(t, "plan", "-stack", "dev", "-format", "json")
	require.Equal(t, 0, code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc), "json output parses")
	assert.Equal(t, true, doc["passed"])
	assert.NotEmpty(t, doc["paths"])
	assert.Len(t, doc["invariants"], len(policy.Catalogue()))

	code, out, _ = runCLI(t, "plan", "-stack", "dev", "-format", "markdown")
	require.Equal(t, 0, code)
	for _, want := range []string{"## secure-vpc plan", "```mermaid", "flowchart LR", `subgraph tier_isolated["isolated tier"]`,
		"service_users -->|5432| database_users_db", "internet_internet -->|443| load_balancer_web_bff_alb", "| ✅ | NET-01 |"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "internet_internet -->|443| service_", "the diagram shows no path from the internet to a service")

	code, _, errOut := runCLI(t, "plan", "-stack", "dev", "-format", "yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "use text, json or markdown")
}

// The diffs of a re-planned config (a new service, a narrowed call list) are platform's
// TestDiffOfReplannedConfig (the real planner).
func TestDiff(t *testing.T) {
	base := recordedPlan("dev")

	t.Run("no change", func(t *testing.T) {
		code, out, _ := runCLI(t, "diff", "-before", base, "-after", base)
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "no change")
	})

	t.Run("weaker encryption widens", func(t *testing.T) {
		export, err := stackstate.Read(base)
		require.NoError(t, err)
		for i, r := range export.Deployment.Resources {
			if r.Type == contract.TypeBucketSSE && strings.HasSuffix(r.URN, "::user-uploads") {
				export.Deployment.Resources[i].Inputs["rules"] = []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}}
			}
		}
		data, err := json.Marshal(export)
		require.NoError(t, err)
		weaker := filepath.Join(t.TempDir(), "weaker.json")
		require.NoError(t, os.WriteFile(weaker, data, 0o600))
		code, out, _ := runCLI(t, "diff", "-before", base, "-after", weaker, "-format", "json")
		assert.Equal(t, 1, code)
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &d))
		assert.Equal(t, true, d["widens"])
		assert.Contains(t, out, "bucket user-uploads: encryption changes from alias/secure-vpc/dev/data to SSE-S3")
	})

	code, _, _ := runCLI(t, "diff", "-before", base)
	assert.Equal(t, 2, code, "both sides are required")
}

// The command's conventions: version and help exit 0 on stdout, -h on every command prints its
// flags, formats are case-insensitive, and an argument that is not a flag is an error.
func TestConventions(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"-version"}, {"--version"}} {
		code, out, errOut := runCLI(t, args...)
		assert.Equal(t, cli.ExitOK, code, "%v", args)
		assert.True(t, strings.HasPrefix(out, "securevpc "), "%v: %q", args, out)
		assert.Empty(t, errOut)
	}
	for _, command := range []string{"plan", "audit", "diff"} {
		for _, h := range []string{"-h", "-help", "--help"} {
			code, out, errOut := runCLI(t, command, h)
			assert.Equal(t, cli.ExitOK, code, "%s %s", command, h)
			assert.Contains(t, out, "usage of securevpc "+command+":")
			assert.Contains(t, out, "-format", "the flags are listed")
			assert.Empty(t, errOut)
		}
	}
	code, out, _ := runCLI(t, "help")
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, out, "securevpc version")

	code, lower, _ := runCLI(t, "audit", "-state", recordedPlan("dev"), "-format", "json")
	require.Equal(t, cli.ExitOK, code)
	for _, f := range []string{"JSON", "Json"} {
		code, out, errOut := runCLI(t, "audit", "-state", recordedPlan("dev"), "-format", f)
		assert.Equal(t, cli.ExitOK, code, f)
		assert.Equal(t, lower, out, "-format %s is -format json", f)
		assert.Empty(t, errOut)
	}

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-stack", "dev", "staging"}, `error: unexpected argument "staging": plan takes flags only`},
		{[]string{"audit", "-state", recordedPlan("dev"), "extra"}, `error: unexpected argument "extra": audit takes flags only`},
		{[]string{"diff", "-before", recordedPlan("dev"), "-after", recordedPlan("dev"), "x"}, `error: unexpected argument "x": diff takes flags only`},
		{[]string{"plan", "-stak", "dev"}, "error: flag provided but not defined: -stak"},
	}
	for _, tc := range cases {
		code, out, errOut := runCLI(t, tc.args...)
		assert.Equal(t, cli.ExitInvalid, code, "%v", tc.args)
		assert.Empty(t, out, "%v: nothing is planned or judged", tc.args)
		assert.True(t, strings.HasPrefix(errOut, tc.want), "%v: %q", tc.args, errOut)
	}
}

// writeExport writes an export to a temporary file and returns its path.
func writeExport(t *testing.T, e *stackstate.Export) string {
	t.Helper()
	data, err := stackstate.Encode(e)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

// devWithBastion is the row: the dev plan plus an EC2 instance with a public IP in a
// public subnet, behind a security group open to the internet on a port (inline rules).
func devWithBastion(t *testing.T, port float64) (e *stackstate.Export, sg, vm stackstate.Resource) {
	e = fixtures.Plan(t, "dev")
	var public string
	for _, r := range e.Deployment.Resources {
		if r.Type == contract.TypeSubnet && query.Tier(&r) == contract.Public {
			public = r.ID
			break
		}
	}
	require.NotEmpty(t, public)
	sg = stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::" + contract.TypeSecurityGroup + "::bastion", Custom: true, ID: "sg-bastion", Type: contract.TypeSecurityGroup,
		Inputs: map[string]any{"ingress": []any{map[string]any{"protocol": "tcp", "fromPort": port, "toPort": port, "cidrBlocks": []any{"0.0.0.0/0"}}}}}
	vm = stackstate.Resource{URN: "urn:pulumi:dev::secure-vpc::" + contract.TypeInstance + "::bastion", Custom: true, ID: "i-bastion", Type: contract.TypeInstance,
		Inputs: map[string]any{"subnetId": public, "associatePublicIpAddress": true, "vpcSecurityGroupIds": []any{"sg-bastion"}}}
	e.Deployment.Resources = append(e.Deployment.Resources, sg, vm)
	return e, sg, vm
}

// The rows on an instance: the audit sees it and its group. On 22 the public tier's
// network ACL blocks the path, but the group open to the world fails EDGE-02; on 3389 (the ACL's
// return range) the internet reaches it and REACH-01 fails too. The diff from dev reports the new
// host and the open rule as widening.
func TestAnInstanceOpenToTheInternet(t *testing.T) {
	e, sg, vm := devWithBastion(t, 22)
	path := writeExport(t, e)
	code, out, _ := runCLI(t, "audit", "-state", path)
	assert.Equal(t, cli.ExitFailed, code, "not a pass")
	assert.Contains(t, strings.Split(out, "\n")[1], "failed: EDGE-02", "in the verdict, first")
	assert.Contains(t, out, "coverage: ", "the instance and its group are evaluated")
	assert.Contains(t, out, ", 0 not evaluated")
	assert.Contains(t, out, sg.URN+": admits 0.0.0.0/0 into bastion, which is not a BFF load balancer's group")
	assert.Contains(t, out, "PASS REACH-01", "the public network ACL admits no 22 from the internet")

	code, diff, _ := runCLI(t, "diff", "-before", recordedPlan("dev"), "-after", path)
	assert.Equal(t, cli.ExitFailed, code, "the change widens access")
	assert.Contains(t, diff, "+ instance bastion (public address) is added")
	assert.Contains(t, diff, "+ rule bastion: tcp 22 from 0.0.0.0/0 admits the internet")

	e, _, _ = devWithBastion(t, 3389)
	path = writeExport(t, e)
	code, out, _ = runCLI(t, "audit", "-state", path)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, strings.Split(out, "\n")[1], "failed: EDGE-02, REACH-01")
	assert.Contains(t, out, vm.URN+": the internet can reach it on tcp 3389")
	code, diff, _ = runCLI(t, "diff", "-before", recordedPlan("dev"), "-after", path)
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, diff, "+ internet -> instance bastion tcp 3389 becomes reachable")
}

// Resources the audit does not model (a Lambda function, a launch template, an instance that
// launches into the default VPC) make the verdict not a pass, naming them, in every format; the
// diff from dev reports them as changes that may widen access.
func TestResourcesTheAuditCannotJudge(t *testing.T) {
	e := fixtures.Plan(t, "dev")
	fn := stackstate.Resource{URN: "urn:pulumi:dev::other::aws:lambda/function:Function::worker", Custom: true, ID: "worker", Type: "aws:lambda/function:Function"}
	vm := stackstate.Resource{URN: "urn:pulumi:dev::other::" + contract.TypeInstance + "::stray", Custom: true, ID: "i-stray", Type: contract.TypeInstance,
		Inputs: map[string]any{"instanceType": "t3.micro"}}
	e.Deployment.Resources = append(e.Deployment.Resources, fn, vm)
	path := writeExport(t, e)

	code, out, _ := runCLI(t, "audit", "-state", path)
	assert.Equal(t, cli.ExitFailed, code, "not a pass")
	assert.Contains(t, strings.Split(out, "\n")[1], "2 resource(s) not evaluated, so this is not a pass", "in the verdict, first")
	assert.Contains(t, out, "not evaluated: "+fn.URN+" (a Lambda function")
	assert.Contains(t, out, "not evaluated: "+vm.URN+" (an EC2 instance with no subnet")
	assert.Regexp(t, `aws:lambda/function:Function\s+0\s+1\s+no invariant reads it`, out, "the coverage by type")
	code, js, _ := runCLI(t, "audit", "-state", path, "-format", "json")
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, js, `"passed": false`)
	assert.Contains(t, js, `"notEvaluated": [`)
	assert.Contains(t, js, `"byType": [`)
	code, md, _ := runCLI(t, "audit", "-state", path, "-format", "markdown")
	assert.Equal(t, cli.ExitFailed, code)
	assert.Contains(t, md, "**2 resource(s) not evaluated, so this is not a pass:**")
	assert.Contains(t, md, "| `aws:lambda/function:Function` | 0 | 1 | no invariant reads it |")

	code, diff, _ := runCLI(t, "diff", "-before", recordedPlan("dev"), "-after", path)
	assert.Equal(t, cli.ExitFailed, code, "the change may widen access")
	assert.Contains(t, diff, "+ "+fn.URN+" is not evaluated (a Lambda function")
	code, same, _ := runCLI(t, "diff", "-before", path, "-after", path)
	assert.Equal(t, cli.ExitOK, code)
	assert.Contains(t, same, "no change the audit can see", "no change is claimed only for what was evaluated")

	code, clean, _ := runCLI(t, "audit", "-state", recordedPlan("dev"))
	assert.Equal(t, cli.ExitOK, code, "the committed stack is fully evaluated")
	custom := 0
	for _, r := range fixtures.Plan(t, "dev").Deployment.Resources {
		if r.Custom {
			custom++
		}
	}
	assert.Contains(t, clean, fmt.Sprintf("coverage: %d resources evaluated, 0 not evaluated", custom), "every AWS resource of the stack")
}
