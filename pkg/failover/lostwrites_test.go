package failover

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
)

func clusterSnapshot(id, at string) map[string]any {
	return map[string]any{"DbClusterSnapshotIdentifier": id, "SnapshotCreateTime": at,
		"DbClusterSnapshotArn": "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:" + id}
}

// Issue 22, case 3: the old primary's region, back after a failover with data loss, keeps AWS's
// failover snapshot (the newest rds:unplanned-global-failover-* of its cluster) as a manual copy
// with the stack's tags and the database key, once; reads the write-fencing event; reports both.
func TestKeepLostWrites(t *testing.T) {
	p := testParams
	p.DatabaseKmsKeyArn = "arn:aws:kms:us-west-2:123456789012:key/db"
	p.SnapshotTags = map[string]string{"Stack": "prod", "Project": "multi-region-ha"}
	older := clusterSnapshot("rds:unplanned-global-failover-database-us-west-2-2026-02-01-10-00", "2026-02-01T10:00:00Z")
	newer := clusterSnapshot("rds:unplanned-global-failover-database-us-west-2-2026-03-01-09-30", "2026-03-01T09:30:00Z")
	daily := clusterSnapshot("rds:database-us-west-2-2026-03-02-03-00", "2026-03-02T03:00:00Z")
	kept := "lost-writes-unplanned-global-failover-database-us-west-2-2026-03-01-09-30"
	fencing := []map[string]any{
		{"Message": "Global failover to DB cluster database-us-east-1 in Region us-east-1 completed.", "Date": "2026-03-01T09:20:00Z"},
		{"Message": "Write fencing of the old primary timed out; writes may have been accepted after the failover started.", "Date": "2026-03-01T09:10:00Z"},
	}
	for _, tc := range []struct {
		name      string
		snapshots []map[string]any
		events    []map[string]any
		copies    int
		report    []string
	}{
		{"newest failover snapshot copied, fencing timed out", []map[string]any{older, daily, newer}, fencing, 1,
			[]string{"kept in the manual snapshot " + kept, "copied now", "Write fencing of the old primary: timed out (RDS event at 2026-03-01T09:10:00Z"}},
		{"a second run finds the copy and copies nothing", []map[string]any{older, newer, clusterSnapshot(kept, "2026-03-01T11:00:00Z")}, nil, 0,
			[]string{"the copy existed already", "no write-fencing event in the last 14 days"}},
		{"no failover snapshot: nothing to keep", []map[string]any{daily}, []map[string]any{{"Message": "Write fencing succeeded for the old primary cluster.", "Date": "2026-03-01T09:00:00Z"}}, 0,
			[]string{"No rds:unplanned-global-failover-* snapshot of database-us-west-2 exists", "Write fencing of the old primary: succeeded"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := world{p: p, snapshots: tc.snapshots, events: tc.events}
			ex := simulate(t, Definition(p), map[string]any{"mode": ModeKeepLostWrites}, w.answer)
			require.Equal(t, "SUCCEEDED", ex.Status, "%v", ex.Path)
			for _, api := range []string{"rds:failoverGlobalCluster", "rds:switchoverGlobalCluster", "lambda:invoke", "autoscaling:updateAutoScalingGroup"} {
				assert.Empty(t, ex.calls(sdk(api)), "keep-lost-writes promotes and scales nothing: %s", api)
			}
			copies := ex.calls(sdk("rds:copyDBClusterSnapshot"))
			require.Len(t, copies, tc.copies)
			if tc.copies == 1 {
				c := copies[0].Args
				assert.Equal(t, newer["DbClusterSnapshotArn"], c["SourceDbClusterSnapshotIdentifier"], "the newest failover snapshot")
				assert.Equal(t, kept, c["TargetDbClusterSnapshotIdentifier"])
				assert.Equal(t, p.DatabaseKmsKeyArn, c["KmsKeyId"])
				assert.Equal(t, false, c["CopyTags"], "the stack's tags, not the system snapshot's")
				assert.Contains(t, c["Tags"], map[string]any{"Key": "Stack", "Value": "prod"})
				assert.Contains(t, c["Tags"], map[string]any{"Key": "Role", "Value": "lost-writes"})
			}
			events := ex.calls(sdk("rds:describeEvents"))
			require.Len(t, events, 1)
			assert.Equal(t, map[string]any{"SourceType": "db-cluster", "SourceIdentifier": "database-us-west-2", "Duration": float64(20160), "MaxRecords": float64(100)}, events[0].Args)
			reports := ex.published()
			require.Len(t, reports, 1)
			for _, want := range tc.report {
				assert.Contains(t, reports[0], want)
			}
		})
	}
}

// After a failover the new writer's report tells where the lost writes are and how to keep them;
// after a switchover it does not.
func TestFailoverReportPointsAtTheLostWrites(t *testing.T) {
	for _, mode := range []string{ModeFailover, ModeSwitchover} {
		w := world{p: testParams, topology: []map[string]any{homeWrites, standbyWrites}, relay: map[string]any{"ok": true}, lagFresh: true, desired: 2}
		ex := simulate(t, Definition(testParams), map[string]any{"mode": mode}, w.answer)
		require.Equal(t, "SUCCEEDED", ex.Status, "%v", ex.Path)
		msg := ex.published()[0]
		hint := `start the runbook of that region with {"mode":"keep-lost-writes"}`
		if mode == ModeFailover {
			assert.Contains(t, msg, "its snapshot rds:unplanned-global-failover-database-us-east-1-<time>")
			assert.Contains(t, msg, hint)
		} else {
			assert.NotContains(t, msg, hint)
		}
		_, promoted := getPath(ex.Output, "$.promoted")
		assert.True(t, promoted, "the run records that it promoted (the detector's cap reads it)")
	}
}

// The role copies only the failover snapshot and only to a lost-writes-* name, and the database key
// serves the copy only through RDS for an AWS resource (the IAM evaluator, from both sides).
func TestKeepLostWritesIsLeastPrivilege(t *testing.T) {
	doc := RolePolicy(testPolicy)
	snap := "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:"
	rdsVia := map[string]string{"kms:ViaService": "rds.us-west-2.amazonaws.com", "kms:GrantIsForAWSResource": "true"}
	for _, tc := range []struct {
		name string
		req  deployaccess.Request
		want string
	}{
		{"copy the failover snapshot", deployaccess.Request{Action: "rds:CopyDBClusterSnapshot", Resource: snap + "rds:unplanned-global-failover-database-us-west-2-2026-03-01-09-30"}, deployaccess.Allowed},
		{"to a kept name", deployaccess.Request{Action: "rds:CopyDBClusterSnapshot", Resource: snap + "lost-writes-unplanned-global-failover-database-us-west-2-2026-03-01-09-30"}, deployaccess.Allowed},
		{"not a daily snapshot", deployaccess.Request{Action: "rds:CopyDBClusterSnapshot", Resource: snap + "rds:database-us-west-2-2026-03-02-03-00"}, deployaccess.ImplicitDeny},
		{"not another region", deployaccess.Request{Action: "rds:CopyDBClusterSnapshot", Resource: "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:lost-writes-x"}, deployaccess.ImplicitDeny},
		{"no delete", deployaccess.Request{Action: "rds:DeleteDBClusterSnapshot", Resource: snap + "lost-writes-x"}, deployaccess.ImplicitDeny},
		{"tag only the kept copy", deployaccess.Request{Action: "rds:AddTagsToResource", Resource: "arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2"}, deployaccess.ImplicitDeny},
		{"grant through RDS", deployaccess.Request{Action: "kms:CreateGrant", Resource: testPolicy.DatabaseKmsKeyArn, Context: rdsVia}, deployaccess.Allowed},
		{"no grant outside RDS", deployaccess.Request{Action: "kms:CreateGrant", Resource: testPolicy.DatabaseKmsKeyArn, Context: map[string]string{"kms:GrantIsForAWSResource": "true"}}, deployaccess.ImplicitDeny},
		{"no decrypt for the role itself", deployaccess.Request{Action: "kms:Decrypt", Resource: testPolicy.DatabaseKmsKeyArn, Context: rdsVia}, deployaccess.ImplicitDeny},
	} {
		assert.Equal(t, tc.want, deployaccess.Evaluate(tc.req, doc), tc.name)
	}
}
