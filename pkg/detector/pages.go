package detector

import "fmt"

// The texts of the detector's pages: an alarm's description is what its SNS notification carries,
// so each says which region is likely down, the evidence that made the alarm fire and what to do.
// The minute-by-minute values are in the log group (one JSON line with an "evidence" sentence).

// PromoteText is the promote alarm's page: watched looks dark from own on all four signals.
func PromoteText(watched, own string, n, stallMs int, mode, failoverName string) string {
	action := "a person decides: start this region's runbook (mode failover) to promote " + own
	if mode == ModeAuto {
		action = "the runbook in " + own + " has been started (mode auto) through EventBridge; follow its execution"
	}
	return fmt.Sprintf("REGION %s IS LIKELY DOWN (seen from %s). For %d consecutive minutes: its application did not answer through CloudFront; "+
		"replication from it stopped (lag at or above %d ms and not shrinking, or the lag metric went silent); "+
		"its RDS API did not show an available writer; and public DNS answered %s's ALB for %s (Route 53's checkers worldwide agree). "+
		"No runbook execution is running and no automatic promotion happened in 24 h. Mode %s: %s.",
		watched, own, n, stallMs, own, failoverName, mode, action)
}

// SwitchoverText is the "switchover recommended" page: watched answers, yet viewers are sent to own.
func SwitchoverText(watched, own string, n int, failoverName string) string {
	return fmt.Sprintf("SWITCHOVER RECOMMENDED: %s is up but viewers are sent to %s, which is read-only until promoted. For %d consecutive minutes "+
		"%s's application answered through CloudFront while public DNS answered %s's ALB for %s: Route 53's checkers cannot reach %s "+
		"(or its primary path says it is not the writer). Nothing is promoted automatically. If it lasts, switch over to %s "+
		"(runbook mode switchover: no data loss while both regions are up), see docs/failover.md.",
		watched, own, n, watched, own, failoverName, watched, own)
}

// DegradedText is the degraded page: some evidence about watched is bad, not region-level.
func DegradedText(watched, own string, n int) string {
	return fmt.Sprintf("%s MAY BE IMPAIRED (seen from %s): for %d minutes some evidence about it was bad (application unreachable through CloudFront, "+
		"replication stopped or unmeasured, its RDS API not answering, or the public DNS lookup failing), but not all four region-level signals agree: "+
		"an incident for a person, never a promotion by itself.",
		watched, own, n)
}
