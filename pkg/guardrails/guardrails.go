// Package guardrails is `go run . guardrails`: it runs the program for a stack under the offline
// model (no AWS account, no engine), evaluates every rule of the policy pack (pkg/policy, the same
// rules policy/ serves to `pulumi preview --policy-pack policy`) on every registered resource, and
// prints each violation with its resource, rule and fix. It exits 1 on any mandatory violation.
// It is fast feedback, not the gate: it is built from the commit it checks and sees only the stack
// file, never the values of ESC environments the stack imports (it exits 3 then, unless
// --allow-unseen-environment). The gate is the same rules published as a policy pack to Pulumi
// Cloud and enabled for the stack's policy group (policy/, docs/deployments.md).
package guardrails

import (
	"sort"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
)

// Mandatory is the enforcement level of every rule: the pack (policy/pack) registers each rule and
// stack rule as mandatory, and this command enforces them the same way.
const Mandatory = "mandatory"

// Result is the guardrails' verdict on one stack. Its JSON form is what `--format json` prints.
type Result struct {
	Stack      string      `json:"stack"`
	Rules      int         `json:"rules"`     // rules evaluated (per-resource and stack rules)
	Resources  int         `json:"resources"` // resources they were evaluated on
	Mandatory  int         `json:"mandatory"` // mandatory violations; any fails the command
	Passed     bool        `json:"passed"`
	Violations []Violation `json:"violations"`
	// UnseenEnvironments are the Pulumi ESC environments the stack file imports: their values
	// never reach this offline run, so Passed says nothing about them (see docs/deployments.md).
	UnseenEnvironments []string `json:"unseenEnvironments"`
}

// Violation is one broken rule on one resource, with what a compliant resource does.
type Violation struct {
	Rule        string `json:"rule"`
	Enforcement string `json:"enforcement"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	URN         string `json:"urn"`
	Message     string `json:"message"`
	Fix         string `json:"fix"`
}

// Resources turns what the offline model recorded into the rules' view: each resource with its
// provider resolved (region and defaultTags, so provider default tags count for the tags rule and
// decide the environment), its protect option and its dependencies. `plan`, this command and the
// whole-program tests share it, so all three see the same thing the policy pack sees.
func Resources(recorded []*offline.Resource) []*policy.Resource {
	providers := map[string]*policy.Provider{}
	for _, r := range recorded {
		if offline.IsProviderType(r.Type) {
			providers[r.Name] = policy.ProviderFromInputs(r.Name, r.Inputs)
		}
	}
	out := make([]*policy.Resource, 0, len(recorded))
	for _, r := range recorded {
		out = append(out, &policy.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, ID: r.ID,
			Inputs: r.Inputs, Outputs: r.Outputs,
			Provider: providers[r.ProviderName], Protect: r.Protect, Dependencies: r.Dependencies,
		})
	}
	return out
}

// RuleCount is how many rules Evaluate runs: every per-resource rule and every stack rule.
func RuleCount() int { return len(policy.Rules()) + len(policy.StackRules()) }

// Evaluate runs every rule of the pack over recorded and returns the verdict for stack.
func Evaluate(stack string, recorded []*offline.Resource) Result {
	fixes := map[string]string{}
	for _, r := range policy.Rules() {
		fixes[r.Name] = r.Description
	}
	for _, r := range policy.StackRules() {
		fixes[r.Name] = r.Description
	}
	res := Result{Stack: stack, Rules: RuleCount(), Violations: []Violation{}, UnseenEnvironments: []string{}}
	for _, r := range recorded {
		if r.Custom && !offline.IsProviderType(r.Type) {
			res.Resources++
		}
	}
	for _, v := range policy.Check(Resources(recorded)) {
		res.Violations = append(res.Violations, Violation{
			Rule: v.Rule, Enforcement: Mandatory, Type: v.Type, Name: v.Name, URN: v.URN,
			Message: v.Message, Fix: fixes[v.Rule],
		})
		res.Mandatory++
	}
	sort.SliceStable(res.Violations, func(i, j int) bool {
		a, b := res.Violations[i], res.Violations[j]
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.URN < b.URN
	})
	res.Passed = res.Mandatory == 0
	return res
}
