// Package stackstate is the shape of `pulumi stack export` (deployment version 3), shared by the
// offline plan (which writes it) and the audit (which reads plans and real exports alike).
package stackstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
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

// Unknown is how a value not known until the update applies (an output of a resource not yet
// created, in a preview) is written in the export shape. The invariants cannot judge it: whoever
// reads an export with one reports it (policypack: the UNKNOWN policy).
const Unknown = "[unknown]"

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

// WhatToPass is how an input error ends: what the audit and the diff read.
const WhatToPass = "pass a plan written by `securevpc plan -stack <stack> -out plan.json`, or the output of `pulumi stack export --file export.json`"

// Parse decodes an export; name (the file) is used in error messages. Each way an input can be
// wrong is one line that names the file, says what it holds instead, and ends with WhatToPass: an
// empty or truncated file, text that is not JSON (a YAML stack config file, say), JSON that is not
// an object, a securevpc report or diff instead of a plan, a Pulumi checkpoint (state file)
// instead of an export, an object without "version" and "deployment", a deployment version other
// than 3, and a field of the wrong type.
func Parse(data []byte, name string) (*Export, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", name, fmt.Sprintf(format, args...), WhatToPass)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fail("is empty")
	}
	var top any
	if err := json.Unmarshal(trimmed, &top); err != nil {
		var syntax *json.SyntaxError
		switch {
		case trimmed[0] != '{' && trimmed[0] != '[':
			return nil, fail("is not JSON (it reads like YAML or text, such as a Pulumi.<stack>.yaml config file, which securevpc plan -stack <stack> reads)")
		case errors.As(err, &syntax) && syntax.Error() == "unexpected end of JSON input":
			return nil, fail("ends before its JSON does (%d bytes: truncated?)", len(data))
		case errors.As(err, &syntax):
			return nil, fail("is not valid JSON (at byte %d: %v)", syntax.Offset, err)
		}
		return nil, fail("is not valid JSON (%v)", err)
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, fail("holds a JSON %s, not a stack export (an object with \"version\" and \"deployment\")", jsonKind(top))
	}
	_, hasVersion := obj["version"]
	_, hasDeployment := obj["deployment"]
	switch {
	case obj["title"] != nil && obj["invariants"] != nil: // TestWrongInputs (internal/cli) holds this to the real report
		return nil, fail("is a securevpc report (-format json), not a plan: the plan is the file securevpc plan writes with -out")
	case obj["before"] != nil && obj["after"] != nil && obj["widens"] != nil:
		return nil, fail("is a securevpc diff (-format json), not a plan")
	case obj["checkpoint"] != nil:
		return nil, fail("is a Pulumi checkpoint (a state file), not an export: run pulumi stack export for the stack")
	case !hasVersion && !hasDeployment:
		return nil, fail("is a JSON object without \"version\" and \"deployment\", not a stack export")
	}
	var e Export
	if err := json.Unmarshal(trimmed, &e); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, fail("has %s at %s, where a stack export has %s", article(typ.Value), typ.Field, jsonKindOf(typ.Type))
		}
		return nil, fail("is not a stack export (%v)", err)
	}
	if e.Version != 3 {
		return nil, fmt.Errorf("%s: deployment version %d is not supported (expected 3, as written by `pulumi stack export`): %s", name, e.Version, WhatToPass)
	}
	if !hasDeployment {
		return nil, fail("has \"version\" but no \"deployment\", so no resources")
	}
	return &e, nil
}

// article puts "a" or "an" before a JSON kind as encoding/json names it ("string", "object").
func article(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// jsonKindOf names the JSON kind a Go type is decoded from.
func jsonKindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}

// jsonKind names the kind of a decoded JSON value.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}
