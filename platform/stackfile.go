package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"gopkg.in/yaml.v3"
)

// projectFile is the part of Pulumi.yaml the offline tools read.
type projectFile struct {
	Name   string                    `yaml:"name"`
	Config map[string]map[string]any `yaml:"config"`
}

// stackFile is the part of Pulumi.<stack>.yaml the offline tools read.
type stackFile struct {
	Config map[string]any `yaml:"config"`
}

// offlineSecret stands in for a value that is encrypted in the stack file: the offline tools
// have no secrets provider, and they never need a secret's plaintext.
const offlineSecret = "offline-plan-secret"

// ReadStackFiles builds a stack's config Source from Pulumi.yaml and Pulumi.<stack>.yaml in dir,
// the way the Pulumi CLI would hand it to the program: project defaults first, stack values over
// them, objects as JSON, encrypted values marked secret (with a stand-in value).
func ReadStackFiles(dir, stack string) (Source, error) {
	src := Source{Stack: stack, Values: map[string]string{}, Secret: map[string]bool{}}

	var proj projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return src, err
	}
	if proj.Name != Project {
		return src, fmt.Errorf("%s: project name is %q, expected %q", filepath.Join(dir, "Pulumi.yaml"), proj.Name, Project)
	}
	for key, decl := range proj.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		for _, field := range []string{"default", "value"} {
			if v, ok := decl[field]; ok {
				if err := src.set(full, v); err != nil {
					return src, fmt.Errorf("reading config %s of Pulumi.yaml: %w", key, err)
				}
			}
		}
	}

	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	var sf stackFile
	if err := readYAML(path, &sf); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return src, fmt.Errorf("no stack file %s; stacks here: %s", path, strings.Join(Stacks(dir), ", "))
		}
		return src, err
	}
	for key, v := range sf.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		if err := src.set(full, v); err != nil {
			return src, fmt.Errorf("%s: config %s: %w", path, key, err)
		}
	}
	return src, nil
}

// set records one config value as the CLI would pass it, and which of its entries are encrypted.
func (src *Source) set(key string, v any) error {
	text, secret, err := configText(v)
	if err != nil {
		return err
	}
	src.Values[key], src.Secret[key] = text, secret
	for k := range src.SecretEntries {
		if strings.HasPrefix(k, key+".") {
			delete(src.SecretEntries, k) // a stack value replaces the project default whole
		}
	}
	if m, ok := v.(map[string]any); ok && !isSecureLeaf(m) {
		if src.SecretEntries == nil {
			src.SecretEntries = map[string]bool{}
		}
		for name, e := range m {
			src.SecretEntries[key+"."+name] = isEncrypted(e)
		}
	}
	return nil
}

// isSecureLeaf reports whether a mapping is one encrypted value ({secure: <ciphertext>}), not a
// mapping of entries.
func isSecureLeaf(m map[string]any) bool {
	s, ok := m["secure"].(string)
	return ok && len(m) == 1 && s != ""
}

// isEncrypted reports whether a config value is wholly encrypted: a {secure: ...} value, or a
// mapping or list whose every leaf is one.
func isEncrypted(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if isSecureLeaf(t) {
			return true
		}
		for _, e := range t {
			if !isEncrypted(e) {
				return false
			}
		}
		return len(t) > 0
	case []any:
		for _, e := range t {
			if !isEncrypted(e) {
				return false
			}
		}
		return len(t) > 0
	}
	return false
}

// SecretEntriesOf reads, from the stack file in dir, which entries of each mapping-valued key
// are encrypted. Pulumi hands a Go program only whole keys and marks a key secret when any of its
// entries is, so this is how the program tells an encrypted secretValues entry from a plaintext
// one. It returns nil when the stack file cannot be read (config kept elsewhere).
func SecretEntriesOf(dir, stack string) map[string]bool {
	src := Source{Stack: stack, Values: map[string]string{}, Secret: map[string]bool{}}
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &sf); err != nil {
		return nil
	}
	for key, v := range sf.Config {
		full := key
		if !strings.Contains(key, ":") {
			full = nsKey(key)
		}
		if err := src.set(full, v); err != nil {
			return nil
		}
	}
	if src.SecretEntries == nil {
		return map[string]bool{}
	}
	return src.SecretEntries
}

// Stacks lists the stacks that have a stack file in dir.
func Stacks(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

func readYAML(path string, into any) error {
	data, err := os.ReadFile(path) // #nosec G304 -- project files named by the operator
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		return newYAMLError(path, data, err)
	}
	return nil
}

// A yamlError is a project or stack file that does not parse: where the fault is (the file, the
// line and, when known, the column), the mapping keys it stands under, what is wrong and what to
// do, on one line.
type yamlError struct {
	Path         string
	Line, Column int      // 1-based; 0 when unknown
	Keys         []string // the keys enclosing the fault, outermost first; "[n]" for a list item
	Problem, Fix string
	cause        error // yaml.v3's error
}

func (e *yamlError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
		if e.Column > 0 {
			where += ":" + strconv.Itoa(e.Column)
		}
	}
	under := ""
	switch {
	case len(e.Keys) > 0:
		under = " under " + strings.Join(e.Keys, " > ")
	case e.Line > 0:
		under = " at the top level"
	}
	return fmt.Sprintf("%s: invalid YAML%s: %s; %s", where, under, e.Problem, e.Fix)
}

func (e *yamlError) Unwrap() error { return e.cause }

// yamlLinePrefix is how yaml.v3 starts a message that has a line: "line 4: ...".
var yamlLinePrefix = regexp.MustCompile(`^line (\d+): `)

// newYAMLError explains a yaml.v3 error on data. yaml.v3 stays the parser of record (the Pulumi CLI
// reads stack files with it), but its syntax errors name the line of the enclosing construct, not
// the line at fault; goccy/go-yaml re-parses the same bytes only to find that line, the column and
// the reason. yaml.v3's decoding errors (a duplicate key, a value of the wrong kind) already name
// the right line, so they keep their line and wording.
func newYAMLError(path string, data []byte, err error) *yamlError {
	e := &yamlError{Path: path, cause: err}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var typeErr *yaml.TypeError
	decoding := errors.As(err, &typeErr) && len(typeErr.Errors) > 0
	if decoding {
		msg = typeErr.Errors[0] // the first is the root cause; the others follow from the same reading
	}
	if m := yamlLinePrefix.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	e.Problem, e.Fix = explainYAML(msg)
	if line, col, problem, fix, ok := locateYAMLFault(data); ok {
		switch {
		case !decoding:
			e.Line, e.Column, e.Problem, e.Fix = line, col, problem, fix
		case line == e.Line:
			e.Column = col
		}
	}
	e.Problem = strings.NewReplacer("\t", `\t`, "\r", `\r`, "\n", " ").Replace(e.Problem)
	e.Keys = yamlKeyPath(data, e.Line)
	return e
}

// locateYAMLFault re-parses data with goccy/go-yaml and returns where and why it fails, if it does
// and says where. It only explains a refusal, so a panic in it is no fault found.
func locateYAMLFault(data []byte) (line, col int, problem, fix string, ok bool) {
	defer func() {
		if recover() != nil {
			line, col, problem, fix, ok = 0, 0, "", "", false
		}
	}()
	_, err := goccyparser.ParseBytes(data, 0)
	var gerr goccy.Error
	if !errors.As(err, &gerr) || gerr.GetToken() == nil || gerr.GetToken().Position.Line < 1 {
		return 0, 0, "", "", false
	}
	tok := gerr.GetToken()
	line, col, problem = tok.Position.Line, tok.Position.Column, gerr.GetMessage()
	lines := strings.Split(string(data), "\n")
	switch {
	case strings.Contains(problem, "']' must be specified") || strings.Contains(problem, "'}' must be specified"):
		// goccy stops where the closing bracket was due; the fault is the bracket left open.
		opening, closing := byte('['), byte(']')
		if strings.Contains(problem, "'}'") {
			opening, closing = '{', '}'
		}
		if l, c, found := unclosedBracket(lines, line, opening, closing); found {
			return l, c, fmt.Sprintf("this %q is never closed (%s)", opening, problem),
				fmt.Sprintf("close it with %q and separate its items with ','", closing), true
		}
	case strings.HasPrefix(problem, "mapping value is not allowed"):
		if text := strings.TrimSpace(tok.Origin); strings.Contains(text, "\n") {
			// a plain value that runs on to the next lines, then a ':': the last of those lines is
			// a key indented deeper than the value above it
			line += strings.Count(text, "\n")
			if line <= len(lines) {
				indent := len(lines[line-1]) - len(strings.TrimLeft(lines[line-1], " \t"))
				return line, indent + 1, "a key indented deeper than the value above it (" + problem + ")",
					"indent it like the key above it, with spaces", true
			}
		}
		return line, col, problem, "quote a value that holds ': ' (for example \"a: b\"), or start the nested mapping on its own line", true
	}
	problem, fix = explainYAML(problem)
	return line, col, problem, fix, true
}

// explainYAML rewrites a parser's message in the stack file's terms and says how to fix it.
func explainYAML(problem string) (string, string) {
	if m := yamlTypeMessage.FindStringSubmatch(problem); m != nil {
		got := map[string]string{"seq": "a list", "map": "a mapping", "str": "the string %q", "int": "the number %s",
			"float": "the number %s", "bool": "the boolean %s", "null": "an empty value"}[m[1]]
		if got == "" {
			got = "a " + m[1]
		}
		if strings.Contains(got, "%") {
			got = fmt.Sprintf(got, m[2])
		}
		want := "a single value"
		switch {
		case strings.HasPrefix(m[3], "map["), strings.HasPrefix(m[3], "platform."):
			want = "a mapping of keys to values"
		case strings.HasPrefix(m[3], "[]"):
			want = "a list"
		}
		return fmt.Sprintf("got %s where %s is expected", got, want), "write " + want + " there"
	}
	for _, f := range []struct{ says, fix string }{
		{"\t", "indent with spaces, not tabs"},
		{"tab", "indent with spaces, not tabs"},
		{"already defined", "remove the repeated key or rename it"},
		{"double-quoted", "close the quote on that line"},
		{"single-quoted", "close the quote on that line"},
		{"unexpected key name", "put ': ' between the key and its value"},
		{"']'", "close the list with ']'"},
		{"'}'", "close the mapping with '}'"},
	} {
		if strings.Contains(problem, f.says) {
			return problem, f.fix
		}
	}
	return problem, "fix the indentation or syntax on that line (a key is followed by ': ' and its value; a nested key is indented deeper than its parent, with spaces)"
}

// yamlTypeMessage is yaml.v3's message for a value of the wrong kind, e.g.
// "cannot unmarshal !!str `dev` into map[string]interface {}".
var yamlTypeMessage = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `([^`]*)`)? into (.+)$")

// unclosedBracket finds, on line from (1-based) and the lines above it, the nearest opening
// bracket that no closing one on its line matches, outside quotes and comments.
func unclosedBracket(lines []string, from int, opening, closing byte) (line, col int, ok bool) {
	for l := min(from, len(lines)); l >= 1; l-- {
		var open []int
		text := stripYAMLComment(lines[l-1])
		var quote byte
		for i := 0; i < len(text); i++ {
			switch c := text[i]; {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == opening:
				open = append(open, i)
			case c == closing && len(open) > 0:
				open = open[:len(open)-1]
			}
		}
		if len(open) > 0 {
			return l, open[len(open)-1] + 1, true
		}
	}
	return 0, 0, false
}

// yamlKeyPath names the keys that enclose line n (1-based) of a YAML text, outermost first, and
// the key on line n itself when it has one. The text did not parse, so this reads it as a person
// would, by indentation: a key with nothing after it opens a mapping or list, a "- " item is "[i]",
// a key with a value on its line encloses nothing; comments, blank lines and the text of block
// scalars (| and >) are passed over.
func yamlKeyPath(data []byte, n int) []string {
	type open struct {
		indent int
		name   string
		item   bool
		index  int
	}
	var stack []open
	lines := strings.Split(string(data), "\n")
	blockIndent := -1 // the indent of the key whose block scalar is being read; -1 outside one
	for i := 0; i < n && i < len(lines); i++ {
		indent, rest := yamlIndent(lines[i])
		rest = stripYAMLComment(rest)
		if rest == "" || (blockIndent >= 0 && indent > blockIndent) {
			continue
		}
		blockIndent = -1
		if rest == "---" || rest == "..." {
			stack = nil
			continue
		}
		isItem := rest == "-" || strings.HasPrefix(rest, "- ")
		next := 0
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if top.indent < indent || (top.indent == indent && isItem && !top.item) {
				break // a parent, or a key whose list is written at the key's own indent
			}
			if top.item && top.indent == indent && isItem {
				next = top.index + 1
			}
			stack = stack[:len(stack)-1]
		}
		for rest == "-" || strings.HasPrefix(rest, "- ") {
			stack = append(stack, open{indent: indent, name: "[" + strconv.Itoa(next) + "]", item: true, index: next})
			next = 0
			after := strings.TrimLeft(rest[1:], " ")
			indent += len(rest) - len(after)
			rest = after
		}
		key, value, ok := splitYAMLKey(rest)
		if !ok {
			continue
		}
		if i == n-1 || value == "" || ((value[0] == '&' || value[0] == '!') && !strings.Contains(value, " ")) {
			stack = append(stack, open{indent: indent, name: key})
		}
		if value != "" && strings.Trim(value, "|>-+0123456789") == "" && strings.ContainsAny(value[:1], "|>") {
			blockIndent = indent
		}
	}
	names := make([]string, len(stack))
	for i, o := range stack {
		names[i] = o.name
	}
	if len(names) == 0 {
		return nil
	}
	return names
}

// yamlIndent splits a line into its indentation, in columns (a tab reaching the next multiple of
// 8, as a terminal shows it), and the rest.
func yamlIndent(line string) (int, string) {
	indent := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			indent++
		case '\t':
			indent += 8 - indent%8
		default:
			return indent, strings.TrimRight(line[i:], " \t\r")
		}
	}
	return indent, ""
}

// stripYAMLComment drops a comment ("#" at the start or after white space, outside quotes) and
// the white space before it.
func stripYAMLComment(text string) string {
	var quote byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,:", text[i-1]) >= 0):
			quote = c
		case c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
			return strings.TrimRight(text[:i], " \t")
		}
	}
	return strings.TrimRight(text, " \t\r")
}

// splitYAMLKey splits "key: value" (or "key:") into the key and the value. Keys hold colons
// (secure-vpc:services), so a plain key ends at the first ": ", or at a ':' that ends the line; a
// quoted key ends at its closing quote.
func splitYAMLKey(text string) (key, value string, ok bool) {
	if text == "" {
		return "", "", false
	}
	if q := text[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(text[1:], q)
		if end < 0 {
			return "", "", false
		}
		key, rest := text[1:end+1], strings.TrimLeft(text[end+2:], " ")
		if rest == ":" || strings.HasPrefix(rest, ": ") {
			return key, strings.TrimSpace(rest[1:]), true
		}
		return "", "", false
	}
	if strings.ContainsAny(text[:1], "[{?#|>") {
		return "", "", false
	}
	if i := strings.Index(text, ": "); i > 0 {
		return strings.TrimRight(text[:i], " "), strings.TrimSpace(text[i+2:]), true
	}
	if strings.HasSuffix(text, ":") && len(text) > 1 {
		return strings.TrimRight(text[:len(text)-1], " "), "", true
	}
	return "", "", false
}

// configText renders a config value as Pulumi passes it to programs: scalars as text, objects
// and lists as JSON. Encrypted ({secure: ...}) values, at any depth, become a stand-in and mark
// the whole key secret.
func configText(v any) (string, bool, error) {
	secret := false
	var walk func(any) any
	walk = func(x any) any {
		switch t := x.(type) {
		case map[string]any:
			if s, ok := t["secure"].(string); ok && len(t) == 1 && s != "" {
				secret = true
				return offlineSecret
			}
			out := make(map[string]any, len(t))
			for k, e := range t {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		}
		return x
	}
	w := walk(v)
	switch t := w.(type) {
	case string:
		return t, secret, nil
	case map[string]any, []any:
		data, err := json.Marshal(t)
		if err != nil {
			return "", false, err
		}
		return string(data), secret, nil
	case nil:
		return "", secret, nil
	}
	return fmt.Sprint(w), secret, nil
}
