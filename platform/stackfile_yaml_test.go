package platform_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-vpc/secure-vpc/internal/testkit"
	"github.com/secure-vpc/secure-vpc/platform"
)

// A stack or project file that is not valid YAML is one line naming the file, the line and column
// at fault (not the enclosing construct's line, which is what yaml.v3 says), the keys it stands
// under, what is wrong and the fix; securevpc plan prints that line alone and exits 2.
func TestYAMLErrorsNameTheLineAndTheKeys(t *testing.T) {
	t.Parallel()
	const project = "name: secure-vpc\nruntime: go\n"
	cases := []struct {
		name      string
		file      string // the file at fault: "Pulumi.yaml" or the stack file (by default)
		text      string
		line, col int
		keys      string // "" for a fault at the top level
		problem   string // a part of the message
	}{
		{name: "a tab for indentation", line: 3, col: 1, keys: "config > secure-vpc:services > web-bff",
			text:    "config:\n  secure-vpc:services:\n\tweb-bff: {port: 8443}\n",
			problem: `found character '\t' that cannot start any token; indent with spaces, not tabs`},
		{name: "a key indented one space too little", line: 5, col: 6, keys: "config > secure-vpc:services > web-bff > image",
			text:    "config:\n  secure-vpc:services:\n    web-bff:\n      port: 8443\n     image: web-bff:1.4.2\n",
			problem: "value is not allowed in this context; indent it by 6 spaces, like the lines around it"},
		{name: "a key indented one space too far", line: 5, col: 8, keys: "config > secure-vpc:services > web-bff > image",
			text:    "config:\n  secure-vpc:services:\n    web-bff:\n      port: 8443\n       image: web-bff:1.4.2\n",
			problem: "a key indented deeper than the value above it"},
		{name: "a key that opens a mapping indented one space too far", line: 4, col: 4, keys: "config > secure-vpc:services",
			text:    "config:\n  secure-vpc:network:\n    cidr: 10.20.0.0/16\n   secure-vpc:services:\n    web-bff:\n      port: 8443\n",
			problem: "indent it by 2 spaces, like the lines around it"},
		{name: "a key indented one space too little, found above where both parsers stop", line: 2, col: 2, keys: "config > aws:region",
			text:    "config:\n aws:region: eu-west-1\n  secure-vpc:environment: dev\n  secure-vpc:network: {}\n",
			problem: "the lines after it do not fit its indentation (line 3: "},
		{name: "a missing colon", line: 4, col: 7, keys: "config > secure-vpc:services > web-bff",
			text:    "config:\n  secure-vpc:services:\n    web-bff:\n      port 8443\n      image: web-bff:1.4.2\n",
			problem: "put ': ' between the key and its value"},
		{name: "an unclosed list", line: 4, col: 24, keys: "config > secure-vpc:network > availabilityZones",
			text:    "config:\n  secure-vpc:network:\n    cidr: 10.20.0.0/16\n    availabilityZones: [eu-west-1a, eu-west-1b\n    natGateways: single\n",
			problem: "this '[' is never closed"},
		{name: "a list item then a key", line: 6, col: 7, keys: "config > secure-vpc:network > natGateways",
			text:    "config:\n  secure-vpc:network:\n    availabilityZones:\n      - eu-west-1a\n      - eu-west-1b\n      natGateways: single\n",
			problem: "value is not allowed in this context; indent it by 4 spaces, like the lines around it"},
		{name: "an unclosed double quote", line: 3, col: 15, keys: "config > aws:region",
			text:    "config:\n  secure-vpc:environment: dev\n  aws:region: \"eu-west-1\n  secure-vpc:network: {}\n",
			problem: "could not find end character of double-quoted text; close the quote"},
		{name: "a double quote closed only lines later", line: 2, col: 15, keys: "config > aws:region",
			text:    "config:\n  aws:region: \"eu-west-1\n  secure-vpc:environment: dev\n  secure-vpc:databases:\n    db: {version: \"16\"}\n",
			problem: "this quote is closed only on line 5, so the lines between are read as its text; close the quote on that line"},
		{name: "a value with an extra ': '", line: 4, col: 14, keys: "config > secure-vpc:services > web-bff > image",
			text:    "config:\n  secure-vpc:services:\n    web-bff:\n      image: repo: 1.4.2\n",
			problem: `quote a value that holds ': ' (for example "a: b")`},
		{name: "a duplicate key", line: 5, col: 7, keys: "config > secure-vpc:services > web-bff > port",
			text:    "config:\n  secure-vpc:services:\n    web-bff:\n      port: 8443\n      port: 9443\n",
			problem: `mapping key "port" already defined at line 4; remove the repeated key`},
		{name: "a fault at the top level", line: 3, col: 1, keys: "",
			text:    "config:\n  aws:region: eu-west-1\nsecretsprovider awskms://alias/x\n",
			problem: "non-map value is specified"},
		{name: "a fault in the project file", file: "Pulumi.yaml", line: 8, col: 18, keys: "config > network > description",
			text:    project + "description: >-\n  A VPC:\n    private.\nconfig:\n  network:\n    description: cidr: a /16\n",
			problem: "mapping value is not allowed in this context"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := testkit.StackDir(t, "test", tc.text)
			if tc.file == "Pulumi.yaml" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(tc.text), 0o600))
			} else {
				tc.file = "Pulumi.test.yaml"
			}
			_, err := platform.ReadStackFiles(dir, "test")
			require.Error(t, err)
			msg := err.Error()
			where := fmt.Sprintf("%s:%d:%d:", filepath.Join(dir, tc.file), tc.line, tc.col)
			under := " invalid YAML at the top level: "
			if tc.keys != "" {
				under = " invalid YAML under " + tc.keys + ": "
			}
			assert.True(t, strings.HasPrefix(msg, where+under), "want %q, got\n%s", where+under, msg)
			assert.Contains(t, msg, tc.problem)
			assert.NotContains(t, msg, "\n", "one line")
			assert.NotContains(t, msg, "parsing")

			code, out, errOut := runCLI("plan", "-stack", "test", "-dir", dir)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "error: "+msg+"\n", errOut, "the one line, alone")
		})
	}
}

func TestYAMLErrorOfAValueOfTheWrongKind(t *testing.T) {
	t.Parallel()
	dir := testkit.StackDir(t, "test", "# dev\nconfig: [aws:region, eu-west-1]\n")
	_, err := platform.ReadStackFiles(dir, "test")
	require.Error(t, err)
	assert.Equal(t, filepath.Join(dir, "Pulumi.test.yaml")+":2: invalid YAML under config: got a list where a mapping of keys to values is expected; write a mapping of keys to values there", err.Error(),
		"yaml.v3 names the line itself when the syntax is right; no Go type names")
}

func TestValidStackFilesStillParse(t *testing.T) {
	t.Parallel()
	dev := testkit.CommittedStackYAML(t, "dev")
	src, err := platform.ReadStackFiles(testkit.StackDir(t, "dev", dev+"\n# a comment: with a colon\n"), "dev")
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", src.Values["aws:region"])
}
