package plan

import (
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/guardrails"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// PolicyCheck is the hook that runs the guardrails (pkg/policy) over every recorded resource. It
// returns how many rules ran and the violations. Set it to nil to leave policy out of the plan.
var PolicyCheck func(recorded []*offline.Resource) (rules int, violations []Violation) = evaluateGuardrails

// evaluateGuardrails runs every rule of the pack over what the program registered, exactly as
// `go run . guardrails` does (guardrails.Evaluate).
func evaluateGuardrails(recorded []*offline.Resource) (int, []Violation) {
	res := guardrails.Evaluate("", recorded)
	var out []Violation
	for _, v := range res.Violations {
		out = append(out, Violation{Rule: v.Rule, Type: v.Type, Name: v.Name, Message: v.Message})
	}
	return res.Rules, out
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
