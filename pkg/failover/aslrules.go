package failover

import (
	"fmt"
	"regexp"
	"strings"
)

// Query languages of a state. The document sets none at the top level, so states default to
// JSONPath and may opt into JSONata one by one (the reverse mix is what AWS refuses).
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// taskResource is what the runbook's Task states may call: an AWS SDK integration
// (arn:aws:states:::aws-sdk:<service>:<action>, the action in camelCase as the SDK names it) or the
// optimized SNS publish integration.
var taskResource = regexp.MustCompile(`^arn:aws:states:::(aws-sdk:[a-z0-9]+:[a-z][A-Za-z0-9]+|sns:publish)$`)

// fieldProblems checks the per-state field rules CreateStateMachine enforces and the structural
// Validate does not: the fields each query language allows, Wait and Retry values, Task resources
// and JSONPath Choice rules.
func (s State) fieldProblems(name string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, name+": "+fmt.Sprintf(format, args...)) }
	lang := s.QueryLanguage
	switch lang {
	case "", JSONPath:
		lang = JSONPath
		if s.Arguments != nil || s.Output != nil {
			add("Arguments and Output exist only in JSONata states")
		}
		for k, v := range s.Parameters {
			if strings.HasSuffix(k, ".$") {
				if str, ok := v.(string); !ok || !(strings.HasPrefix(str, "$") || strings.HasPrefix(str, "States.")) {
					add("Parameters %q needs a path or an intrinsic function, got %v", k, v)
				}
			}
		}
	case JSONata:
		if s.Parameters != nil || s.ResultPath != nil || s.ResultSelector != nil {
			add("JSONata states take Arguments/Output, not Parameters, ResultPath or ResultSelector")
		}
		if len(s.Choices) > 0 {
			add("the runbook's Choice rules are JSONPath rules")
		}
		for k := range s.Arguments {
			if strings.HasSuffix(k, ".$") {
				add("JSONata Arguments keys carry no .$ suffix (%q)", k)
			}
		}
	default:
		add("QueryLanguage %q; allowed: %s or %s", s.QueryLanguage, JSONPath, JSONata)
	}
	for i, c := range s.Catch {
		if lang == JSONata && c.ResultPath != "" {
			add("catcher %d: a JSONata catcher uses Output, not ResultPath", i)
		}
		if lang == JSONPath && c.Output != "" {
			add("catcher %d: a JSONPath catcher uses ResultPath, not Output", i)
		}
		if len(c.ErrorEquals) == 0 {
			add("catcher %d has no ErrorEquals", i)
		}
	}
	for i, r := range s.Retry {
		if len(r.ErrorEquals) == 0 || r.IntervalSeconds < 1 || r.MaxAttempts < 0 || r.BackoffRate < 1 {
			add("retrier %d needs ErrorEquals, IntervalSeconds >= 1, MaxAttempts >= 0 and BackoffRate >= 1.0", i)
		}
		if r.MaxDelaySeconds < 0 || (r.MaxDelaySeconds > 0 && r.MaxDelaySeconds < r.IntervalSeconds) {
			add("retrier %d: MaxDelaySeconds must be at least IntervalSeconds", i)
		}
		if r.JitterStrategy != "" && r.JitterStrategy != "FULL" && r.JitterStrategy != "NONE" {
			add("retrier %d: JitterStrategy %q; allowed: FULL or NONE", i, r.JitterStrategy)
		}
	}
	if s.Type == TypeTask && s.Resource != "" && !taskResource.MatchString(s.Resource) {
		add("Resource %q is not an AWS SDK integration (arn:aws:states:::aws-sdk:<service>:<camelCaseAction>) or sns:publish", s.Resource)
	}
	if s.Type == TypeWait && s.Seconds < 1 {
		add("a Wait needs Seconds >= 1")
	}
	if (s.Type == TypeChoice || s.Type == TypeWait || s.Type == TypeSucceed || s.Type == TypeFail) && (s.Retry != nil || s.Catch != nil) {
		add("only Task states retry and catch")
	}
	for i, c := range s.Choices {
		for _, p := range c.problems(true) {
			add("choice %d: %s", i, p)
		}
	}
	return problems
}

// problems checks one JSONPath Choice rule: a leaf compares one Variable ($-path) with exactly one
// operator; a boolean rule (And, Or, Not) has no Variable; only top-level rules carry Next.
func (c ChoiceRule) problems(top bool) []string {
	var out []string
	if top && c.Next == "" {
		out = append(out, "a top-level rule needs Next")
	}
	if !top && c.Next != "" {
		out = append(out, "a nested rule takes no Next")
	}
	operators := 0
	for _, set := range []bool{c.IsPresent != nil, c.BooleanEquals != nil, c.StringEquals != nil, c.NumericGreaterThanEquals != nil} {
		if set {
			operators++
		}
	}
	booleans := 0
	if len(c.And) > 0 {
		booleans++
	}
	if len(c.Or) > 0 {
		booleans++
	}
	if c.Not != nil {
		booleans++
	}
	switch {
	case booleans == 0 && operators == 1:
		if !strings.HasPrefix(c.Variable, "$") {
			out = append(out, fmt.Sprintf("Variable %q must be a JSONPath ($...)", c.Variable))
		}
	case booleans == 1 && operators == 0 && c.Variable == "":
		for _, n := range append(append([]ChoiceRule{}, c.And...), c.Or...) {
			out = append(out, n.problems(false)...)
		}
		if c.Not != nil {
			out = append(out, c.Not.problems(false)...)
		}
	default:
		out = append(out, "a rule is either one comparison on a Variable or one of And, Or, Not")
	}
	return out
}
