// Package policy holds the project's guardrails as plain Go: per-resource rules and stack rules
// over the inputs AWS would receive, plus a reachability analysis of the network. The same rules run
// in two front ends: the Pulumi policy pack in policy/ (real previews) and the whole-program tests
// (every resource the program registers under mocks).
package policy

import (
	"encoding/json"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/propertypath"
)

// Resource is one resource as a rule sees it: its type token and inputs, plus what rules need from
// its context (provider, options, dependencies).
type Resource struct {
	Type   string
	Name   string
	URN    string
	ID     string               // physical id when known (mocks always know it; previews of new resources do not)
	Inputs resource.PropertyMap // the inputs the engine sends the provider
	// Outputs are the known outputs (mocks; the stack analysis of an update). Only used to resolve
	// references between resources (a bucket's name, a security group's id).
	Outputs      resource.PropertyMap
	Provider     *Provider // nil for the ambient default provider
	Protect      bool
	Dependencies []string // URNs this resource depends on (all properties)
	// PropertyDependencies maps an input property to the URNs its value came from, when known.
	PropertyDependencies map[string][]string
}

// Provider is the explicit provider of a resource, reduced to what rules read.
type Provider struct {
	Name        string
	Region      string
	DefaultTags map[string]string
}

// Region returns the region of the resource's provider, "" when unknown.
func (r *Resource) Region() string {
	if r.Provider == nil {
		return ""
	}
	return r.Provider.Region
}

// Tags returns the tags the resource ends up with: its provider's default tags overlaid with its own.
func (r *Resource) Tags() map[string]string {
	out := map[string]string{}
	if r.Provider != nil {
		for k, v := range r.Provider.DefaultTags {
			out[k] = v
		}
	}
	if v := r.get("tags"); v.IsObject() {
		for k, e := range v.ObjectValue() {
			if e = unwrap(e); e.IsString() {
				out[string(k)] = e.StringValue()
			} else if e.IsComputed() {
				out[string(k)] = unknownValue
			}
		}
	}
	return out
}

// Environment is the resource's Environment tag ("" when it has none).
func (r *Resource) Environment() string { return r.Tags()["Environment"] }

// Prod reports whether the resource belongs to a production stack. A resource without an
// Environment tag counts as prod: the stricter rules apply until it says otherwise.
func (r *Resource) Prod() bool {
	env := r.Environment()
	return env == "" || env == "prod" || env == "production"
}

// unknownValue stands for a value the preview does not know yet.
const unknownValue = "<unknown>"

// get follows a dotted path ("metadataOptions.httpTokens", "ingress[0].cidrBlocks") through the
// inputs, unwrapping secrets and known outputs. An unknown value comes back as a computed value.
func (r *Resource) get(path string) resource.PropertyValue { return lookup(r.Inputs, path) }

func lookup(m resource.PropertyMap, path string) resource.PropertyValue {
	return propertypath.Lookup(m, path)
}

func splitPath(path string) []string { return propertypath.Split(path) }

func unwrap(v resource.PropertyValue) resource.PropertyValue { return propertypath.Unwrap(v) }

// unknown reports whether the value at path is not known yet (a preview of a new resource).
func (r *Resource) unknown(path string) bool { return r.get(path).IsComputed() }

// set reports whether the input at path has a value: anything but null, "" or an empty list. An
// unknown value counts as set (it is an output of another resource, such as a key ARN).
func (r *Resource) set(path string) bool { return isSet(r.get(path)) }

func isSet(v resource.PropertyValue) bool {
	switch {
	case v.IsNull():
		return false
	case v.IsString():
		return v.StringValue() != ""
	case v.IsArray():
		return len(v.ArrayValue()) > 0
	}
	return true
}

// str returns the string at path ("" when absent or unknown).
func (r *Resource) str(path string) string {
	if v := r.get(path); v.IsString() {
		return v.StringValue()
	}
	return ""
}

// boolean returns the bool at path. Provider schemas that model booleans as strings ("true") count.
func (r *Resource) boolean(path string) bool { return asBool(r.get(path)) }

func asBool(v resource.PropertyValue) bool {
	switch {
	case v.IsBool():
		return v.BoolValue()
	case v.IsString():
		b, _ := strconv.ParseBool(v.StringValue())
		return b
	}
	return false
}

// number returns the number at path and whether it is one.
func (r *Resource) number(path string) (float64, bool) {
	v := r.get(path)
	switch {
	case v.IsNumber():
		return v.NumberValue(), true
	case v.IsString():
		f, err := strconv.ParseFloat(v.StringValue(), 64)
		return f, err == nil
	}
	return 0, false
}

// list returns the elements of the array at path (nil when absent).
func (r *Resource) list(path string) []resource.PropertyValue {
	if v := r.get(path); v.IsArray() {
		out := make([]resource.PropertyValue, 0, len(v.ArrayValue()))
		for _, e := range v.ArrayValue() {
			out = append(out, unwrap(e))
		}
		return out
	}
	return nil
}

// strings returns the known strings of the array at path.
func (r *Resource) strings(path string) []string {
	var out []string
	for _, e := range r.list(path) {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// sub wraps an object element (of a list) so the same helpers read it.
func sub(v resource.PropertyValue) *Resource {
	if v = unwrap(v); v.IsObject() {
		return &Resource{Inputs: v.ObjectValue()}
	}
	return &Resource{Inputs: resource.PropertyMap{}}
}

// policyJSON parses the JSON document at path. ok is false when the value is unknown or not JSON.
func (r *Resource) policyJSON(path string) (map[string]any, bool) {
	v := r.get(path)
	if !v.IsString() {
		return nil, false
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(v.StringValue()), &doc); err != nil {
		return nil, false
	}
	return doc, true
}

// identifiers are the values other resources may use to point at r: its id, URN, name-like outputs.
func (r *Resource) identifiers() []string {
	ids := []string{}
	if r.ID != "" {
		ids = append(ids, r.ID)
	}
	// The adopted defaults carry the id of the VPC's default table / ACL as an input.
	for _, key := range []string{"defaultRouteTableId", "defaultNetworkAclId"} {
		if v := lookup(r.Inputs, key); v.IsString() && v.StringValue() != "" {
			ids = append(ids, v.StringValue())
		}
	}
	for _, key := range []string{"id", "arn", "bucket", "name"} {
		for _, m := range []resource.PropertyMap{r.Outputs, r.Inputs} {
			if v := lookup(m, key); v.IsString() && v.StringValue() != "" {
				ids = append(ids, v.StringValue())
			}
		}
	}
	return ids
}

// refersTo reports whether the input prop of r points at target: by value when the value is known,
// otherwise through the property's (or the resource's) dependencies on target's URN.
func (r *Resource) refersTo(prop string, target *Resource) bool {
	v := r.get(prop)
	if v.IsString() && v.StringValue() != "" {
		for _, id := range target.identifiers() {
			if v.StringValue() == id {
				return true
			}
		}
		return false
	}
	if !v.IsComputed() && !v.IsNull() {
		return false
	}
	if deps, ok := r.PropertyDependencies[prop]; ok {
		return containsString(deps, target.URN)
	}
	return v.IsComputed() && target.URN != "" && containsString(r.Dependencies, target.URN)
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// ProviderFromInputs reads a provider's name, region and default tags from its inputs.
func ProviderFromInputs(name string, inputs resource.PropertyMap) *Provider {
	p := &Provider{Name: name, DefaultTags: map[string]string{}}
	if v := lookup(inputs, "region"); v.IsString() {
		p.Region = v.StringValue()
	}
	dt := lookup(inputs, "defaultTags")
	if dt.IsString() {
		var decoded map[string]any
		if err := json.Unmarshal([]byte(dt.StringValue()), &decoded); err == nil {
			dt = resource.NewObjectProperty(resource.NewPropertyMapFromMap(decoded))
		}
	}
	if dt.IsObject() {
		if tags := lookup(dt.ObjectValue(), "tags"); tags.IsObject() {
			for k, v := range tags.ObjectValue() {
				if v = unwrap(v); v.IsString() {
					p.DefaultTags[string(k)] = v.StringValue()
				}
			}
		}
	}
	return p
}
