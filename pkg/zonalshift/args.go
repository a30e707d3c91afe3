// Package zonalshift is the ZonalAutoshift component: one region's zonal autoshift configuration on
// its Application Load Balancer (AWS::ARCZonalShift::ZonalAutoshiftConfiguration through Cloud
// Control), the practice runs' outcome and blocking alarms, and the EventBridge rule that pages the
// region's topic with practice-run results and autoshifts. Zonal shift itself is an attribute of the
// load balancer (pkg/compute, enableZonalShift); this component exists only with
// compute.zonalAutoshift on.
package zonalshift

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
)

// Args configures one region's zonal autoshift.
type Args struct {
	// AccountId and Region are where the load balancer lives (from config).
	AccountId string
	Region    string
	// Stack names the drill-active metric's dimension (the same `go run . drill` publishes).
	Stack string
	// AlbArn is the region's Application Load Balancer (compute), which allows zonal shift.
	AlbArn pulumi.StringInput
	// SufferingAlarmArns are the region's alarms that show its users suffer (ELB and target 5xx
	// rates, latency: observability.ApplicationAlarmArns); with RegionUnhealthyAlarmArn they make
	// the practice runs' outcome alarm.
	SufferingAlarmArns pulumi.StringArrayInput
	// RegionUnhealthyAlarmArn is the region's composite "region unhealthy" alarm: it also blocks a
	// practice run from starting (with an active drill).
	RegionUnhealthyAlarmArn pulumi.StringInput
	// TopicArn is the region's alarm topic: practice-run results and autoshifts page it.
	TopicArn pulumi.StringInput
	// PatchWindow is the region's patch window (an SSM cron, stacks.Config.PatchWindow): practice
	// runs never start in it (nor in the lead before it).
	PatchWindow string
}

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if a.AlbArn == nil || a.SufferingAlarmArns == nil || a.RegionUnhealthyAlarmArn == nil || a.TopicArn == nil {
		return errors.New("AlbArn, SufferingAlarmArns, RegionUnhealthyAlarmArn and TopicArn are required")
	}
	if a.Stack == "" {
		return errors.New("Stack is required")
	}
	if err := awsenv.AccountIn(a.AccountId, a.Region).Validate(); err != nil {
		return err
	}
	if _, err := zonalspec.BlockedWindows(a.PatchWindow); err != nil {
		return fmt.Errorf("PatchWindow %w", err)
	}
	return nil
}
