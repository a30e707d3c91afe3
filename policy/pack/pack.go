// Package pack adapts the rules of pkg/policy to Pulumi's Go policy SDK (policyx): one mandatory
// resource policy per rule, one mandatory stack policy per stack rule.
package pack

import (
	"context"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// PackName and PackVersion identify the policy pack in previews and in Pulumi Cloud.
const (
	PackName    = "multi-region-ha-guardrails"
	PackVersion = "0.1.0"
)

// NewPack builds the policy pack: one mandatory resource policy per Rule and one mandatory stack
// policy per StackRule. policy/main.go serves it with policyx.Main.
func NewPack(*pulumi.Context) (policyx.PolicyPack, error) {
	return policyx.NewPolicyPack(PackName, semver.MustParse(PackVersion), policyx.EnforcementLevelMandatory, Policies())
}

// Policies adapts every rule to a policyx policy.
func Policies() []policyx.Policy {
	var out []policyx.Policy
	for _, rule := range policy.Rules() {
		out = append(out, resourcePolicy(rule))
	}
	for _, rule := range policy.StackRules() {
		out = append(out, stackPolicy(rule))
	}
	return out
}

func resourcePolicy(rule policy.Rule) policyx.ResourceValidationPolicy {
	return policyx.NewResourceValidationPolicy(rule.Name, policyx.ResourceValidationPolicyArgs{
		Description:      rule.Description,
		EnforcementLevel: policyx.EnforcementLevelMandatory,
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
			r := FromAnalyzer(args.Resource)
			if !rule.AppliesTo(r.Type) {
				return nil
			}
			for _, msg := range rule.Check(r) {
				args.Manager.ReportViolation(msg, args.Resource.URN)
			}
			return nil
		},
	})
}

func stackPolicy(rule policy.StackRule) policyx.StackValidationPolicy {
	return policyx.NewStackValidationPolicy(rule.Name, policyx.StackValidationPolicyArgs{
		Description:      rule.Description,
		EnforcementLevel: policyx.EnforcementLevelMandatory,
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
			all := make([]*policy.Resource, 0, len(args.Resources))
			for _, r := range args.Resources {
				all = append(all, FromAnalyzer(r))
			}
			for _, f := range rule.Check(all) {
				args.Manager.ReportViolation(f.Message, f.URN)
			}
			return nil
		},
	})
}

// FromAnalyzer converts what the engine hands a policy into the rules' Resource. The provider's
// defaultTags and region come from the provider's inputs, which the engine may send as an object or
// (as the bridge stores nested provider config) as JSON text.
func FromAnalyzer(ar policyx.AnalyzerResource) *policy.Resource {
	props := resource.ToResourcePropertyMap(ar.Properties)
	r := &policy.Resource{
		Type:                 ar.Type,
		Name:                 ar.Name,
		URN:                  ar.URN,
		Inputs:               props,
		Outputs:              props,
		Protect:              ar.Options.Protect,
		Dependencies:         ar.Dependencies,
		PropertyDependencies: ar.PropertyDependencies,
	}
	if ar.Provider.Type != "" || ar.Provider.URN != "" {
		r.Provider = policy.ProviderFromInputs(ar.Provider.Name, resource.ToResourcePropertyMap(ar.Provider.Properties))
	}
	return r
}
