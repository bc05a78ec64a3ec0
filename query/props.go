package query

import (
	"fmt"
	"strings"

	"github.com/secure-vpc/secure-vpc/internal/contract"
)

// Name is the logical name at the end of a URN.
func Name(r *Resource) string {
	if i := strings.LastIndex(r.URN, "::"); i >= 0 {
		return r.URN[i+2:]
	}
	return r.URN
}

// ShortType is the last segment of a type token ("BucketV2" for aws:s3/bucketV2:BucketV2).
func ShortType(t string) string {
	if i := strings.LastIndex(t, ":"); i >= 0 {
		return t[i+1:]
	}
	return t
}

// Prop reads a property from the inputs, falling back to the outputs (a real export has both;
// computed properties live only in the outputs). False when absent or null.
func Prop(r *Resource, key string) (any, bool) {
	if v, ok := r.Inputs[key]; ok && v != nil {
		return v, true
	}
	v, ok := r.Outputs[key]
	return v, ok && v != nil
}

// Str reads a string property ("" when absent or not a string).
func Str(r *Resource, key string) string {
	v, _ := Prop(r, key)
	s, _ := v.(string)
	return s
}

// Bool reads a boolean property and whether it was set.
func Bool(r *Resource, key string) (bool, bool) {
	v, ok := Prop(r, key)
	b, isBool := v.(bool)
	return b, ok && isBool
}

// Int reads a whole-number property and whether it was set.
func Int(r *Resource, key string) (int, bool) {
	v, ok := Prop(r, key)
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int(n), true
	case int64:
		return int(n), true
	case int:
		return n, true
	}
	return 0, false
}

// ToInt reads a number nested in a property (0 when it is not one).
func ToInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	}
	return 0
}

// icmpOf reads an ICMP type or code of a network ACL entry: -1 (any) when absent.
func icmpOf(v any, set bool) int {
	if !set {
		return -1
	}
	if s, ok := v.(string); ok {
		var i int
		if _, err := fmt.Sscan(s, &i); err == nil {
			return i
		}
		return -1
	}
	return ToInt(v)
}

// List reads a list property.
func List(r *Resource, key string) []any {
	v, _ := Prop(r, key)
	l, _ := v.([]any)
	return l
}

// Strings reads a list-of-strings property.
func Strings(r *Resource, key string) []string {
	var out []string
	for _, x := range List(r, key) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Tags reads the tags of a resource.
func Tags(r *Resource) map[string]string {
	out := map[string]string{}
	v, _ := Prop(r, "tags")
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			if s, ok := x.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// Tier is the declared tier of a subnet, route table or network ACL ("" when undeclared).
func Tier(r *Resource) contract.Tier { return contract.Tier(Tags(r)[contract.TierTag]) }

// GroupKind is the declared role of a security group ("" when undeclared).
func GroupKind(r *Resource) contract.GroupKind {
	return contract.GroupKind(Tags(r)[contract.GroupKindTag])
}

// Purpose is what a bucket is declared to be for ("" when undeclared).
func Purpose(r *Resource) contract.Purpose { return contract.Purpose(Tags(r)[contract.PurposeTag]) }

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, _ := m[k].(string); s != "" {
			return s
		}
	}
	return ""
}
