// Package propertypath reads nested values out of a Pulumi property map by a dotted path with list
// indexes ("ingress[0].cidrBlocks[1]"): the one reader the mock harness and the policy rules share.
package propertypath

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Split turns "a.b[0].c" into ["a", "b", "0", "c"].
func Split(path string) []string {
	path = strings.ReplaceAll(strings.ReplaceAll(path, "[", "."), "]", "")
	var parts []string
	for _, p := range strings.Split(path, ".") {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// Unwrap removes secret and output wrappers. An output whose value is not known yet (a preview)
// becomes a computed value.
func Unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			o := v.OutputValue()
			if !o.Known {
				return resource.MakeComputed(resource.NewStringProperty(""))
			}
			v = o.Element
		default:
			return v
		}
	}
}

// LookupRaw follows path through m, unwrapping the containers on the way but returning the last value
// as it is (so a caller can see whether it was secret). A missing step gives null; an unknown value
// on the way is returned as the (computed) answer.
func LookupRaw(m resource.PropertyMap, path string) resource.PropertyValue {
	current := resource.NewObjectProperty(m)
	for _, part := range Split(path) {
		current = Unwrap(current)
		if current.IsComputed() {
			return current
		}
		if idx, err := strconv.Atoi(part); err == nil && current.IsArray() {
			arr := current.ArrayValue()
			if idx < 0 || idx >= len(arr) {
				return resource.NewNullProperty()
			}
			current = arr[idx]
			continue
		}
		if !current.IsObject() {
			return resource.NewNullProperty()
		}
		next, ok := current.ObjectValue()[resource.PropertyKey(part)]
		if !ok {
			return resource.NewNullProperty()
		}
		current = next
	}
	return current
}

// Lookup is LookupRaw with the last value unwrapped too.
func Lookup(m resource.PropertyMap, path string) resource.PropertyValue {
	return Unwrap(LookupRaw(m, path))
}
