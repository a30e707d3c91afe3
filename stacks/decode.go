package stacks

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// decodeStrict overlays the JSON object raw onto dst (a pointer to a struct already holding defaults).
// Keys absent from raw keep their defaults. Every unknown key and every value of the wrong type is
// reported under its full config key, so a typo such as `natGateway` is caught instead of ignored.
func decodeStrict(key string, raw []byte, dst any, p *problems) {
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil || object == nil {
		p.addf(key, "must be an object")
		return
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonFields(v.Type())
	for _, name := range sortedKeys(object) {
		index, ok := fields[name]
		if !ok {
			p.addf(childKey(key, name), "unknown key; allowed keys are %s", strings.Join(allowedKeys(fields), ", "))
			continue
		}
		field := v.Field(index)
		if field.Kind() == reflect.Struct {
			decodeStrict(childKey(key, name), object[name], field.Addr().Interface(), p)
			continue
		}
		if err := json.Unmarshal(object[name], field.Addr().Interface()); err != nil {
			p.addf(childKey(key, name), "must be %s", describeType(field.Type()))
		}
	}
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
