// Package repo checks the repository itself: no credential is committed anywhere, and the CI
// workflows are well-formed.
package repo

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Leak is a credential-like string found in a file.
type Leak struct {
	File string
	Line int
	What string
}

func (l Leak) String() string { return fmt.Sprintf("%s:%d: %s", l.File, l.Line, l.What) }

var detectors = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}\b`)},
	{"an AWS secret access key", regexp.MustCompile(`(?i)aws.{0,20}secret.{0,20}[:=]\s*["']?[A-Za-z0-9/+=]{40}\b`)},
	{"a private key", regexp.MustCompile(`-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----`)},
	{"a GitHub token", regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}\b`)},
	{"a Pulumi access token", regexp.MustCompile(`\bpul-[0-9a-f]{40}\b`)},
	{"a Slack token", regexp.MustCompile(`\bxox[baprs]-[0-9A-Za-z-]{10,}\b`)},
}

// secretConfigKey matches a YAML key that names a credential, with a plaintext value.
var secretConfigKey = regexp.MustCompile(`(?i)^\s*([\w.:-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)[\w.-]*)\s*:\s+(\S.*)$`)

var workflowWords = map[string]bool{"read": true, "write": true, "none": true, "inherit": true}

// notSecretKeys name where a secret is kept, not a secret.
var notSecretKeys = map[string]bool{"secretsprovider": true}

// ScanFile returns the credential-like strings of one file. In YAML files (stack config,
// workflows) a key that names a credential must hold a Pulumi `secure:` value, a mapping, a list,
// a ${{ }} expression or nothing at all.
func ScanFile(name string, data []byte) []Leak {
	var out []Leak
	yaml := strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		for _, d := range detectors {
			if d.re.MatchString(line) {
				out = append(out, Leak{name, n, d.what})
			}
		}
		if !yaml {
			continue
		}
		if m := secretConfigKey.FindStringSubmatch(line); m != nil && !notSecretKeys[m[1]] {
			value := strings.TrimSpace(m[2])
			if i := strings.Index(value, " #"); i > 0 {
				value = strings.TrimSpace(value[:i]) // a trailing comment
			}
			safe := strings.HasPrefix(value, "#") || strings.HasPrefix(value, "{") || strings.HasPrefix(value, "[") ||
				strings.HasPrefix(value, "${{") || strings.HasPrefix(value, "secure:") || value == "|" || value == ">" ||
				value == "true" || value == "false" || strings.HasPrefix(value, "'${{") || strings.HasPrefix(value, "\"${{") ||
				workflowWords[value] // GitHub Actions permissions (id-token: write) and secrets: inherit
			if !safe {
				out = append(out, Leak{name, n, fmt.Sprintf("a plaintext value for %q (use pulumi config set --secret, or a CI secret)", m[1])})
			}
		}
	}
	return out
}

// ScanTree scans every text file under dir, skipping .git and files larger than 2 MiB. It reads
// through an os.Root, so a symlink cannot lead the scan outside the repository.
func ScanTree(dir string) ([]Leak, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var out []Leak
	err = fs.WalkDir(root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" || path == ".ci/cache" {
				return filepath.SkipDir // CI's cache holds downloaded tools and the vulnerability database
			}
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > 2<<20 || !info.Mode().IsRegular() {
			return err
		}
		data, err := root.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(data, 0) >= 0 {
			return nil // binary
		}
		out = append(out, ScanFile(path, data)...)
		return nil
	})
	return out, err
}
