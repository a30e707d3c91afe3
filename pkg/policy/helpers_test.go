package policy

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// prodTags and stagingTags are what the program's providers put on everything.
var (
	prodTags    = map[string]string{"Project": "multi-region-ha", "Environment": "prod", "ManagedBy": "pulumi", "Stack": "prod"}
	stagingTags = map[string]string{"Project": "multi-region-ha", "Environment": "staging", "ManagedBy": "pulumi", "Stack": "staging"}
)

// res builds a resource in a prod stack's us-east-1 provider; its id is name+"-id".
func res(typ, name string, inputs map[string]any) *Resource {
	return &Resource{
		Type: typ, Name: name, URN: "urn:pulumi:prod::multi-region-ha::" + typ + "::" + name, ID: name + "-id",
		Inputs:   resource.NewPropertyMapFromMap(inputs),
		Outputs:  resource.PropertyMap{},
		Provider: &Provider{Name: "aws-us-east-1", Region: "us-east-1", DefaultTags: prodTags},
	}
}

// with returns a copy of r with the inputs at the top-level keys replaced (nil deletes).
func with(r *Resource, changes map[string]any) *Resource {
	c := *r
	c.Inputs = r.Inputs.Copy()
	for k, v := range changes {
		if v == nil {
			delete(c.Inputs, resource.PropertyKey(k))
			continue
		}
		c.Inputs[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return &c
}

func staging(r *Resource) *Resource {
	c := *r
	c.Provider = &Provider{Name: "aws-us-east-1", Region: "us-east-1", DefaultTags: stagingTags}
	return &c
}

func protected(r *Resource) *Resource {
	c := *r
	c.Protect = true
	return &c
}

func names(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.String())
	}
	return out
}

func rulesNamed(vs []Violation, rule string) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Rule == rule {
			out = append(out, v)
		}
	}
	return out
}

func resourceString(s string) resource.PropertyValue { return resource.NewStringProperty(s) }
