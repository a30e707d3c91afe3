package failover

import (
	"fmt"
	"sort"
	"strings"
)

// addKeepLostWritesStates adds mode keep-lost-writes. After a failover with data loss, AWS rebuilds
// the old primary as a secondary when its region returns, and the writes that had not replicated
// survive only in the snapshot it takes first (rds:unplanned-global-failover-<cluster>-<time>),
// which expires with the cluster's automated backups. This mode, run by the old primary's region's
// runbook, finds the newest such snapshot of its own cluster, copies it to a manual snapshot in the
// same region with the stack's tags and the database key (once: a second run finds the copy), reads
// the cluster's RDS events of the last 14 days for the one that says whether write fencing of the
// old primary succeeded or timed out, and puts both in its report on the alarm topic.
func addKeepLostWritesStates(states map[string]State, p Params, catch []Catcher) {
	cluster := p.TargetClusterIdentifier
	states[StFindLostWrites] = State{
		Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeDBClusterSnapshots"),
		Comment:   "This region's cluster's snapshots: the newest failover snapshot, and whether its kept copy exists already.",
		Arguments: map[string]any{"DbClusterIdentifier": cluster, "MaxRecords": 100},
		// Fields in both casings (RDS API DBCluster..., SDK model DbCluster...).
		Output: fmt.Sprintf(`{%% ($all := $states.result.DbClusterSnapshots ? $states.result.DbClusterSnapshots : $states.result.DBClusterSnapshots; `+
			`$s := [$all.{"id": $exists(DbClusterSnapshotIdentifier) ? DbClusterSnapshotIdentifier : DBClusterSnapshotIdentifier, `+
			`"arn": $exists(DbClusterSnapshotArn) ? DbClusterSnapshotArn : DBClusterSnapshotArn, "at": $string(SnapshotCreateTime)}]; `+
			`$lost := [$s[$substring(id, 0, %d) = %s]]^(>at); $src := $lost[0]; `+
			`$kept := $exists($src) ? %s & $substringAfter($src.id, "rds:") : ""; `+
			`$merge([$states.input, {"lostWrites": {"found": $exists($src), "source": $exists($src) ? $src.id : "", "sourceArn": $exists($src) ? $src.arn : "", `+
			`"createdAt": $exists($src) ? $src.at : "", "kept": $kept, "alreadyKept": $exists($src) and $count($s[id = $kept]) > 0}}])) %%}`,
			len(FailoverSnapshotPrefix), jsonataString(FailoverSnapshotPrefix), jsonataString(KeptSnapshotPrefix)),
		Retry: []Retrier{retryTransient("Rds"), retryRead},
		Catch: catch,
		Next:  StHasLostWrites,
	}
	states[StHasLostWrites] = State{
		Type: TypeChoice,
		Choices: []ChoiceRule{{And: []ChoiceRule{
			{Variable: "$.lostWrites.found", BooleanEquals: boolp(true)},
			{Variable: "$.lostWrites.alreadyKept", BooleanEquals: boolp(false)},
		}, Next: StCopyLostWrites}},
		Default: StReadFencing,
	}
	copyArgs := map[string]any{
		"SourceDbClusterSnapshotIdentifier": "{% $states.input.lostWrites.sourceArn %}",
		"TargetDbClusterSnapshotIdentifier": "{% $states.input.lostWrites.kept %}",
		"CopyTags":                          false,
		"Tags":                              snapshotTags(p.SnapshotTags, cluster),
	}
	if p.DatabaseKmsKeyArn != "" {
		copyArgs["KmsKeyId"] = p.DatabaseKmsKeyArn
	}
	states[StCopyLostWrites] = State{
		Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:copyDBClusterSnapshot"),
		Comment:   "A manual copy in this region (manual snapshots do not expire), with the stack's tags and the database key.",
		Arguments: copyArgs,
		Output:    `{% $merge([$states.input, {"lostWrites": $merge([$states.input.lostWrites, {"copied": true, "copiedAt": $now()}])}]) %}`,
		Retry:     []Retrier{retryTransient("Rds")},
		Catch:     catch,
		Next:      StReadFencing,
	}
	states[StReadFencing] = State{
		Type: TypeTask, QueryLanguage: JSONata, Resource: sdk("rds:describeEvents"),
		Comment: "The cluster's RDS events of the last 14 days: the newest one about write fencing of the old primary.",
		Arguments: map[string]any{"SourceType": "db-cluster", "SourceIdentifier": cluster, "Duration": EventsDurationMinutes,
			"MaxRecords": 100},
		Output: `{% ($e := [$states.result.Events[$contains($lowercase(Message), "fenc")]]^(>$string(Date)); $f := $e[0]; ` +
			`$m := $exists($f) ? $lowercase($f.Message) : ""; ` +
			`$merge([$states.input, {"fencing": {"result": $exists($f) ? ($contains($m, "time") and $contains($m, "out") ? "timed out" ` +
			`: ($contains($m, "fail") or $contains($m, "unable") ? "failed" : "succeeded")) : "no write-fencing event in the last 14 days", ` +
			`"event": $exists($f) ? $f.Message : "", "at": $exists($f) ? $string($f.Date) : ""}}])) %}`,
		Retry: []Retrier{retryTransient("Rds"), retryRead},
		// Unknown fencing must not lose the snapshot report.
		Catch: []Catcher{{ErrorEquals: []string{"States.ALL"},
			Output: `{% $merge([$states.input, {"fencing": {"result": "unknown (" & $states.errorOutput.Error & ")", "event": "", "at": ""}}]) %}`,
			Next:   StNotifyLostWrites}},
		Next: StNotifyLostWrites,
	}
	states[StNotifyLostWrites] = publish(p, "Runbook in "+p.Region+": writes lost by the last failover", lostWritesMessage(p), catch, StSucceeded)
}

// snapshotTags are the stack's tags for the kept copy, plus what it is (sorted: a stable definition).
func snapshotTags(tags map[string]string, cluster string) []any {
	all := map[string]string{"Role": "lost-writes", "SourceCluster": cluster}
	for k, v := range tags {
		all[k] = v
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"Key": k, "Value": all[k]})
	}
	return out
}

// lostWritesMessage reports the kept snapshot (or that there is none), the write-fencing event, and
// the restore-and-compare steps of docs/failover.md with this stack's names.
func lostWritesMessage(p Params) string {
	lit := jsonataString
	restore := fmt.Sprintf("aws rds restore-db-cluster-from-snapshot --region %s --db-cluster-identifier lost-writes-compare "+
		"--snapshot-identifier <kept> --engine <engine> --db-subnet-group-name <subnet group> --vpc-security-group-ids <database security group>", p.Region)
	parts := []string{
		`($l := $i.lostWrites; $f := $i.fencing; `,
		`($l.found ? (`,
		lit("The writes the last failover lost are kept in the manual snapshot ") + ` & $l.kept & " (copy of " & $l.source & ", taken " & $l.createdAt & `,
		`($l.alreadyKept ? "; the copy existed already" : "; copied now") & "). Manual snapshots do not expire. " & `,
		lit("Restore it beside the live cluster and compare (docs/failover.md, \"Lost writes\"): "+restore+", add an instance, then diff the rows written after the failover's time against the live writer.") + `) `,
		`: ` + lit("No "+FailoverSnapshotPrefix+"* snapshot of "+p.TargetClusterIdentifier+" exists: AWS takes it when this region returns after a failover with data loss; run this again once it exists.") + `) & `,
		`" Write fencing of the old primary: " & $f.result & ($f.event != "" ? " (RDS event at " & $f.at & ": " & $f.event & ")" : "") & "."`,
		`)`,
	}
	return "{% ($i := $states.input; " + strings.Join(parts, "") + ") %}"
}

// publish is a JSONata Task that sends a report to the alarm topic and passes its input on.
func publish(p Params, subj, message string, catch []Catcher, next string) State {
	return State{
		Type: TypeTask, QueryLanguage: JSONata, Resource: "arn:aws:states:::sns:publish",
		Arguments: map[string]any{"TopicArn": p.TopicArn, "Subject": subject(subj), "Message": message},
		Output:    "{% $states.input %}",
		Retry:     []Retrier{retryTransient("SNS"), retryRead},
		Catch:     catch,
		Next:      next,
	}
}
