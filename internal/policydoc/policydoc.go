// Package policydoc builds IAM, KMS, S3, Secrets Manager and VPC endpoint policy documents from
// structs, so that no policy is ever assembled by string concatenation.
package policydoc

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Version is the only policy language version AWS recommends.
const Version = "2012-10-17"

// Document is a policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy. Principal is nil for identity policies. A statement
// names either Action or NotAction ("every action but these"), and likewise Resource or
// NotResource, Principal or NotPrincipal
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html).
type Statement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Action       []string                  `json:"Action,omitempty"`
	NotAction    []string                  `json:"NotAction,omitempty"`
	Resource     []string                  `json:"Resource,omitempty"`
	NotResource  []string                  `json:"NotResource,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

// Negated reports which of NotPrincipal, NotAction and NotResource a statement uses ("" when
// none): an Allow written with one grants everything but what it lists, which no check that reads
// Principal, Action and Resource can bound.
func (s Statement) Negated() string {
	switch {
	case s.NotPrincipal != nil:
		return "NotPrincipal"
	case len(s.NotAction) > 0:
		return "NotAction"
	case len(s.NotResource) > 0:
		return "NotResource"
	}
	return ""
}

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// AnyPrincipal is the "*" principal; every use must carry a restricting Condition.
const AnyPrincipal = "*"

// AWSPrincipal names IAM principals (account roots or roles) by ARN.
func AWSPrincipal(arns ...string) map[string]any {
	if len(arns) == 1 {
		return map[string]any{"AWS": arns[0]}
	}
	return map[string]any{"AWS": arns}
}

// ServicePrincipal names an AWS service principal such as logs.eu-west-1.amazonaws.com.
func ServicePrincipal(service string) map[string]any {
	return map[string]any{"Service": service}
}

// New returns a document with the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON renders the document. Keys are emitted in a fixed order, so the same document always
// renders the same string and never causes a perpetual diff.
func (d Document) JSON() (string, error) {
	if len(d.Statement) == 0 {
		return "", fmt.Errorf("rendering policy: a policy needs at least one statement")
	}
	out, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("rendering policy: %w", err)
	}
	return string(out), nil
}

// Parse decodes a policy document; Action, Resource and Principal values that are a single
// string are normalised to lists.
func Parse(text string) (Document, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return Document{}, fmt.Errorf("parsing policy: %w", err)
	}
	var items []map[string]any
	if err := json.Unmarshal(raw.Statement, &items); err != nil {
		var one map[string]any
		if err2 := json.Unmarshal(raw.Statement, &one); err2 != nil {
			return Document{}, fmt.Errorf("parsing policy statements: %w", err)
		}
		items = []map[string]any{one}
	}
	doc := Document{Version: raw.Version}
	for _, it := range items {
		st := Statement{Principal: it["Principal"], NotPrincipal: it["NotPrincipal"]}
		st.Sid, _ = it["Sid"].(string)
		st.Effect, _ = it["Effect"].(string)
		st.Action = StringList(it["Action"])
		st.Resource = StringList(it["Resource"])
		st.NotAction = StringList(it["NotAction"])
		st.NotResource = StringList(it["NotResource"])
		if cond, ok := it["Condition"].(map[string]any); ok {
			st.Condition = map[string]map[string]any{}
			for op, kv := range cond {
				if m, ok := kv.(map[string]any); ok {
					st.Condition[op] = m
				}
			}
		}
		doc.Statement = append(doc.Statement, st)
	}
	return doc, nil
}

// StringList turns a JSON string-or-list value into a list.
func StringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Principals lists the principals of a statement by kind ("AWS", "Service", "*").
func (s Statement) Principals() map[string][]string {
	out := map[string][]string{}
	switch p := s.Principal.(type) {
	case string:
		out["*"] = []string{p}
	case map[string]any:
		for k, v := range p {
			out[k] = append(out[k], StringList(v)...)
		}
	}
	return out
}

// ActionMatches reports whether an Action (or NotAction) entry of a policy matches an action:
// service prefix and name compared case-insensitively, with `*` for any run of characters and `?`
// for one, as IAM does (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
func ActionMatches(pattern, action string) bool {
	// path.Match is IAM's glob here: action names hold no '/', and a pattern with '[' or '\\'
	// (which IAM does not use) matches nothing.
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return ok && err == nil
}

// Covers reports whether the statement applies to an action: its Action names it (by name or
// wildcard), or its NotAction does not.
func (s Statement) Covers(action string) bool {
	match := func(patterns []string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { return ActionMatches(p, action) })
	}
	if len(s.NotAction) > 0 {
		return !match(s.NotAction)
	}
	return match(s.Action)
}
