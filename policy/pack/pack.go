// Package pack serves the rules of pkg/policy as a Pulumi policy pack over the analyzer gRPC
// protocol: one mandatory resource policy per rule, one mandatory stack policy per stack rule.
//
// It implements the SDK's generated pulumirpc.AnalyzerServer itself instead of using policyx,
// because policyx builds its pack only in ConfigureStack and so cannot answer GetPluginInfo or
// GetAnalyzerInfo before a stack is configured, which is exactly how `pulumi policy publish` asks
// (pulumi/pulumi#24646, open). Here the pack's metadata is static: every call answers at any time.
package pack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// PackName and PackVersion identify the policy pack in previews and in Pulumi Cloud. Publishing
// refuses a version that already exists: bump PackVersion (or pass --version to policy/bundle)
// for every publish.
const (
	PackName    = "multi-region-ha-guardrails"
	PackVersion = "0.1.0"
	// Description is what Pulumi Cloud shows for the pack.
	Description = "Guardrails of multi-region-ha (encryption, TLS, network exposure, IAM, tags, protection), all mandatory."
)

// Kind says which analyzer call evaluates a policy: Analyze (one resource) or AnalyzeStack (all).
type Kind int

// The two kinds of policy.
const (
	ResourcePolicy Kind = iota
	StackPolicy
)

// Policy is one policy of the pack as Pulumi sees it.
type Policy struct {
	Name        string
	Description string
	Kind        Kind
	// Enforcement is the level the pack ships with. Every policy is mandatory; a Pulumi Cloud
	// policy group may lower one through its configuration (an admin act outside the commit).
	Enforcement Enforcement
}

// Policies lists every policy: the rules of pkg/policy (per resource), then its stack rules.
func Policies() []Policy {
	var out []Policy
	for _, r := range policy.Rules() {
		out = append(out, Policy{Name: r.Name, Description: r.Description, Kind: ResourcePolicy, Enforcement: Mandatory})
	}
	for _, r := range policy.StackRules() {
		out = append(out, Policy{Name: r.Name, Description: r.Description, Kind: StackPolicy, Enforcement: Mandatory})
	}
	return out
}

// Analyzed is one resource as the engine hands it to an analyzer, its properties already
// unmarshalled (unknowns and secrets kept).
type Analyzed struct {
	Type, Name, URN      string
	Properties           resource.PropertyMap
	Protect              bool
	Dependencies         []string
	PropertyDependencies map[string][]string
	Provider             *AnalyzedProvider // nil when the engine sent none
}

// AnalyzedProvider is the explicit provider of an analyzed resource.
type AnalyzedProvider struct {
	Type, Name, URN string
	Properties      resource.PropertyMap
}

// ToRule converts what the engine hands a policy into the rules' Resource. The provider's
// defaultTags and region come from the provider's inputs, which the engine may send as an object
// or (as the bridge stores nested provider config) as JSON text.
func ToRule(a Analyzed) *policy.Resource {
	r := &policy.Resource{
		Type:                 a.Type,
		Name:                 a.Name,
		URN:                  a.URN,
		Inputs:               a.Properties,
		Outputs:              a.Properties,
		Protect:              a.Protect,
		Dependencies:         a.Dependencies,
		PropertyDependencies: a.PropertyDependencies,
	}
	if a.Provider != nil && (a.Provider.Type != "" || a.Provider.URN != "") {
		r.Provider = policy.ProviderFromInputs(a.Provider.Name, a.Provider.Properties)
	}
	return r
}
