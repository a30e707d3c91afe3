package failover

import (
	"fmt"
	"strings"
)

// Params are the resolved values the runbook's definition embeds.
type Params struct {
	// Region is where the state machine runs and the region it promotes INTO (its own, only).
	Region                  string
	GlobalClusterIdentifier string
	// TargetClusterArn is this region's cluster; TargetClusterIdentifier its identifier (the
	// CloudWatch dimension of its replication lag). Empty: taken from the ARN.
	TargetClusterArn        string
	TargetClusterIdentifier string
	// PeerClusterArn is the other region's cluster: the old primary after a promotion into Region.
	PeerClusterArn string
	// SwitchoverRelayArn is the function that makes SwitchoverGlobalCluster from the current
	// primary's region (relay.go). Empty: the runbook calls it from its own region.
	SwitchoverRelayArn string
	// Rejoin describes the peer cluster for the rejoin commands reported when it is no longer a
	// member of the global cluster. Optional: without it the report says to rebuild it by hand.
	Rejoin *RejoinParams
	// DatabaseKmsKeyArn is this region's database key: keep-lost-writes copies the failover snapshot
	// with it ("" keeps the source's key). SnapshotTags are the stack's tags the copy carries.
	DatabaseKmsKeyArn string
	SnapshotTags      map[string]string
	// AutoScalingGroupName is this region's group. DesiredCapacity is what the runbook raises it to
	// at once (never lower than it runs already); MaxSize only bounds it in the report: the runbook
	// never sends MinSize or MaxSize (UpdateAutoScalingGroup with a lower MaxSize clamps desired).
	AutoScalingGroupName string
	DesiredCapacity      int
	MaxSize              int
	TopicArn             string
	PollSeconds          int
	MaxPolls             int
}

// Execution input modes. Extra input fields (for example `trigger` and `evidence` from an automatic
// detector) pass through every state untouched and appear in the report.
const (
	ModeSwitchover = "switchover" // planned: RPO 0, the old writer becomes a secondary
	ModeFailover   = "failover"   // unplanned: the primary is unreachable, data loss allowed
	ModeAuto       = "auto"       // switchover when the writer's region answers, failover otherwise
	// ModeKeepLostWrites runs in the OLD primary's region once it is back after a failover with
	// data loss: it keeps AWS's failover snapshot as a manual one and reports write fencing.
	ModeKeepLostWrites = "keep-lost-writes"
)

// Decisions the runbook takes (decision.action in the execution's output).
const (
	ActionSwitchover = "switchover"
	ActionFailover   = "failover"
)

// LagFreshSeconds: a replication-lag datapoint of this region's cluster younger than this means the
// writer's region still ships its log here (one half of "the old writer answers", below).
const LagFreshSeconds = 180

// The rule for "the old writer answers", the one condition under which mode auto switches over
// (RPO 0) instead of failing over (data loss allowed). The runbook and the detector use it alike:
//
//  1. this region's RDS API shows the global cluster "available" (before.status), AND
//  2. a replication-lag datapoint of this region's cluster is at most LagFreshSeconds old, AND
//  3. when the input carries evidence.writerAvailable (the detector's start does), it is true.
//
// The detector (pkg/detector, Classify) starts the runbook only on minutes in which the watched
// region's own RDS API did NOT show the global cluster available with its writer (an answer that
// does is its veto), so its start carries evidence.writerAvailable = false and auto fails over: a
// lag series that keeps arriving while the old region is dark cannot turn it into a switchover.
// A person's {"mode":"auto"} without evidence is decided on 1 and 2. And if the switchover still
// fails without an RDS refusal (the relay cannot reach the old primary's region), auto falls back
// to failover (FallBackToFailover); an explicit "switchover" fails loudly instead.
const EvidenceWriterAvailable = "writerAvailable"

// State names. They show in the console and in the reports, so they read as the runbook's steps.
const (
	StInit              = "Init"
	StInitPoll          = "InitPollCounter"
	StChooseMode        = "ChooseMode"
	StListRunning       = "ListRunningExecutions"
	StIsDuplicate       = "StartedWhileAnotherPromotes"
	StJoinEarlier       = "JoinEarlierExecution"
	StDescribeBefore    = "DescribeGlobalCluster"
	StAlreadyWriter     = "TargetAlreadyWriter"
	StSkipPromotion     = "SkipPromotion"
	StJoinInProgress    = "JoinPromotionInProgress"
	StOtherInProgress   = "OtherPromotionInProgress"
	StReadLag           = "ReadReplicationLag"
	StDecide            = "DecideSwitchoverOrFailover"
	StRecordPromotion   = "RecordPromotionRequest"
	StPromoteBy         = "PromoteBy"
	StSwitchover        = "SwitchoverGlobalCluster"
	StRelayAnswered     = "SwitchoverRelayAnswered"
	StRelayRefused      = "SwitchoverRefusedByRDS"
	StRelayFailed       = "SwitchoverRelayFailed"
	StFallBack          = "FallBackToFailover"
	StFallBackRefused   = "FallBackToFailoverAfterRefusal"
	StRelayFailedReport = "ReportSwitchoverRelayFailure"
	StFailover          = "FailoverGlobalCluster"
	StWaitForWriter     = "WaitForWriter"
	StDescribeAfter     = "DescribeGlobalClusterAgain"
	StIsWriter          = "TargetIsWriter"
	StCountPoll         = "CountPoll"
	StPromotionRefused  = "PromotionRefused"
	StPromotionTimedOut = "PromotionTimedOut"
	StRecordWriter      = "RecordWriterConfirmed"
	StReadCapacity      = "ReadCapacity"
	StRaiseCapacity     = "RaiseCapacity"
	StDescribeFinal     = "CheckOldPrimaryMembership"
	StNotifySuccess     = "NotifySuccess"
	StSucceeded         = "Succeeded"
	StInvalidInput      = "InvalidInput"
	StNotifyFailure     = "NotifyFailure"
	StPromotedBefore    = "PromotedBeforeFailing"
	StFailed            = "Failed"
	StFailedPromoted    = "FailedAfterPromotion"

	StFindLostWrites   = "FindFailoverSnapshot"
	StHasLostWrites    = "FailoverSnapshotToKeep"
	StCopyLostWrites   = "KeepFailoverSnapshot"
	StReadFencing      = "ReadWriteFencingEvents"
	StNotifyLostWrites = "NotifyLostWrites"
)

// The errors a failed execution ends with (DescribeExecution's error): the detector's 24 h cap
// counts an automatic run only when it promoted, and a failed run promoted only when it ends in
// ErrorFailedAfterPromotion (RDS accepted a switchover or failover request before it failed).
const (
	ErrorFailed               = "FailoverFailed"
	ErrorFailedAfterPromotion = "FailoverFailedAfterPromotion"
	PromotedField             = "promoted"
)

// transientErrors are the errors a call may succeed after: throttling and transient service or
// network errors. Step Functions names an AWS SDK integration's errors <Service>.<Exception>, and
// an error the SDK does not model (throttling among them: "Rate exceeded" arrives as RdsException)
// as <Service>.<Service>Exception.
func transientErrors(service string) []string {
	var out []string
	for _, e := range []string{"ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
		"RequestLimitExceeded", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
		"InternalServerError", "SdkClientException", service + "Exception"} {
		out = append(out, service+"."+e)
	}
	return out
}

// retryTransient retries throttling and transient errors with capped, jittered exponential backoff:
// 2, 4, 8, ... up to 60 s, 8 attempts (about 4 minutes), every AWS call of the runbook.
func retryTransient(service string) Retrier {
	return Retrier{ErrorEquals: transientErrors(service), IntervalSeconds: 2, MaxAttempts: 8, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL"}
}

// retryRead also retries any failure of a call that changes nothing (a describe, a report).
var retryRead = Retrier{ErrorEquals: []string{"States.TaskFailed"}, IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "FULL"}

// promotionRefusedErrors are what RDS answers when the global cluster is already being promoted (a
// concurrent start, an operator) or the target already is the primary: the runbook then re-reads the
// topology instead of failing or promoting again.
var promotionRefusedErrors = []string{
	"Rds.InvalidGlobalClusterStateException", "Rds.InvalidGlobalClusterStateFault",
	"Rds.InvalidDbClusterStateException", "Rds.InvalidDBClusterStateFault",
}

// Definition builds the runbook of one region. Flow:
//
//	Init -> InitPollCounter -> ChooseMode (switchover | failover | auto, else InvalidInput)
//	-> ListRunningExecutions -> StartedWhileAnotherPromotes? (an earlier running execution of this
//	   runbook: JoinEarlierExecution, wait for the writer without promoting)
//	-> DescribeGlobalCluster -> TargetAlreadyWriter? (yes: SkipPromotion; a promotion into this region
//	   in progress: JoinPromotionInProgress; one into another region: OtherPromotionInProgress -> report)
//	-> ReadReplicationLag -> DecideSwitchoverOrFailover -> RecordPromotionRequest
//	-> PromoteBy (switchoverGlobalCluster | failoverGlobalCluster AllowDataLoss; a refusal because a
//	   promotion is under way re-reads the topology)
//	-> WaitForWriter -> DescribeGlobalClusterAgain -> TargetIsWriter? (writer and over: RecordWriterConfirmed;
//	   refused and nothing under way towards us: PromotionRefused; MaxPolls: PromotionTimedOut; else CountPoll)
//	-> ReadCapacity -> RaiseCapacity (desired only, never below the current) -> CheckOldPrimaryMembership
//	-> NotifySuccess (decision, lag at the decision, timings, capacity, rejoin commands if detached) -> Succeeded
//	Every Task retries throttling and transient errors and catches States.ALL into NotifyFailure -> Failed.
//
// Every AWS call goes to this region's endpoint (Step Functions SDK integrations call their own
// region only). failoverGlobalCluster is made from the target's region, as AWS's guide does, and it
// is the only region that answers when the old primary's region is down. switchoverGlobalCluster is
// made from the target's region too: both calls name the target by ARN, which is what lets Aurora
// locate it in its region from the endpoint that receives the call (RDS API reference,
// TargetDbClusterIdentifier); docs/failover.md gives the CLI fallback from the primary's region.
func Definition(p Params) StateMachine {
	if p.PollSeconds <= 0 {
		p.PollSeconds = defaultPollSeconds
	}
	if p.MaxPolls <= 0 {
		p.MaxPolls = defaultMaxPolls
	}
	if p.TargetClusterIdentifier == "" {
		p.TargetClusterIdentifier = clusterIDFromArn(p.TargetClusterArn)
	}
	catchAll := []Catcher{{ErrorEquals: []string{"States.ALL"}, ResultPath: "$.error", Next: StNotifyFailure}}
	catchAllJSONata := []Catcher{{
		ErrorEquals: []string{"States.ALL"},
		Output:      `{% $merge([$states.input, {"error": $states.errorOutput}]) %}`,
		Next:        StNotifyFailure,
	}}
	target, peer := jsonataString(p.TargetClusterArn), jsonataString(p.PeerClusterArn)
	describe := func(key, next string) State {
		return State{
			Type:          TypeTask,
			QueryLanguage: JSONata,
			Resource:      sdk("rds:describeGlobalClusters"),
			Arguments:     map[string]any{"GlobalClusterIdentifier": p.GlobalClusterIdentifier},
			// Every field is always a string or a boolean, so the JSONPath Choice states after it
			// never meet a missing field (a runtime error there). Member fields are matched in both
			// casings (DBClusterArn in the RDS API, DbClusterArn in the SDK model Step Functions
			// serialises): a missing field is simply no match in JSONata. AWS leaves FailoverState
			// empty unless a switchover or failover is pending or in progress (RDS API FailoverState).
			Output: fmt.Sprintf(`{%% ($g := $states.result.GlobalClusters[0]; $m := $g.GlobalClusterMembers; $f := $g.FailoverState; `+
				`$merge([$states.input, {"%s": {"status": $exists($g.Status) ? $g.Status : "unknown", `+
				`"targetIsWriter": $count($m[IsWriter = true and (DbClusterArn = %s or DBClusterArn = %s)]) > 0, `+
				`"peerIsMember": $count($m[DbClusterArn = %s or DBClusterArn = %s]) > 0, `+
				`"operationDone": $not($exists($f.Status)), `+
				`"operationTowardTarget": $exists($f.Status) and ($f.ToDbClusterArn = %s or $f.ToDBClusterArn = %s), `+
				// fallBackToFailover: auto asked for a switchover, RDS refused it (the relay or the call
				// itself), and the topology read after the refusal shows no promotion under way and this
				// region not the writer: the home writer is unavailable (an unhealthy home primary makes
				// RDS refuse a switchover), so auto fails over, once (the decision then says failover).
				`"fallBackToFailover": $exists($states.input.promotionRefused) and $states.input.mode = "%s" and `+
				`$states.input.decision.action = "%s" and $not($exists($f.Status)) and `+
				`$count($m[IsWriter = true and (DbClusterArn = %s or DBClusterArn = %s)]) = 0}}])) %%}`,
				key, target, target, peer, peer, target, target, ModeAuto, ActionSwitchover, target, target),
			Retry: []Retrier{retryTransient("Rds"), retryRead},
			Catch: catchAllJSONata,
			Next:  next,
		}
	}
	promote := func(api, action string, extra map[string]any) State {
		params := map[string]any{
			"GlobalClusterIdentifier":   p.GlobalClusterIdentifier,
			"TargetDbClusterIdentifier": p.TargetClusterArn,
		}
		for k, v := range extra {
			params[k] = v
		}
		return State{
			Type: TypeTask, Resource: sdk(api), Parameters: params,
			// RDS accepted the request: the execution has promoted (the detector's cap counts it).
			ResultSelector: map[string]any{"by": action, "at.$": "$$.State.EnteredTime"},
			ResultPath:     "$." + PromotedField,
			// No retry on a refusal: it means a promotion is under way or done, or RDS will not
			// promote now; the topology read after it decides (wait, fall back, or report).
			Retry: []Retrier{retryTransient("Rds")},
			Catch: []Catcher{
				{ErrorEquals: promotionRefusedErrors, ResultPath: "$.promotionRefused", Next: StDescribeAfter},
				catchAll[0],
			},
			Next: StWaitForWriter,
		}
	}
	now := map[string]any{"at.$": "$$.State.EnteredTime"}
	skip := func(why string, next string) State {
		return State{Type: TypePass, Parameters: map[string]any{"at.$": "$$.State.EnteredTime", "skipped": why},
			ResultPath: "$.timings.promotion", Next: next}
	}

	states := map[string]State{
		StInit: {
			Type: TypePass, Comment: "Record when the execution started.",
			Parameters: map[string]any{"startedAt.$": "$$.Execution.StartTime"}, ResultPath: "$.timings", Next: StInitPoll,
		},
		StInitPoll: {Type: TypePass, Result: map[string]any{"count": 0}, ResultPath: "$.poll", Next: StChooseMode},
		StChooseMode: {
			Type: TypeChoice,
			Comment: `Input {"mode":"switchover"} (planned, RPO 0), {"mode":"failover"} (unplanned, data loss allowed) or ` +
				`{"mode":"auto"} (switchover while the writer's region answers, failover otherwise). Other fields pass through.`,
			Choices: []ChoiceRule{
				{Not: &ChoiceRule{Variable: "$.mode", IsPresent: boolp(true)}, Next: StInvalidInput},
				{Variable: "$.mode", StringEquals: strp(ModeSwitchover), Next: StListRunning},
				{Variable: "$.mode", StringEquals: strp(ModeFailover), Next: StListRunning},
				{Variable: "$.mode", StringEquals: strp(ModeAuto), Next: StListRunning},
				{Variable: "$.mode", StringEquals: strp(ModeKeepLostWrites), Next: StFindLostWrites},
			},
			Default: StInvalidInput,
		},
		StListRunning: {
			Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("sfn:listExecutions"),
			Comment: "Executions of this runbook started before this one and still running are promoting: this one must not promote again.",
			Arguments: map[string]any{
				"StateMachineArn": "{% $states.context.StateMachine.Id %}",
				"StatusFilter":    "RUNNING",
				"MaxResults":      100,
			},
			Output: `{% ($e := $states.result.Executions; $me := $states.context.Execution.Id; ` +
				`$t := function($d) { $type($d) = "number" ? $d : $toMillis($d) }; $start := $toMillis($states.context.Execution.StartTime); ` +
				`$merge([$states.input, {"concurrent": {"earlier": $count($e[ExecutionArn != $me and $t(StartDate) < $start])}}])) %}`,
			Retry: []Retrier{retryTransient("Sfn"), retryRead},
			Catch: catchAllJSONata,
			Next:  StIsDuplicate,
		},
		StIsDuplicate: {
			Type:    TypeChoice,
			Choices: []ChoiceRule{{Variable: "$.concurrent.earlier", NumericGreaterThanEquals: intp(1), Next: StJoinEarlier}},
			Default: StDescribeBefore,
		},
		StJoinEarlier:    skip("an earlier execution of this runbook is promoting: waited for it instead of promoting again", StDescribeAfter),
		StDescribeBefore: describe("before", StAlreadyWriter),
		StAlreadyWriter: {
			Type:    TypeChoice,
			Comment: "A rerun after a completed promotion only raises capacity and reports; a promotion under way is joined, never repeated.",
			Choices: []ChoiceRule{
				{Variable: "$.before.targetIsWriter", BooleanEquals: boolp(true), Next: StSkipPromotion},
				{Variable: "$.before.operationTowardTarget", BooleanEquals: boolp(true), Next: StJoinInProgress},
				{Variable: "$.before.operationDone", BooleanEquals: boolp(false), Next: StOtherInProgress},
			},
			Default: StReadLag,
		},
		StSkipPromotion:  skip("this region's cluster was already the writer", StRecordWriter),
		StJoinInProgress: skip("a promotion into this region was already in progress: joined it", StWaitForWriter),
		StOtherInProgress: {
			Type: TypePass,
			Result: map[string]any{"Error": "OtherPromotionInProgress", "Cause": "the global cluster " + p.GlobalClusterIdentifier +
				" is being switched over or failed over to another cluster; this runbook does not start a second promotion"},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		StReadLag: {
			Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("cloudwatch:getMetricData"),
			Comment: "Replication lag of this region's cluster over the last 10 minutes: the newest datapoint is the lag at the decision.",
			Arguments: map[string]any{
				"MetricDataQueries": []any{map[string]any{
					"Id": "lag",
					"MetricStat": map[string]any{
						"Metric": map[string]any{
							"Namespace":  "AWS/RDS",
							"MetricName": "AuroraGlobalDBReplicationLag",
							// Aurora publishes the lag per secondary cluster and the region it replicates
							// from: DBClusterIdentifier alone matches no series, and "auto" would then
							// always find the lag missing and fail over with data loss.
							"Dimensions": []any{
								map[string]any{"Name": "DBClusterIdentifier", "Value": p.TargetClusterIdentifier},
								map[string]any{"Name": "SourceRegion", "Value": regionFromArn(p.PeerClusterArn)},
							},
						},
						"Period": 60,
						"Stat":   "Maximum",
					},
				}},
				"StartTime": "{% $fromMillis($millis() - 600000) %}",
				"EndTime":   "{% $now() %}",
				"ScanBy":    "TimestampDescending",
			},
			Output: fmt.Sprintf(`{%% ($r := $states.result.MetricDataResults[0]; $v := [$r.Values]; $ts := [$r.Timestamps]; `+
				`$t := function($d) { $type($d) = "number" ? $d : $toMillis($d) }; `+
				`$merge([$states.input, {"lag": {"ms": $count($v) > 0 ? $v[0] : -1, "at": $count($ts) > 0 ? $string($ts[0]) : "none", `+
				`"fresh": $count($ts) > 0 and ($millis() - $t($ts[0])) <= %d}}])) %%}`, LagFreshSeconds*1000),
			Retry: []Retrier{retryTransient("CloudWatch"), retryRead},
			// Unknown lag must not stop a failover: decide without it (auto then fails over).
			Catch: []Catcher{{
				ErrorEquals: []string{"States.ALL"},
				Output:      `{% $merge([$states.input, {"lag": {"ms": -1, "at": "unknown (" & $states.errorOutput.Error & ")", "fresh": false}}]) %}`,
				Next:        StDecide,
			}},
			Next: StDecide,
		},
		StDecide: {
			Type: TypePass, QueryLanguage: JSONata,
			Comment: "switchover when asked, or (auto) while the old writer answers: the global cluster is available, its log reached this region within the last 3 minutes and the detector's evidence (when present) saw the writer available. failover (data loss) when asked, or (auto) otherwise.",
			Output: fmt.Sprintf(`{%% ($i := $states.input; $ev := $i.evidence.%s; `+
				`$answers := $i.before.status = "available" and $i.lag.fresh and ($exists($ev) ? $ev = true : true); `+
				`$action := $i.mode = "%s" ? "%s" : ($i.mode = "%s" ? "%s" : ($answers ? "%s" : "%s")); `+
				`$reason := $i.mode = "auto" ? ($answers ? "auto: the writer's region answers (global cluster available, replication lag datapoint at " & $i.lag.at & ")" `+
				`: "auto: the writer's region does not answer (global cluster " & $i.before.status & ", newest lag datapoint " & $i.lag.at & `+
				`($exists($ev) ? ", detector saw the writer available: " & $string($ev) : "") & ")") : "asked: mode " & $i.mode; `+
				`$merge([$i, {"decision": {"action": $action, "reason": $reason, "lagMs": $i.lag.ms, "lagAt": $i.lag.at, "at": $now()}}])) %%}`,
				EvidenceWriterAvailable, ModeSwitchover, ActionSwitchover, ModeFailover, ActionFailover, ActionSwitchover, ActionFailover),
			Next: StRecordPromotion,
		},
		StRecordPromotion: {Type: TypePass, Parameters: now, ResultPath: "$.timings.promotion", Next: StPromoteBy},
		StPromoteBy: {
			Type:    TypeChoice,
			Choices: []ChoiceRule{{Variable: "$.decision.action", StringEquals: strp(ActionSwitchover), Next: StSwitchover}},
			Default: StFailover,
		},
		StSwitchover:    promote("rds:switchoverGlobalCluster", ActionSwitchover, nil),
		StFailover:      promote("rds:failoverGlobalCluster", ActionFailover, map[string]any{"AllowDataLoss": true}),
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
				// auto's switchover was refused and nothing is under way: fail over instead.
				{Variable: "$.after.fallBackToFailover", BooleanEquals: boolp(true), Next: StFallBackRefused},
				// RDS refused the call and nothing moves towards this region: report, do not wait.
				{And: []ChoiceRule{
					{Variable: "$.promotionRefused", IsPresent: boolp(true)},
					{Variable: "$.after.targetIsWriter", BooleanEquals: boolp(false)},
					{Variable: "$.after.operationTowardTarget", BooleanEquals: boolp(false)},
				}, Next: StPromotionRefused},
				{Variable: "$.poll.count", NumericGreaterThanEquals: intp(p.MaxPolls), Next: StPromotionTimedOut},
			},
			Default: StCountPoll,
		},
		StCountPoll: {
			Type: TypePass, Parameters: map[string]any{"count.$": "States.MathAdd($.poll.count, 1)"},
			ResultPath: "$.poll", Next: StWaitForWriter,
		},
		StFallBackRefused: {
			Type: TypePass, QueryLanguage: JSONata,
			Comment: "Record the fallback in the decision and drop the refusal, so the failover's own answer is read afresh.",
			Output: fmt.Sprintf(`{%% ($i := $states.input; $r := $i.promotionRefused; `+
				`$why := "RDS refused the switchover (" & $r.Error & ": " & $r.Cause & ") and, read again, the global cluster shows no promotion under way and this region is not the writer: `+
				`the home writer is unavailable, so auto falls back to failover with data loss allowed"; `+
				`$merge([$sift($i, function($v, $k) { $k != "promotionRefused" }), {"decision": $merge([$i.decision, {"action": "%s", `+
				`"fallback": {"from": "%s", "to": "%s", "reason": $why, "at": $now()}}])}])) %%}`, ActionFailover, ActionSwitchover, ActionFailover),
			Next: StRecordPromotion,
		},
		StPromotionRefused: {
			Type:       TypePass,
			Parameters: map[string]any{"Error": "PromotionRefused", "Cause.$": "States.Format('RDS refused the promotion and no promotion into this region is under way: {}', $.promotionRefused.Cause)"},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		StPromotionTimedOut: {
			Type: TypePass,
			Result: map[string]any{"Error": "PromotionTimedOut", "Cause": fmt.Sprintf(
				"%s did not become the available writer within %d polls of %d seconds", p.TargetClusterArn, p.MaxPolls, p.PollSeconds)},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		StRecordWriter: {Type: TypePass, Parameters: now, ResultPath: "$.timings.writerConfirmed", Next: StReadCapacity},
		StReadCapacity: {
			Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("autoscaling:describeAutoScalingGroups"),
			Arguments: map[string]any{"AutoScalingGroupNames": []string{p.AutoScalingGroupName}},
			// Raise, never lower: target tracking may already run more than the configured capacity.
			Output: fmt.Sprintf(`{%% ($d := $states.result.AutoScalingGroups[0].DesiredCapacity; $merge([$states.input, `+
				`{"capacity": {"before": $d, "target": $max([$d, %d])}}])) %%}`, p.DesiredCapacity),
			Retry: []Retrier{retryTransient("AutoScaling"), retryRead},
			Catch: catchAllJSONata,
			Next:  StRaiseCapacity,
		},
		StRaiseCapacity: {
			Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("autoscaling:updateAutoScalingGroup"),
			Comment: "Only DesiredCapacity: MinSize and MaxSize stay Pulumi's (a lower MaxSize would clamp desired), and the group ignores desiredCapacity, so a later pulumi up keeps this.",
			Arguments: map[string]any{
				"AutoScalingGroupName": p.AutoScalingGroupName,
				"DesiredCapacity":      "{% $states.input.capacity.target %}",
			},
			Output: "{% $states.input %}",
			// UpdateAutoScalingGroup sets a value: repeating it is safe.
			Retry: []Retrier{retryTransient("AutoScaling"), retryRead},
			Catch: catchAllJSONata,
			Next:  StDescribeFinal,
		},
		StDescribeFinal: describe("final", StNotifySuccess),
		StNotifySuccess: {
			Type: TypeTask, QueryLanguage: JSONata, Resource: "arn:aws:states:::sns:publish",
			Arguments: map[string]any{
				"TopicArn": p.TopicArn,
				"Subject":  subject("Runbook in " + p.Region + " succeeded: " + p.Region + " writes"),
				"Message":  successMessage(p),
			},
			Output: "{% $states.input %}",
			Retry:  []Retrier{retryTransient("SNS"), retryRead},
			Catch:  catchAllJSONata,
			Next:   StSucceeded,
		},
		StSucceeded: {Type: TypeSucceed},
		StInvalidInput: {
			Type: TypePass,
			Result: map[string]any{"Error": "InvalidInput", "Cause": `start the execution with {"mode":"switchover"} (planned), ` +
				`{"mode":"failover"} (unplanned, data loss allowed) or {"mode":"auto"} (the runbook chooses)`},
			ResultPath: "$.error", Next: StNotifyFailure,
		},
		// The report failing must not hide the failure: end in the right Fail state either way.
		StNotifyFailure: publish(p, "Runbook in "+p.Region+" FAILED", failureMessage(p),
			[]Catcher{{ErrorEquals: []string{"States.ALL"}, Output: "{% $states.input %}", Next: StPromotedBefore}}, StPromotedBefore),
		StPromotedBefore: {
			Type:    TypeChoice,
			Comment: "A failed run that had a promotion accepted ends in its own error: the detector's 24 h cap counts only runs that promoted.",
			Choices: []ChoiceRule{{Variable: "$." + PromotedField, IsPresent: boolp(true), Next: StFailedPromoted}},
			Default: StFailed,
		},
		StFailed:         {Type: TypeFail, Error: ErrorFailed, Cause: "no promotion was made; see the SNS report and the execution history"},
		StFailedPromoted: {Type: TypeFail, Error: ErrorFailedAfterPromotion, Cause: "RDS accepted a promotion request before the run failed; see the SNS report and the execution history"},
	}
	if p.SwitchoverRelayArn != "" {
		addRelayStates(states, p)
	}
	addKeepLostWritesStates(states, p, catchAllJSONata)
	return StateMachine{
		Comment:        "Runbook of " + p.Region + ": promote " + p.TargetClusterArn + " (this region only), raise capacity, report.",
		StartAt:        StInit,
		TimeoutSeconds: p.PollSeconds*p.MaxPolls + 1800,
		States:         states,
	}
}

// addRelayStates replaces the in-region switchover call with the relay: the function in this region
// that makes SwitchoverGlobalCluster in the current primary's region (AWS's guide), and reads its
// answer: ok -> wait for the writer; refused (a promotion under way or done) -> re-read the
// topology like a refusal of the runbook's own calls; anything else (an error answer, a function
// error or timeout, an invoke that fails) -> SwitchoverRelayFailed: mode auto falls back to failover
// (the old primary's region does not answer, which is what failover is for), an explicit switchover
// reports and fails.
func addRelayStates(states map[string]State, p Params) {
	states[StSwitchover] = State{
		Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("lambda:invoke"),
		Comment:   "SwitchoverGlobalCluster from the current primary's region, through this region's relay function.",
		Arguments: map[string]any{"FunctionName": p.SwitchoverRelayArn, "Payload": "{}"},
		// The SDK integration returns the function's answer as text (Payload) and an unhandled
		// function error in FunctionError; both become plain fields for the Choice after it.
		Output: `{% ($r := $states.result; $a := $type($r.Payload) = "string" ? $parse($r.Payload) : $r.Payload; ` +
			`$merge([$states.input, {"relay": $exists($r.FunctionError) ` +
			`? {"ok": false, "refused": false, "error": "Lambda." & $r.FunctionError, "message": $string($a)} ` +
			`: {"ok": $a.ok = true, "refused": $a.refused = true, "error": $exists($a.error) ? $a.error : "", "message": $exists($a.message) ? $a.message : ""}}, ` +
			// RDS accepted the switchover in the primary's region: the execution has promoted.
			`($not($exists($r.FunctionError)) and $a.ok = true) ? {"promoted": {"by": "switchover", "at": $now()}} : {}])) %}`,
		Retry: []Retrier{retryTransient("Lambda")},
		// The invoke itself failed (after the retries): no answer from the relay, like a relay that
		// could not reach the old primary. SwitchoverRelayFailed decides by mode.
		Catch: []Catcher{{
			ErrorEquals: []string{"States.ALL"},
			Output: `{% $merge([$states.input, {"relay": {"ok": false, "refused": false, "error": $states.errorOutput.Error, ` +
				`"message": $exists($states.errorOutput.Cause) ? $states.errorOutput.Cause : ""}}]) %}`,
			Next: StRelayFailed,
		}},
		Next: StRelayAnswered,
	}
	states[StRelayAnswered] = State{
		Type: TypeChoice,
		Choices: []ChoiceRule{
			{Variable: "$.relay.ok", BooleanEquals: boolp(true), Next: StWaitForWriter},
			{Variable: "$.relay.refused", BooleanEquals: boolp(true), Next: StRelayRefused},
		},
		Default: StRelayFailed,
	}
	// Refused: RDS answered InvalidGlobalClusterState/InvalidDBClusterState. That is a promotion under
	// way or done, or a home primary too unhealthy to switch over: the topology read next tells them
	// apart (TargetIsWriter: wait, fall back to failover in auto, or report).
	states[StRelayRefused] = State{
		Type: TypePass, Parameters: map[string]any{"Error.$": "$.relay.error", "Cause.$": "$.relay.message"},
		ResultPath: "$.promotionRefused", Next: StDescribeAfter,
	}
	states[StRelayFailed] = State{
		Type:    TypeChoice,
		Comment: "The switchover failed without an RDS refusal: auto falls back to failover (data loss allowed, as auto permits); an explicit switchover fails loudly.",
		Choices: []ChoiceRule{{Variable: "$.mode", StringEquals: strp(ModeAuto), Next: StFallBack}},
		Default: StRelayFailedReport,
	}
	// A switchover that did start after all (the relay lost only its answer) is safe here: RDS then
	// refuses the failover (a promotion is under way), and the refusal re-reads the topology.
	states[StFallBack] = State{
		Type: TypePass, QueryLanguage: JSONata,
		Comment: "Record the fallback and its reason in the decision: the report says so.",
		Output: fmt.Sprintf(`{%% ($i := $states.input; $why := "the switchover through the relay failed without an RDS refusal (" & $i.relay.error & ": " & $i.relay.message & `+
			`"), so the old primary's region does not answer: auto falls back to failover with data loss allowed"; `+
			`$merge([$i, {"decision": $merge([$i.decision, {"action": "%s", `+
			`"fallback": {"from": "%s", "to": "%s", "reason": $why, "at": $now()}}])}])) %%}`, ActionFailover, ActionSwitchover, ActionFailover),
		Next: StFailover,
	}
	states[StRelayFailedReport] = State{
		Type: TypePass, Parameters: map[string]any{"Error.$": "$.relay.error", "Cause.$": "$.relay.message"},
		ResultPath: "$.error", Next: StNotifyFailure,
	}
}

// successMessage is the report: the decision and the lag at that moment, timings, capacity, whether
// the old primary is still a member (and if not, the exact commands to rejoin it), and any extra
// input (trigger, evidence) the execution was started with.
func successMessage(p Params) string {
	rejoin := "rebuild it as a secondary of " + p.GlobalClusterIdentifier + " (docs/failover.md, \"Rejoin a detached old primary\"), then pulumi refresh."
	if p.Rejoin != nil {
		rejoin = "run, in order:" + RejoinText(*p.Rejoin)
	}
	lit := jsonataString
	parts := []string{
		`($i := $states.input; $p := $i.timings.promotion; `,
		`$promo := $exists($i.decision) ? ("promotion by " & $i.decision.action & " (" & $i.decision.reason & "); replication lag at the decision: " & `,
		`($i.decision.lagMs >= 0 ? $string($i.decision.lagMs) & " ms (datapoint " & $i.decision.lagAt & ")" : "unknown (" & $i.decision.lagAt & ")")) `,
		`: ("no promotion: " & $p.skipped); `,
		`$promo := $exists($i.decision.fallback) ? $promo & ". FELL BACK from " & $i.decision.fallback.from & " to " & $i.decision.fallback.to & ": " & $i.decision.fallback.reason : $promo; `,
		lit("Runbook in "+p.Region+" finished (mode ") + ` & $i.mode & ` + lit("). "+p.TargetClusterArn+" is the writer of "+p.GlobalClusterIdentifier+". ") + ` & $promo & `,
		lit(". Auto Scaling group "+p.AutoScalingGroupName+" desired capacity ") + ` & $string($i.capacity.before) & " -> " & $string($i.capacity.target) & `,
		lit(fmt.Sprintf(" (min and max untouched; target tracking scales on up to max %d). ", p.MaxSize)),
		`& "Started " & $i.timings.startedAt & ", promotion " & $p.at & ", writer confirmed " & $i.timings.writerConfirmed.at & ", report " & $now() & ". " & `,
		`($i.final.peerIsMember ? ` + lit("The old primary "+p.PeerClusterArn+" is a member of the global cluster (a secondary once its region is back).") +
			` : ` + lit("The old primary "+p.PeerClusterArn+" is NOT a member of the global cluster any more; pulumi up does not bring it back: "+rejoin) + `) & `,
		`(($exists($i.decision) and $i.decision.action = "failover") ? ` + lit(" Writes not replicated before the failover are not here. When "+orPlaceholder(regionFromArn(p.PeerClusterArn), "the old primary's region")+
			" is back, AWS keeps them only in its snapshot "+FailoverSnapshotPrefix+clusterIDFromArn(p.PeerClusterArn)+"-<time>, which expires: start the runbook of that region with {\"mode\":\""+ModeKeepLostWrites+"\"} (docs/failover.md, \"Lost writes\").") + ` : "") & `,
		`($exists($i.trigger) ? " Trigger: " & $string($i.trigger) & "." : "") & ($exists($i.evidence) ? " Evidence: " & $string($i.evidence) & "." : "") & `,
		lit(" No config change and no pulumi up are needed (docs/failover.md).") + `)`,
	}
	return "{% " + strings.Join(parts, "") + " %}"
}

// regionFromArn returns the region of arn:aws:rds:<region>:<account>:..., "" when arn is not one.
func regionFromArn(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

func orPlaceholder(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// clusterIDFromArn returns the identifier of arn:aws:rds:<region>:<account>:cluster:<id>.
func clusterIDFromArn(arn string) string {
	if i := strings.LastIndex(arn, ":cluster:"); i >= 0 {
		return arn[i+len(":cluster:"):]
	}
	return arn
}

// subject keeps an SNS subject within its 100-character limit.
func subject(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}
