package offline

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/propertypath"
)

// Prop returns the input at path, a dotted path with list indexes ("ingress[0].cidrBlocks[1]").
// Secrets and resolved outputs are unwrapped; a missing path gives a null value.
func (r *Resource) Prop(path string) resource.PropertyValue { return Lookup(r.Inputs, path) }

// Has reports whether the input at path is set (not null).
func (r *Resource) Has(path string) bool { return !r.Prop(path).IsNull() }

// Str, Num, Bool, Strings and Len read the input at path as plain Go values.
func (r *Resource) Str(path string) string {
	v := r.Prop(path)
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

func (r *Resource) Num(path string) float64 {
	v := r.Prop(path)
	if v.IsNumber() {
		return v.NumberValue()
	}
	return 0
}

func (r *Resource) Bool(path string) bool {
	v := r.Prop(path)
	return v.IsBool() && v.BoolValue()
}

func (r *Resource) Strings(path string) []string {
	v := r.Prop(path)
	if !v.IsArray() {
		return nil
	}
	out := []string{}
	for _, e := range v.ArrayValue() {
		e = unwrap(e)
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func (r *Resource) Len(path string) int {
	v := r.Prop(path)
	if v.IsArray() {
		return len(v.ArrayValue())
	}
	return 0
}

// Tags returns the resource's own `tags` input as a map.
func (r *Resource) Tags() map[string]string {
	out := map[string]string{}
	v := r.Prop("tags")
	if !v.IsObject() {
		return out
	}
	for k, e := range v.ObjectValue() {
		if e = unwrap(e); e.IsString() {
			out[string(k)] = e.StringValue()
		}
	}
	return out
}

// JSON parses the string input at path as JSON (policy documents, dashboard bodies).
func (r *Resource) JSON(path string) map[string]any {
	var out map[string]any
	if err := json.Unmarshal([]byte(r.Str(path)), &out); err != nil {
		return nil
	}
	return out
}

// Plain returns the input at path as plain Go values (maps, slices, strings, float64, bool).
func (r *Resource) Plain(path string) any { return plain(r.Prop(path)) }

// IsSecret reports whether the input at path was marked secret.
func (r *Resource) IsSecret(path string) bool { return LookupRaw(r.Inputs, path).ContainsSecrets() }

// Lookup follows path through m, unwrapping secrets and outputs.
func Lookup(m resource.PropertyMap, path string) resource.PropertyValue {
	return propertypath.Lookup(m, path)
}

// LookupRaw follows path through m, unwrapping containers on the way but returning the last value as is.
func LookupRaw(m resource.PropertyMap, path string) resource.PropertyValue {
	return propertypath.LookupRaw(m, path)
}

func unwrap(v resource.PropertyValue) resource.PropertyValue { return propertypath.Unwrap(v) }

func plain(v resource.PropertyValue) any {
	v = unwrap(v)
	switch {
	case v.IsNull():
		return nil
	case v.IsString():
		return v.StringValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsBool():
		return v.BoolValue()
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, plain(e))
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = plain(e)
		}
		return out
	}
	return v.V
}
