package failover

import (
	"fmt"
	"strings"
)

// failureMessage is the failure report: the error, what the runbook tried (its decision, any
// fallback, whether RDS accepted a promotion request) and what to do next for that error. It reads
// only fields that may be missing through $exists, so an invalid input still gets a report.
func failureMessage(p Params) string {
	lit := jsonataString
	peerRegion := orPlaceholder(regionFromArn(p.PeerClusterArn), "<current primary region>")
	describe := fmt.Sprintf("aws rds describe-global-clusters --region %s --global-cluster-identifier %s", p.Region, p.GlobalClusterIdentifier)
	switchover := fmt.Sprintf("aws rds switchover-global-cluster --region %s --global-cluster-identifier %s --target-db-cluster-identifier %s",
		peerRegion, p.GlobalClusterIdentifier, p.TargetClusterArn)
	next := map[string]string{
		"PromotionRefused": "RDS refused and nothing is under way. Read the topology: " + describe + ". " +
			`If the home region's writer is unavailable, start this runbook with {"mode":"failover"} (data loss allowed). ` +
			"If both regions are healthy, switch over from the current primary's region: " + switchover + ".",
		"OtherPromotionInProgress": "Wait for that promotion to end (" + describe + " shows FailoverState until it does); " +
			`then, if this region must write, start this runbook with {"mode":"auto"}.`,
		"PromotionTimedOut": "RDS accepted the request but this region was not confirmed as the writer in time. " + describe +
			`: do not start another promotion while FailoverState is set; once it is empty, start this runbook with {"mode":"auto"} (it promotes only if this region is still not the writer, then raises capacity and reports).`,
		"InvalidInput": `Start the execution with {"mode":"switchover"}, {"mode":"failover"}, {"mode":"auto"} or {"mode":"keep-lost-writes"}.`,
	}
	fallback := "The database and capacity may be half-way: read the topology first (" + describe + "), then follow docs/failover.md. " +
		`Starting this runbook again with {"mode":"auto"} is safe: it never promotes twice. ` +
		"If a switchover from this region failed, make it from the current primary's region: " + switchover + "."
	parts := []string{
		`($i := $states.input; $e := $i.error; $code := $exists($e.Error) ? $e.Error : "unknown"; `,
		`$cause := $exists($e.Cause) ? $string($e.Cause) : ""; `,
		`$tried := $exists($i.decision) ? ("Tried: " & $i.decision.action & " (" & $i.decision.reason & ")" & `,
		`($exists($i.decision.fallback) ? "; fell back from " & $i.decision.fallback.from & " to " & $i.decision.fallback.to & ": " & $i.decision.fallback.reason : "") & `,
		`($exists($i.promoted) ? "; RDS accepted the " & $i.promoted.by & " request at " & $i.promoted.at : "; RDS accepted no promotion request")) `,
		`: ($exists($i.timings.promotion.skipped) ? "Tried: no promotion (" & $i.timings.promotion.skipped & ")" : "Tried: no promotion (the run stopped before deciding)"); `,
		`$next := $lookup(` + mustJSON(next) + `, $code); `,
		lit("Runbook in "+p.Region+" (promotes "+p.Region+" only) FAILED in execution ") + ` & $states.context.Execution.Name & " (started " & $states.context.Execution.StartTime & "). Error: " & $code & ". Cause: " & $cause & ". " & $tried & ". Next: " & `,
		`($exists($next) ? $next : ` + lit(fallback) + `))`,
	}
	return "{% " + strings.Join(parts, "") + " %}"
}
