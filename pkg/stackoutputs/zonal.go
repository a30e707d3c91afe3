package stackoutputs

// Zonal shift outputs (issue 25).
const (
	// AlbArns maps region -> the region's ALB ARN: the resource a zonal shift moves traffic for.
	AlbArns = "albArns"
	// ZonalAutoshift maps region -> ZonalAutoshift field -> value (only with compute.zonalAutoshift).
	ZonalAutoshift = "zonalAutoshift"
)

// Fields of each ZonalAutoshift entry.
const (
	ZonalOutcomeAlarm     = "outcomeAlarmName"
	ZonalBlockingAlarm    = "blockingAlarmName"
	ZonalDrillActiveAlarm = "drillActiveAlarmName"
	ZonalEventRule        = "eventRuleName"
)
