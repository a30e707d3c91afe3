package failover

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

var testPolicy = PolicyParams{
	Partition: "aws", AccountID: "123456789012", Region: "us-west-2",
	GlobalClusterIdentifier: "database-global",
	ClusterArns: []string{
		"arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2",
		"arn:aws:rds:us-east-1:123456789012:cluster:database-us-east-1",
	},
	AutoScalingGroupName:    "compute-us-west-2-asg",
	TopicArn:                "arn:aws:sns:us-west-2:123456789012:alerts",
	TopicKmsKeyArn:          "arn:aws:kms:us-west-2:123456789012:key/abc",
	StateMachineNamePrefix:  "failover-us-west-2-",
	TargetClusterIdentifier: "database-us-west-2",
	DatabaseKmsKeyArn:       "arn:aws:kms:us-west-2:123456789012:key/db",
}

func statements(d iampolicy.Document) map[string]iampolicy.Statement {
	out := map[string]iampolicy.Statement{}
	for _, s := range d.Statement {
		out[s.Sid] = s
	}
	return out
}

func TestRolePolicyIsExactlyTheRunbook(t *testing.T) {
	st := statements(RolePolicy(testPolicy))
	global := "arn:aws:rds::123456789012:global-cluster:database-global"
	tests := []struct {
		sid      string
		actions  []string
		resource []string
	}{
		{"ReadGlobalCluster", []string{"rds:DescribeGlobalClusters"}, []string{global}},
		{"PromoteThisRegionsCluster", []string{"rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"}, append([]string{global}, testPolicy.ClusterArns...)},
		{"RaiseThisRegionsCapacity", []string{"autoscaling:UpdateAutoScalingGroup"},
			[]string{"arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/compute-us-west-2-asg"}},
		{"Report", []string{"sns:Publish"}, []string{testPolicy.TopicArn}},
		{"EncryptReportForTopic", []string{"kms:GenerateDataKey", "kms:Decrypt"}, []string{testPolicy.TopicKmsKeyArn}},
		{"DeliverExecutionLogs", logDeliveryActions, []string{"*"}},
		{"ReadCapacityAndReplicationLag", []string{"autoscaling:DescribeAutoScalingGroups", "cloudwatch:GetMetricData"}, []string{"*"}},
		{"ListOwnExecutions", []string{"states:ListExecutions"}, []string{"arn:aws:states:us-west-2:123456789012:stateMachine:failover-us-west-2-*"}},
		{"FindTheFailoverSnapshot", []string{"rds:DescribeDBClusterSnapshots"}, []string{"arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2", "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:*"}},
		{"KeepTheFailoverSnapshot", []string{"rds:CopyDBClusterSnapshot"}, []string{"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:rds:unplanned-global-failover-*", "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:lost-writes-*"}},
		{"TagTheKeptSnapshot", []string{"rds:AddTagsToResource"}, []string{"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:lost-writes-*"}},
		{"ReadWriteFencingEvents", []string{"rds:DescribeEvents"}, []string{"*"}},
		{"CopyWithTheDatabaseKey", []string{"kms:CreateGrant"}, []string{testPolicy.DatabaseKmsKeyArn}},
		{"DescribeTheDatabaseKey", []string{"kms:DescribeKey"}, []string{testPolicy.DatabaseKmsKeyArn}},
	}
	require.Len(t, st, len(tests), "no statement beyond the runbook's")
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			s, ok := st[tt.sid]
			require.True(t, ok)
			assert.Equal(t, "Allow", s.Effect)
			assert.Equal(t, tt.actions, s.Action)
			assert.Equal(t, tt.resource, s.Resource)
		})
	}
	assert.Equal(t, "sns.us-west-2.amazonaws.com", st["EncryptReportForTopic"].Condition["StringEquals"]["kms:ViaService"])
}

// With a relay, the runbook's role only fails over and invokes the relay; the relay switches over.
func TestRolePolicyWithARelay(t *testing.T) {
	p := testPolicy
	p.RelayFunctionArn = "arn:aws:lambda:us-west-2:123456789012:function:failover-us-west-2-relay"
	st := statements(RolePolicy(p))
	assert.Equal(t, []string{"rds:FailoverGlobalCluster"}, st["PromoteThisRegionsCluster"].Action)
	assert.Equal(t, []string{"lambda:InvokeFunction"}, st["InvokeSwitchoverRelay"].Action)
	assert.Equal(t, []string{p.RelayFunctionArn}, st["InvokeSwitchoverRelay"].Resource)
}

func TestOnlyActionsWithoutResourceLevelPermissionsUseStarResources(t *testing.T) {
	for _, tracing := range []bool{false, true} {
		p := testPolicy
		p.Tracing = tracing
		doc := RolePolicy(p)
		for _, s := range doc.Statement {
			for _, a := range s.Action {
				assert.NotContains(t, a, "*", "%s: wildcard action %s", s.Sid, a)
				if s.Sid == "DeliverExecutionLogs" {
					assert.True(t, strings.HasPrefix(a, "logs:"))
				}
			}
			if contains(s.Resource, "*") {
				assert.Contains(t, []string{"DeliverExecutionLogs", "Trace", "ReadCapacityAndReplicationLag", "ReadWriteFencingEvents"}, s.Sid)
			}
		}
		_, traced := statements(doc)["Trace"]
		assert.Equal(t, tracing, traced)
	}
}

func TestTrustPolicies(t *testing.T) {
	var states map[string]any
	require.NoError(t, json.Unmarshal([]byte(StatesTrust("aws", "123456789012", "us-west-2").JSON()), &states))
	st := states["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"states.amazonaws.com"}, st["Principal"].(map[string]any)["Service"])
	cond := st["Condition"].(map[string]any)
	assert.Equal(t, "123456789012", cond["StringEquals"].(map[string]any)["aws:SourceAccount"])
	assert.Equal(t, "arn:aws:states:us-west-2:123456789012:stateMachine:*", cond["ArnLike"].(map[string]any)["aws:SourceArn"])

	ev := EventsTrust("123456789012").Statement[0]
	assert.Equal(t, []string{"events.amazonaws.com"}, ev.Principal["Service"])
	assert.Equal(t, []string{"sts:AssumeRole"}, ev.Action)
}

func TestEventPlumbingPolicies(t *testing.T) {
	sp := StartPolicy("arn:aws:states:us-west-2:123456789012:stateMachine:x").Statement
	require.Len(t, sp, 1)
	assert.Equal(t, []string{"states:StartExecution"}, sp[0].Action)
	assert.Equal(t, []string{"arn:aws:states:us-west-2:123456789012:stateMachine:x"}, sp[0].Resource)

	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(AlarmPattern("arn:aws:cloudwatch:us-east-1:123456789012:alarm:unhealthy")), &pattern))
	assert.Equal(t, []any{"aws.cloudwatch"}, pattern["source"])
	assert.Equal(t, []any{"CloudWatch Alarm State Change"}, pattern["detail-type"])
	assert.Equal(t, []any{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:unhealthy"}, pattern["resources"])
	assert.Equal(t, []any{"ALARM"}, pattern["detail"].(map[string]any)["state"].(map[string]any)["value"])
}

func TestUniqueWith(t *testing.T) {
	assert.Equal(t, []string{"a", "b"}, uniqueWith([]string{"a", "b", "a"}, "b"))
	assert.Equal(t, []string{"t"}, uniqueWith(nil, "t"))
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
