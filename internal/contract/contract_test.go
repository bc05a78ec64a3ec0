package contract

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/fixtures"
)

// declared returns the name of every string constant this package declares, by value.
func declared(t *testing.T) map[string]string {
	byValue := map[string]string{}
	for name, v := range declaredByName(t) {
		byValue[v] = name
	}
	return byValue
}

// declaredByName returns the value of every string constant this package declares, by name.
func declaredByName(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filepath.Join(fixtures.ProjectDir(), "internal", "contract", "contract.go"), nil, 0)
	require.NoError(t, err)
	out := map[string]string{}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			for i, name := range spec.(*ast.ValueSpec).Names {
				if v, ok := foldString(spec.(*ast.ValueSpec).Values[i], out, nil); ok && v != "" {
					out[name.Name] = v
				}
			}
		}
	}
	return out
}

// kindValues maps each tag that holds a kind to the kind's declared values.
var kindValues = map[string][]string{
	TierTag:       strs(Tiers),
	GroupKindTag:  strs(GroupKinds),
	RoleTag:       {string(TaskRole), string(ExecutionRole)},
	SecretKindTag: strs(SecretKinds),
	DomainTag:     append(strs(KeyDomains), string(IdentityDomain)),
	PurposeTag:    {string(DataPurpose), string(AccessLogsPurpose)},
	SelfSignedTag: {"true"},
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestEveryWrittenTagIsDeclared: every tag a committed stack writes has a declared key and, for a
// tag that holds a kind, a declared value; and every declared key is written somewhere, so the
// list does not rot.
func TestEveryWrittenTagIsDeclared(t *testing.T) {
	written := map[string]bool{}
	for _, stack := range fixtures.Stacks {
		for _, r := range fixtures.Plan(t, stack).Deployment.Resources {
			tags, _ := r.Inputs["tags"].(map[string]any)
			for key, value := range tags {
				written[key] = true
				if !assert.Contains(t, TagKeys, key, "%s: %s writes tag %q, which internal/contract does not declare", stack, r.URN, key) {
					continue
				}
				if values, ok := kindValues[key]; ok {
					assert.Contains(t, values, value, "%s: %s: tag %s=%v is not a declared value", stack, r.URN, key, value)
				}
			}
		}
	}
	for _, key := range TagKeys {
		assert.True(t, written[key], "tag key %q is declared but no committed stack writes it", key)
	}
}

// TestEveryWrittenTypeIsDeclared: every resource type in a committed stack's plan is a declared
// type token, so a reader can name it without a literal.
func TestEveryWrittenTypeIsDeclared(t *testing.T) {
	byValue := declared(t)
	for _, stack := range fixtures.Stacks {
		for _, r := range fixtures.Plan(t, stack).Deployment.Resources {
			_, ok := byValue[r.Type]
			assert.True(t, ok || strings.HasPrefix(r.Type, TypeProviderPrefix), "%s: type %s of %s is not declared in internal/contract", stack, r.Type, r.URN)
		}
	}
}

// tokenShaped matches a resource or function type token (pkg:module/name:Type), one of Pulumi's
// own tokens (pulumi:pulumi:Stack, pulumi:providers:aws), or a component type token of this
// project. An SSE algorithm such as aws:kms:dsse is not a token.
var tokenShaped = regexp.MustCompile(`^(aws|tls|pulumi|random):[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+$|^pulumi:[a-z]+:[A-Za-z0-9]*$|^` + Project + `:[a-z]+:[A-Z][A-Za-z]+$`)

// TestNoContractLiteralOutsideContract fails on a string, anywhere in the repository but this
// package, that spells a declared tag key or type token; outside tests, the project's name or tag
// prefix or any type token; and in the readers (query, policy, report) a declared kind value of
// more than one word ("access-logs", "load-balancer"). Such a string is a second declaration, and renaming the first would leave it
// behind. A string built by concatenating literals and this package's constants counts as
// spelled ("secure-vpc:" + "tier", contract.Project + ":tier"). Tests may spell tokens the
// program never declares (resources of other programs an audit must judge), and URNs.
func TestNoContractLiteralOutsideContract(t *testing.T) {
	byValue, byName := declared(t), declaredByName(t)
	root, err := os.OpenRoot(fixtures.ProjectDir())
	require.NoError(t, err)
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || rel == "internal/contract" || d.Name() == "testdata" {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") {
			return nil
		}
		src, err := root.ReadFile(rel)
		if err != nil {
			return err
		}
		found, err := contractLiterals(rel, src, byValue, byName)
		for _, f := range found {
			t.Error(f)
		}
		return err
	})
	require.NoError(t, err)
}

// TestContractLiteralsCatchesEachKind holds the check above to what it promises, both ways.
func TestContractLiteralsCatchesEachKind(t *testing.T) {
	byValue, byName := declared(t), declaredByName(t)
	cases := []struct {
		file, expr string
		want       string // "" when the expression is fine
	}{
		{"network/x.go", `"secure-vpc:tier"`, "use contract.TierTag"},
		{"network/x.go", `"secure-vpc:" + "tier"`, "use contract.TierTag"},
		{"network/x.go", `contract.Project + ":tier"`, "use contract.TierTag"},
		{"network/x.go", `contract.TierTag`, ""},
		{"network/x.go", `"aws:ec2/vpc:Vpc"`, "use contract.TypeVpc"},
		{"network/x.go", `"aws:sagemaker/notebookInstance:NotebookInstance"`, "declare it in internal/contract"},
		{"network/x_test.go", `"aws:sagemaker/notebookInstance:NotebookInstance"`, ""}, // a foreign resource in a test
		{"network/x_test.go", `"aws:ec2/vpc:Vpc"`, "use contract.TypeVpc"},
		{"network/x.go", `"pulumi:pulumi:Stack"`, "use contract.TypeStack"},
		{"network/x.go", `"pulumi:providers:aws"`, "declare it in internal/contract"},
		{"network/x.go", `"secure-vpc:network:Vpc"`, "use contract.TypeVpcComp"},
		{"platform/x.go", `"secure-vpc"`, "use contract.Project"},
		{"platform/x_test.go", `"secure-vpc"`, ""},
		{"network/x.go", `"aws:kms:dsse"`, ""}, // an SSE algorithm, not a token
		{"policy/x.go", `"access-logs"`, "use contract.AccessLogsPurpose"},
		{"platform/x.go", `"access-logs"`, ""}, // outside the readers, a name
		{"policy/x.go", `"public"`, ""},        // one-word kind values are ordinary words
	}
	for _, tc := range cases {
		src := "package x\n\nvar v = " + tc.expr + "\n"
		found, err := contractLiterals(tc.file, []byte(src), byValue, byName)
		require.NoError(t, err, tc.expr)
		if tc.want == "" {
			assert.Empty(t, found, "%s in %s", tc.expr, tc.file)
		} else if assert.Len(t, found, 1, "%s in %s", tc.expr, tc.file) {
			assert.Contains(t, found[0], tc.want)
		}
	}
}

// contractLiterals returns a finding for each string in a Go file (rel: its path from the project
// root, slash-separated) that TestNoContractLiteralOutsideContract forbids.
func contractLiterals(rel string, src []byte, byValue, byName map[string]string) ([]string, error) {
	isTest := strings.HasSuffix(rel, "_test.go")
	// The readers judge tags by their values: there, a kind's value spelled out is a second
	// declaration. Elsewhere the same words name other things (an ARN's resource type, the
	// access-log bucket's component name).
	isReader := slices.Contains([]string{"query", "policy", "report"}, strings.Split(rel, "/")[0])
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, rel, src, 0)
	if err != nil {
		return nil, err
	}
	var found []string
	check := func(s string, pos token.Pos, how string) {
		at := rel + ":" + strconv.Itoa(fset.Position(pos).Line)
		name, isDeclared := byValue[s]
		switch {
		case isDeclared && isContractValue(s) && (!isTest || s != Project && s != TagPrefix):
			found = append(found, fmt.Sprintf("%s: %s %q: use contract.%s", at, how, s, name))
		case isDeclared && isReader && !isTest && strings.Contains(s, "-") && isKindValue(name):
			found = append(found, fmt.Sprintf("%s: %s %q: use contract.%s", at, how, s, name))
		case !isTest && tokenShaped.MatchString(s):
			found = append(found, fmt.Sprintf("%s: type token %s %q: declare it in internal/contract", at, how, s))
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(x.Value); err == nil && x.Kind == token.STRING {
				check(s, x.Pos(), "literal")
			}
		case *ast.BinaryExpr:
			if s, ok := foldString(x, nil, byName); ok && x.Op == token.ADD {
				check(s, x.Pos(), "string built by concatenation")
				return false // its parts are not second declarations on their own
			}
		}
		return true
	})
	return found, nil
}

// foldString evaluates a constant string expression made of literals, + and this package's
// constants: bare names resolve in bare (inside this package), contract.Name in qualified
// (elsewhere). ok is false for anything else.
func foldString(e ast.Expr, bare, qualified map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(x.Value)
		return s, err == nil && x.Kind == token.STRING
	case *ast.Ident:
		v, ok := bare[x.Name]
		return v, ok
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "contract" {
			v, ok := qualified[x.Sel.Name]
			return v, ok
		}
	case *ast.ParenExpr:
		return foldString(x.X, bare, qualified)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok := foldString(x.X, bare, qualified)
		if !ok {
			return "", false
		}
		b, ok := foldString(x.Y, bare, qualified)
		return a + b, ok
	}
	return "", false
}

// isKindValue reports whether a declared constant is a kind's value (Tier, GroupKind, ...) rather
// than a tag key or token: its name is not a Type*, Func*, *Tag or *Prefix constant.
func isKindValue(name string) bool {
	return !strings.HasPrefix(name, "Type") && !strings.HasPrefix(name, "Func") && !strings.HasSuffix(name, "Tag") &&
		!strings.HasSuffix(name, "Prefix") && name != "Project"
}

// isContractValue reports whether a declared constant's value is a tag key or a type token (the
// values the test forbids elsewhere); kind values such as "public" or "task" are ordinary words.
func isContractValue(s string) bool {
	return slices.Contains(TagKeys, s) && s != NameTag || tokenShaped.MatchString(s) || strings.HasPrefix(s, TypeProviderPrefix) ||
		s == Project || s == TagPrefix
}
