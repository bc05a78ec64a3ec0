package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// decodeObject decodes one config object strictly: every key must be a field of dst, and every
// value must have the field's type. Each unknown key and each type mismatch is its own problem,
// reported under the full key path (e.g. secure-vpc:services.web-bff.prot).
func decodeObject(key string, raw json.RawMessage, dst any, ps *problems) bool {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		ps.addRootCause(key, "must be a mapping of keys to values, got %s", describeJSON(raw))
		return false
	}
	known := jsonFields(dst)
	ok := true
	for _, name := range sortedNames(fields) {
		if _, isKnown := known[name]; isKnown {
			continue
		}
		ok = false
		valid := sortedNames(known)
		if guess := closest(name, valid); guess != "" {
			ps.add(key+"."+name, "unknown key; did you mean %q? (valid keys: %s)", guess, strings.Join(valid, ", "))
		} else {
			ps.add(key+"."+name, "unknown key (valid keys: %s)", strings.Join(valid, ", "))
		}
	}
	for _, name := range sortedNames(fields) {
		field, isKnown := known[name]
		if !isKnown {
			continue
		}
		target := reflect.New(field.Type)
		if err := json.Unmarshal(fields[name], target.Interface()); err != nil {
			ok = false
			ps.addRootCause(key+"."+name, "%s", typeProblem(err, field.Type, fields[name]))
			continue
		}
		reflect.ValueOf(dst).Elem().FieldByIndex(field.Index).Set(target.Elem())
	}
	return ok
}

// decodeMap decodes a mapping of names to objects (services, databases, ...).
func decodeMap(key string, raw json.RawMessage, ps *problems) (map[string]json.RawMessage, bool) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		ps.addRootCause(key, "must be a mapping of names to settings, got %s", describeJSON(raw))
		return nil, false
	}
	return entries, true
}

func jsonFields(dst any) map[string]reflect.StructField {
	t := reflect.TypeOf(dst).Elem()
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		out[tag] = f
	}
	return out
}

func typeProblem(err error, want reflect.Type, raw json.RawMessage) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) || err != nil {
		return fmt.Sprintf("expected %s, got %s", describeType(want), describeJSON(raw))
	}
	return err.Error()
}

func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + "s"
	case reflect.Map:
		return "a mapping"
	}
	if t == reflect.TypeOf(flexString("")) {
		return "a string"
	}
	return t.String()
}

func describeJSON(raw json.RawMessage) string {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return "nothing"
	}
	switch trimmed[0] {
	case '"':
		var s string
		_ = json.Unmarshal(trimmed, &s)
		return fmt.Sprintf("the string %q", s)
	case '[':
		return "a list"
	case '{':
		return "a mapping"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "an empty value"
	}
	if json.Valid(trimmed) {
		return "the number " + string(trimmed)
	}
	// A value Pulumi hands over as plain text (a YAML scalar where a mapping belongs).
	return fmt.Sprintf("the string %q", string(trimmed))
}

// flexString accepts a string or a number (YAML turns `version: 16` into a number).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &json.UnmarshalTypeError{Value: describeJSON(b), Type: reflect.TypeOf("")}
	}
	*f = flexString(n.String())
	return nil
}
