package observability

import "fmt"

// The texts of alarms whose meaning depends on which region is dark: an alarm in the surviving
// region must not read as "this region is the problem" when the other region is. Each says which
// region is likely down in each case and where to look (issue 22 case 5).

// RegionUnhealthyText is the composite "region unhealthy" alarm of region (peer is the other one).
func RegionUnhealthyText(region, peer string) string {
	return fmt.Sprintf("%s cannot serve: its load balancer or instances answer 5xx, or too few instances are in service. "+
		"Which region is likely down: if %s is the standby and this follows %s's health checks failing or a detector page from %s, "+
		"%s is likely DOWN and its viewers now reach %s at standby capacity (reads only until promoted): follow the region-failure runbook for %s. "+
		"If %s holds the writer, %s itself is impaired: confirm on the dashboard and consider promoting %s (docs/failover.md).",
		region, region, peer, region, peer, region, peer, region, region, peer)
}

// ReplicationLagText is the replication-lag alarm of region's cluster, replicating from peer.
func ReplicationLagText(region, peer string, thresholdMs int) string {
	return fmt.Sprintf("ALARM: Aurora global replication from %s to %s lags more than %d ms (the RPO) for 3 minutes: a failover into %s now would lose more than promised; "+
		"check %s's write load and the global cluster. INSUFFICIENT_DATA: the lag stopped being published: if %s has just become the writer (switchover, failover) "+
		"that is expected; otherwise replication from %s stopped and %s is likely DOWN: check the detector's page from %s, %s's health checks and docs/failover.md.",
		peer, region, thresholdMs, region, peer, region, peer, peer, region, peer)
}
