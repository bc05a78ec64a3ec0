package repo

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
)

// knownActions are the actions the workflows may use, with the inputs each really takes (from
// each action's action.yml). A typo in an action, a version or an input fails here, not in CI.
var knownActions = map[string][]string{
	"actions/checkout@v4":                      {"fetch-depth", "ref", "token", "persist-credentials"},
	"actions/setup-go@v5":                      {"go-version", "go-version-file", "cache", "cache-dependency-path", "check-latest"},
	"actions/cache@v4":                         {"path", "key", "restore-keys"},
	"actions/upload-artifact@v4":               {"name", "path", "retention-days", "if-no-files-found"},
	"actions/github-script@v7":                 {"script", "github-token", "result-encoding"},
	"aws-actions/configure-aws-credentials@v4": {"role-to-assume", "aws-region", "role-session-name", "role-duration-seconds", "audience"},
	"pulumi/actions@v6":                        {"command", "stack-name", "work-dir", "cloud-url", "comment-on-pr", "github-token", "diff", "refresh", "upsert", "secrets-provider", "edit-pr-comment", "expect-no-changes", "policyPacks", "policyPackConfigs"},
	"zaproxy/action-baseline@v0.14.0":          {"target", "rules_file_name", "cmd_options", "fail_action", "allow_issue_writing", "artifact_name", "issue_title", "token", "docker_name"},
}

var localWorkflow = regexp.MustCompile(`^\./\.github/workflows/[a-z-]+\.yml$`)

type workflow struct {
	Name        string         `yaml:"name"`
	On          map[string]any `yaml:"on"`
	Permissions map[string]any `yaml:"permissions"`
	Jobs        map[string]struct {
		RunsOn      string         `yaml:"runs-on"`
		Environment any            `yaml:"environment"` // a name, or {name, url}
		Permissions map[string]any `yaml:"permissions"`
		Uses        string         `yaml:"uses"`
		With        map[string]any `yaml:"with"`
		Needs       any            `yaml:"needs"`
		Steps       []step         `yaml:"steps"`
		Strategy    map[string]any `yaml:"strategy"`
	} `yaml:"jobs"`
}

type step struct {
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]any    `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

func TestWorkflowsParseAndUseRealActions(t *testing.T) {
	dir := filepath.Join(fixtures.ProjectDir(), ".github", "workflows")
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 4, "ci, preview, deploy and deploy-stack")
	usesOIDC := false
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			var wf workflow
			require.NoError(t, yaml.Unmarshal(data, &wf), "valid YAML")
			assert.NotEmpty(t, wf.Name)
			assert.NotEmpty(t, wf.On, "has triggers")
			assert.NotEmpty(t, wf.Permissions, "declares least-privilege permissions")
			require.NotEmpty(t, wf.Jobs)
			for name, job := range wf.Jobs {
				if job.Uses != "" {
					assert.Regexp(t, localWorkflow, job.Uses, "job %s calls a workflow of this repository", name)
					_, err := os.Stat(filepath.Join(fixtures.ProjectDir(), job.Uses))
					assert.NoError(t, err, "job %s calls a workflow that exists", name)
					continue
				}
				assert.NotEmpty(t, job.RunsOn, "job %s", name)
				for _, s := range job.Steps {
					assert.True(t, (s.Uses == "") != (s.Run == ""), "a step either uses an action or runs a command: %+v", s)
					if s.Uses == "" {
						continue
					}
					inputs, known := knownActions[s.Uses]
					require.True(t, known, "job %s uses %s, which is not a known action at a known version", name, s.Uses)
					for in := range s.With {
						assert.Contains(t, inputs, in, "%s takes no input %q", s.Uses, in)
					}
					if strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials") {
						usesOIDC = true
						assert.Contains(t, s.With, "role-to-assume", "AWS access by role assumption")
					}
				}
			}
			text := string(data)
			for _, stored := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "aws-access-key-id", "aws-secret-access-key", "PULUMI_CONFIG_PASSPHRASE"} {
				assert.NotContains(t, text, stored, "no stored keys or passphrases: OIDC and awskms only")
			}
		})
	}
	assert.True(t, usesOIDC)
}

func TestDeployPipelineShape(t *testing.T) {
	read := func(name string) workflow {
		data, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), ".github", "workflows", name))
		require.NoError(t, err)
		var wf workflow
		require.NoError(t, yaml.Unmarshal(data, &wf))
		return wf
	}
	deploy := read("deploy.yml")
	assert.Contains(t, deploy.On, "push")
	assert.Equal(t, "dev", deploy.Jobs["dev"].With["stack"])
	assert.Equal(t, "dast", deploy.Jobs["staging"].Needs, "staging waits for the DAST scan of dev")
	assert.Equal(t, "staging", deploy.Jobs["prod"].Needs, "prod waits for staging")
	assert.Equal(t, "zaproxy/action-baseline@v0.14.0", deploy.Jobs["dast"].Steps[0].Uses)

	stack := read("deploy-stack.yml")
	data, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), ".github", "workflows", "deploy-stack.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "environment: ${{ inputs.stack }}", "each stack deploys through its protected GitHub environment")
	steps := stack.Jobs["deploy"].Steps
	var order []string
	for _, s := range steps {
		order = append(order, s.Uses+s.Run)
	}
	joined := strings.Join(order, "\n")
	assert.Less(t, strings.Index(joined, "securevpc plan"), strings.Index(joined, "pulumi/actions@v6"), "the offline audit runs before pulumi up")
	assert.Less(t, strings.Index(joined, "pulumi/actions@v6"), strings.Index(joined, "securevpc audit -state export.json"), "the deployed stack is audited after")

	preview := read("preview.yml")
	assert.Contains(t, preview.On, "pull_request")
	found := map[string]bool{}
	for _, job := range preview.Jobs {
		for _, s := range job.Steps {
			found["diff"] = found["diff"] || strings.Contains(s.Run, "securevpc diff")
			found["preview"] = found["preview"] || (s.Uses == "pulumi/actions@v6" && s.With["command"] == "preview")
			found["comment"] = found["comment"] || s.Uses == "actions/github-script@v7"
		}
	}
	assert.Equal(t, map[string]bool{"diff": true, "preview": true, "comment": true}, found)

	dependabot, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), ".github", "dependabot.yml"))
	require.NoError(t, err)
	var cfg struct {
		Version int `yaml:"version"`
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
		} `yaml:"updates"`
	}
	require.NoError(t, yaml.Unmarshal(dependabot, &cfg))
	assert.Equal(t, 2, cfg.Version)
	var ecosystems []string
	for _, u := range cfg.Updates {
		ecosystems = append(ecosystems, u.Ecosystem)
	}
	assert.ElementsMatch(t, []string{"gomod", "github-actions"}, ecosystems)
}

// The preview workflow comments the report and the diff even when an invariant fails, and fails
// the job after commenting; the comment fits GitHub's limit of 65,536 characters.
func TestPreviewCommentsThenFails(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), ".github", "workflows", "preview.yml"))
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(data, &wf))
	steps := wf.Jobs["security-report"].Steps
	at := func(pred func(step) bool) int {
		for i, s := range steps {
			if pred(s) {
				return i
			}
		}
		return -1
	}
	plan := at(func(s step) bool {
		return strings.Contains(s.Run, "securevpc plan") && strings.Contains(s.Run, "-format markdown")
	})
	comment := at(func(s step) bool { return strings.HasPrefix(s.Uses, "actions/github-script") })
	fail := at(func(s step) bool { return strings.Contains(s.If, "steps.plan.outputs.code") })
	require.True(t, plan >= 0 && comment >= 0 && fail >= 0, "plan, comment and fail steps")
	assert.Equal(t, "plan", steps[plan].ID)
	assert.Contains(t, steps[plan].Run, "set +e", "the plan step does not stop the job")
	assert.Contains(t, steps[plan].Run, `echo "code=$?" >> "$GITHUB_OUTPUT"`, "it keeps the exit code")
	assert.Less(t, plan, comment)
	assert.Less(t, comment, fail, "the job fails after commenting")
	assert.Contains(t, steps[fail].Run, "exit 1")
	script, _ := steps[comment].With["script"].(string)
	assert.Contains(t, script, "65536", "the comment is cut to GitHub's limit")
	assert.Contains(t, script, "plan-errors.txt", "a plan that cannot be built is commented too")
}

// readsState reports whether a step reads a stack's state: the Pulumi action (preview, up),
// a pulumi command (login, stack export), or AWS credentials, which only such jobs need.
func readsState(s step) bool {
	return strings.HasPrefix(s.Uses, "pulumi/actions") || strings.HasPrefix(s.Uses, "aws-actions/configure-aws-credentials") ||
		regexp.MustCompile(`(^|\n)\s*pulumi `).MatchString(s.Run)
}

// approvalEnvironments are the GitHub environments the README's "Deploying from CI" set-up list
// gives required reviewers: the backquoted names of the clause that says so.
func approvalEnvironments(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), "README.md"))
	require.NoError(t, err)
	_, section, found := strings.Cut(string(data), "\n## Deploying from CI\n")
	require.True(t, found, "the README has a section Deploying from CI")
	section, _, _ = strings.Cut(section, "\n## ")
	_, item, found := strings.Cut(section, "**GitHub environments**")
	require.True(t, found, "the set-up list names the GitHub environments")
	item, _, _ = strings.Cut(item, "\n3. ")
	var out []string
	for _, clause := range strings.Split(strings.Join(strings.Fields(item), " "), ";") {
		if strings.Contains(clause, "required reviewers") {
			for _, m := range regexp.MustCompile("`([a-z-]+)`").FindAllStringSubmatch(clause, -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// A pull request reads a staging or prod state only in a job whose GitHub environment requires
// approval (the README says which do), while dev's preview and the offline report of every stack
// stay automatic; only the jobs that read state may ask for an OIDC token.
func TestStatePreviewsWaitForApproval(t *testing.T) {
	approval := approvalEnvironments(t)
	assert.Subset(t, approval, []string{"staging", "prod", "preview-staging", "preview-prod"}, "the README gives these environments required reviewers")
	assert.NotContains(t, approval, "preview-dev", "dev's previews stay automatic")

	data, err := os.ReadFile(filepath.Join(fixtures.ProjectDir(), ".github", "workflows", "preview.yml"))
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(data, &wf))
	assert.NotContains(t, wf.Permissions, "id-token", "no job gets an OIDC token unless it reads state")

	previewed := map[string]bool{}
	for name, job := range wf.Jobs {
		stacks := []string{}
		if m, ok := job.Strategy["matrix"].(map[string]any); ok {
			for _, s := range m["stack"].([]any) {
				stacks = append(stacks, s.(string))
			}
		}
		if !slices.ContainsFunc(job.Steps, readsState) {
			assert.Nil(t, job.Environment, "job %s reads no state and waits for no one", name)
			assert.NotContains(t, job.Permissions, "id-token", "job %s reads no state and needs no AWS access", name)
			continue
		}
		env, _ := job.Environment.(string)
		if m, ok := job.Environment.(map[string]any); ok {
			env, _ = m["name"].(string)
		}
		require.NotEmpty(t, env, "job %s reads a stack's state outside a GitHub environment", name)
		require.NotEmpty(t, stacks, "job %s names its stacks in its matrix", name)
		assert.Equal(t, "write", job.Permissions["id-token"], "job %s assumes its environment's preview role", name)
		for _, stack := range stacks {
			resolved := strings.ReplaceAll(env, "${{ matrix.stack }}", stack)
			assert.Equal(t, "preview-"+stack, resolved, "job %s previews %s in its own environment", name, stack)
			assert.Equal(t, stack != "dev", slices.Contains(approval, resolved),
				"job %s reads the %s state in %s: staging and prod need approval, dev does not", name, stack, resolved)
			previewed[stack] = true
		}
	}
	assert.Equal(t, map[string]bool{"dev": true, "staging": true, "prod": true}, previewed, "every stack gets a real preview")
	assert.NotEmpty(t, wf.Jobs["security-report"].Steps, "the offline report runs for every stack, with no approval")
}

// Every pulumi preview and pulumi up of the workflows runs the policy pack (README, "Policy
// pack"), and the deploy previews with it before its up: the action's up skips the preview, and a
// stack policy judges an update without a preview only once the update is done.
func TestEveryPulumiRunUsesThePolicyPack(t *testing.T) {
	dir := filepath.Join(fixtures.ProjectDir(), ".github", "workflows")
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	require.NoError(t, err)
	runs := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var wf workflow
		require.NoError(t, yaml.Unmarshal(data, &wf))
		for name, job := range wf.Jobs {
			var commands []string
			for _, s := range job.Steps {
				if s.Uses == "pulumi/actions@v6" && (s.With["command"] == "preview" || s.With["command"] == "up") {
					runs++
					commands = append(commands, s.With["command"].(string))
					assert.Equal(t, "policypack", s.With["policyPacks"], "%s %s: pulumi %s runs the policy pack", filepath.Base(f), name, s.With["command"])
				}
				for _, cmd := range []string{"pulumi preview", "pulumi up"} {
					if strings.Contains(s.Run, cmd) {
						runs++
						assert.Contains(t, s.Run, "--policy-pack policypack", "%s %s: %s runs the policy pack", filepath.Base(f), name, cmd)
					}
				}
			}
			if i := slices.Index(commands, "up"); i >= 0 {
				assert.Contains(t, commands[:i], "preview", "%s %s: a preview with the pack comes before up", filepath.Base(f), name)
			}
		}
	}
	assert.GreaterOrEqual(t, runs, 3, "the PR preview, the deploy's preview and its up")
}
