package stacks

import (
	"reflect"
)

// DocumentedKeys lists every leaf config key (without namespace) in the form the README's
// configuration reference uses: nested objects joined by dots, and the per-region network objects as
// `network.<role>.x`, since primary and secondary take the same keys.
func DocumentedKeys() []string {
	seen := map[string]bool{}
	var keys []string
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		fields := jsonFields(t)
		for _, name := range allowedKeys(fields) {
			f := t.Field(fields[name])
			key := childKey(prefix, name)
			if f.Type == reflect.TypeOf(RegionNetwork{}) {
				key = childKey(prefix, "<role>")
			}
			if f.Type.Kind() == reflect.Struct {
				walk(key, f.Type)
				continue
			}
			if !seen[key] {
				seen[key] = true
				keys = append(keys, key)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	return keys
}
