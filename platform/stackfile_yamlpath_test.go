package platform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The key path of a line is read from the indentation above it, as a person reads it.
func TestYAMLKeyPath(t *testing.T) {
	t.Parallel()
	text := strings.Join([]string{
		"# a comment: not a key",               // 1
		"config:",                              // 2
		"  secure-vpc:services:",               // 3
		"",                                     // 4
		"    web-bff:   # the public BFF",      // 5
		"      image: repo/web:1.0 # tag: 1.0", // 6
		"      calls:",                         // 7
		"        - users",                      // 8
		"        - name: orders",               // 9
		"          port: 8443",                 // 10
		"  \"quoted: key\": value",             // 11
		"  secure-vpc:edge:",                   // 12
		"    description: |",                   // 13
		"      text: that looks like a key",    // 14
		"    rateLimit: 1000",                  // 15
		"  listAtItsKeysIndent:",               // 16
		"  - a",                                // 17
		"  - b: c",                             // 18
		"top: level",                           // 19
	}, "\n")
	for line, want := range map[int]string{
		1:  "",
		2:  "config",
		5:  "config > secure-vpc:services > web-bff",
		6:  "config > secure-vpc:services > web-bff > image",
		8:  "config > secure-vpc:services > web-bff > calls > [0]",
		9:  "config > secure-vpc:services > web-bff > calls > [1] > name",
		10: "config > secure-vpc:services > web-bff > calls > [1] > port",
		11: "config > quoted: key",
		14: "config > secure-vpc:edge > description",
		15: "config > secure-vpc:edge > rateLimit",
		17: "config > listAtItsKeysIndent > [0]",
		18: "config > listAtItsKeysIndent > [1] > b",
		19: "top",
	} {
		assert.Equal(t, want, strings.Join(yamlKeyPath([]byte(text), line), " > "), "line %d", line)
	}
}
