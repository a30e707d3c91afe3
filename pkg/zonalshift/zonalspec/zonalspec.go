// Package zonalspec holds the pure rules of zonal shift and zonal autoshift that config validation,
// the ZonalAutoshift component, the planner and the operator commands share: the Cloud Control
// document of AWS::ARCZonalShift::ZonalAutoshiftConfiguration, the practice runs' blocked windows
// derived from the patch window, and the capacity a region keeps when one zone is shifted away.
package zonalspec

// TypeName is the CloudFormation type the autoshift configuration is created with through Cloud
// Control (pulumi-aws v6.83.4 has no resource of its own for it).
const TypeName = "AWS::ARCZonalShift::ZonalAutoshiftConfiguration"

// StatusEnabled is the only ZonalAutoshiftStatus the CloudFormation schema accepts ("enum":
// ["ENABLED"]): a stack without autoshift has no configuration at all rather than a DISABLED one.
const StatusEnabled = "ENABLED"

// AlarmTypeCloudWatch is the only ControlCondition type ARC accepts ("The only supported alarm type
// at this time is CLOUDWATCH").
const AlarmTypeCloudWatch = "CLOUDWATCH"

// Limits of the CloudFormation schema (Cloud Control validates against it): exactly one outcome
// alarm and at most one blocking alarm (minItems 1, maxItems 1 each, although the ARC API itself
// takes up to 10 outcome alarms), up to 15 blocked windows and 15 blocked dates.
const (
	MaxOutcomeAlarms  = 1
	MaxBlockingAlarms = 1
	MaxBlockedWindows = 15
	MaxBlockedDates   = 15
)

// Event source and detail types ARC's zonal shift sends to EventBridge (EventBridge events
// reference, "AWS ARC - Zonal Shift events"): the practice runs' results and the autoshifts.
const EventSource = "aws.arc-zonal-shift"

// EventDetailTypes are the events that page the region's topic: every practice run outcome (a
// failed or interrupted one needs a person; a succeeded one is the weekly proof) and every
// autoshift AWS starts or ends on the stack's load balancers.
var EventDetailTypes = []string{
	"Practice Run Started",
	"Practice Run Succeeded",
	"Practice Run Interrupted",
	"Practice Run Failed",
	"Autoshift In Progress",
	"Autoshift Completed",
}
