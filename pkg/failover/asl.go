package failover

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// StateMachine is an Amazon States Language document, built from typed values and marshalled to JSON.
type StateMachine struct {
	Comment        string           `json:"Comment,omitempty"`
	StartAt        string           `json:"StartAt"`
	TimeoutSeconds int              `json:"TimeoutSeconds,omitempty"`
	States         map[string]State `json:"States"`
}

// State is one ASL state. Only the fields the runbook uses are modelled.
type State struct {
	Type           string         `json:"Type"`
	Comment        string         `json:"Comment,omitempty"`
	QueryLanguage  string         `json:"QueryLanguage,omitempty"`
	Resource       string         `json:"Resource,omitempty"`
	Parameters     map[string]any `json:"Parameters,omitempty"`
	Arguments      map[string]any `json:"Arguments,omitempty"`
	Output         any            `json:"Output,omitempty"`
	Result         any            `json:"Result,omitempty"`
	ResultSelector map[string]any `json:"ResultSelector,omitempty"`
	// ResultPath is a JSONPath string, or Discard (JSON null: keep the input, drop the result).
	ResultPath any          `json:"ResultPath,omitempty"`
	Seconds    int          `json:"Seconds,omitempty"`
	Choices    []ChoiceRule `json:"Choices,omitempty"`
	Default    string       `json:"Default,omitempty"`
	Next       string       `json:"Next,omitempty"`
	End        bool         `json:"End,omitempty"`
	Retry      []Retrier    `json:"Retry,omitempty"`
	Catch      []Catcher    `json:"Catch,omitempty"`
	Error      string       `json:"Error,omitempty"`
	Cause      string       `json:"Cause,omitempty"`
}

// ChoiceRule is a JSONPath Choice rule (top-level rules carry Next).
type ChoiceRule struct {
	Variable                 string       `json:"Variable,omitempty"`
	IsPresent                *bool        `json:"IsPresent,omitempty"`
	BooleanEquals            *bool        `json:"BooleanEquals,omitempty"`
	StringEquals             *string      `json:"StringEquals,omitempty"`
	NumericGreaterThanEquals *int         `json:"NumericGreaterThanEquals,omitempty"`
	And                      []ChoiceRule `json:"And,omitempty"`
	Or                       []ChoiceRule `json:"Or,omitempty"`
	Not                      *ChoiceRule  `json:"Not,omitempty"`
	Next                     string       `json:"Next,omitempty"`
}

// Retrier retries a Task on the listed errors, with exponential backoff (BackoffRate), capped at
// MaxDelaySeconds and spread by JitterStrategy FULL so parallel executions do not retry in step.
type Retrier struct {
	ErrorEquals     []string `json:"ErrorEquals"`
	IntervalSeconds int      `json:"IntervalSeconds"`
	MaxAttempts     int      `json:"MaxAttempts"`
	BackoffRate     float64  `json:"BackoffRate"`
	MaxDelaySeconds int      `json:"MaxDelaySeconds,omitempty"`
	JitterStrategy  string   `json:"JitterStrategy,omitempty"`
}

// Catcher sends a Task's errors to Next: with ResultPath (JSONPath states) or Output (JSONata states).
type Catcher struct {
	ErrorEquals []string `json:"ErrorEquals"`
	ResultPath  string   `json:"ResultPath,omitempty"`
	Output      string   `json:"Output,omitempty"`
	Next        string   `json:"Next"`
}

// Discard as a ResultPath keeps the state's input as its output and drops the result.
var Discard = json.RawMessage("null")

// State types.
const (
	TypeTask    = "Task"
	TypePass    = "Pass"
	TypeChoice  = "Choice"
	TypeWait    = "Wait"
	TypeSucceed = "Succeed"
	TypeFail    = "Fail"
)

// JSON renders the document.
func (sm StateMachine) JSON() string {
	b, err := json.Marshal(sm)
	if err != nil {
		panic("failover: " + err.Error())
	}
	return string(b)
}

// Targets returns every state a state can move to (Next, Default, Choices, Catch).
func (s State) Targets() []string {
	var out []string
	add := func(n string) {
		if n != "" {
			out = append(out, n)
		}
	}
	add(s.Next)
	add(s.Default)
	for _, c := range s.Choices {
		add(c.Next)
	}
	for _, c := range s.Catch {
		add(c.Next)
	}
	return out
}

// Terminal reports whether the state ends an execution.
func (s State) Terminal() bool { return s.Type == TypeSucceed || s.Type == TypeFail || s.End }

// Validate checks the rules Step Functions enforces at CreateStateMachine: StartAt exists, every
// transition names an existing state, each state either transitions or ends (never both), Choice
// states have rules and no Next, every state is reachable from StartAt, and each state's fields
// fit its query language, type and integration (fieldProblems).
func (sm StateMachine) Validate() error {
	var problems []string
	if _, ok := sm.States[sm.StartAt]; !ok {
		problems = append(problems, fmt.Sprintf("StartAt %q is not a state", sm.StartAt))
	}
	names := make([]string, 0, len(sm.States))
	for n := range sm.States {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := sm.States[n]
		if len(n) > 80 {
			problems = append(problems, fmt.Sprintf("state name %q is longer than 80 characters", n))
		}
		problems = append(problems, s.fieldProblems(n)...)
		for _, t := range s.Targets() {
			if _, ok := sm.States[t]; !ok {
				problems = append(problems, fmt.Sprintf("%s: transition to unknown state %q", n, t))
			}
		}
		switch s.Type {
		case TypeChoice:
			if len(s.Choices) == 0 || s.Next != "" || s.End {
				problems = append(problems, fmt.Sprintf("%s: a Choice needs Choices and has no Next/End", n))
			}
			for i, c := range s.Choices {
				if c.Next == "" {
					problems = append(problems, fmt.Sprintf("%s: choice %d has no Next", n, i))
				}
			}
		case TypeSucceed, TypeFail:
			if s.Next != "" || s.End {
				problems = append(problems, fmt.Sprintf("%s: %s states take neither Next nor End", n, s.Type))
			}
		case TypeTask, TypePass, TypeWait:
			if (s.Next == "") == !s.End {
				problems = append(problems, fmt.Sprintf("%s: needs exactly one of Next or End", n))
			}
			if s.Type == TypeTask && s.Resource == "" {
				problems = append(problems, fmt.Sprintf("%s: Task without Resource", n))
			}
		default:
			problems = append(problems, fmt.Sprintf("%s: unknown type %q", n, s.Type))
		}
	}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, t := range sm.States[n].Targets() {
			walk(t)
		}
	}
	walk(sm.StartAt)
	for _, n := range names {
		if !seen[n] {
			problems = append(problems, fmt.Sprintf("%s: unreachable from %s", n, sm.StartAt))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid state machine: %s", strings.Join(problems, "; "))
	}
	return nil
}

func boolp(b bool) *bool     { return &b }
func strp(s string) *string  { return &s }
func intp(i int) *int        { return &i }
func sdk(api string) string  { return "arn:aws:states:::aws-sdk:" + api }
func format(s string) string { return escapeIntrinsic(s) }
func quote(s string) string  { return "'" + escapeIntrinsic(s) + "'" }
func jsonataString(s string) string {
	// JSONata string literal in double quotes with JSON escapes (JSONata knows no \' escape, so a
	// single-quoted literal could not carry a quote).
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// escapeIntrinsic escapes the characters intrinsic-function string literals reserve.
func escapeIntrinsic(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, `{`, `\{`, `}`, `\}`).Replace(s)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("failover: " + err.Error())
	}
	return string(b)
}
