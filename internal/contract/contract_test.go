package contract

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
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

// declared returns the value of every string constant this package declares, by value.
func declared(t *testing.T) map[string]string {
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
				if v := evalString(spec.(*ast.ValueSpec).Values[i], out); v != "" {
					out[name.Name] = v
				}
			}
		}
	}
	byValue := map[string]string{}
	for name, v := range out {
		byValue[v] = name
	}
	return byValue
}

// evalString evaluates a constant string expression of literals, + and earlier constants.
func evalString(e ast.Expr, consts map[string]string) string {
	switch x := e.(type) {
	case *ast.BasicLit:
		s, _ := strconv.Unquote(x.Value)
		return s
	case *ast.Ident:
		return consts[x.Name]
	case *ast.BinaryExpr:
		return evalString(x.X, consts) + evalString(x.Y, consts)
	}
	return ""
}

// kindValues maps each tag that holds a kind to the kind's declared values.
var kindValues = map[string][]string{
	TierTag:       strs(Tiers),
	GroupKindTag:  strs(GroupKinds),
	RoleTag:       {string(TaskRole), string(ExecutionRole)},
	SecretKindTag: strs(SecretKinds),
	DomainTag:     strs(KeyDomains),
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

// tokenShaped matches a resource or function type token (pkg:module/name:Type) or a component
// type token of this project.
var tokenShaped = regexp.MustCompile(`^(aws|tls|pulumi):[a-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+$|^` + Project + `:[a-z]+:[A-Z][A-Za-z]+$`)

// TestNoContractLiteralOutsideContract fails on a string literal, anywhere in the repository but
// this package, that spells a declared tag key or type token, or (outside tests) any type token:
// such a literal is a second declaration, and renaming the first would leave it behind. Tests may
// spell tokens the program never declares (resources of other programs an audit must judge).
func TestNoContractLiteralOutsideContract(t *testing.T) {
	byValue := declared(t)
	root := fixtures.ProjectDir()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || rel == filepath.Join("internal", "contract") || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		isTest := strings.HasSuffix(path, "_test.go")
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			at := rel + ":" + strconv.Itoa(fset.Position(lit.Pos()).Line)
			if name, ok := byValue[s]; ok && isContractValue(s) {
				t.Errorf("%s: literal %q: use contract.%s", at, s, name)
			} else if !isTest && tokenShaped.MatchString(s) {
				t.Errorf("%s: type token literal %q: declare it in internal/contract", at, s)
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
}

// isContractValue reports whether a declared constant's value is a tag key or a type token (the
// values the test forbids elsewhere); kind values such as "public" or "task" are ordinary words.
func isContractValue(s string) bool {
	return slices.Contains(TagKeys, s) && s != NameTag || tokenShaped.MatchString(s) || strings.HasPrefix(s, TypeProviderPrefix)
}
