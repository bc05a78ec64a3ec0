// Package stackstate is the shape of `pulumi stack export` (deployment version 3), shared by the
// offline plan (which writes it) and the audit (which reads plans and real exports alike).
package stackstate

import (
	"encoding/json"
	"fmt"
	"os"
)

// SecretSig is the key Pulumi uses to mark a secret value in state and exports.
const SecretSig = "4dabf18193072939515e22adb298388d" // #nosec G101 -- Pulumi's public secret marker, not a credential

// SecretSigValue is the value that accompanies SecretSig.
const SecretSigValue = "1b47061264138c4ac30d75fd1eb44270"

// Export is the top-level document of `pulumi stack export`.
type Export struct {
	Version    int        `json:"version"`
	Deployment Deployment `json:"deployment"`
}

// Deployment holds the resources of one stack.
type Deployment struct {
	Manifest  Manifest   `json:"manifest"`
	Resources []Resource `json:"resources"`
}

// Manifest records what produced the deployment.
type Manifest struct {
	Time    string `json:"time"`
	Magic   string `json:"magic"`
	Version string `json:"version"`
}

// Resource is one resource of a deployment, as `pulumi stack export` writes it.
type Resource struct {
	URN                  string              `json:"urn"`
	Custom               bool                `json:"custom"`
	ID                   string              `json:"id,omitempty"`
	Type                 string              `json:"type"`
	Inputs               map[string]any      `json:"inputs,omitempty"`
	Outputs              map[string]any      `json:"outputs,omitempty"`
	Parent               string              `json:"parent,omitempty"`
	Protect              bool                `json:"protect,omitempty"`
	Dependencies         []string            `json:"dependencies,omitempty"`
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
	Provider             string              `json:"provider,omitempty"`
}

// SecretPlaceholder is how a secret value is written when its plaintext must not appear.
func SecretPlaceholder() map[string]any {
	return map[string]any{SecretSig: SecretSigValue, "ciphertext": "[secret: withheld from the offline plan]"}
}

// IsSecret reports whether v is a secret-marked value of an export.
func IsSecret(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	return m[SecretSig] == SecretSigValue
}

// Encode writes an export as `securevpc plan -out` does: indented JSON and a final newline. The
// recorded plans under testdata/plans are compared with it byte for byte.
func Encode(e *Export) ([]byte, error) {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Read loads an export (or an offline plan) from path.
func Read(path string) (*Export, error) {
	data, err := os.ReadFile(path) // #nosec G304 -- the path is the operator's own argument
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse decodes an export; name is used in error messages.
func Parse(data []byte, name string) (*Export, error) {
	var e Export
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	if e.Version != 3 {
		return nil, fmt.Errorf("parsing %s: deployment version %d is not supported (expected 3, as written by `pulumi stack export`)", name, e.Version)
	}
	return &e, nil
}
