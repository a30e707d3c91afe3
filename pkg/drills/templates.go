package drills

import (
	"fmt"
	"time"
)

// Drill kinds: the seed's three failure scenarios.
const (
	KindInstance = "instance"
	KindAZ       = "az"
	KindRegion   = "region"
)

// Kinds lists the drill kinds in the order the docs present them.
var Kinds = []string{KindInstance, KindAZ, KindRegion}

// AutoScalingGroupTag is the tag EC2 Auto Scaling puts on every instance it launches, naming its
// group: the instance drills target the application by it.
const AutoScalingGroupTag = "aws:autoscaling:groupName"

// Params are the resolved values one region's templates embed.
type Params struct {
	Region string
	// Project and Stack are the values of the Project and Stack tags every resource of the stack
	// carries (provider default tags); subnets and clusters are targeted by them (both must match).
	Project, Stack       string
	AutoScalingGroupName string
	VpcId                string
	InstancePercent      int
	Duration             time.Duration
	// RegionUnhealthyAlarmArn is this region's composite "region unhealthy" alarm; AbortAlarmArn the
	// drills' own abort alarm in this region.
	RegionUnhealthyAlarmArn string
	AbortAlarmArn           string
	// LogGroupArn is the experiment log group's ARN (without the :* suffix).
	LogGroupArn string
}

func (p Params) stackTags() map[string]string {
	return map[string]string{"Project": p.Project, "Stack": p.Stack}
}

func (p Params) logGroup() string { return p.LogGroupArn + ":*" }

// InstanceTemplate terminates InstancePercent percent of the application's running instances. The
// Auto Scaling group must replace them with no operator; the region must stay healthy meanwhile, so
// its composite alarm stops the experiment if it does not.
func InstanceTemplate(p Params) Template {
	return Template{
		Kind:        KindInstance,
		Description: fmt.Sprintf("Instance drill in %s: terminate %d%% of the application instances; Auto Scaling replaces them", p.Region, p.InstancePercent),
		Targets: []Target{{
			Name:          "AppInstances",
			ResourceType:  ResourceInstance,
			SelectionMode: fmt.Sprintf("PERCENT(%d)", p.InstancePercent),
			ResourceTags:  map[string]string{AutoScalingGroupTag: p.AutoScalingGroupName},
			Filters:       []Filter{{Path: "State.Name", Values: []string{"running"}}},
		}},
		Actions: []Action{{
			Name: "TerminateAppInstances", ActionID: ActionTerminateInstances, TargetKey: "Instances", Target: "AppInstances",
		}},
		StopAlarmArns: []string{p.RegionUnhealthyAlarmArn, p.AbortAlarmArn},
		LogGroupArn:   p.logGroup(),
	}
}

// AZTemplate is AWS's "AZ Availability: Power Interruption" reduced to what this stack runs: the
// application instances in zone stop (and start again after Duration), the stack's subnets in zone
// lose all connectivity for Duration, and the Aurora cluster fails its writer over out of zone if
// the writer is there. FIS templates are static, so there is one per zone. Actions without targets
// are skipped (a reader region's cluster, a writer elsewhere), as in AWS's scenario.
func AZTemplate(p Params, zone string) Template {
	d := FormatDuration(p.Duration)
	return Template{
		Kind:        KindAZ,
		Description: fmt.Sprintf("AZ drill in %s: stop the application instances, cut off the subnets and fail the Aurora writer over out of the zone, for %s", zone, d),
		Targets: []Target{
			{
				Name: "AppInstancesInZone", ResourceType: ResourceInstance, SelectionMode: "ALL",
				ResourceTags: map[string]string{AutoScalingGroupTag: p.AutoScalingGroupName},
				Filters: []Filter{
					{Path: "Placement.AvailabilityZone", Values: []string{zone}},
					{Path: "State.Name", Values: []string{"running"}},
				},
			},
			{
				Name: "SubnetsInZone", ResourceType: ResourceSubnet, SelectionMode: "ALL",
				ResourceTags: p.stackTags(),
				Filters: []Filter{
					{Path: "VpcId", Values: []string{p.VpcId}},
					{Path: "AvailabilityZone", Values: []string{zone}},
				},
			},
			{
				Name: "WriterInZone", ResourceType: ResourceCluster, SelectionMode: "ALL",
				ResourceTags: p.stackTags(),
				Parameters:   map[string]string{"writerAvailabilityZoneIdentifiers": zone},
			},
		},
		Actions: []Action{
			{
				Name: "StopAppInstances", ActionID: ActionStopInstances, TargetKey: "Instances", Target: "AppInstancesInZone",
				// Auto Scaling terminates stopped instances it manages before FIS restarts them.
				Parameters: map[string]string{"startInstancesAfterDuration": d, "completeIfInstancesTerminated": "true"},
			},
			{
				Name: "DisruptZoneSubnets", ActionID: ActionDisruptConnectivity, TargetKey: "Subnets", Target: "SubnetsInZone",
				Parameters: map[string]string{"scope": "all", "duration": d},
			},
			{Name: "FailoverWriterOutOfZone", ActionID: ActionFailoverDBCluster, TargetKey: "Clusters", Target: "WriterInZone"},
		},
		StopAlarmArns:  []string{p.RegionUnhealthyAlarmArn, p.AbortAlarmArn},
		LogGroupArn:    p.logGroup(),
		EmptyTargetsOK: true,
	}
}

// RegionTemplate cuts every subnet of the region's VPC off (scope all) for Duration: to Route 53 and
// CloudFront the region is dark. The region's own composite alarm fires by design, so it cannot be
// a stop condition; the drills' abort alarm is. Aurora's storage-level replication is not in the
// subnets and keeps flowing: the database does not fail over by itself, and `go run . drill region`
// moves it with the runbook.
func RegionTemplate(p Params) Template {
	d := FormatDuration(p.Duration)
	return Template{
		Kind:        KindRegion,
		Description: fmt.Sprintf("Region drill in %s: every subnet of the stack's VPC loses all connectivity for %s", p.Region, d),
		Targets: []Target{{
			Name: "RegionSubnets", ResourceType: ResourceSubnet, SelectionMode: "ALL",
			ResourceTags: p.stackTags(),
			Filters:      []Filter{{Path: "VpcId", Values: []string{p.VpcId}}},
		}},
		Actions: []Action{{
			Name: "DisruptRegion", ActionID: ActionDisruptConnectivity, TargetKey: "Subnets", Target: "RegionSubnets",
			Parameters: map[string]string{"scope": "all", "duration": d},
		}},
		StopAlarmArns: []string{p.AbortAlarmArn},
		LogGroupArn:   p.logGroup(),
	}
}
