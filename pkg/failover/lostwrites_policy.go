package failover

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// Snapshot names of keep-lost-writes. AWS names the snapshot it takes of an old primary, when its
// region returns after a failover with data loss, rds:unplanned-global-failover-<cluster>-<time>,
// and it expires with that cluster's automated backups; the runbook copies it to a manual snapshot
// (manual snapshots do not expire) named KeptSnapshotPrefix + the source's name without "rds:".
const (
	FailoverSnapshotPrefix = "rds:unplanned-global-failover-"
	KeptSnapshotPrefix     = "lost-writes-"
	// EventsDurationMinutes is how far back keep-lost-writes reads the cluster's RDS events: the
	// 14 days RDS keeps them.
	EventsDurationMinutes = 14 * 24 * 60
)

// keepLostWritesStatements are the keep-lost-writes calls: list this region's cluster's snapshots,
// copy only the failover snapshot and only to a lost-writes-* name (tagged at creation, which needs
// AddTagsToResource on the new snapshot), read RDS events, and let RDS (only RDS, in this region,
// for an AWS resource) use the database key for the copy.
func keepLostWritesStatements(p PolicyParams) []iampolicy.Statement {
	snap := func(name string) string {
		return fmt.Sprintf("arn:%s:rds:%s:%s:cluster-snapshot:%s", p.Partition, p.Region, p.AccountID, name)
	}
	cluster := fmt.Sprintf("arn:%s:rds:%s:%s:cluster:%s", p.Partition, p.Region, p.AccountID, p.TargetClusterIdentifier)
	out := []iampolicy.Statement{
		{
			Sid:      "FindTheFailoverSnapshot",
			Effect:   "Allow",
			Action:   []string{"rds:DescribeDBClusterSnapshots"},
			Resource: []string{cluster, snap("*")},
		},
		{
			Sid:      "KeepTheFailoverSnapshot",
			Effect:   "Allow",
			Action:   []string{"rds:CopyDBClusterSnapshot"},
			Resource: []string{snap(FailoverSnapshotPrefix + "*"), snap(KeptSnapshotPrefix + "*")},
		},
		{
			Sid:      "TagTheKeptSnapshot",
			Effect:   "Allow",
			Action:   []string{"rds:AddTagsToResource"},
			Resource: []string{snap(KeptSnapshotPrefix + "*")},
		},
		{
			// DescribeEvents supports no resource-level permission (Service Authorization Reference); it only reads.
			Sid:      "ReadWriteFencingEvents",
			Effect:   "Allow",
			Action:   []string{"rds:DescribeEvents"},
			Resource: []string{"*"},
		},
	}
	if p.DatabaseKmsKeyArn != "" {
		via := map[string]any{"kms:ViaService": "rds." + p.Region + ".amazonaws.com"}
		out = append(out, iampolicy.Statement{
			Sid:       "CopyWithTheDatabaseKey",
			Effect:    "Allow",
			Action:    []string{"kms:CreateGrant"},
			Resource:  []string{p.DatabaseKmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": "true"}},
		}, iampolicy.Statement{
			Sid:       "DescribeTheDatabaseKey",
			Effect:    "Allow",
			Action:    []string{"kms:DescribeKey"},
			Resource:  []string{p.DatabaseKmsKeyArn},
			Condition: map[string]map[string]any{"StringEquals": via},
		})
	}
	return out
}
