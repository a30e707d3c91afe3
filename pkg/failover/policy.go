package failover

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// PolicyParams are the resolved resources the runbook's role may act on.
type PolicyParams struct {
	Partition, AccountID, Region string
	GlobalClusterIdentifier      string
	ClusterArns                  []string // the target cluster plus the other members
	AutoScalingGroupName         string
	TopicArn, TopicKmsKeyArn     string
	Tracing                      bool
	// StateMachineNamePrefix is the runbook's own state machine name up to Pulumi's auto-name suffix:
	// the role lists the runbook's running executions (the machine's ARN depends on the role, so
	// the policy names it by prefix).
	StateMachineNamePrefix string
	// RelayFunctionArn is the switchover relay the runbook invokes; "" when there is none.
	RelayFunctionArn string
	// TargetClusterIdentifier is this region's cluster (whose failover snapshot keep-lost-writes
	// copies); DatabaseKmsKeyArn the key the copy is encrypted with ("" for the source's key).
	TargetClusterIdentifier string
	DatabaseKmsKeyArn       string
}

// GlobalClusterArn is the ARN of a global cluster (global clusters have no region in their ARN).
func GlobalClusterArn(partition, accountID, id string) string {
	return fmt.Sprintf("arn:%s:rds::%s:global-cluster:%s", partition, accountID, id)
}

// AutoScalingGroupArn is the ARN pattern of a named group; the group's UUID is unknown before creation.
func AutoScalingGroupArn(partition, region, accountID, name string) string {
	return fmt.Sprintf("arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%s", partition, region, accountID, name)
}

// logDeliveryActions are the CloudWatch Logs actions Step Functions needs to set up log delivery for a
// state machine. AWS documents them with Resource "*": the vended-logs delivery APIs do not support
// resource-level permissions (Step Functions user guide, "IAM policies for logging to CloudWatch Logs").
var logDeliveryActions = []string{
	"logs:CreateLogDelivery",
	"logs:GetLogDelivery",
	"logs:UpdateLogDelivery",
	"logs:DeleteLogDelivery",
	"logs:ListLogDeliveries",
	"logs:PutResourcePolicy",
	"logs:DescribeResourcePolicies",
	"logs:DescribeLogGroups",
}

// xrayActions are the X-Ray write actions of a traced state machine; X-Ray has no resource-level permissions.
var xrayActions = []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"}

// RolePolicy is the state machine role's policy: exactly the calls of the runbook on exactly these resources.
func RolePolicy(p PolicyParams) iampolicy.Document {
	global := GlobalClusterArn(p.Partition, p.AccountID, p.GlobalClusterIdentifier)
	rdsResources := append([]string{global}, p.ClusterArns...)
	// With a relay the switchover is the relay's call (from the current primary's region): the
	// runbook itself only fails over.
	promote := []string{"rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"}
	if p.RelayFunctionArn != "" {
		promote = []string{"rds:FailoverGlobalCluster"}
	}
	statements := []iampolicy.Statement{
		{
			Sid:      "ReadGlobalCluster",
			Effect:   "Allow",
			Action:   []string{"rds:DescribeGlobalClusters"},
			Resource: []string{global},
		},
		{
			Sid:      "PromoteThisRegionsCluster",
			Effect:   "Allow",
			Action:   promote,
			Resource: rdsResources,
		},
		{
			Sid:      "RaiseThisRegionsCapacity",
			Effect:   "Allow",
			Action:   []string{"autoscaling:UpdateAutoScalingGroup"},
			Resource: []string{AutoScalingGroupArn(p.Partition, p.Region, p.AccountID, p.AutoScalingGroupName)},
		},
		{
			// Describe calls of Auto Scaling and GetMetricData support no resource-level permissions
			// (Service Authorization Reference); both only read.
			Sid:      "ReadCapacityAndReplicationLag",
			Effect:   "Allow",
			Action:   []string{"autoscaling:DescribeAutoScalingGroups", "cloudwatch:GetMetricData"},
			Resource: []string{"*"},
		},
		{
			Sid:      "ListOwnExecutions",
			Effect:   "Allow",
			Action:   []string{"states:ListExecutions"},
			Resource: []string{fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s*", p.Partition, p.Region, p.AccountID, p.StateMachineNamePrefix)},
		},
		{
			Sid:      "Report",
			Effect:   "Allow",
			Action:   []string{"sns:Publish"},
			Resource: []string{p.TopicArn},
		},
		{
			Sid:       "EncryptReportForTopic",
			Effect:    "Allow",
			Action:    []string{"kms:GenerateDataKey", "kms:Decrypt"},
			Resource:  []string{p.TopicKmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "sns." + p.Region + ".amazonaws.com"}},
		},
		{
			Sid:      "DeliverExecutionLogs",
			Effect:   "Allow",
			Action:   logDeliveryActions,
			Resource: []string{"*"},
		},
	}
	statements = append(statements, keepLostWritesStatements(p)...)
	if p.RelayFunctionArn != "" {
		statements = append(statements, iampolicy.Statement{
			Sid: "InvokeSwitchoverRelay", Effect: "Allow", Action: []string{"lambda:InvokeFunction"}, Resource: []string{p.RelayFunctionArn},
		})
	}
	if p.Tracing {
		statements = append(statements, iampolicy.Statement{Sid: "Trace", Effect: "Allow", Action: xrayActions, Resource: []string{"*"}})
	}
	return iampolicy.New(statements...)
}

// StatesTrust lets Step Functions assume the role, for state machines of this account and region only.
func StatesTrust(partition, accountID, region string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Effect:    "Allow",
		Principal: iampolicy.Service("states.amazonaws.com"),
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": accountID},
			"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:*", partition, region, accountID)},
		},
	})
}

// EventsTrust lets EventBridge assume a role, for rules of this account only.
func EventsTrust(accountID string) iampolicy.Document {
	return iampolicy.AssumeRole("events.amazonaws.com", accountID)
}

// StartPolicy lets the starting rule start exactly this state machine.
func StartPolicy(stateMachineArn string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{Effect: "Allow", Action: []string{"states:StartExecution"}, Resource: []string{stateMachineArn}})
}

// AlarmPattern matches the alarm's transitions into ALARM. EventBridge keeps source, detail-type and
// resources when it forwards an event to another region's bus, so both rules use the same pattern.
func AlarmPattern(alarmArn string) string {
	return mustJSON(map[string]any{
		"source":      []string{"aws.cloudwatch"},
		"detail-type": []string{"CloudWatch Alarm State Change"},
		"resources":   []string{alarmArn},
		"detail":      map[string]any{"state": map[string]any{"value": []string{"ALARM"}}},
	})
}
