package plan

import (
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// PolicyCheck is the hook that runs the guardrails (pkg/policy) over every recorded resource. It
// returns how many rules ran and the violations. Set it to nil to leave policy out of the plan.
var PolicyCheck func(recorded []*offline.Resource) (rules int, violations []Violation) = guardrails

// guardrails runs every rule of pkg/policy over what the program registered, each resource with
// its provider's region and default tags, its protect flag and its dependencies.
func guardrails(recorded []*offline.Resource) (int, []Violation) {
	providers := map[string]*policy.Provider{}
	for _, r := range recorded {
		if isProvider(r.Type) {
			providers[r.Name] = policy.ProviderFromInputs(r.Name, r.Inputs)
		}
	}
	resources := make([]*policy.Resource, 0, len(recorded))
	for _, r := range recorded {
		resources = append(resources, &policy.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, ID: r.ID,
			Inputs: r.Inputs, Outputs: r.Outputs,
			Provider: providers[r.ProviderName], Protect: r.Protect, Dependencies: r.Dependencies,
		})
	}
	var out []Violation
	for _, v := range policy.Check(resources) {
		out = append(out, Violation{Rule: v.Rule, Type: v.Type, Name: v.Name, Message: v.Message})
	}
	return len(policy.Rules()) + len(policy.StackRules()), out
}

func policyResults(recorded []*offline.Resource) Policy {
	if PolicyCheck == nil {
		return Policy{Note: "n/a (no policy check configured)", Violations: []Violation{}}
	}
	rules, violations := PolicyCheck(recorded)
	p := Policy{Checked: true, Rules: rules, Violations: []Violation{}}
	p.Violations = append(p.Violations, violations...)
	if len(violations) == 0 {
		p.Note = "every guardrail passes"
	} else {
		p.Note = strings.TrimSpace(plural(len(violations), "violation"))
	}
	return p
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
