package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/failover"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// newFailovers puts the failover runbook (a Step Functions state machine) in each region: the one in
// the standby region promotes it (failover), the one in the active region is its mirror for
// failback. Only the standby's runbook is triggered automatically, and only with
// database.autoFailover.
func (d *deployment) newFailovers(ctx *pulumi.Context) error {
	minSize, maxSize, desired := d.cfg.Compute.Capacity(true)
	logDays := 90
	if d.cfg.IsProd() {
		logDays = 365
	}
	arns := pulumi.StringMap{}
	for _, region := range d.cfg.Regions() {
		other := d.otherRegion(region)
		f, err := failover.NewFailover(ctx, "failover-"+region, &failover.Args{
			Region:                  region,
			GlobalClusterIdentifier: d.database.GlobalClusterId,
			TargetClusterArn:        d.database.ClusterArns.MapIndex(pulumi.String(region)),
			ClusterArns: pulumi.StringArray{
				d.database.ClusterArns.MapIndex(pulumi.String(region)),
				d.database.ClusterArns.MapIndex(pulumi.String(other)),
			},
			AutoScalingGroupName: d.computes[region].AutoScalingGroupName,
			MinSize:              minSize,
			DesiredCapacity:      desired,
			MaxSize:              maxSize,
			TopicArn:             d.observability.TopicArns.MapIndex(pulumi.String(region)),
			TopicKmsKeyArn:       d.observability.KmsKeyArns.MapIndex(pulumi.String(region)),
			AutoTrigger:          d.cfg.Database.AutoFailover && region == d.standbyRegion(),
			TriggerAlarmArn:      d.observability.RegionUnhealthyAlarmArns.MapIndex(pulumi.String(other)),
			TriggerProvider:      d.provider(other),
			LogRetentionDays:     logDays,
			Protect:              d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		arns[region] = f.StateMachineArn
	}
	export(ctx, "failoverStateMachineArns", arns)
	return nil
}

// newDeployAccess creates the IAM OIDC provider for Pulumi Deployments and the stack's deploy role,
// when deployments.oidc is on.
func (d *deployment) newDeployAccess(ctx *pulumi.Context) error {
	dep := d.cfg.Deployments
	if !dep.Oidc {
		return nil
	}
	// IAM is global: the us-east-1 provider is one a failover never changes.
	access, err := deployaccess.NewDeployAccess(ctx, "deploy-access", &deployaccess.Args{
		Organization:   dep.Organization,
		Project:        stacks.Namespace,
		Stacks:         dep.Stacks,
		Issuer:         dep.Issuer,
		CreateProvider: dep.CreateProvider,
		RoleName:       deployaccess.RoleName(stacks.Namespace, d.cfg.Stack),
		PolicyArns:     dep.PolicyArns,
	}, pulumi.Provider(d.edgeProvider()))
	if err != nil {
		return err
	}
	export(ctx, "deployRoleArn", access.RoleArn)
	return nil
}
