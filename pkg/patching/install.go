package patching

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// Rate control of the window task: one instance at a time, and the first error stops the task
// (MaxErrors 0: no further instance is started once one invocation has failed).
const (
	taskMaxConcurrency = "1"
	taskMaxErrors      = "0"
	// cutoffBehavior: at the cutoff, a running invocation finishes (an instance is never left in
	// standby by the window closing) but no new instance starts.
	cutoffBehavior = "CANCEL_TASK"
)

// newInstall creates the in-place install: the runbook, the two roles (the window's, which may
// only start this runbook and pass the second; the runbook's, which may only move this group's
// instances in and out of standby and patch them), the window on this region's schedule, its
// target (this group's instances) and its task. It returns the window.
func newInstall(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, out *output, opts ...pulumi.ResourceOption) (*ssm.MaintenanceWindow, error) {
	doc, err := ssm.NewDocument(ctx, name+"-install-runbook", &ssm.DocumentArgs{
		DocumentType:   pulumi.String("Automation"),
		DocumentFormat: pulumi.String("JSON"),
		Content:        pulumi.String(runbook()),
		Tags:           nameTag(name + "-install-runbook"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if err := newInstallFailureAlarm(ctx, name, args, doc.Name, opts...); err != nil {
		return nil, err
	}

	automationRole, err := iam.NewRole(ctx, name+"-install-automation-role", &iam.RoleArgs{
		Description:      pulumi.String("Install runbook of " + name + ": standby and patch of its group's instances only"),
		AssumeRolePolicy: pulumi.String(serviceTrust(acct).JSON()),
		Tags:             nameTag(name + "-install-automation-role"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	automationGrant, err := iam.NewRolePolicy(ctx, name+"-install-automation", &iam.RolePolicyArgs{
		Role: automationRole.Name,
		Policy: args.AutoScalingGroupName.ToStringOutput().ApplyT(func(group string) string {
			return automationPolicy(acct, group).JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}

	windowRole, err := iam.NewRole(ctx, name+"-install-window-role", &iam.RoleArgs{
		Description:      pulumi.String("Maintenance window of " + name + ": starts its install runbook only"),
		AssumeRolePolicy: pulumi.String(serviceTrust(acct).JSON()),
		Tags:             nameTag(name + "-install-window-role"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	windowGrant, err := iam.NewRolePolicy(ctx, name+"-install-window", &iam.RolePolicyArgs{
		Role: windowRole.Name,
		Policy: pulumi.All(doc.Name, automationRole.Arn).ApplyT(func(v []any) string {
			return windowPolicy(acct, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}

	window, err := ssm.NewMaintenanceWindow(ctx, name+"-install-window", &ssm.MaintenanceWindowArgs{
		Description:              pulumi.String("In-place patch install of " + name + ", one instance at a time"),
		Schedule:                 pulumi.String(args.InstallWindow),
		ScheduleTimezone:         pulumi.String("UTC"),
		Duration:                 pulumi.Int(patchspec.DurationHours),
		Cutoff:                   pulumi.Int(patchspec.CutoffHours),
		AllowUnassociatedTargets: pulumi.Bool(false),
		Enabled:                  pulumi.Bool(true),
		Tags:                     nameTag(name + "-install-window"),
	}, append(opts,
		// An operator pauses installs during an incident by disabling the window
		// (docs/compute.md); `pulumi up` must not re-enable it behind their back.
		pulumi.IgnoreChanges([]string{"enabled"}),
	)...)
	if err != nil {
		return nil, err
	}
	target, err := ssm.NewMaintenanceWindowTarget(ctx, name+"-install-target", &ssm.MaintenanceWindowTargetArgs{
		WindowId:     window.ID(),
		Description:  pulumi.String("The instances of this region's Auto Scaling group"),
		ResourceType: pulumi.String("INSTANCE"),
		Targets: ssm.MaintenanceWindowTargetTargetArray{&ssm.MaintenanceWindowTargetTargetArgs{
			Key:    pulumi.String("tag:" + AutoScalingGroupTag),
			Values: pulumi.StringArray{args.AutoScalingGroupName},
		}},
	}, opts...)
	if err != nil {
		return nil, err
	}
	param := func(name string, v pulumi.StringInput) *ssm.MaintenanceWindowTaskTaskInvocationParametersAutomationParametersParameterArgs {
		return &ssm.MaintenanceWindowTaskTaskInvocationParametersAutomationParametersParameterArgs{
			Name: pulumi.String(name), Values: pulumi.StringArray{v},
		}
	}
	if _, err := ssm.NewMaintenanceWindowTask(ctx, name+"-install-task", &ssm.MaintenanceWindowTaskArgs{
		WindowId:       window.ID(),
		Description:    pulumi.String("Standby, AWS-RunPatchBaseline Install, back in service: one instance at a time, stop on the first error"),
		TaskType:       pulumi.String("AUTOMATION"),
		TaskArn:        doc.Name,
		ServiceRoleArn: windowRole.Arn,
		Priority:       pulumi.Int(1),
		MaxConcurrency: pulumi.String(taskMaxConcurrency),
		MaxErrors:      pulumi.String(taskMaxErrors),
		CutoffBehavior: pulumi.String(cutoffBehavior),
		Targets: ssm.MaintenanceWindowTaskTargetArray{&ssm.MaintenanceWindowTaskTargetArgs{
			Key:    pulumi.String("WindowTargetIds"),
			Values: pulumi.StringArray{target.ID()},
		}},
		TaskInvocationParameters: &ssm.MaintenanceWindowTaskTaskInvocationParametersArgs{
			AutomationParameters: &ssm.MaintenanceWindowTaskTaskInvocationParametersAutomationParametersArgs{
				DocumentVersion: pulumi.String("$DEFAULT"),
				Parameters: ssm.MaintenanceWindowTaskTaskInvocationParametersAutomationParametersParameterArray{
					param("InstanceId", pulumi.String("{{RESOURCE_ID}}")),
					param("AutoScalingGroupName", args.AutoScalingGroupName),
					param("TargetGroupArn", args.TargetGroupArn),
					param("AutomationAssumeRole", automationRole.Arn),
					param("OutputS3BucketName", out.bucket.Bucket.Bucket),
					param("OutputS3KeyPrefix", pulumi.String(installPrefix)),
				},
			},
		},
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{automationGrant, windowGrant}))...); err != nil {
		return nil, err
	}
	return window, nil
}
