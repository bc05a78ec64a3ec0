package platform

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	goccy "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"gopkg.in/yaml.v3"
)

// Locating a YAML fault: yaml.v3 (what the Pulumi CLI reads stack files with) decides whether a
// file parses; when it does not, this file says where and how to fix it, in one line.

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
	e.Keys = yamlKeyPath(data, e.Line)
	if f, ok := locateYAMLFault(data); ok {
		switch {
		case !decoding:
			e.Line, e.Column, e.Keys, e.Problem, e.Fix = f.Line, f.Column, f.Keys, f.Problem, f.Fix
		case f.Line == e.Line:
			e.Column = f.Column
		}
	}
	e.Problem = strings.NewReplacer("\t", `\t`, "\r", `\r`, "\n", " ").Replace(e.Problem)
	return e
}

// locateYAMLFault re-parses data with goccy/go-yaml and says where and why it fails (Line, Column,
// Keys, Problem, Fix), if it does and says where. goccy stops where the text stops making sense,
// which can be after the line at fault: a quote or a bracket left open is found where it opens,
// and a line indented unlike its neighbours is found by re-indenting it (its keys are then read
// as if it were). It only explains a refusal, so a panic in it is no fault found.
func locateYAMLFault(data []byte) (f yamlError, ok bool) {
	defer func() {
		if recover() != nil {
			f, ok = yamlError{}, false
		}
	}()
	_, err := goccyparser.ParseBytes(data, 0)
	var gerr goccy.Error
	if !errors.As(err, &gerr) || gerr.GetToken() == nil || gerr.GetToken().Position.Line < 1 {
		return f, false
	}
	tok := gerr.GetToken()
	f.Line, f.Column, f.Problem = tok.Position.Line, tok.Position.Column, gerr.GetMessage()
	lines := strings.Split(string(data), "\n")
	found := func(line, col int, problem, fix string) (yamlError, bool) {
		return yamlError{Line: line, Column: col, Keys: yamlKeyPath(data, line), Problem: problem, Fix: fix}, true
	}
	if l, c, closed := openQuote(lines, f.Line); l > 0 {
		if closed == 0 {
			return found(l, c, "this quote is never closed", "close the quote on that line")
		}
		return found(l, c, fmt.Sprintf("this quote is closed only on line %d, so the lines between are read as its text", closed),
			"close the quote on that line")
	}
	indentation := strings.HasPrefix(f.Problem, "value is not allowed in this context")
	switch {
	case strings.Contains(f.Problem, "']' must be specified") || strings.Contains(f.Problem, "'}' must be specified"):
		opening, closing := byte('['), byte(']')
		if strings.Contains(f.Problem, "'}'") {
			opening, closing = '{', '}'
		}
		if l, c, ok := unclosedBracket(lines, f.Line, opening, closing); ok {
			return found(l, c, fmt.Sprintf("this %q is never closed (%s)", opening, f.Problem),
				fmt.Sprintf("close it with %q and separate its items with ','", closing))
		}
	case strings.HasPrefix(f.Problem, "mapping value is not allowed"):
		text := strings.TrimSpace(tok.Origin)
		if !strings.Contains(text, "\n") {
			return found(f.Line, f.Column, f.Problem, "quote a value that holds ': ' (for example \"a: b\"), or start the nested mapping on its own line")
		}
		// a plain value that runs on to the next lines, then a ':': the last of those lines is a
		// key indented deeper than the value above it
		f.Line += strings.Count(text, "\n")
		f.Problem, f.Column, indentation = "a key indented deeper than the value above it ("+f.Problem+")", yamlColumn(lines, f.Line), true
	}
	if indentation {
		if l, indent, ok := reindentFault(lines, f.Line); ok {
			problem := f.Problem
			if l != f.Line {
				problem = fmt.Sprintf("the lines after it do not fit its indentation (line %d: %s)", f.Line, f.Problem)
			}
			f, _ = found(l, yamlColumn(lines, l), problem, fmt.Sprintf("indent it by %d spaces, like the lines around it", indent))
			edited := slices.Clone(lines)
			edited[l-1] = strings.Repeat(" ", indent) + strings.TrimLeft(lines[l-1], " ")
			f.Keys = yamlKeyPath([]byte(strings.Join(edited, "\n")), l) // the keys it stands under once fixed
			return f, true
		}
	}
	problem, fix := explainYAML(f.Problem)
	return found(f.Line, f.Column, problem, fix)
}

// yamlColumn is the 1-based column of the first character of line n (1-based) after its indent.
func yamlColumn(lines []string, n int) int {
	if n < 1 || n > len(lines) {
		return 0
	}
	return len(lines[n-1]) - len(strings.TrimLeft(lines[n-1], " \t")) + 1
}

// reindentFault finds the one line, among the fault line and the 30 lines above it, that makes the
// file parse (with yaml.v3 and with goccy) once given another of the indents the file uses, and
// that indent. The nearest such line wins, unless one further up is indented off the file's step
// (3 spaces where the file indents by 2) while the nearest is not. The indent tried first is the
// nearest to the line's, the deeper of two. Lines indented with tabs are left to the tab message.
func reindentFault(lines []string, fault int) (line, indent int, ok bool) {
	var indents []int
	steps := map[int]int{} // how often the file indents a line deeper than the one before it by n
	previous := 0
	for _, l := range lines {
		n, rest := yamlIndent(l)
		if rest == "" || rest[0] == '#' || strings.ContainsRune(l[:len(l)-len(strings.TrimLeft(l, " \t"))], '\t') {
			continue
		}
		if !slices.Contains(indents, n) {
			indents = append(indents, n)
		}
		if n > previous {
			steps[n-previous]++
		}
		previous = n
	}
	blockText, underBlock := yamlBlockText(lines)
	step := 2
	for n, count := range steps {
		if count > steps[step] || (count == steps[step] && n < step) {
			step = n
		}
	}
	for c := min(fault, len(lines)); c >= 1 && c >= fault-30; c-- {
		text := strings.TrimLeft(lines[c-1], " ")
		current := len(lines[c-1]) - len(text)
		if text == "" || text[0] == '#' || text[0] == '\t' || (ok && current%step == 0) {
			continue
		}
		sort.Slice(indents, func(i, j int) bool {
			di, dj := abs(indents[i]-current), abs(indents[j]-current)
			return di < dj || (di == dj && indents[i] > indents[j])
		})
		_, value, isKey := splitYAMLKey(text)
		// a line under a block scalar's key, not as deep as its text, is the text's unless it opens
		// a mapping or list of its own
		isKey = isKey && !blockText[c-1] && (!underBlock[c-1] || value == "")
		below := -1 // a key that opens a mapping or list keeps what is nested under it so
		for d := c + 1; isKey && value == "" && d <= len(lines); d++ {
			if n, rest := yamlIndent(lines[d-1]); rest != "" && rest[0] != '#' && !blockText[d-1] {
				if n > current {
					below = n
				}
				break
			}
		}
		for _, n := range indents {
			edited := slices.Clone(lines)
			edited[c-1] = strings.Repeat(" ", n) + text
			if n != current && (below < 0 || n < below) && yamlParses([]byte(strings.Join(edited, "\n")), c, isKey) {
				if ok || current%step != 0 {
					return c, n, true
				}
				line, indent, ok = c, n, true
				break
			}
		}
	}
	return line, indent, ok
}

// yamlParses says whether both parsers read text; with node, line c must start a node of its own
// (a key re-indented must stay a key, not become the text of a scalar above it).
func yamlParses(text []byte, c int, node bool) bool {
	var doc yaml.Node
	var v any
	if _, err := goccyparser.ParseBytes(text, 0); err != nil || yaml.Unmarshal(text, &doc) != nil || doc.Decode(&v) != nil {
		return false
	}
	var starts func(*yaml.Node) bool
	starts = func(n *yaml.Node) bool {
		return n.Line == c || slices.ContainsFunc(n.Content, starts)
	}
	return !node || starts(&doc)
}

// abs is the absolute value of n.
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// openQuote finds a quoted value, opened on a line before line fault (1-based), that is not
// closed on its line: its line and column, and the line that closes it (0 when none does).
// Stack files hardly ever hold a quoted value over several lines, so one before a fault is the
// likely cause.
func openQuote(lines []string, fault int) (line, col, closed int) {
	blockText, _ := yamlBlockText(lines)
	for l := 1; l < fault && l <= len(lines); l++ {
		indent, rest := yamlIndent(lines[l-1])
		if blockText[l-1] {
			continue
		}
		_, _, rest = yamlItems(indent, rest)
		if _, value, ok := splitYAMLKey(rest); ok {
			rest = value
		}
		if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
			continue
		}
		c := len(lines[l-1]) - len(rest) + 1
		if closingQuote(rest[1:], rest[0]) >= 0 {
			continue
		}
		for e := l + 1; e <= len(lines); e++ {
			if closingQuote(lines[e-1], rest[0]) >= 0 {
				return l, c, e
			}
		}
		return l, c, 0
	}
	return 0, 0, 0
}

// closingQuote is the index in text of the quote q that closes a quoted value (” and \" do not).
func closingQuote(text string, q byte) int {
	for i := 0; i < len(text); i++ {
		switch {
		case q == '"' && text[i] == '\\':
			i++
		case text[i] == q && q == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case text[i] == q:
			return i
		}
	}
	return -1
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
		{"non-map value", "put ': ' between the key and its value"},
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
		eachUnquoted(text, func(i int) bool {
			switch {
			case text[i] == opening:
				open = append(open, i)
			case text[i] == closing && len(open) > 0:
				open = open[:len(open)-1]
			}
			return true
		})
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
	blockText, _ := yamlBlockText(lines)
	for i := 0; i < n && i < len(lines); i++ {
		indent, rest := yamlIndent(lines[i])
		rest = stripYAMLComment(rest)
		if rest == "" || blockText[i] {
			continue
		}
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
		items, indent, rest := yamlItems(indent, rest)
		for _, at := range items {
			stack = append(stack, open{indent: at, name: "[" + strconv.Itoa(next) + "]", item: true, index: next})
			next = 0
		}
		key, value, ok := splitYAMLKey(rest)
		if ok && (i == n-1 || value == "" || isBlockIndicator(value) || ((value[0] == '&' || value[0] == '!') && !strings.Contains(value, " "))) {
			stack = append(stack, open{indent: indent, name: key})
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

// yamlItems takes the "- " markers off the start of a line's text: the indent of each, and the
// indent and text of what follows them.
func yamlItems(indent int, text string) (items []int, at int, rest string) {
	for text == "-" || strings.HasPrefix(text, "- ") {
		items = append(items, indent)
		after := strings.TrimLeft(text[1:], " ")
		indent += len(text) - len(after)
		text = after
	}
	return items, indent, text
}

// yamlBlockText marks the lines that are the text of a block scalar (below "key: |" or "key: >",
// indented at least as deep as the first of them, which is deeper than the key), and the blank
// lines among them; and, in between, the lines under such a key but not as deep as its text.
func yamlBlockText(lines []string) (text, between []bool) {
	text, between = make([]bool, len(lines)), make([]bool, len(lines))
	block := -1  // the indent of the key whose block scalar is being read; -1 outside one
	textAt := -1 // the indent of the block's text, set by its first line
	for i, l := range lines {
		indent, rest := yamlIndent(l)
		if block >= 0 && textAt < 0 && indent > block {
			textAt = indent
		}
		if block >= 0 && (rest == "" || (textAt >= 0 && indent >= textAt)) {
			text[i] = true
			continue
		}
		between[i] = block >= 0 && indent > block
		block, textAt = -1, -1
		_, indent, rest = yamlItems(indent, stripYAMLComment(rest))
		if _, value, ok := splitYAMLKey(rest); ok && isBlockIndicator(value) {
			block = indent
		}
	}
	return text, between
}

// isBlockIndicator reports whether a key's value starts a block scalar: |, >, |-, >+2 and so on.
func isBlockIndicator(value string) bool {
	return value != "" && strings.ContainsAny(value[:1], "|>") && strings.Trim(value, "|>-+0123456789") == ""
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
	end := len(text)
	eachUnquoted(text, func(i int) bool {
		if text[i] == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t') {
			end = i
			return false
		}
		return true
	})
	return strings.TrimRight(text[:end], " \t\r")
}

// eachUnquoted calls visit with the index of each byte of a line that is outside quotes (a quote
// opens a quoted value only where one can start: first, or after a space, '[', '{', ',' or ':'),
// until visit returns false.
func eachUnquoted(text string, visit func(i int) bool) {
	var quote byte
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,:", text[i-1]) >= 0):
			quote = c
		default:
			if !visit(i) {
				return
			}
		}
	}
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
