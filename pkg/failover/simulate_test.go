package failover

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	jsonata "github.com/xiatechs/jsonata-go"
)

// A small Step Functions interpreter for the runbook: it walks the definition from StartAt, runs
// each state the way Step Functions does (JSONata Output/Arguments with $states, JSONPath
// Parameters/ResultPath with ".$" keys and the few intrinsics the runbook uses, Choice rules,
// Catchers by error name), and answers every Task from a fake. The runbook's decisions are tested
// by what an execution does, not by the text of its expressions. Retries are not simulated: a fake
// answers the final outcome of a call.

// call is one Task the simulated execution made.
type call struct {
	State, Resource string
	Args            map[string]any
}

// taskError is what a fake answers for a failed call: the Step Functions error name and cause.
type taskError struct{ Error, Cause string }

// fake answers a Task: the result, or an error.
type fake func(state, resource string, args map[string]any) (any, *taskError)

// execution is the outcome of one simulated run.
type execution struct {
	Path   []string
	Calls  []call
	Output map[string]any
	// Status is SUCCEEDED or FAILED; Error is the Fail state's error.
	Status, Error string
}

func (e execution) visited(state string) bool { return slices.Contains(e.Path, state) }

func (e execution) calls(resource string) []call {
	var out []call
	for _, c := range e.Calls {
		if c.Resource == resource {
			out = append(out, c)
		}
	}
	return out
}

// published is the Message of every sns:publish, in order.
func (e execution) published() []string {
	var out []string
	for _, c := range e.calls("arn:aws:states:::sns:publish") {
		out = append(out, fmt.Sprint(c.Args["Message"]))
	}
	return out
}

func simulate(t *testing.T, sm StateMachine, input map[string]any, answer fake) execution {
	t.Helper()
	require.NoError(t, sm.Validate())
	data := asMap(t, input)
	ctx := map[string]any{
		"Execution":    map[string]any{"Id": "arn:aws:states:us-west-2:123456789012:execution:runbook:me", "Name": "me", "StartTime": "2026-01-01T00:00:00Z"},
		"StateMachine": map[string]any{"Id": "arn:aws:states:us-west-2:123456789012:stateMachine:runbook"},
		"State":        map[string]any{"EnteredTime": "2026-01-01T00:00:01Z"},
	}
	var ex execution
	name := sm.StartAt
	for steps := 0; steps < 500; steps++ {
		s, ok := sm.States[name]
		require.True(t, ok, "state %s exists", name)
		ex.Path = append(ex.Path, name)
		switch s.Type {
		case TypeSucceed:
			ex.Status, ex.Output = "SUCCEEDED", data
			return ex
		case TypeFail:
			ex.Status, ex.Error, ex.Output = "FAILED", s.Error, data
			return ex
		case TypeWait:
			name = s.Next
		case TypeChoice:
			name = s.Default
			for _, r := range s.Choices {
				if matches(t, r, data) {
					name = r.Next
					break
				}
			}
			require.NotEmpty(t, name, "choice %s has a match or a default", name)
		case TypePass:
			if s.QueryLanguage == JSONata {
				data = asMap(t, evalJSONata(t, s.Output.(string), map[string]any{"input": data, "context": ctx}))
			} else {
				var result any = data
				if s.Result != nil {
					result = normalize(t, s.Result)
				}
				if s.Parameters != nil {
					result = resolveParameters(t, s.Parameters, data, ctx)
				}
				data = applyResultPath(t, data, s.ResultPath, result)
			}
			name = s.Next
		case TypeTask:
			var args map[string]any
			if s.QueryLanguage == JSONata {
				args = asMap(t, evalTemplate(t, s.Arguments, map[string]any{"input": data, "context": ctx}))
			} else {
				args = asMap(t, resolveParameters(t, s.Parameters, data, ctx))
			}
			ex.Calls = append(ex.Calls, call{State: name, Resource: s.Resource, Args: args})
			result, failure := answer(name, s.Resource, args)
			if failure != nil {
				next, out := catch(t, s, failure, data)
				require.NotEmpty(t, next, "%s: %s is not caught", name, failure.Error)
				data, name = out, next
				continue
			}
			res := normalize(t, result)
			if s.QueryLanguage == JSONata {
				out := "{% $states.input %}"
				if s.Output != nil {
					out = s.Output.(string)
				}
				data = asMap(t, evalJSONata(t, out, map[string]any{"input": data, "result": res, "context": ctx}))
			} else {
				if s.ResultSelector != nil {
					res = resolveParameters(t, s.ResultSelector, asMap(t, res), ctx)
				}
				data = applyResultPath(t, data, s.ResultPath, res)
			}
			name = s.Next
		default:
			t.Fatalf("state %s: type %s not simulated", name, s.Type)
		}
	}
	t.Fatalf("execution did not end within 500 states: %v", ex.Path[len(ex.Path)-20:])
	return ex
}

func catch(t *testing.T, s State, failure *taskError, data map[string]any) (string, map[string]any) {
	errOut := map[string]any{"Error": failure.Error, "Cause": failure.Cause}
	for _, c := range s.Catch {
		if !slices.Contains(c.ErrorEquals, failure.Error) && !slices.Contains(c.ErrorEquals, "States.ALL") &&
			!(slices.Contains(c.ErrorEquals, "States.TaskFailed") && !strings.HasPrefix(failure.Error, "States.")) {
			continue
		}
		if c.Output != "" {
			return c.Next, asMap(t, evalJSONata(t, c.Output, map[string]any{"input": data, "errorOutput": errOut}))
		}
		return c.Next, applyResultPath(t, data, c.ResultPath, errOut)
	}
	return "", nil
}

func matches(t *testing.T, r ChoiceRule, data map[string]any) bool {
	switch {
	case r.And != nil:
		for _, c := range r.And {
			if !matches(t, c, data) {
				return false
			}
		}
		return true
	case r.Or != nil:
		for _, c := range r.Or {
			if matches(t, c, data) {
				return true
			}
		}
		return false
	case r.Not != nil:
		return !matches(t, *r.Not, data)
	}
	v, present := getPath(data, r.Variable)
	switch {
	case r.IsPresent != nil:
		return present == *r.IsPresent
	case !present:
		t.Fatalf("choice on %s: the field is missing (a runtime error in Step Functions)", r.Variable)
	case r.BooleanEquals != nil:
		b, ok := v.(bool)
		require.True(t, ok, "%s is a boolean: %v", r.Variable, v)
		return b == *r.BooleanEquals
	case r.StringEquals != nil:
		s, ok := v.(string)
		require.True(t, ok, "%s is a string: %v", r.Variable, v)
		return s == *r.StringEquals
	case r.NumericGreaterThanEquals != nil:
		f, ok := v.(float64)
		require.True(t, ok, "%s is a number: %v", r.Variable, v)
		return f >= float64(*r.NumericGreaterThanEquals)
	}
	t.Fatalf("choice rule on %s not simulated", r.Variable)
	return false
}

var templateExpr = regexp.MustCompile(`(?s)^\{%(.*)%\}$`)

// evalTemplate evaluates every "{% ... %}" string of a JSONata Arguments template.
func evalTemplate(t *testing.T, v any, states map[string]any) any {
	switch x := v.(type) {
	case string:
		if templateExpr.MatchString(x) {
			return evalJSONata(t, x, states)
		}
		return x
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = evalTemplate(t, e, states)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = evalTemplate(t, e, states)
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	}
	return normalize(t, v)
}

func evalJSONata(t *testing.T, expr string, states map[string]any) any {
	t.Helper()
	m := templateExpr.FindStringSubmatch(expr)
	require.NotNil(t, m, "JSONata is wrapped in {%% %%}: %s", expr)
	e, err := jsonata.Compile(escapeDotsInStrings(strings.TrimSpace(m[1])))
	require.NoError(t, err, "compiles: %s", expr)
	require.NoError(t, e.RegisterExts(map[string]jsonata.Extension{
		// Step Functions adds $parse (JSON text to a value).
		"parse": {Func: func(s string) (any, error) {
			var v any
			return v, json.Unmarshal([]byte(s), &v)
		}},
	}))
	require.NoError(t, e.RegisterVars(map[string]any{"states": states}))
	v, err := e.Eval(nil)
	require.NoError(t, err, "evaluates: %s", expr)
	return normalize(t, v)
}

// escapeDotsInStrings writes every "." inside a string literal as \u002e: the same JSONata, but the
// Go evaluator's preprocessing would otherwise read `letter." ... "` as a quoted path segment.
func escapeDotsInStrings(expr string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0 && c == '\\' && i+1 < len(expr):
			b.WriteByte(c)
			b.WriteByte(expr[i+1])
			i++
			continue
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote != 0 && c == '.':
			b.WriteString(`\u002e`)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// resolveParameters resolves a JSONPath Parameters template: "k.$" keys take a path ($., $$.) or an
// intrinsic (States.Format, States.MathAdd).
func resolveParameters(t *testing.T, params map[string]any, data, ctx map[string]any) any {
	out := map[string]any{}
	for k, v := range params {
		if strings.HasSuffix(k, ".$") {
			out[strings.TrimSuffix(k, ".$")] = resolveValue(t, v.(string), data, ctx)
			continue
		}
		if m, ok := v.(map[string]any); ok {
			out[k] = resolveParameters(t, m, data, ctx)
			continue
		}
		out[k] = normalize(t, v)
	}
	return out
}

func resolveValue(t *testing.T, expr string, data, ctx map[string]any) any {
	switch {
	case strings.HasPrefix(expr, "$$."):
		v, ok := getPath(ctx, "$."+strings.TrimPrefix(expr, "$$."))
		require.True(t, ok, "context %s", expr)
		return v
	case strings.HasPrefix(expr, "$"):
		v, ok := getPath(data, expr)
		require.True(t, ok, "path %s exists (a runtime error otherwise)", expr)
		return v
	case strings.HasPrefix(expr, "States.MathAdd("):
		args := splitArgs(strings.TrimSuffix(strings.TrimPrefix(expr, "States.MathAdd("), ")"))
		a := resolveValue(t, args[0], data, ctx).(float64)
		b, err := strconv.ParseFloat(args[1], 64)
		require.NoError(t, err)
		return a + b
	case strings.HasPrefix(expr, "States.Format("):
		args := splitArgs(strings.TrimSuffix(strings.TrimPrefix(expr, "States.Format("), ")"))
		format := unquoteIntrinsic(args[0])
		var b strings.Builder
		i := 0
		for j := 0; j < len(format); j++ {
			if format[j] == '{' && j+1 < len(format) && format[j+1] == '}' {
				require.Less(t, i+1, len(args), "States.Format has an argument per {}")
				v := resolveValue(t, args[i+1], data, ctx)
				if s, ok := v.(string); ok {
					b.WriteString(s)
				} else {
					b.WriteString(mustJSON(v))
				}
				i++
				j++
				continue
			}
			b.WriteByte(format[j])
		}
		require.Equal(t, len(args)-1, i, "every States.Format argument is used")
		return b.String()
	}
	t.Fatalf("intrinsic not simulated: %s", expr)
	return nil
}

// splitArgs splits an intrinsic's arguments at top-level commas (outside quoted strings).
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			cur.WriteByte(s[i+1])
			i++
			continue
		case c == '\'':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(out, strings.TrimSpace(cur.String()))
}

func unquoteIntrinsic(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'")
	return strings.NewReplacer(`\'`, `'`, `\{`, `{`, `\}`, `}`, `\\`, `\`).Replace(s)
}

func getPath(data map[string]any, path string) (any, bool) {
	if path == "$" {
		return data, true
	}
	var cur any = data
	for _, part := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func applyResultPath(t *testing.T, data map[string]any, resultPath any, result any) map[string]any {
	switch rp := resultPath.(type) {
	case nil:
		return asMap(t, result) // no ResultPath: the result replaces the input
	case json.RawMessage:
		return data // Discard
	case string:
		if rp == "$" {
			return asMap(t, result)
		}
		out := asMap(t, normalize(t, data))
		parts := strings.Split(strings.TrimPrefix(rp, "$."), ".")
		cur := out
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[p] = next
			}
			cur = next
		}
		cur[parts[len(parts)-1]] = result
		return out
	}
	t.Fatalf("ResultPath %v not simulated", resultPath)
	return nil
}

func normalize(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func asMap(t *testing.T, v any) map[string]any {
	m, ok := normalize(t, v).(map[string]any)
	require.True(t, ok, "a state's output is an object: %v", v)
	return m
}

// ---- the world the runbook meets ------------------------------------------------------------

// world is an AWS account the fakes answer from: the global cluster's topology as each describe
// sees it, what each promotion call answers, and the rest of what the runbook reads.
type world struct {
	p Params
	// topology answers describeGlobalClusters, call by call (the last one repeats).
	topology []map[string]any
	// answers for each promotion API (by state name) and the relay.
	switchover, failover *taskError
	relay                map[string]any
	lagFresh             bool
	desired              float64
	described            int
	// snapshots and events answer keep-lost-writes' describe calls.
	snapshots, events []map[string]any
}

// member is a global cluster member.
func member(arn string, writer bool) map[string]any {
	return map[string]any{"DbClusterArn": arn, "IsWriter": writer}
}

// globalCluster is a DescribeGlobalClusters answer: status, members, and a FailoverState towards
// toArn ("" for none).
func globalCluster(status string, toArn string, members ...map[string]any) map[string]any {
	g := map[string]any{"Status": status, "GlobalClusterMembers": members}
	if toArn != "" {
		g["FailoverState"] = map[string]any{"Status": "failing-over", "ToDbClusterArn": toArn}
	}
	return map[string]any{"GlobalClusters": []any{g}}
}

func (w *world) answer(state, resource string, args map[string]any) (any, *taskError) {
	switch resource {
	case sdk("sfn:listExecutions"):
		return map[string]any{"Executions": []any{}}, nil
	case sdk("rds:describeGlobalClusters"):
		i := min(w.described, len(w.topology)-1)
		w.described++
		return w.topology[i], nil
	case sdk("cloudwatch:getMetricData"):
		ts := time.Now().Add(-10 * time.Minute)
		if w.lagFresh {
			ts = time.Now().Add(-30 * time.Second)
		}
		return map[string]any{"MetricDataResults": []any{map[string]any{"Values": []any{800.0}, "Timestamps": []any{ts.UTC().Format(time.RFC3339)}}}}, nil
	case sdk("lambda:invoke"):
		return map[string]any{"Payload": mustJSON(w.relay)}, nil
	case sdk("rds:switchoverGlobalCluster"):
		return map[string]any{}, w.switchover
	case sdk("rds:failoverGlobalCluster"):
		return map[string]any{}, w.failover
	case sdk("autoscaling:describeAutoScalingGroups"):
		return map[string]any{"AutoScalingGroups": []any{map[string]any{"DesiredCapacity": w.desired}}}, nil
	case sdk("rds:describeDBClusterSnapshots"):
		return map[string]any{"DbClusterSnapshots": w.snapshots}, nil
	case sdk("rds:describeEvents"):
		return map[string]any{"Events": w.events}, nil
	case sdk("rds:copyDBClusterSnapshot"):
		return map[string]any{"DbClusterSnapshot": map[string]any{"Status": "creating"}}, nil
	case sdk("autoscaling:updateAutoScalingGroup"), "arn:aws:states:::sns:publish":
		return map[string]any{}, nil
	}
	return nil, &taskError{Error: "Fake.UnknownResource", Cause: resource}
}
