package platform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
)

// goldenWiring is a service's task contract as the golden files record it: every variable by
// name with where it comes from, and the stores its task role is granted.
type goldenWiring struct {
	Environment map[string]goldenVar `json:"environment"`
	Secrets     map[string]goldenVar `json:"secrets"`
	Databases   []string             `json:"databases,omitempty"` // database: user
	Buckets     []string             `json:"buckets,omitempty"`   // bucket: read, write
}

type goldenVar struct {
	From    string `json:"from"`
	Value   string `json:"value,omitempty"`   // an environment variable the config decides
	Output  string `json:"output,omitempty"`  // <store>.<output>: known once the store exists
	Secret  string `json:"secret,omitempty"`  // <kind>/<name> of the vault secret
	JSONKey string `json:"jsonKey,omitempty"` // the key of the secret's JSON value
}

func golden(w platform.ServiceWiring) goldenWiring {
	g := goldenWiring{Environment: map[string]goldenVar{}, Secrets: map[string]goldenVar{}}
	for _, v := range w.Variables {
		switch {
		case v.IsSecret():
			g.Secrets[v.Name] = goldenVar{From: v.From, Secret: string(v.Secret.Kind) + "/" + v.Secret.Name, JSONKey: v.Secret.JSONKey}
		case v.Output != platform.StoreOutput{}:
			g.Environment[v.Name] = goldenVar{From: v.From, Output: v.Output.Store + "." + string(v.Output.Attr)}
		case v.Revision:
			g.Environment[v.Name] = goldenVar{From: v.From, Output: "digest of its secrets' versions"}
		default:
			g.Environment[v.Name] = goldenVar{From: v.From, Value: v.Value}
		}
	}
	for _, d := range w.Databases {
		g.Databases = append(g.Databases, d.Database+": "+d.User)
	}
	for _, b := range w.Buckets {
		access := map[[2]bool]string{{true, false}: "read", {false, true}: "write", {true, true}: "read, write"}[[2]bool{b.Read, b.Write}]
		g.Buckets = append(g.Buckets, b.Bucket+": "+access)
	}
	return g
}

// TestTaskContractIsPinned compares the task contract of every service of every committed stack
// (its variables, where each comes from, and its grants) with testdata/wiring-<stack>.json, and
// checks it against the README's table "What a task receives": every name the table promises is
// given, and no task receives a name the table does not promise. The contract is computed from
// the Spec alone, without running the program.
// After an intended change: go test ./platform -run TestTaskContractIsPinned -update
func TestTaskContractIsPinned(t *testing.T) {
	t.Parallel()
	promised := readmeTaskTable(t)
	var names []string
	for _, p := range promised {
		names = append(names, p.name)
	}
	// What the table promised when this test was written: a row may be added, none may go but
	// DB_<DB>_MASTER_SECRET_ARN, which issue 12 took from the owner (only the database's migration
	// task reads the master secret: TestMigrationContractIsPinned); IDENTITY_SIGNING_KEY, a private
	// key, became IDENTITY_SIGNING_KEY_ARN: the key is in KMS.
	assert.NotContains(t, names, "DB_<DB>_MASTER_SECRET_ARN", "no service is told where the master secret is")
	assert.Subset(t, names, []string{"TLS_CERTIFICATE", "TLS_PRIVATE_KEY", "TLS_CA_CERTIFICATE", "IDENTITY_VERIFICATION_KEY", "IDENTITY_SIGNING_KEY_ARN",
		"APP_<SECRET>", "DB_<DB>_HOST", "DB_<DB>_PORT", "DB_<DB>_NAME", "DB_<DB>_IAM_USER",
		"CACHE_<CACHE>_AUTH_TOKEN", "CACHE_<CACHE>_HOST", "CACHE_<CACHE>_PORT", "BUCKET_<BUCKET>", "<CALLEE>_URL",
		"SERVICE_NAME", "SERVICE_DNS", "PORT", "ENVIRONMENT"})
	for _, stack := range testkit.Stacks {
		t.Run(stack, func(t *testing.T) {
			spec, err := platform.Load(testkit.Source(t, stack))
			require.NoError(t, err)
			got := map[string]goldenWiring{}
			wirings := map[string]platform.ServiceWiring{}
			for name := range spec.Services {
				wirings[name] = platform.WireService(spec, name)
				got[name] = golden(wirings[name])
			}

			assertGolden(t, filepath.Join("testdata", "wiring-"+stack+".json"), got, "the task contract of %s changed: tasks would receive other variables", stack)

			t.Run("every name the README promises is given, and only those", func(t *testing.T) {
				matched := map[string]bool{}
				for name, w := range wirings {
					for _, v := range w.Variables {
						i := slices.IndexFunc(promised, func(p promise) bool { return p.pattern.MatchString(v.Name) })
						if !assert.GreaterOrEqual(t, i, 0, "%s receives %s, which the README's task table does not list", name, v.Name) {
							continue
						}
						p := promised[i]
						matched[p.name] = true
						assert.Equal(t, p.secret, v.IsSecret(), "%s of %s: the README says it comes %s", v.Name, name, map[bool]string{true: "from a secret", false: "in the environment"}[p.secret])
						switch p.only {
						case "BFFs only":
							assert.True(t, spec.Services[name].Public, "%s is given to BFFs only, and %s is not one", v.Name, name)
						case "owner only":
							assert.NotEmpty(t, w.Databases, "%s is given to a database's owner only, and %s owns none", v.Name, name)
						case "called services only":
							assert.True(t, slices.ContainsFunc(sortedKeys(spec.Services), func(caller string) bool { return slices.Contains(spec.Services[caller].Calls, name) }),
								"%s is given to called services only, and nothing calls %s", v.Name, name)
						}
					}
					for _, p := range promised {
						every := !strings.Contains(p.name, "<") && p.only == ""
						if every || p.only == "all" || (p.only == "BFFs only" && spec.Services[name].Public) {
							assert.True(t, slices.ContainsFunc(w.Variables, func(v platform.TaskVariable) bool { return v.Name == p.name }), "%s does not receive %s", name, p.name)
						}
					}
				}
				for _, p := range promised {
					assert.True(t, matched[p.name], "no service of %s receives %s: the committed stacks should show every row of the README's task table", stack, p.name)
				}
			})
		})
	}
}

// assertGolden compares got, as indented JSON, with the golden file at path (rewritten first with
// -update).
func assertGolden(t *testing.T, path string, got any, msgAndArgs ...any) {
	t.Helper()
	data, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	data = append(data, '\n')
	if *update {
		require.NoError(t, os.WriteFile(path, data, 0o600))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file; run the test with -update once")
	assert.Equal(t, string(want), string(data), msgAndArgs...)
}

// promise is one name of the README's task table, with <PLACEHOLDER>s.
type promise struct {
	name    string
	pattern *regexp.Regexp
	only    string // the row's qualifier in parentheses after the name: "all", "BFFs only", "owner only"
	secret  bool   // whether ECS injects it from a secret: a credential, never in the environment
}

// secretNames are the names of the table that hold credentials, which the README promises
// arrive "through ECS secrets, never in its environment".
// The signing key's ARN is no credential: the key never leaves KMS.
var secretNames = regexp.MustCompile(`^(TLS_|IDENTITY_VERIFICATION_KEY$|APP_)|_AUTH_TOKEN$`)

// readmeTaskTable reads the names of the README's table "What a task receives". A cell such as
// `DB_<DB>_HOST/PORT/NAME/IAM_USER` names DB_<DB>_HOST, DB_<DB>_PORT, DB_<DB>_NAME and
// DB_<DB>_IAM_USER.
func readmeTaskTable(t *testing.T) []promise {
	t.Helper()
	return readmeTable(t, "What a task receives")
}

// readmeTable reads the names of the README's variable table that follows a line starting with
// heading, as readmeTaskTable does.
func readmeTable(t *testing.T, heading string) []promise {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testkit.ProjectDir(), "README.md"))
	require.NoError(t, err)
	_, section, found := strings.Cut(string(data), "\n"+heading)
	require.True(t, found, "the README has no table %q", heading)
	token := regexp.MustCompile("`([A-Z0-9_<>/]+)`( \\(([^)]*)\\))?")
	placeholder := regexp.MustCompile(`<[A-Z]+>`)
	var out []promise
	for _, line := range strings.Split(section, "\n")[1:] {
		if line == "" && out != nil {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "Variable" {
			continue
		}
		for _, m := range token.FindAllStringSubmatch(cells[1], -1) {
			parts := strings.Split(m[1], "/")
			prefix := parts[0][:strings.LastIndex(parts[0], "_")+1]
			for i, part := range parts {
				name := part
				if i > 0 {
					name = prefix + part
				}
				pattern := "^" + placeholder.ReplaceAllString(regexp.QuoteMeta(name), `[A-Z0-9_]+`) + "$"
				// QuoteMeta leaves < and > alone, so placeholders are still there to replace.
				out = append(out, promise{name: name, pattern: regexp.MustCompile(pattern), only: m[3], secret: secretNames.MatchString(name)})
			}
		}
	}
	return out
}
