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
	PeerClusterArn:          "arn:aws:rds:us-east-1:123456789012:cluster:database-us-east-1",
	SwitchoverRelayArn:      "arn:aws:lambda:us-west-2:123456789012:function:failover-us-west-2-relay",
	AutoScalingGroupName:    "compute-us-west-2-asg",
	DesiredCapacity:         3, MaxSize: 6,
	TopicArn: "arn:aws:sns:us-west-2:123456789012:alerts",
	Rejoin: &RejoinParams{
		RunbookRegion: "us-west-2", Region: "us-east-1", GlobalClusterIdentifier: "database-global",
		ClusterIdentifier: "database-us-east-1", InstanceIdentifiers: []string{"database-us-east-1-1", "database-us-east-1-2"},
		Engine: "aurora-postgresql", InstanceClass: "db.r6g.large",
		KmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k", SubnetGroupName: "db-subnets", SecurityGroupId: "sg-db",
		ParameterGroupName: "db-params", Port: 5432,
	},
}

func TestDefinitionIsStructurallyValid(t *testing.T) {
	sm := Definition(testParams)
	require.NoError(t, sm.Validate(), "the existing ASL validator accepts the runbook")
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
		{StChooseMode, TypeChoice, []string{StInvalidInput, StInvalidInput, StListRunning, StListRunning, StListRunning, StFindLostWrites}},
		{StFindLostWrites, TypeTask, []string{StHasLostWrites, StNotifyFailure}},
		{StHasLostWrites, TypeChoice, []string{StReadFencing, StCopyLostWrites}},
		{StCopyLostWrites, TypeTask, []string{StReadFencing, StNotifyFailure}},
		{StReadFencing, TypeTask, []string{StNotifyLostWrites, StNotifyLostWrites}},
		{StNotifyLostWrites, TypeTask, []string{StSucceeded, StNotifyFailure}},
		{StListRunning, TypeTask, []string{StIsDuplicate, StNotifyFailure}},
		{StIsDuplicate, TypeChoice, []string{StDescribeBefore, StJoinEarlier}},
		{StJoinEarlier, TypePass, []string{StDescribeAfter}},
		{StDescribeBefore, TypeTask, []string{StAlreadyWriter, StNotifyFailure}},
		{StAlreadyWriter, TypeChoice, []string{StReadLag, StSkipPromotion, StJoinInProgress, StOtherInProgress}},
		{StSkipPromotion, TypePass, []string{StRecordWriter}},
		{StJoinInProgress, TypePass, []string{StWaitForWriter}},
		{StOtherInProgress, TypePass, []string{StNotifyFailure}},
		{StReadLag, TypeTask, []string{StDecide, StDecide}},
		{StDecide, TypePass, []string{StRecordPromotion}},
		{StRecordPromotion, TypePass, []string{StPromoteBy}},
		{StPromoteBy, TypeChoice, []string{StFailover, StSwitchover}},
		{StSwitchover, TypeTask, []string{StRelayAnswered, StRelayFailed}},
		{StRelayAnswered, TypeChoice, []string{StRelayFailed, StWaitForWriter, StRelayRefused}},
		{StRelayRefused, TypePass, []string{StDescribeAfter}},
		{StRelayFailed, TypeChoice, []string{StFallBack, StRelayFailedReport}},
		{StFallBack, TypePass, []string{StFailover}},
		{StFallBackRefused, TypePass, []string{StRecordPromotion}},
		{StRelayFailedReport, TypePass, []string{StNotifyFailure}},
		{StFailover, TypeTask, []string{StWaitForWriter, StDescribeAfter, StNotifyFailure}},
		{StWaitForWriter, TypeWait, []string{StDescribeAfter}},
		{StDescribeAfter, TypeTask, []string{StIsWriter, StNotifyFailure}},
		{StIsWriter, TypeChoice, []string{StCountPoll, StRecordWriter, StFallBackRefused, StPromotionRefused, StPromotionTimedOut}},
		{StCountPoll, TypePass, []string{StWaitForWriter}},
		{StPromotionRefused, TypePass, []string{StNotifyFailure}},
		{StPromotionTimedOut, TypePass, []string{StNotifyFailure}},
		{StRecordWriter, TypePass, []string{StReadCapacity}},
		{StReadCapacity, TypeTask, []string{StRaiseCapacity, StNotifyFailure}},
		{StRaiseCapacity, TypeTask, []string{StDescribeFinal, StNotifyFailure}},
		{StDescribeFinal, TypeTask, []string{StNotifySuccess, StNotifyFailure}},
		{StNotifySuccess, TypeTask, []string{StSucceeded, StNotifyFailure}},
		{StInvalidInput, TypePass, []string{StNotifyFailure}},
		{StNotifyFailure, TypeTask, []string{StPromotedBefore, StPromotedBefore}},
		{StPromotedBefore, TypeChoice, []string{StFailed, StFailedPromoted}},
		{StSucceeded, TypeSucceed, nil},
		{StFailed, TypeFail, nil},
		{StFailedPromoted, TypeFail, nil},
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

// Every AWS call retries throttling and transient errors with capped, jittered backoff; every Task
// but the failure report ends in NotifyFailure on anything else (the lag read excepted: an unknown
// lag must not stop a failover).
func TestEveryCallRetriesThrottlingAndTransientErrors(t *testing.T) {
	for name, s := range Definition(testParams).States {
		if s.Type != TypeTask {
			continue
		}
		require.NotEmpty(t, s.Retry, name)
		r := s.Retry[0]
		assert.Contains(t, r.ErrorEquals[0], "ThrottlingException", name)
		svc := strings.SplitN(r.ErrorEquals[0], ".", 2)[0]
		for _, e := range []string{"Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure", svc + "Exception"} {
			assert.Contains(t, r.ErrorEquals, svc+"."+e, name)
		}
		assert.GreaterOrEqual(t, r.MaxAttempts, 5, name)
		assert.Greater(t, r.BackoffRate, 1.0, name)
		assert.Equal(t, "FULL", r.JitterStrategy, name)
		assert.Equal(t, 60, r.MaxDelaySeconds, name)
		if name == StNotifyFailure {
			require.Len(t, s.Catch, 1)
			assert.Equal(t, StPromotedBefore, s.Catch[0].Next, "the failure report ends in a Fail state either way")
			continue
		}
		last := s.Catch[len(s.Catch)-1]
		assert.Equal(t, []string{"States.ALL"}, last.ErrorEquals, name)
		switch name {
		case StReadLag:
			assert.Equal(t, StDecide, last.Next, "an unknown lag must not stop a failover")
		case StReadFencing:
			assert.Equal(t, StNotifyLostWrites, last.Next, "an unknown fencing result must not lose the snapshot report")
		case StSwitchover:
			assert.Equal(t, StRelayFailed, last.Next, "a relay that cannot be invoked is a failed switchover: auto falls back")
		default:
			assert.Equal(t, StNotifyFailure, last.Next, name)
		}
	}
	// The promotions do not retry a refusal (a promotion under way or done): they re-read the topology.
	noRelay := testParams
	noRelay.SwitchoverRelayArn = ""
	for _, s := range []State{Definition(testParams).States[StFailover], Definition(noRelay).States[StSwitchover], Definition(noRelay).States[StFailover]} {
		require.Len(t, s.Retry, 1)
		assert.NotContains(t, s.Retry[0].ErrorEquals, "States.TaskFailed", "a promotion is retried only on transient errors")
		assert.Equal(t, promotionRefusedErrors, s.Catch[0].ErrorEquals)
		assert.Equal(t, StDescribeAfter, s.Catch[0].Next)
		assert.Equal(t, "$.promotionRefused", s.Catch[0].ResultPath)
	}
}

func TestTasksCallExactlyTheRunbooksAPIs(t *testing.T) {
	sm := Definition(testParams)
	tests := []struct {
		state    string
		resource string
		params   map[string]any
	}{
		{StFailover, "arn:aws:states:::aws-sdk:rds:failoverGlobalCluster", map[string]any{
			"GlobalClusterIdentifier": "database-global", "TargetDbClusterIdentifier": testParams.TargetClusterArn, "AllowDataLoss": true}},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			s := sm.States[tt.state]
			assert.Equal(t, tt.resource, s.Resource)
			assert.Equal(t, tt.params, s.Parameters)
		})
	}
	// The switchover is made from the current primary's region, by the relay this region invokes.
	sw := sm.States[StSwitchover]
	assert.Equal(t, "arn:aws:states:::aws-sdk:lambda:invoke", sw.Resource)
	assert.Equal(t, map[string]any{"FunctionName": testParams.SwitchoverRelayArn, "Payload": "{}"}, sw.Arguments, "no input reaches the relay: it can promote nothing else")
	assert.Contains(t, sw.Output, `"refused": $a.refused = true`)
	assert.Contains(t, sw.Output, "$parse($r.Payload)", "Step Functions offers $parse, not $eval")
	for _, st := range sm.States {
		if out, ok := st.Output.(string); ok {
			assert.NotContains(t, out, "$eval(", "not available in Step Functions' JSONata")
		}
	}
	assert.Contains(t, sw.Output, `"Lambda." & $r.FunctionError`)
	answered := sm.States[StRelayAnswered]
	assert.Equal(t, "$.relay.ok", answered.Choices[0].Variable)
	assert.Equal(t, StWaitForWriter, answered.Choices[0].Next)
	assert.Equal(t, "$.relay.refused", answered.Choices[1].Variable)
	assert.Equal(t, "$.promotionRefused", sm.States[StRelayRefused].ResultPath, "a refusal through the relay is read like one of the runbook's own calls")
	assert.Equal(t, StDescribeAfter, sm.States[StRelayRefused].Next)

	// Without a relay (no peer known) the switchover is called in this region.
	noRelay := testParams
	noRelay.SwitchoverRelayArn = ""
	direct := Definition(noRelay)
	require.NoError(t, direct.Validate())
	assert.Equal(t, "arn:aws:states:::aws-sdk:rds:switchoverGlobalCluster", direct.States[StSwitchover].Resource)
	assert.Equal(t, map[string]any{"GlobalClusterIdentifier": "database-global", "TargetDbClusterIdentifier": testParams.TargetClusterArn}, direct.States[StSwitchover].Parameters)
	assert.NotContains(t, direct.States, StRelayAnswered)

	raise := sm.States[StRaiseCapacity]
	assert.Equal(t, "arn:aws:states:::aws-sdk:autoscaling:updateAutoScalingGroup", raise.Resource)
	assert.Equal(t, map[string]any{"AutoScalingGroupName": "compute-us-west-2-asg", "DesiredCapacity": "{% $states.input.capacity.target %}"}, raise.Arguments,
		"desired only: never MinSize or MaxSize (a lower max clamps desired)")
	read := sm.States[StReadCapacity]
	assert.Equal(t, "arn:aws:states:::aws-sdk:autoscaling:describeAutoScalingGroups", read.Resource)
	assert.Contains(t, read.Output, "$max([$d, 3])", "raise to the configured capacity, never below what runs")

	list := sm.States[StListRunning]
	assert.Equal(t, "arn:aws:states:::aws-sdk:sfn:listExecutions", list.Resource)
	assert.Equal(t, "RUNNING", list.Arguments["StatusFilter"])
	assert.Equal(t, "{% $states.context.StateMachine.Id %}", list.Arguments["StateMachineArn"], "its own executions, in its own region")

	lag := sm.States[StReadLag]
	assert.Equal(t, "arn:aws:states:::aws-sdk:cloudwatch:getMetricData", lag.Resource)
	q := lag.Arguments["MetricDataQueries"].([]any)[0].(map[string]any)["MetricStat"].(map[string]any)
	metric := q["Metric"].(map[string]any)
	assert.Equal(t, "AuroraGlobalDBReplicationLag", metric["MetricName"])
	// Aurora publishes the lag per secondary cluster and the region it replicates from:
	// DBClusterIdentifier alone matches no series, and "auto" would then always see no lag and fail
	// over with data loss.
	assert.Equal(t, []any{
		map[string]any{"Name": "DBClusterIdentifier", "Value": "database-us-west-2"},
		map[string]any{"Name": "SourceRegion", "Value": "us-east-1"},
	}, metric["Dimensions"], "this region's cluster, from its ARN, replicating from the peer's region")

	for _, st := range []string{StDescribeBefore, StDescribeAfter, StDescribeFinal} {
		s := sm.States[st]
		assert.Equal(t, "arn:aws:states:::aws-sdk:rds:describeGlobalClusters", s.Resource)
		assert.Equal(t, JSONata, s.QueryLanguage)
		assert.Equal(t, map[string]any{"GlobalClusterIdentifier": "database-global"}, s.Arguments)
		out := s.Output.(string)
		assert.True(t, strings.HasPrefix(out, "{%") && strings.HasSuffix(out, "%}"), out)
		assert.Contains(t, out, "IsWriter = true")
		assert.Contains(t, out, `: "unknown"`, "status always present for the Choice after it")
		assert.Contains(t, out, `"operationDone": $not($exists($f.Status))`, "FailoverState is empty unless a switchover or failover is pending or in progress")
		assert.Contains(t, out, `DbClusterArn = "`+testParams.TargetClusterArn+`"`)
		assert.Contains(t, out, `DBClusterArn = "`+testParams.TargetClusterArn+`"`)
		assert.Contains(t, out, `"peerIsMember": $count($m[DbClusterArn = "`+testParams.PeerClusterArn+`"`)
		assert.Contains(t, out, `$f.ToDbClusterArn = "`+testParams.TargetClusterArn+`"`)
		assert.NotEmpty(t, s.Catch[0].Output, "JSONata catchers keep the input through Output")
	}
}

// The existing inputs keep working, "auto" is new, and anything else is refused before any call.
func TestModesChooseTheRightPromotion(t *testing.T) {
	sm := Definition(testParams)
	mode := sm.States[StChooseMode]
	require.Len(t, mode.Choices, 5)
	assert.Equal(t, StInvalidInput, mode.Choices[0].Next, "a missing mode is refused first")
	var modes []string
	for _, c := range mode.Choices[1:4] {
		modes = append(modes, *c.StringEquals)
		assert.Equal(t, StListRunning, c.Next)
	}
	assert.Equal(t, []string{ModeSwitchover, ModeFailover, ModeAuto}, modes)
	assert.Equal(t, ModeKeepLostWrites, *mode.Choices[4].StringEquals)
	assert.Equal(t, StFindLostWrites, mode.Choices[4].Next, "keeping lost writes promotes nothing")
	assert.Equal(t, StInvalidInput, mode.Default)

	by := sm.States[StPromoteBy]
	assert.Equal(t, "$.decision.action", by.Choices[0].Variable)
	assert.Equal(t, ActionSwitchover, *by.Choices[0].StringEquals)
	assert.Equal(t, StSwitchover, by.Choices[0].Next)
	assert.Equal(t, StFailover, by.Default)

	// The decision: asked modes win; auto switches over only while the writer's region answers.
	decide := sm.States[StDecide].Output.(string)
	for _, want := range []string{
		`$i.mode = "switchover" ? "switchover"`,
		`($i.mode = "failover" ? "failover"`,
		`($answers ? "switchover" : "failover")`,
		`"lagMs": $i.lag.ms`,
	} {
		assert.Contains(t, decide, want)
	}
	assert.Contains(t, sm.States[StReadLag].Output, "<= 180000", "a datapoint within 3 minutes means the writer's region ships its log")
}

// F1: in auto, a switchover the relay could not make (no RDS refusal: the old primary's region does
// not answer) falls back to failover, and the decision records it; an explicit switchover fails.
func TestAutoFallsBackToFailoverWhenTheRelayFails(t *testing.T) {
	sm := Definition(testParams)
	failed := sm.States[StRelayFailed]
	require.Equal(t, TypeChoice, failed.Type)
	require.Len(t, failed.Choices, 1)
	assert.Equal(t, "$.mode", failed.Choices[0].Variable)
	assert.Equal(t, ModeAuto, *failed.Choices[0].StringEquals)
	assert.Equal(t, StFallBack, failed.Choices[0].Next)
	assert.Equal(t, StRelayFailedReport, failed.Default, "explicit switchover keeps failing loudly")
	assert.Equal(t, StNotifyFailure, sm.States[StRelayFailedReport].Next)
	assert.Equal(t, "$.error", sm.States[StRelayFailedReport].ResultPath)

	fb := sm.States[StFallBack]
	assert.Equal(t, StFailover, fb.Next)
	assert.Equal(t, JSONata, fb.QueryLanguage)
	out := fb.Output.(string)
	for _, want := range []string{`"action": "failover"`, `"fallback": {"from": "switchover", "to": "failover", "reason": $why`,
		"$i.relay.error", "$i.relay.message", "$merge([$i.decision"} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, true, sm.States[StFailover].Parameters["AllowDataLoss"])
	// The relay's answers: ok waits, refused re-reads, anything else (and an invoke that fails)
	// goes to SwitchoverRelayFailed.
	answered := sm.States[StRelayAnswered]
	assert.Equal(t, StRelayFailed, answered.Default)
	assert.Equal(t, StRelayFailed, sm.States[StSwitchover].Catch[0].Next)
	assert.Contains(t, sm.States[StSwitchover].Catch[0].Output, `"ok": false, "refused": false`)
	// The report says it fell back.
	msg := sm.States[StNotifySuccess].Arguments["Message"].(string)
	assert.Contains(t, msg, "$exists($i.decision.fallback)")
	assert.Contains(t, msg, "FELL BACK from")
}

// F1: one rule for "the old writer answers": the runbook's auto switches over only when the global
// cluster is available, the lag datapoint is fresh AND the detector's evidence (when present) saw the
// writer available; the detector's start says it did not.
func TestAutoDecisionUsesTheDetectorsEvidence(t *testing.T) {
	decide := Definition(testParams).States[StDecide].Output.(string)
	assert.Contains(t, decide, `$ev := $i.evidence.writerAvailable`)
	assert.Contains(t, decide, `$answers := $i.before.status = "available" and $i.lag.fresh and ($exists($ev) ? $ev = true : true)`)
}

// A start while a promotion of the same global cluster is under way never promotes again.
func TestASecondStartDoesNotPromoteAgain(t *testing.T) {
	sm := Definition(testParams)
	dup := sm.States[StIsDuplicate]
	assert.Equal(t, "$.concurrent.earlier", dup.Choices[0].Variable)
	assert.Equal(t, StJoinEarlier, dup.Choices[0].Next)
	assert.Contains(t, sm.States[StListRunning].Output, "ExecutionArn != $me and $t(StartDate) < $start", "only executions started earlier count")
	assert.Equal(t, StDescribeAfter, sm.States[StJoinEarlier].Next, "joins the wait without promoting")

	already := sm.States[StAlreadyWriter]
	assert.Equal(t, "$.before.targetIsWriter", already.Choices[0].Variable)
	assert.Equal(t, "$.before.operationTowardTarget", already.Choices[1].Variable)
	assert.Equal(t, StJoinInProgress, already.Choices[1].Next)
	assert.Equal(t, "$.before.operationDone", already.Choices[2].Variable)
	assert.False(t, *already.Choices[2].BooleanEquals)
	assert.Equal(t, StOtherInProgress, already.Choices[2].Next)
	for _, st := range []string{StSkipPromotion, StJoinInProgress, StJoinEarlier} {
		for _, target := range sm.States[st].Targets() {
			assert.NotContains(t, []string{StSwitchover, StFailover, StPromoteBy, StRecordPromotion}, target, st)
		}
	}
}

func TestWaitsUntilWriterAndAvailableWithABound(t *testing.T) {
	sm := Definition(Params{Region: "eu-west-1", PollSeconds: 10, MaxPolls: 5})
	assert.Equal(t, 10, sm.States[StWaitForWriter].Seconds)
	is := sm.States[StIsWriter]
	require.Len(t, is.Choices, 4)
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
	assert.Equal(t, StFallBackRefused, is.Choices[1].Next)
	assert.Equal(t, StPromotionRefused, is.Choices[2].Next)
	assert.Equal(t, 5, *is.Choices[3].NumericGreaterThanEquals)
	assert.Equal(t, 10*5+1800, sm.TimeoutSeconds)
}

func TestReportsCarryDecisionLagTimingsAndRejoinCommands(t *testing.T) {
	sm := Definition(testParams)
	ok := sm.States[StNotifySuccess]
	assert.Equal(t, "arn:aws:states:::sns:publish", ok.Resource)
	assert.Equal(t, testParams.TopicArn, ok.Arguments["TopicArn"])
	msg := ok.Arguments["Message"].(string)
	for _, want := range []string{
		"$i.decision.action", "$i.decision.reason", "$i.decision.lagMs", "$i.decision.lagAt",
		"$i.timings.startedAt", "$p.at", "$i.timings.writerConfirmed.at", "$now()",
		"$string($i.capacity.before)", "$string($i.capacity.target)",
		"$i.final.peerIsMember", "NOT a member of the global cluster any more",
		"aws rds create-db-cluster --region us-east-1 --db-cluster-identifier database-us-east-1 --global-cluster-identifier database-global",
		"pulumi up does not bring it back",
		"$exists($i.trigger)", "$exists($i.evidence)",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "writerRegion", "no config names the writer")
	assert.Equal(t, "$$.Execution.StartTime", sm.States[StInit].Parameters["startedAt.$"])

	// The failure report's text is tested by running it (refusal_test.go).
	fail := sm.States[StNotifyFailure]
	assert.Equal(t, testParams.TopicArn, fail.Arguments["TopicArn"])
	assert.LessOrEqual(t, len(ok.Arguments["Subject"].(string)), 100)
	assert.LessOrEqual(t, len(fail.Arguments["Subject"].(string)), 100)
}

// Extra input fields (issue #14's detector sends trigger and evidence) pass through: no state
// replaces the whole input, every JSONPath state writes under its own ResultPath and every JSONata
// state merges into $states.input.
func TestExtraInputFieldsPassThrough(t *testing.T) {
	for name, s := range Definition(testParams).States {
		switch {
		case s.Type == TypeChoice || s.Type == TypeWait || s.Type == TypeSucceed || s.Type == TypeFail:
			continue
		case s.QueryLanguage == JSONata:
			out, _ := s.Output.(string)
			assert.True(t, strings.Contains(out, "$states.input"), "%s keeps the input", name)
		default:
			assert.NotNil(t, s.ResultPath, "%s writes under a ResultPath, keeping the input", name)
			assert.NotEqual(t, "$", s.ResultPath, name)
		}
		for _, c := range s.Catch {
			if c.Output != "" {
				assert.Contains(t, c.Output, "$states.input", name)
			} else {
				assert.NotEqual(t, "$", c.ResultPath, name)
			}
		}
	}
}

func TestRejoinCommands(t *testing.T) {
	cmds := RejoinCommands(*testParams.Rejoin)
	want := []string{
		"aws rds describe-global-clusters --region us-west-2 --global-cluster-identifier database-global --query 'GlobalClusters[0].GlobalClusterMembers[].DBClusterArn'",
		"ENGINE_VERSION=$(aws rds describe-global-clusters --region us-west-2 --global-cluster-identifier database-global --query 'GlobalClusters[0].EngineVersion' --output text)   # the live version: a secondary must match it, and AWS may have upgraded it",
		"aws rds modify-db-instance --region us-east-1 --db-instance-identifier database-us-east-1-1 --new-db-instance-identifier database-us-east-1-1-detached --apply-immediately",
		"aws rds modify-db-instance --region us-east-1 --db-instance-identifier database-us-east-1-2 --new-db-instance-identifier database-us-east-1-2-detached --apply-immediately",
		"aws rds modify-db-cluster --region us-east-1 --db-cluster-identifier database-us-east-1 --new-db-cluster-identifier database-us-east-1-detached --apply-immediately",
		"aws rds wait db-cluster-available --region us-east-1 --db-cluster-identifier database-us-east-1-detached",
		"aws rds create-db-cluster --region us-east-1 --db-cluster-identifier database-us-east-1 --global-cluster-identifier database-global --engine aurora-postgresql --engine-version \"$ENGINE_VERSION\" " +
			"--storage-encrypted --kms-key-id arn:aws:kms:us-east-1:123456789012:key/k --db-subnet-group-name db-subnets --vpc-security-group-ids sg-db --db-cluster-parameter-group-name db-params " +
			"--port 5432 --enable-iam-database-authentication --copy-tags-to-snapshot",
		"aws rds wait db-cluster-available --region us-east-1 --db-cluster-identifier database-us-east-1",
		"aws rds create-db-instance --region us-east-1 --db-instance-identifier database-us-east-1-1 --db-cluster-identifier database-us-east-1 --engine aurora-postgresql --db-instance-class db.r6g.large --no-publicly-accessible",
		"aws rds create-db-instance --region us-east-1 --db-instance-identifier database-us-east-1-2 --db-cluster-identifier database-us-east-1 --engine aurora-postgresql --db-instance-class db.r6g.large --no-publicly-accessible",
	}
	require.GreaterOrEqual(t, len(cmds), len(want))
	assert.Equal(t, want, cmds[:len(want)])
	assert.True(t, strings.HasPrefix(cmds[len(want)], "pulumi refresh"))
	for _, c := range cmds {
		assert.NotContains(t, c, "master-user", "a secondary takes no credentials")
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
		{"bad jitter", one(State{Type: TypeTask, Resource: sdk("rds:describeGlobalClusters"), Retry: []Retrier{{ErrorEquals: []string{"States.ALL"}, IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: "RANDOM"}}, End: true}), "JitterStrategy"},
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

func TestLiteralsAreEscaped(t *testing.T) {
	assert.Equal(t, `a\'b\{\}c\\`, escapeIntrinsic(`a'b{}c\`))
	assert.Equal(t, `"a'b\"c\\d\ne"`, jsonataString("a'b\"c\\d\ne"))
	sm := Definition(Params{Region: "us-west-2", AutoScalingGroupName: "asg'{x}"})
	assert.Contains(t, sm.States[StNotifySuccess].Arguments["Message"], `asg'{x}`)
	assert.Contains(t, sm.States[StNotifyFailure].Arguments["Message"], `us-west-2`)
}

func TestDiscardRendersAsNull(t *testing.T) {
	js := one(State{Type: TypePass, ResultPath: Discard, End: true}).JSON()
	var raw struct{ States map[string]map[string]any }
	require.NoError(t, json.Unmarshal([]byte(js), &raw))
	v, present := raw.States["A"]["ResultPath"]
	assert.True(t, present)
	assert.Nil(t, v)
}
