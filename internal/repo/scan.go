// Package repo checks the repository itself: no stack file or workflow holds a credential in
// plaintext, and the CI workflows are well-formed. Credentials in general (AWS keys, private keys,
// tokens of every kind) are gitleaks' to find, with its maintained rules (.ci/run, .gitleaks.toml);
// this check is the one specific to this project.
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

// Leak is a credential in plaintext found in a file.
type Leak struct {
	File string
	Line int
	What string
}

func (l Leak) String() string { return fmt.Sprintf("%s:%d: %s", l.File, l.Line, l.What) }

// secretConfigKey matches a YAML key that names a credential, with a plaintext value.
var secretConfigKey = regexp.MustCompile(`(?i)^\s*([\w.:-]*(?:password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)[\w.-]*)\s*:\s+(\S.*)$`)

var workflowWords = map[string]bool{"read": true, "write": true, "none": true, "inherit": true}

// notSecretKeys name where a secret is kept, not a secret.
var notSecretKeys = map[string]bool{"secretsprovider": true}

// ScanFile returns the plaintext credentials of one file: in YAML files (stack config,
// workflows) a key that names a credential must hold a Pulumi `secure:` value, a mapping, a list,
// a ${{ }} expression or nothing at all. Other files are gitleaks' to scan.
func ScanFile(name string, data []byte) []Leak {
	var out []Leak
	yaml := strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	if !yaml {
		return nil
	}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
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
