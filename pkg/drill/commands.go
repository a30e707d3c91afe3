package drill

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

const commonDescription = `It reads Pulumi.<stack>.yaml and the stack's outputs (through the Pulumi CLI, or --outputs FILE),
confirms the AWS credentials with STS first, prints progress on stderr and the report on stdout.
Exit 1 when a recovery exceeds its budget, the experiment fails or a stop condition stops it; a prod
stack is refused (exit 2) without --yes-prod. Ctrl-C or --timeout stops the experiment.`

// Command is drill's entry in the top-level list and its help without a kind.
var Command = cli.Command{
	Name:     "drill",
	Summary:  "run an AWS FIS drill (instance, az, region) and hold it to the failover budget",
	Synopsis: "go run . drill <instance|az|region> --stack S [--region R] [--outputs FILE] [--format text|json|markdown] [--json] [--yes-prod]",
	Description: `Starts one of the stack's AWS FIS experiments, watches viewers, Route 53, the load balancer and the
database, prints the timeline and measures it against the stack's computed budgets (docs/drills.md).

drills:
  instance  terminate drills.instancePercent of a region's application instances
  az        stop a zone's instances, cut its subnets off, fail the Aurora writer out of the zone
  region    cut a region's subnets off and switch the database over to the other region

` + "`go run . drill <kind> --help`" + ` says what each drill does and holds it to.

` + commonDescription,
}

// KindCommands are the help of each drill kind.
var KindCommands = map[string]cli.Command{
	drills.KindInstance: {
		Name:     "drill instance",
		Summary:  "terminate a share of a region's application instances",
		Synopsis: "go run . drill instance --stack S [--region R] [--outputs FILE] [--format text|json|markdown] [--json] [--yes-prod]",
		Description: `Runs the region's drills-<region>-instance experiment: FIS terminates drills.instancePercent
(default 50) of the running instances of the region's Auto Scaling group. Passes when viewers are
served again within the stack's traffic failover budget (the worst-case bound for reads that
` + "`go run . plan`" + ` reports as failover.traffic.boundSeconds); Auto Scaling replaces the instances. --region defaults to the region that
writes now.

` + commonDescription,
	},
	drills.KindAZ: {
		Name:     "drill az",
		Summary:  "take one Availability Zone of a region away",
		Synopsis: "go run . drill az --stack S [--region R] [--az ZONE] [--outputs FILE] [--format text|json|markdown] [--json] [--yes-prod]",
		Description: `Runs the region's drills-<region>-az<N> experiment for --az ZONE (default: the region's first
zone), after AWS's "AZ Availability: Power Interruption" scenario: stops the zone's instances
(restarted after drills.durationMinutes), cuts the zone's subnets off, and fails the Aurora writer
over out of the zone when it is there. Passes when viewers are served within the traffic failover
budget and a new writer takes over within drill.InRegionFailoverAllowance (1 minute); when the writer
was not in the zone, nothing fails over and the report says so. With compute.zonalAutoshift on,
the drill also starts an ARC zonal shift of the region's ALB away from the zone and reports the
time until the zone serves no request; it cancels the shift at the end.

` + commonDescription,
	},
	drills.KindRegion: {
		Name:     "drill region",
		Summary:  "cut a whole region off and switch the database to the other region",
		Synopsis: "go run . drill region --stack S [--region R] [--mode switchover|failover] [--outputs FILE] [--format text|json|markdown] [--json] [--yes-prod]",
		Description: `Runs the region's drills-<region>-region experiment: cuts every subnet of the stack's VPC in
--region (default: the region that writes now) off for drills.durationMinutes, and starts the other
region's runbook with {"mode":"switchover"} at the fault's start, since FIS cannot stop Aurora's
replication. Passes when viewers are served from the other region within the traffic failover
budget, the writer moves within the plan's promotion budget, and the surviving region's detector
pages.

--mode failover (staging only, refused for a prod stack whatever the flags) tests a region loss
instead: before the fault an inline deny of aws:RequestedRegion=<faulted region>, expiring by
itself, goes on the surviving region's runbook and detector roles, so they see the region as dark;
the runbook runs {"mode":"failover"} (FailoverGlobalCluster with data loss), or the detector starts
it when database.autoFailover is auto; the drill waits for the old primary to rejoin and reports
reads back, writes back and rejoined against the plan's budgets.

` + commonDescription,
	},
}
