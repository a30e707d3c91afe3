package failover

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// newTrigger starts the state machine when the other region's "region unhealthy" alarm goes to ALARM.
// CloudWatch sends alarm state changes only to the default bus of the alarm's region, and EventBridge
// cannot target a state machine in another region, but it can target another region's event bus. So:
// rule 1 (alarm's region) forwards the event to Region's default bus; rule 2 (Region) starts the
// state machine with {"mode":"failover"}.
func newTrigger(ctx *pulumi.Context, name string, f *Failover, machine *sfn.StateMachine, acct kmskey.Account, args *Args) error {
	inAlarmRegion := []pulumi.ResourceOption{pulumi.Parent(f), pulumi.Provider(args.TriggerProvider)}
	here := pulumi.Parent(f)
	pattern := args.TriggerAlarmArn.ToStringOutput().ApplyT(AlarmPattern).(pulumi.StringOutput)
	busArn := DefaultBusArn(acct.Partition, acct.Region, acct.ID)
	tags := func(n string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(n), "Role": pulumi.String("failover-trigger")}
	}

	forwardRole, err := iam.NewRole(ctx, name+"-forward-role", &iam.RoleArgs{
		Description:      pulumi.String("Forwards the region-unhealthy alarm to the default event bus of " + acct.Region),
		AssumeRolePolicy: pulumi.String(EventsTrust(acct.ID).JSON()),
		Tags:             tags(name + "-forward-role"),
	}, inAlarmRegion...)
	if err != nil {
		return err
	}
	forwardPolicy, err := iam.NewRolePolicy(ctx, name+"-forward", &iam.RolePolicyArgs{
		Role: forwardRole.ID(), Policy: pulumi.String(ForwardPolicy(busArn).JSON()),
	}, inAlarmRegion...)
	if err != nil {
		return err
	}
	forwardRule, err := cloudwatch.NewEventRule(ctx, name+"-forward", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("Region unhealthy: forward the alarm to " + acct.Region + " to start the failover runbook"),
		EventPattern: pattern,
		Tags:         tags(name + "-forward"),
	}, inAlarmRegion...)
	if err != nil {
		return err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-forward", &cloudwatch.EventTargetArgs{
		Rule:    forwardRule.Name,
		Arn:     pulumi.String(busArn),
		RoleArn: forwardRole.Arn,
	}, append(inAlarmRegion, pulumi.DependsOn([]pulumi.Resource{forwardPolicy}))...); err != nil {
		return err
	}

	startRole, err := iam.NewRole(ctx, name+"-start-role", &iam.RoleArgs{
		Description:      pulumi.String("Starts the failover runbook " + name),
		AssumeRolePolicy: pulumi.String(EventsTrust(acct.ID).JSON()),
		Tags:             tags(name + "-start-role"),
	}, here)
	if err != nil {
		return err
	}
	startPolicy, err := iam.NewRolePolicy(ctx, name+"-start", &iam.RolePolicyArgs{
		Role:   startRole.ID(),
		Policy: machine.Arn.ApplyT(func(arn string) string { return StartPolicy(arn).JSON() }).(pulumi.StringOutput),
	}, here)
	if err != nil {
		return err
	}
	startRule, err := cloudwatch.NewEventRule(ctx, name+"-start", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("Region unhealthy (forwarded): start the failover runbook in " + acct.Region),
		EventPattern: pattern,
		Tags:         tags(name + "-start"),
	}, here)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewEventTarget(ctx, name+"-start", &cloudwatch.EventTargetArgs{
		Rule:    startRule.Name,
		Arn:     machine.Arn,
		RoleArn: startRole.Arn,
		Input:   pulumi.String(FailoverInput),
	}, here, pulumi.DependsOn([]pulumi.Resource{startPolicy}))
	return err
}
