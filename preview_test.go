package main

// The policy pack must pass a FIRST preview, where every
// value that comes from another resource (ids, ARNs, names, policy JSON built from them) is unknown.
// Mocks know every value, so TestPolicyPackPassesTheWholeProgram cannot show that.

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

func TestPolicyPackPassesAFirstPreview(t *testing.T) {
	for _, tc := range guardrailCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			recorded := m.Resources()
			// Values the engine would not know before creating anything: ids and computed outputs.
			generated := map[string]bool{}
			for _, r := range recorded {
				if len(r.ID) >= 6 {
					generated[r.ID] = true
				}
				for k, v := range r.Outputs {
					if _, isInput := r.Inputs[k]; !isInput && v.IsString() && len(v.StringValue()) >= 6 {
						generated[v.StringValue()] = true
					}
				}
			}
			unknowns := 0
			var blank func(v resource.PropertyValue) resource.PropertyValue
			blank = func(v resource.PropertyValue) resource.PropertyValue {
				switch {
				case v.IsString():
					for g := range generated {
						if strings.Contains(v.StringValue(), g) {
							unknowns++
							return resource.MakeComputed(resource.NewStringProperty(""))
						}
					}
				case v.IsArray():
					out := make([]resource.PropertyValue, 0, len(v.ArrayValue()))
					for _, e := range v.ArrayValue() {
						out = append(out, blank(e))
					}
					return resource.NewArrayProperty(out)
				case v.IsObject():
					out := resource.PropertyMap{}
					for k, e := range v.ObjectValue() {
						out[k] = blank(e)
					}
					return resource.NewObjectProperty(out)
				case v.IsSecret():
					return resource.MakeSecret(blank(v.SecretValue().Element))
				}
				return v
			}
			resources := analyzerResources(t, m)
			for i := range resources {
				if strings.HasPrefix(resources[i].Type, "pulumi:providers:") {
					continue
				}
				inputs := resource.PropertyMap{}
				for k, v := range recorded[i].Inputs {
					inputs[k] = v
				}
				resources[i].Properties = engineProperties(t, blank(resource.NewObjectProperty(inputs)).ObjectValue())
			}
			require.Greater(t, unknowns, 500, "the preview has unknowns to tolerate")
			found, _ := analyze(t, inProcess(t), resources)
			assert.Empty(t, found)
		})
	}
}
