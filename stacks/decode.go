package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// decodeStrict overlays the JSON object raw onto dst (a pointer to a struct already holding defaults).
// Keys absent from raw, and keys whose value is null (an empty YAML value), keep their defaults.
// Every unknown key and every value of the wrong type is reported under its full config key, so a
// typo such as `natGateway` is caught instead of ignored.
//
// Scalars: `pulumi config set --path x.azCount 3` stores a number and `--path x.enabled true` a
// boolean, while a quoted YAML value or `--type string` stores text. A number or boolean setting
// accepts text that spells one ("3", "true"). A string setting refuses a number or a boolean: an
// unquoted `hostname: true` or `accountId: 012345678901` is YAML's boolean or number, not the text
// the author meant (the leading zero is already lost), so the problem says to quote it.
func decodeStrict(key string, raw []byte, dst any, p *problems) {
	if isNull(raw) {
		return
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil || object == nil {
		p.addf(key, "must be an object")
		return
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonFields(v.Type())
	for _, name := range sortedKeys(object) {
		index, ok := fields[name]
		if why, removed := removedKeys[childKey(key, name)]; removed && !ok {
			p.addf(childKey(key, name), "%s", why)
			continue
		}
		if !ok {
			p.addf(childKey(key, name), "unknown key%s", didYouMean(name, allowedKeys(fields)))
			continue
		}
		field := v.Field(index)
		if field.Kind() == reflect.Struct {
			decodeStrict(childKey(key, name), object[name], field.Addr().Interface(), p)
			continue
		}
		if isNull(object[name]) {
			continue
		}
		if err := decodeValue(object[name], field); err != nil {
			var scalar *notAString
			if errors.As(err, &scalar) {
				// A setting with a fixed set of words says which: quoting true would not help.
				if choices := v.Type().Field(index).Tag.Get("choices"); choices != "" {
					p.addf(childKey(key, name), "is the %s %s, not one of its words; allowed: %s", scalar.kind, scalar.text, strings.ReplaceAll(choices, ",", ", "))
					continue
				}
				p.addf(childKey(key, name), "%s", scalar)
				continue
			}
			p.addf(childKey(key, name), "must be %s", describeType(field.Type()))
		}
	}
}

func isNull(raw []byte) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// decodeValue decodes one JSON value into field, coercing scalars as decodeStrict describes.
func decodeValue(raw []byte, field reflect.Value) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	coerced, err := coerce(field.Type(), v)
	if err != nil {
		return err
	}
	b, err := json.Marshal(coerced)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, field.Addr().Interface())
}

// coerce converts v (decoded with UseNumber) to the JSON shape of t, or says why it cannot.
func coerce(t reflect.Type, v any) (any, error) {
	if t.Kind() == reflect.Pointer {
		if v == nil {
			return nil, nil
		}
		return coerce(t.Elem(), v)
	}
	mismatch := fmt.Errorf("%v is not %s", v, describeType(t))
	switch t.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return nil, &notAString{kind: "number", text: x.String()}
		case bool:
			return nil, &notAString{kind: "boolean", text: strconv.FormatBool(x)}
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			if x == "true" || x == "false" {
				return x == "true", nil
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		text := ""
		switch x := v.(type) {
		case json.Number:
			text = x.String()
		case string:
			text = strings.TrimSpace(x)
		}
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return i, nil
		}
	case reflect.Float32, reflect.Float64:
		text := ""
		switch x := v.(type) {
		case json.Number:
			text = x.String()
		case string:
			text = strings.TrimSpace(x)
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f, nil
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			break
		}
		out := make([]any, len(list))
		for i, e := range list {
			if e == nil {
				return nil, mismatch
			}
			c, err := coerce(t.Elem(), e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case reflect.Map:
		object, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			break
		}
		out := make(map[string]any, len(object))
		for k, e := range object {
			if e == nil {
				return nil, mismatch
			}
			c, err := coerce(t.Elem(), e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	default:
		return v, nil
	}
	return nil, mismatch
}

// notAString is a number or boolean where a string is declared.
type notAString struct{ kind, text string }

func (e *notAString) Error() string {
	return fmt.Sprintf("is the %s %s, but a string is declared: quote it (%q) in the stack file, or set it with `pulumi config set --path --type string`", e.kind, e.text, e.text)
}

// childKey joins a parent key and a field name with a dot; the root has no prefix.
func childKey(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}

// jsonFields maps each json tag name of t to its field index.
func jsonFields(t reflect.Type) map[string]int {
	fields := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag] = i
		}
	}
	return fields
}

func allowedKeys(fields map[string]int) []string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describeType names a Go type the way a config author thinks of it.
func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + "s"
	case reflect.Map:
		return "an object of " + strings.TrimPrefix(describeType(t.Elem()), "a ") + " values"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return fmt.Sprintf("a %s", t.Kind())
}
