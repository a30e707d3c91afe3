package detector

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// PolicyParams are the resolved resources the detector's function may read or write.
type PolicyParams struct {
	Partition, AccountID, Region string
	// WatchedRegion is where the veto reads the global cluster (that region's RDS API).
	WatchedRegion           string
	LogGroupArn             string
	GlobalClusterIdentifier string
	WatchedClusterArn       string
	StateMachineArn         string
}

// StateMachineName is the name part of a state machine ARN (arn:...:stateMachine:<name>).
func StateMachineName(arn string) string {
	if i := strings.LastIndex(arn, ":"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// ExecutionArns is the ARN pattern of a state machine's executions.
func ExecutionArns(stateMachineArn string) string {
	return strings.Replace(stateMachineArn, ":stateMachine:", ":execution:", 1) + ":*"
}

// FunctionPolicy is the function role's policy. It writes only its own logs and its own metric
// namespace, in its own region; everything else is a read: its own cluster's lag (CloudWatch in
// its region), its own role in the global cluster, the watched region's cluster (the probe target;
// a read, never a write, in the other region) and its own runbook's executions. It cannot start the
// runbook: only the EventBridge rule's role can, and only in `auto`.
func FunctionPolicy(p PolicyParams) iampolicy.Document {
	inRegion := map[string]any{"aws:RequestedRegion": p.Region}
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "WriteOwnLogs",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{p.LogGroupArn, p.LogGroupArn + ":*"},
		},
		iampolicy.Statement{
			// PutMetricData has no resource-level permissions; the namespace condition key narrows it.
			Sid:       "PublishVerdicts",
			Effect:    "Allow",
			Action:    []string{"cloudwatch:PutMetricData"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"cloudwatch:namespace": Namespace, "aws:RequestedRegion": p.Region}},
		},
		iampolicy.Statement{
			// GetMetricData has no resource-level permissions: read, in this region only.
			Sid:       "ReadOwnReplicationLag",
			Effect:    "Allow",
			Action:    []string{"cloudwatch:GetMetricData"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": inRegion},
		},
		iampolicy.Statement{
			Sid:       "ReadOwnRoleInTheGlobalCluster",
			Effect:    "Allow",
			Action:    []string{"rds:DescribeGlobalClusters"},
			Resource:  []string{fmt.Sprintf("arn:%s:rds::%s:global-cluster:%s", p.Partition, p.AccountID, p.GlobalClusterIdentifier)},
			Condition: map[string]map[string]any{"StringEquals": inRegion},
		},
		iampolicy.Statement{
			// The veto: the watched region's own RDS API shows the global cluster and its writer.
			Sid:       "ReadWatchedWriter",
			Effect:    "Allow",
			Action:    []string{"rds:DescribeGlobalClusters"},
			Resource:  []string{fmt.Sprintf("arn:%s:rds::%s:global-cluster:%s", p.Partition, p.AccountID, p.GlobalClusterIdentifier)},
			Condition: map[string]map[string]any{"StringEquals": {"aws:RequestedRegion": p.WatchedRegion}},
		},
		iampolicy.Statement{
			Sid:      "ListOwnRunbookExecutions",
			Effect:   "Allow",
			Action:   []string{"states:ListExecutions"},
			Resource: []string{p.StateMachineArn},
		},
		iampolicy.Statement{
			Sid:      "ReadOwnRunbookExecutions",
			Effect:   "Allow",
			Action:   []string{"states:DescribeExecution"},
			Resource: []string{ExecutionArns(p.StateMachineArn)},
		},
	)
}

// LambdaTrust lets Lambda assume the function's role. AWS documents no source condition for a
// function's execution role (Lambda assumes it for the function, not on behalf of a caller).
func LambdaTrust() iampolicy.Document { return iampolicy.AssumeRole("lambda.amazonaws.com", "") }

// StartTrust lets EventBridge assume the start role only for this account's rule ruleArn.
func StartTrust(accountID, ruleArn string) iampolicy.Document {
	return iampolicy.AssumeRoleFrom("events.amazonaws.com", accountID, ruleArn)
}

// StartPolicy lets the rule start exactly this region's runbook, nothing else.
func StartPolicy(stateMachineArn string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid: "StartOwnRunbook", Effect: "Allow", Action: []string{"states:StartExecution"}, Resource: []string{stateMachineArn},
	})
}

// AlarmPattern matches the promote alarm's transitions into ALARM (CloudWatch sends alarm state
// changes to the default bus of the alarm's region: the detector's own).
func AlarmPattern(alarmArn string) string {
	return mustJSON(map[string]any{
		"source":      []string{"aws.cloudwatch"},
		"detail-type": []string{"CloudWatch Alarm State Change"},
		"resources":   []string{alarmArn},
		"detail":      map[string]any{"state": map[string]any{"value": []string{"ALARM"}}},
	})
}

// InputPaths pick the evidence out of the alarm event for the runbook's input.
var InputPaths = map[string]string{
	"alarm":  "$.detail.alarmName",
	"reason": "$.detail.state.reason",
	"data":   "$.detail.state.reasonData",
	"time":   "$.time",
}

// InputTemplate is the runbook's input: auto mode (the runbook switches over while the old writer
// answers and fails over with data loss allowed otherwise, and reports the lag it decided on), the
// trigger the 24-hour cap counts, and the evidence. Placeholders stand unquoted: EventBridge inserts
// each as a JSON value.
//
// evidence.writerAvailable is false by construction: the promote alarm fires only on N minutes of
// PromoteSignal, and a minute in which the watched region's RDS API showed the global cluster
// available with its writer is vetoed (WriterVeto), never a PromoteSignal. The runbook's auto mode
// reads it as its third condition of "the old writer answers" (pkg/failover, EvidenceWriterAvailable),
// so both decide on one rule: a detector's start fails over, and a lag series that keeps arriving
// while the old region is dark cannot make it a switchover that the dark region then fails.
func InputTemplate(region, watched string) string {
	return fmt.Sprintf(`{"mode":"auto","trigger":%q,"evidence":{"writerAvailable":false,"region":%q,"watchedRegion":%q,"alarm":<alarm>,"reason":<reason>,"reasonData":<data>,"time":<time>,"lagMetric":"%s ReplicationLagMs WatchedRegion=%s"}}`,
		TriggerDetector, region, watched, Namespace, watched)
}

// StartCommand is the exact command a person runs to start the runbook (notify mode, or by hand).
func StartCommand(region, stateMachineArn string) string {
	return fmt.Sprintf(`aws stepfunctions start-execution --region %s --state-machine-arn %s --input '{"mode":"auto","trigger":"operator"}'`, region, stateMachineArn)
}

// SwitchoverCommand is the CLI call that starts region's runbook as a planned switchover (RPO 0):
// the remedy the "switchover recommended" page names.
func SwitchoverCommand(region, stateMachineArn string) string {
	return fmt.Sprintf(`aws stepfunctions start-execution --region %s --state-machine-arn %s --input '{"mode":"switchover","trigger":"operator"}'`, region, stateMachineArn)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
