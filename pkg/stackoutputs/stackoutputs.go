// Package stackoutputs names the stack outputs the operator commands (`go run . drill`, `go run .
// verify`, through pkg/liveops) read from a deployed stack, and the keys inside them. main.go exports
// under these names and the commands read them, so the two cannot drift apart; a root test runs the
// program offline and proves every name a command reads is exported with the shape it expects.
// Pure constants: both the Pulumi program and the operator commands import it.
package stackoutputs

// Output names.
const (
	// URL is the viewer URL (string).
	URL = "url"
	// GlobalClusterID is the Aurora global cluster's identifier (string).
	GlobalClusterID = "globalClusterId"
	// AlbDNSNames maps region -> the region's ALB DNS name.
	AlbDNSNames = "albDnsNames"
	// TargetGroupArns maps region -> the region's target group ARN.
	TargetGroupArns = "targetGroupArns"
	// DatabaseClusterIDs maps region -> the region's Aurora cluster identifier.
	DatabaseClusterIDs = "databaseClusterIds"
	// FailoverStateMachineArns maps region -> the region's runbook (Step Functions) ARN.
	FailoverStateMachineArns = "failoverStateMachineArns"
	// FailoverRoleArns maps region -> the role the region's runbook runs as (the failover drill
	// denies it the faulted region for the drill's duration).
	FailoverRoleArns = "failoverRoleArns"
	// RegionUnhealthyAlarmNames maps region -> the region's "region unhealthy" composite alarm.
	RegionUnhealthyAlarmNames = "regionUnhealthyAlarmNames"
	// BackupVaultArns maps region -> the region's backup vault ARN.
	BackupVaultArns = "backupVaultArns"
	// DrillTemplateIDs maps region -> drill key -> FIS template id (only with drills.enabled).
	DrillTemplateIDs = "drillTemplateIds"
	// HealthCheckID is the PRIMARY failover record's health check (string; also healthCheckIds'
	// PrimaryRecordCheck).
	HealthCheckID = "healthCheckId"
	// HealthCheckIDs maps a key (PrimaryRecordCheck, LivenessCheck, GlobalPrimaryCheck) -> a Route 53
	// health check id.
	HealthCheckIDs = "healthCheckIds"
	// RegionProbeURLs maps region -> a URL that reaches only that region's application through
	// CloudFront (the detectors' /_probe/<region>/* behaviours, rewritten to the liveness path).
	// Exported only while database.autoFailover is not off: without the detectors there are no
	// probe behaviours, and the ALBs admit nothing but CloudFront and Route 53's checkers.
	RegionProbeURLs = "regionProbeUrls"
	// FailoverDetectors maps region -> detector field (DetectorDegradedAlarm, ...) -> value (only
	// while database.autoFailover is not off).
	FailoverDetectors = "failoverDetectors"
)

// Keys of HealthCheckIDs.
const (
	// PrimaryRecordCheck is the PRIMARY failover record's check (the edge's calculated
	// "<home>-serves"): healthy exactly while Route 53 answers the home region.
	PrimaryRecordCheck = "primary"
)

// LivenessCheck is the key of region's liveness check (healthy while its application answers,
// whichever region writes).
func LivenessCheck(region string) string { return region + "-liveness" }

// GlobalPrimaryCheck is the key of region's global-primary check: the home region's is healthy
// while the home region hosts the writer; the standby's is inverted (healthy while the standby does
// not host it).
func GlobalPrimaryCheck(region string) string { return region + "-global-primary" }

// Fields of each FailoverDetectors entry.
const (
	DetectorFunctionName  = "functionName"
	DetectorLogGroupName  = "logGroupName"
	DetectorPromoteAlarm  = "promoteAlarmName"
	DetectorDegradedAlarm = "degradedAlarmName"
	// DetectorSwitchoverAlarm pages "switchover recommended": the watched region answers but public
	// DNS sends viewers to the detector's (read-only) region.
	DetectorSwitchoverAlarm = "switchoverAlarmName"
	// DetectorHeartbeatAlarm and DetectorErrorsAlarm page when the detector itself stops working.
	DetectorHeartbeatAlarm = "heartbeatAlarmName"
	DetectorErrorsAlarm    = "errorsAlarmName"
	DetectorStartRule      = "startRuleName"
	DetectorScheduleRule   = "scheduleRuleName"
	// DetectorRoleName is the detector function's role (the failover drill denies it the faulted region).
	DetectorRoleName = "roleName"
)
