package drills

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures one region's drills. Main instantiates the component once per region, named
// "drills-<region>", on that region's provider (pulumi.Provider in opts).
type Args struct {
	// Region is the region of the component's provider; the templates act on this region only.
	Region string
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// Project and Stack are the Project and Stack tag values of the stack's resources.
	Project, Stack string
	// AutoScalingGroupName is the region's application group: its instances carry the group's name
	// in the aws:autoscaling:groupName tag.
	AutoScalingGroupName pulumi.StringInput
	// VpcId is the region's VPC: subnet targets and the network permissions are confined to it.
	VpcId pulumi.StringInput
	// AvailabilityZones are the region's zones (network output) and AzCount how many there are
	// (config): one AZ template per zone, named by index so a template's name never depends on a lookup.
	AvailabilityZones pulumi.StringArrayInput
	AzCount           int
	// ClusterArn is the region's Aurora cluster, the only one the AZ drill may fail over.
	ClusterArn pulumi.StringInput
	// RegionUnhealthyAlarmArn is the region's composite "region unhealthy" alarm (stop condition of
	// the instance and AZ drills).
	RegionUnhealthyAlarmArn pulumi.StringInput
	// AlarmTopicArn is the region's alarm topic: the abort alarm pages it when it fires (a drill
	// hurt more than planned and FIS stopped it) and when it recovers.
	AlarmTopicArn pulumi.StringInput
	// InstancePercent is the share of instances the instance drill terminates (1-100).
	InstancePercent int
	// DurationMinutes bounds the AZ and region drills (1-720).
	DurationMinutes int
	// LogRetentionDays of the experiment log group.
	LogRetentionDays int
	// Protect marks the log group's KMS key protected (prod).
	Protect bool
}

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	if a.Region == "" || a.Project == "" || a.Stack == "" {
		errs = append(errs, errors.New("Region, Project and Stack are required"))
	}
	if a.AutoScalingGroupName == nil || a.VpcId == nil || a.AvailabilityZones == nil || a.ClusterArn == nil || a.RegionUnhealthyAlarmArn == nil || a.AlarmTopicArn == nil {
		errs = append(errs, errors.New("AutoScalingGroupName, VpcId, AvailabilityZones, ClusterArn, RegionUnhealthyAlarmArn and AlarmTopicArn are required"))
	}
	if a.AzCount < 1 {
		errs = append(errs, fmt.Errorf("AzCount must be at least 1 (got %d)", a.AzCount))
	}
	if a.InstancePercent < 1 || a.InstancePercent > 100 {
		errs = append(errs, fmt.Errorf("InstancePercent must be 1-100 (got %d)", a.InstancePercent))
	}
	if a.DurationMinutes < 1 || a.DurationMinutes > 720 {
		errs = append(errs, fmt.Errorf("DurationMinutes must be 1-720 (got %d)", a.DurationMinutes))
	}
	if a.LogRetentionDays <= 0 {
		errs = append(errs, errors.New("LogRetentionDays must be positive"))
	}
	return errors.Join(errs...)
}
