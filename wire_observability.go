package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/observability"
)

type observabilityStep struct {
	observability *observability.Observability
}

// newObservability watches both regions and the edge: alarms to each region's topic, one
// dashboard, cross-region backups, the budget and (optionally) AWS Config.
func (d *deployment) newObservability(ctx *pulumi.Context) error {
	o := d.cfg.Observability
	targets := func(region string) observability.RegionTargets {
		c := d.computes[region]
		minSize, _, _ := d.cfg.Compute.Capacity(region == d.activeRegion())
		return observability.RegionTargets{
			Region:               region,
			Provider:             d.provider(region),
			Writer:               region == d.activeRegion(),
			AlbArnSuffix:         c.AlbArnSuffix,
			TargetGroupArnSuffix: c.TargetGroupArnSuffix,
			AutoScalingGroupName: c.AutoScalingGroupName,
			MinInstances:         minSize,
			ClusterIdentifier:    d.database.ClusterIdentifiers.MapIndex(pulumi.String(region)),
			ClusterArn:           d.database.ClusterArns.MapIndex(pulumi.String(region)),
		}
	}
	obs, err := observability.NewObservability(ctx, "observability", &observability.Args{
		Primary:               targets(d.activeRegion()),
		Secondary:             targets(d.standbyRegion()),
		EdgeProvider:          d.edgeProvider(),
		DistributionId:        d.edge.DistributionId,
		WebAclName:            d.edge.WebAclMetricName,
		HealthCheckId:         d.edge.HealthCheckId,
		AlarmEmails:           o.AlarmEmails,
		MonthlyBudgetUsd:      o.MonthlyBudgetUsd,
		BudgetTagKey:          "Stack",
		BudgetTagValue:        d.cfg.Stack,
		BackupRetentionDays:   o.BackupRetentionDays,
		BackupSchedule:        o.BackupSchedule,
		EnableAwsConfig:       o.EnableAwsConfig,
		ReplicationLagAlarmMs: o.ReplicationLagAlarmMs,
		Protect:               d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.observability = obs
	export(ctx, "alarmTopicArns", obs.TopicArns)
	export(ctx, "dashboardUrl", obs.DashboardUrl)
	export(ctx, "backupVaultArns", obs.BackupVaultArns)
	export(ctx, "budgetName", obs.BudgetName)
	export(ctx, "regionUnhealthyAlarmNames", obs.RegionUnhealthyAlarmNames)
	return nil
}
