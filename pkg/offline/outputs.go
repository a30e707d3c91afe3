package offline

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// OutputModel fills in the computed attributes of one resource type. set adds a key only when the
// program did not give it; assign out[key] directly to override.
type OutputModel func(r *Resource, out resource.PropertyMap, set func(key string, v any))

// outputModels holds one OutputModel per type token. Each area of the program registers its own
// in a file of this package (network_model.go, compute_model.go, ...), from init.
var outputModels = map[string]OutputModel{}

// RegisterOutputs adds the output model of a type token.
func RegisterOutputs(typ string, model OutputModel) { outputModels[typ] = model }

// outputsFor returns the state a resource reports after creation: its inputs, plus the computed
// attributes (ARNs, DNS names, endpoints) later resources consume, shaped like AWS's.
func outputsFor(r *Resource) resource.PropertyMap {
	out := r.Inputs.Copy()
	if !r.Custom || IsProviderType(r.Type) {
		return out
	}
	set := func(key string, v any) {
		if _, ok := out[resource.PropertyKey(key)]; !ok {
			out[resource.PropertyKey(key)] = resource.NewPropertyValue(v)
		}
	}
	region := r.Region
	name := r.Name
	set("name", name)
	set("arn", fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service(r.Type), region, AccountID, kind(r.Type), name))

	if model, ok := outputModels[r.Type]; ok {
		model(r, out, set)
	}
	return out
}

// validationOptions models ACM's DNS validation records: one CNAME per name, and the same name
// always yields the same record (as ACM does within one account, across regions).
func validationOptions(inputs resource.PropertyMap) []any {
	names := []string{inputs["domainName"].StringValue()}
	if sans, ok := inputs["subjectAlternativeNames"]; ok && sans.IsArray() {
		for _, s := range sans.ArrayValue() {
			names = append(names, s.StringValue())
		}
	}
	var opts []any
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		opts = append(opts, map[string]any{
			"domainName":          n,
			"resourceRecordName":  fmt.Sprintf("_%x.%s.", hash(n), n),
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": fmt.Sprintf("_%x.acm-validations.aws.", hash("v"+n)),
		})
	}
	return opts
}

// service and kind split a type token such as "aws:ec2/vpc:Vpc" into "ec2" and "vpc".
func service(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) < 2 {
		return typ
	}
	return strings.Split(parts[1], "/")[0]
}

func kind(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) < 2 {
		return typ
	}
	mod := strings.Split(parts[1], "/")
	return mod[len(mod)-1]
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}
