package failover

import (
	"fmt"
	"strings"
)

// Params are the resolved values the runbook's definition embeds.
type Params struct {
	Region                  string
	GlobalClusterIdentifier string
	TargetClusterArn        string
	AutoScalingGroupName    string
	MinSize                 int
	DesiredCapacity         int
	MaxSize                 int
	TopicArn                string
	PollSeconds             int
	MaxPolls                int
}

// Execution input modes.
const (
	ModeSwitchover = "switchover" // planned: RPO 0, the old writer becomes a secondary
	ModeFailover   = "failover"   // unplanned: the primary is unreachable, data loss allowed
)

// State names. They show in the console and in the reports, so they read as the runbook's steps.
const (
	StInit              = "Init"
	StInitPoll          = "InitPollCounter"
	StChooseMode        = "ChooseMode"
	StDescribeBefore    = "DescribeGlobalCluster"
	StAlreadyWriter     = "TargetAlreadyWriter"
	StSkipPromotion     = "SkipPromotion"
	StRecordPromotion   = "RecordPromotionRequest"
	StPromoteBy         = "PromoteBy"
	StSwitchover        = "SwitchoverGlobalCluster"
	StFailover          = "FailoverGlobalCluster"
	StWaitForWriter     = "WaitForWriter"
	StDescribeAfter     = "DescribeGlobalClusterAgain"
	StIsWriter          = "TargetIsWriter"
	StCountPoll         = "CountPoll"
	StPromotionTimedOut = "PromotionTimedOut"
	StRecordWriter      = "RecordWriterConfirmed"
	StRaiseCapacity     = "RaiseCapacity"
	StNotifySuccess     = "NotifySuccess"
	StSucceeded         = "Succeeded"
	StInvalidInput      = "InvalidInput"
	StNotifyFailure     = "NotifyFailure"
	StFailed            = "Failed"
)

// Definition builds the runbook. Flow:
//
//	Init -> InitPollCounter -> ChooseMode (switchover | failover | else InvalidInput)
//	-> DescribeGlobalCluster -> TargetAlreadyWriter? (yes: SkipPromotion) -> RecordPromotionRequest
//	-> PromoteBy (switchoverGlobalCluster | failoverGlobalCluster AllowDataLoss)
//	-> WaitForWriter -> DescribeGlobalClusterAgain -> TargetIsWriter? (writer, and available or no operation left:
//	   RecordWriterConfirmed; MaxPolls reached: PromotionTimedOut; else CountPoll -> WaitForWriter)
//	-> RaiseCapacity (updateAutoScalingGroup) -> NotifySuccess (sns:publish with timings) -> Succeeded
//	Every Task catches States.ALL into NotifyFailure -> Failed.
//
// The describe states use JSONata (per-state QueryLanguage) to test "target is writer" without
// depending on the member field's casing (DBClusterArn in the RDS API, DbClusterArn in the SDK
// model Step Functions serialises): a missing field is simply no match in JSONata, an error in JSONPath.
func Definition(p Params) StateMachine {
	if p.PollSeconds <= 0 {
		p.PollSeconds = defaultPollSeconds
	}
	if p.MaxPolls <= 0 {
		p.MaxPolls = defaultMaxPolls
	}
	catchAll := []Catcher{{ErrorEquals: []string{"States.ALL"}, ResultPath: "$.error", Next: StNotifyFailure}}
	catchAllJSONata := []Catcher{{
		ErrorEquals: []string{"States.ALL"},
		Output:      `{% $merge([$states.input, {"error": $states.errorOutput}]) %}`,
		Next:        StNotifyFailure,
	}}
	readRetry := []Retrier{{ErrorEquals: []string{"States.TaskFailed"}, IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2}}
	describe := func(key, next string) State {
		target := jsonataString(p.TargetClusterArn)
		members := "$states.result.GlobalClusters[0].GlobalClusterMembers"
		status := "$states.result.GlobalClusters[0].Status"
		operation := "$states.result.GlobalClusters[0].FailoverState.Status"
		return State{
			Type:          TypeTask,
			QueryLanguage: "JSONata",
			Resource:      sdk("rds:describeGlobalClusters"),
			Arguments:     map[string]any{"GlobalClusterIdentifier": p.GlobalClusterIdentifier},
			// status is always a string and targetIsWriter and operationDone always booleans, so the
			// JSONPath Choice states after it never meet a missing field (a runtime error there).
			// operationDone: AWS leaves FailoverState empty unless a switchover or failover is
			// pending or in progress (RDS API FailoverState), so its absence means the promotion is
			// over even while an unreachable old primary keeps the global status from "available".
			Output: fmt.Sprintf(`{%% $merge([$states.input, {"%s": {"status": %s ? %s : "unknown", `+
				`"targetIsWriter": $count(%s[IsWriter = true and (DbClusterArn = %s or DBClusterArn = %s)]) > 0, `+
				`"operationDone": $not($exists(%s))}}]) %%}`,
				key, status, status, members, target, target, operation),
			Retry: readRetry,
			Catch: catchAllJSONata,
			Next:  next,
		}
	}
	promote := func(api string, extra map[string]any) State {
		params := map[string]any{
			"GlobalClusterIdentifier":   p.GlobalClusterIdentifier,
			"TargetDbClusterIdentifier": p.TargetClusterArn,
		}
		for k, v := range extra {
			params[k] = v
		}
		return State{Type: TypeTask, Resource: sdk(api), Parameters: params, ResultPath: Discard, Catch: catchAll, Next: StWaitForWriter}
	}
	now := map[string]any{"at.$": "$$.State.EnteredTime"}

	successMessage := fmt.Sprintf("States.Format('Region failover into %s finished (mode {}). %s is now the writer of global cluster %s. "+
		"Auto Scaling group %s raised to min %d, desired %d, max %d. Execution started {}; promotion requested {}; "+
		"writer confirmed {}; capacity raised and report sent {}. Next: set database.writerRegion to %s and run pulumi up (docs/failover.md).', "+
		"$.mode, $.timings.startedAt, $.timings.promotion.at, $.timings.writerConfirmed.at, $$.State.EnteredTime)",
		format(p.Region), format(p.TargetClusterArn), format(p.GlobalClusterIdentifier),
		format(p.AutoScalingGroupName), p.MinSize, p.DesiredCapacity, p.MaxSize, format(p.Region))
	failureMessage := fmt.Sprintf("States.Format('Region failover into %s FAILED in execution {} (started {}). Error: {}. Cause: {}. "+
		"The database and capacity may be half-way: follow docs/failover.md (check the global cluster writer first).', "+
		"$$.Execution.Name, $$.Execution.StartTime, $.error.Error, $.error.Cause)", format(p.Region))

	states := map[string]State{
		StInit: {
			Type: TypePass, Comment: "Record when the execution started.",
			Parameters: map[string]any{"startedAt.$": "$$.Execution.StartTime"}, ResultPath: "$.timings", Next: StInitPoll,
		},
		StInitPoll: {Type: TypePass, Result: map[string]any{"count": 0}, ResultPath: "$.poll", Next: StChooseMode},
		StChooseMode: {
			Type:    TypeChoice,
			Comment: `Input {"mode":"switchover"} (planned, RPO 0) or {"mode":"failover"} (unplanned, data loss allowed).`,
			Choices: []ChoiceRule{
				{Not: &ChoiceRule{Variable: "$.mode", IsPresent: boolp(true)}, Next: StInvalidInput},
				{Variable: "$.mode", StringEquals: strp(ModeSwitchover), Next: StDescribeBefore},
				{Variable: "$.mode", StringEquals: strp(ModeFailover), Next: StDescribeBefore},
			},
			Default: StInvalidInput,
		},
		StDescribeBefore: describe("before", StAlreadyWriter),
		StAlreadyWriter: {
			Type:    TypeChoice,
			Comment: "A second trigger (or a rerun) after a completed promotion only raises capacity and reports.",
			Choices: []ChoiceRule{{Variable: "$.before.targetIsWriter", BooleanEquals: boolp(true), Next: StSkipPromotion}},
			Default: StRecordPromotion,
		},
		StSkipPromotion: {
			Type: TypePass, Result: map[string]any{"at": "skipped (target was already the writer)"},
			ResultPath: "$.timings.promotion", Next: StRecordWriter,
		},
		StRecordPromotion: {Type: TypePass, Parameters: now, ResultPath: "$.timings.promotion", Next: StPromoteBy},
		StPromoteBy: {
			Type:    TypeChoice,
			Choices: []ChoiceRule{{Variable: "$.mode", StringEquals: strp(ModeSwitchover), Next: StSwitchover}},
			Default: StFailover,
		},
		StSwitchover:    promote("rds:switchoverGlobalCluster", nil),
		StFailover:      promote("rds:failoverGlobalCluster", map[string]any{"AllowDataLoss": true}),
		StWaitForWriter: {Type: TypeWait, Seconds: p.PollSeconds, Next: StDescribeAfter},
		StDescribeAfter: describe("after", StIsWriter),
		StIsWriter: {
			Type: TypeChoice,
			Choices: []ChoiceRule{
				// The target writes and the operation is over: the global status is back to
				// "available" (switchover, or failover with the old primary reachable), or AWS no
				// longer reports an operation (failover while the old primary's region is down).
				{And: []ChoiceRule{
					{Variable: "$.after.targetIsWriter", BooleanEquals: boolp(true)},
					{Or: []ChoiceRule{
						{Variable: "$.after.status", StringEquals: strp("available")},
						{Variable: "$.after.operationDone", BooleanEquals: boolp(true)},
					}},
				}, Next: StRecordWriter},
				{Variable: "$.poll.count", NumericGreaterThanEquals: intp(p.MaxPolls), Next: StPromotionTimedOut},
			},
			Default: StCountPoll,
		},
		StCountPoll: {
			Type: TypePass, Parameters: map[string]any{"count.$": "States.MathAdd($.poll.count, 1)"},
			ResultPath: "$.poll", Next: StWaitForWriter,
		},
		StPromotionTimedOut: {
			Type: TypePass,
			Result: map[string]any{"Error": "PromotionTimedOut", "Cause": fmt.Sprintf(
				"%s did not become the available writer within %d polls of %d seconds", p.TargetClusterArn, p.MaxPolls, p.PollSeconds)},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		StRecordWriter: {Type: TypePass, Parameters: now, ResultPath: "$.timings.writerConfirmed", Next: StRaiseCapacity},
		StRaiseCapacity: {
			Type:     TypeTask,
			Resource: sdk("autoscaling:updateAutoScalingGroup"),
			Parameters: map[string]any{
				"AutoScalingGroupName": p.AutoScalingGroupName,
				"MinSize":              p.MinSize,
				"DesiredCapacity":      p.DesiredCapacity,
				"MaxSize":              p.MaxSize,
			},
			ResultPath: Discard, Catch: catchAll, Next: StNotifySuccess,
		},
		StNotifySuccess: {
			Type:     TypeTask,
			Resource: "arn:aws:states:::sns:publish",
			Parameters: map[string]any{
				"TopicArn":  p.TopicArn,
				"Subject":   subject("Failover into " + p.Region + " succeeded"),
				"Message.$": successMessage,
			},
			ResultPath: Discard, Catch: catchAll, Next: StSucceeded,
		},
		StSucceeded: {Type: TypeSucceed},
		StInvalidInput: {
			Type:       TypePass,
			Result:     map[string]any{"Error": "InvalidInput", "Cause": `start the execution with {"mode":"switchover"} (planned) or {"mode":"failover"} (unplanned)`},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		StNotifyFailure: {
			Type:     TypeTask,
			Resource: "arn:aws:states:::sns:publish",
			Parameters: map[string]any{
				"TopicArn":  p.TopicArn,
				"Subject":   subject("Failover into " + p.Region + " FAILED"),
				"Message.$": failureMessage,
			},
			ResultPath: Discard, Next: StFailed,
		},
		StFailed: {Type: TypeFail, Error: "FailoverFailed", Cause: "see the SNS report and the execution history"},
	}
	return StateMachine{
		Comment:        "Region failover into " + p.Region + ": promote " + p.TargetClusterArn + ", raise capacity, report.",
		StartAt:        StInit,
		TimeoutSeconds: p.PollSeconds*p.MaxPolls + 1800,
		States:         states,
	}
}

// subject keeps an SNS subject within its 100-character limit.
func subject(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
