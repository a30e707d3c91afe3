package failover

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testParams = Params{
	Region:                  "us-west-2",
	GlobalClusterIdentifier: "database-global",
	TargetClusterArn:        "arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2",
	AutoScalingGroupName:    "compute-us-west-2-asg",
	MinSize:                 2, DesiredCapacity: 3, MaxSize: 6,
	TopicArn: "arn:aws:sns:us-west-2:123456789012:alerts",
}

func TestDefinitionIsStructurallyValid(t *testing.T) {
	sm := Definition(testParams)
	require.NoError(t, sm.Validate())
	assert.Equal(t, StInit, sm.StartAt)
	assert.Equal(t, 30*60+1800, sm.TimeoutSeconds)

	// The JSON round-trips into the same shape (no NaN, no unsupported values).
	var back StateMachine
	require.NoError(t, json.Unmarshal([]byte(sm.JSON()), &back))
	assert.Len(t, back.States, len(sm.States))
}

func TestDefinitionStatesAndTransitions(t *testing.T) {
	sm := Definition(testParams)
	tests := []struct {
		state   string
		typ     string
		targets []string
	}{
		{StInit, TypePass, []string{StInitPoll}},
		{StInitPoll, TypePass, []string{StChooseMode}},
		{StChooseMode, TypeChoice, []string{StInvalidInput, StInvalidInput, StDescribeBefore, StDescribeBefore}},
		{StDescribeBefore, TypeTask, []string{StAlreadyWriter, StNotifyFailure}},
		{StAlreadyWriter, TypeChoice, []string{StRecordPromotion, StSkipPromotion}},
		{StSkipPromotion, TypePass, []string{StRecordWriter}},
		{StRecordPromotion, TypePass, []string{StPromoteBy}},
		{StPromoteBy, TypeChoice, []string{StFailover, StSwitchover}},
		{StSwitchover, TypeTask, []string{StWaitForWriter, StNotifyFailure}},
		{StFailover, TypeTask, []string{StWaitForWriter, StNotifyFailure}},
		{StWaitForWriter, TypeWait, []string{StDescribeAfter}},
		{StDescribeAfter, TypeTask, []string{StIsWriter, StNotifyFailure}},
		{StIsWriter, TypeChoice, []string{StCountPoll, StRecordWriter, StPromotionTimedOut}},
		{StCountPoll, TypePass, []string{StWaitForWriter}},
		{StPromotionTimedOut, TypePass, []string{StNotifyFailure}},
		{StRecordWriter, TypePass, []string{StRaiseCapacity}},
		{StRaiseCapacity, TypeTask, []string{StNotifySuccess, StNotifyFailure}},
		{StNotifySuccess, TypeTask, []string{StSucceeded, StNotifyFailure}},
		{StInvalidInput, TypePass, []string{StNotifyFailure}},
		{StNotifyFailure, TypeTask, []string{StFailed}},
		{StSucceeded, TypeSucceed, nil},
		{StFailed, TypeFail, nil},
	}
	require.Len(t, sm.States, len(tests), "every state is covered by this table")
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			s, ok := sm.States[tt.state]
			require.True(t, ok)
			assert.Equal(t, tt.typ, s.Type)
			assert.ElementsMatch(t, tt.targets, s.Targets())
			assert.Equal(t, tt.typ == TypeSucceed || tt.typ == TypeFail, s.Terminal())
		})
	}
}

func TestEveryTaskButTheFailureReportIsCaught(t *testing.T) {
	for name, s := range Definition(testParams).States {
		if s.Type != TypeTask || name == StNotifyFailure {
			continue
		}
		require.Len(t, s.Catch, 1, name)
		assert.Equal(t, []string{"States.ALL"}, s.Catch[0].ErrorEquals, name)
		assert.Equal(t, StNotifyFailure, s.Catch[0].Next, name)
	}
}

func TestTasksCallExactlyTheRunbooksAPIs(t *testing.T) {
	sm := Definition(testParams)
	tests := []struct {
		state    string
		resource string
		params   map[string]any
	}{
		{StSwitchover, "arn:aws:states:::aws-sdk:rds:switchoverGlobalCluster", map[string]any{
			"GlobalClusterIdentifier": "database-global", "TargetDbClusterIdentifier": testParams.TargetClusterArn}},
		{StFailover, "arn:aws:states:::aws-sdk:rds:failoverGlobalCluster", map[string]any{
			"GlobalClusterIdentifier": "database-global", "TargetDbClusterIdentifier": testParams.TargetClusterArn, "AllowDataLoss": true}},
		{StRaiseCapacity, "arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup", map[string]any{
			"AutoScalingGroupName": "compute-us-west-2-asg", "MinSize": 2, "DesiredCapacity": 3, "MaxSize": 6}},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			s := sm.States[tt.state]
			assert.Equal(t, tt.resource, s.Resource)
			assert.Equal(t, tt.params, s.Parameters)
		})
	}
	for _, st := range []string{StDescribeBefore, StDescribeAfter} {
		s := sm.States[st]
		assert.Equal(t, "arn:aws:states:::aws-sdk:rds:describeGlobalClusters", s.Resource)
		assert.Equal(t, "JSONata", s.QueryLanguage)
		assert.Equal(t, map[string]any{"GlobalClusterIdentifier": "database-global"}, s.Arguments)
		out := s.Output.(string)
		assert.True(t, strings.HasPrefix(out, "{%") && strings.HasSuffix(out, "%}"), out)
		assert.Contains(t, out, "IsWriter = true")
		assert.Contains(t, out, `: "unknown"`, "status always present for the Choice after it")
		assert.Contains(t, out, `"operationDone": $not($exists($states.result.GlobalClusters[0].FailoverState.Status))`,
			"FailoverState is empty unless a switchover or failover is pending or in progress")
		assert.Contains(t, out, "DbClusterArn = '"+testParams.TargetClusterArn+"'")
		assert.Contains(t, out, "DBClusterArn = '"+testParams.TargetClusterArn+"'")
		assert.NotEmpty(t, s.Catch[0].Output, "JSONata catchers keep the input through Output")
	}
}

func TestModesChooseTheRightPromotion(t *testing.T) {
	sm := Definition(testParams)
	mode := sm.States[StChooseMode]
	require.Len(t, mode.Choices, 3)
	assert.Equal(t, StInvalidInput, mode.Choices[0].Next, "a missing mode is refused first")
	assert.Equal(t, ModeSwitchover, *mode.Choices[1].StringEquals)
	assert.Equal(t, ModeFailover, *mode.Choices[2].StringEquals)
	assert.Equal(t, StInvalidInput, mode.Default)

	by := sm.States[StPromoteBy]
	assert.Equal(t, ModeSwitchover, *by.Choices[0].StringEquals)
	assert.Equal(t, StSwitchover, by.Choices[0].Next)
	assert.Equal(t, StFailover, by.Default)
}

func TestWaitsUntilWriterAndAvailableWithABound(t *testing.T) {
	sm := Definition(Params{Region: "eu-west-1", PollSeconds: 10, MaxPolls: 5})
	assert.Equal(t, 10, sm.States[StWaitForWriter].Seconds)
	is := sm.States[StIsWriter]
	require.Len(t, is.Choices, 2)
	and := is.Choices[0].And
	require.Len(t, and, 2)
	assert.Equal(t, "$.after.targetIsWriter", and[0].Variable)
	assert.True(t, *and[0].BooleanEquals)
	or := and[1].Or
	require.Len(t, or, 2, "available, or no switchover/failover left in FailoverState")
	assert.Equal(t, "$.after.status", or[0].Variable)
	assert.Equal(t, "available", *or[0].StringEquals)
	assert.Equal(t, "$.after.operationDone", or[1].Variable)
	assert.True(t, *or[1].BooleanEquals)
	assert.Equal(t, 5, *is.Choices[1].NumericGreaterThanEquals)
	assert.Equal(t, 10*5+1800, sm.TimeoutSeconds)
}

func TestReportsCarryTimingsAndTopic(t *testing.T) {
	sm := Definition(testParams)
	ok := sm.States[StNotifySuccess]
	assert.Equal(t, "arn:aws:states:::sns:publish", ok.Resource)
	assert.Equal(t, testParams.TopicArn, ok.Parameters["TopicArn"])
	msg := ok.Parameters["Message.$"].(string)
	for _, want := range []string{"States.Format(", "$.timings.startedAt", "$.timings.promotion.at", "$.timings.writerConfirmed.at", "$$.State.EnteredTime", "database.writerRegion"} {
		assert.Contains(t, msg, want)
	}
	assert.Equal(t, strings.Count(msg, "{}"), 5, "one argument per placeholder")
	assert.Equal(t, "$$.Execution.StartTime", sm.States[StInit].Parameters["startedAt.$"])

	fail := sm.States[StNotifyFailure]
	assert.Equal(t, testParams.TopicArn, fail.Parameters["TopicArn"])
	fmsg := fail.Parameters["Message.$"].(string)
	assert.Contains(t, fmsg, "$.error.Error")
	assert.Contains(t, fmsg, "$.error.Cause")
	assert.NotContains(t, fmsg, "$.mode", "the failure report must not depend on a valid input")
	assert.Equal(t, strings.Count(fmsg, "{}"), 4)
	for _, s := range []State{ok, fail} {
		assert.LessOrEqual(t, len(s.Parameters["Subject"].(string)), 100)
	}
}

func TestValidateCatchesBrokenMachines(t *testing.T) {
	tests := []struct {
		name string
		sm   StateMachine
		want string
	}{
		{"unknown start", StateMachine{StartAt: "X", States: map[string]State{"A": {Type: TypeSucceed}}}, `StartAt "X"`},
		{"dangling next", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypePass, Next: "B"}}}, `unknown state "B"`},
		{"no next nor end", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypePass}}}, "exactly one of Next or End"},
		{"unreachable", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypeSucceed}, "B": {Type: TypeSucceed}}}, "B: unreachable"},
		{"choice with next", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypeChoice, Next: "A"}}}, "Choice needs Choices"},
		{"task without resource", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypeTask, End: true}}}, "without Resource"},
		{"fail with next", StateMachine{StartAt: "A", States: map[string]State{"A": {Type: TypeFail, Next: "A"}}}, "take neither"},
		{"arguments in a JSONPath state", one(State{Type: TypeTask, Resource: sdk("rds:describeGlobalClusters"), Arguments: map[string]any{"A": "b"}, End: true}), "only in JSONata"},
		{"parameters in a JSONata state", one(State{Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeGlobalClusters"), Parameters: map[string]any{"A": "b"}, End: true}), "not Parameters"},
		{"result path in a JSONata state", one(State{Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeGlobalClusters"), ResultPath: Discard, End: true}), "not Parameters, ResultPath"},
		{"unknown query language", one(State{Type: TypePass, QueryLanguage: "jsonata", End: true}), `QueryLanguage "jsonata"`},
		{"JSONPath catcher with Output", one(State{Type: TypeTask, Resource: sdk("rds:describeGlobalClusters"), Catch: []Catcher{{ErrorEquals: []string{"States.ALL"}, Output: "{% 1 %}", Next: "A"}}, End: true}), "uses ResultPath, not Output"},
		{"JSONata catcher with ResultPath", one(State{Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeGlobalClusters"), Catch: []Catcher{{ErrorEquals: []string{"States.ALL"}, ResultPath: "$.e", Next: "A"}}, End: true}), "uses Output, not ResultPath"},
		{"path parameter without a path", one(State{Type: TypePass, Parameters: map[string]any{"at.$": "now"}, End: true}), `"at.$" needs a path`},
		{"JSONata argument with .$", one(State{Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeGlobalClusters"), Arguments: map[string]any{"Id.$": "$.id"}, End: true}), "no .$ suffix"},
		{"PascalCase SDK action", one(State{Type: TypeTask, Resource: "arn:aws:states:::aws-sdk:rds:DescribeGlobalClusters", End: true}), "not an AWS SDK integration"},
		{"lambda resource", one(State{Type: TypeTask, Resource: "arn:aws:lambda:us-east-1:123456789012:function:f", End: true}), "not an AWS SDK integration"},
		{"wait without seconds", one(State{Type: TypeWait, End: true}), "Seconds >= 1"},
		{"bad retrier", one(State{Type: TypeTask, Resource: sdk("rds:describeGlobalClusters"), Retry: []Retrier{{ErrorEquals: []string{"States.ALL"}, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 0.5}}, End: true}), "BackoffRate >= 1.0"},
		{"choice variable not a path", one(State{Type: TypeChoice, Choices: []ChoiceRule{{Variable: "mode", StringEquals: strp("x"), Next: "A"}}, Default: "A"}), `Variable "mode" must be a JSONPath`},
		{"choice with two operators", one(State{Type: TypeChoice, Choices: []ChoiceRule{{Variable: "$.a", StringEquals: strp("x"), BooleanEquals: boolp(true), Next: "A"}}, Default: "A"}), "either one comparison"},
		{"nested rule with next", one(State{Type: TypeChoice, Choices: []ChoiceRule{{And: []ChoiceRule{{Variable: "$.a", BooleanEquals: boolp(true), Next: "A"}}, Next: "A"}}, Default: "A"}), "nested rule takes no Next"},
		{"bad rule inside Or", one(State{Type: TypeChoice, Choices: []ChoiceRule{{And: []ChoiceRule{{Or: []ChoiceRule{{Variable: "a", BooleanEquals: boolp(true)}}}}, Next: "A"}}, Default: "A"}), `Variable "a" must be a JSONPath`},
		{"choice that retries", one(State{Type: TypeChoice, Choices: []ChoiceRule{{Variable: "$.a", BooleanEquals: boolp(true), Next: "A"}}, Default: "A", Retry: []Retrier{{ErrorEquals: []string{"States.ALL"}, IntervalSeconds: 1, BackoffRate: 1}}}), "only Task states retry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sm.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// one is a machine whose single state "A" is s (Choice rules may loop back to A).
func one(s State) StateMachine { return StateMachine{StartAt: "A", States: map[string]State{"A": s}} }

func TestIntrinsicLiteralsAreEscaped(t *testing.T) {
	assert.Equal(t, `a\'b\{\}c\\`, escapeIntrinsic(`a'b{}c\`))
	sm := Definition(Params{Region: "us-west-2", AutoScalingGroupName: "asg'{x}"})
	assert.Contains(t, sm.States[StNotifySuccess].Parameters["Message.$"], `asg\'\{x\}`)
}

func TestDiscardRendersAsNull(t *testing.T) {
	js := Definition(testParams).JSON()
	var raw struct{ States map[string]map[string]any }
	require.NoError(t, json.Unmarshal([]byte(js), &raw))
	v, present := raw.States[StRaiseCapacity]["ResultPath"]
	assert.True(t, present)
	assert.Nil(t, v)
}
