package zonalshift

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudcontrol"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
)

// DrillActiveMetric is published (1, dimension Stack) by `go run . drill` in the drilled region
// every poll while a drill runs: its alarm blocks practice runs, so ARC never shifts a zone away on
// top of a fault the drill injects.
const DrillActiveMetric = "DrillActive"

// ZonalAutoshift is one region's zonal autoshift configuration and its alarms.
type ZonalAutoshift struct {
	pulumi.ResourceState

	// ConfigurationId is Cloud Control's identifier of the configuration (the load balancer's ARN).
	ConfigurationId pulumi.StringOutput `pulumi:"configurationId"`
	// OutcomeAlarmName and BlockingAlarmName are the practice runs' composite alarms;
	// DrillActiveAlarmName is in ALARM while a drill runs in the region.
	OutcomeAlarmName     pulumi.StringOutput `pulumi:"outcomeAlarmName"`
	BlockingAlarmName    pulumi.StringOutput `pulumi:"blockingAlarmName"`
	DrillActiveAlarmName pulumi.StringOutput `pulumi:"drillActiveAlarmName"`
	// EventRuleName pages the region's topic with practice-run results and autoshifts.
	EventRuleName pulumi.StringOutput `pulumi:"eventRuleName"`
	// BlockedWindows are the practice runs' blocked windows (plain: they come from config).
	BlockedWindows []string
}

// New builds the zonal autoshift of one region. Pass that region's provider with pulumi.Provider.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*ZonalAutoshift, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("zonal autoshift %s: %w", name, err)
	}
	z := &ZonalAutoshift{}
	if err := ctx.RegisterComponentResource("multi-region-ha:zonalshift:ZonalAutoshift", name, z, opts...); err != nil {
		return nil, fmt.Errorf("zonal autoshift %s: %w", name, err)
	}
	if err := z.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("zonal autoshift %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(z, pulumi.Map{
		"configurationId":      z.ConfigurationId,
		"outcomeAlarmName":     z.OutcomeAlarmName,
		"blockingAlarmName":    z.BlockingAlarmName,
		"drillActiveAlarmName": z.DrillActiveAlarmName,
		"eventRuleName":        z.EventRuleName,
	}); err != nil {
		return nil, fmt.Errorf("zonal autoshift %s: %w", name, err)
	}
	return z, nil
}

func nameTag(v string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(v)} }

// anyAlarm is a composite rule that is in ALARM when any of arns is.
func anyAlarm(arns []string) string {
	parts := make([]string, len(arns))
	for i, arn := range arns {
		parts[i] = fmt.Sprintf("ALARM(%q)", arn)
	}
	return strings.Join(parts, " OR ")
}

func (z *ZonalAutoshift) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(z)
	windows, _ := zonalspec.BlockedWindows(args.PatchWindow) // validated
	z.BlockedWindows = windows

	drillName := fmt.Sprintf("%s-%s-drill-active", name, args.Stack)
	drill, err := cloudwatch.NewMetricAlarm(ctx, name+"-drill-active", &cloudwatch.MetricAlarmArgs{
		Name: pulumi.String(drillName),
		AlarmDescription: pulumi.String(fmt.Sprintf("A fault-injection drill of stack %s runs in %s (go run . drill publishes %s/%s=1): zonal autoshift practice runs wait until it ends.",
			args.Stack, args.Region, drills.AbortNamespace, DrillActiveMetric)),
		Namespace:          pulumi.String(drills.AbortNamespace),
		MetricName:         pulumi.String(DrillActiveMetric),
		Dimensions:         pulumi.StringMap{"Stack": pulumi.String(args.Stack)},
		Statistic:          pulumi.String("Maximum"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(5),
		DatapointsToAlarm:  pulumi.Int(1),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		Threshold:          pulumi.Float64(1),
		// Silence is no drill: the alarm returns to OK five minutes after the last drill poll.
		TreatMissingData: pulumi.String("notBreaching"),
		Tags:             nameTag(drillName),
	}, child)
	if err != nil {
		return err
	}

	// The schema takes one outcome and one blocking alarm: each is a composite of the region's own
	// alarms, and the two are distinct alarms (one alarm both judging and blocking would turn a
	// failed practice run into an interrupted one).
	outcomeMembers := pulumi.All(args.SufferingAlarmArns, args.RegionUnhealthyAlarmArn).ApplyT(func(v []any) string {
		return anyAlarm(append(append([]string{}, v[0].([]string)...), v[1].(string)))
	}).(pulumi.StringOutput)
	outcomeName := fmt.Sprintf("%s-%s-practice-outcome", name, args.Stack)
	outcome, err := cloudwatch.NewCompositeAlarm(ctx, name+"-practice-outcome", &cloudwatch.CompositeAlarmArgs{
		AlarmName: pulumi.String(outcomeName),
		AlarmDescription: pulumi.String(fmt.Sprintf("Users in %s suffer (5xx rates, p99 latency or the region composite): ends a zonal autoshift practice run as failed. "+
			"Its members page on their own.", args.Region)),
		AlarmRule: outcomeMembers,
		Tags:      nameTag(outcomeName),
	}, child)
	if err != nil {
		return err
	}
	blockingName := fmt.Sprintf("%s-%s-practice-blocking", name, args.Stack)
	blocking, err := cloudwatch.NewCompositeAlarm(ctx, name+"-practice-blocking", &cloudwatch.CompositeAlarmArgs{
		AlarmName:        pulumi.String(blockingName),
		AlarmDescription: pulumi.String(fmt.Sprintf("A drill runs in %s or the region is unhealthy: no zonal autoshift practice run starts (one in progress is interrupted).", args.Region)),
		AlarmRule: pulumi.All(drill.Arn, args.RegionUnhealthyAlarmArn).ApplyT(func(v []any) string {
			return anyAlarm([]string{v[0].(string), v[1].(string)})
		}).(pulumi.StringOutput),
		Tags: nameTag(blockingName),
	}, child)
	if err != nil {
		return err
	}

	desired := pulumi.All(args.AlbArn, outcome.Arn, blocking.Arn).ApplyT(func(v []any) (string, error) {
		return zonalspec.NewDocument(v[0].(string), v[1].(string), v[2].(string), windows).JSON()
	}).(pulumi.StringOutput)
	// Cloud Control fetches the type's schema (DescribeType) in this region when no Schema is
	// given: a read of the same region as the resource, never of the other one.
	cfg, err := cloudcontrol.NewResource(ctx, name+"-configuration", &cloudcontrol.ResourceArgs{
		TypeName:     pulumi.String(zonalspec.TypeName),
		DesiredState: desired,
	}, child)
	if err != nil {
		return err
	}

	rule, err := cloudwatch.NewEventRule(ctx, name+"-practice-runs", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("Zonal autoshift practice-run results and autoshifts of the load balancers in " + args.Region),
		EventPattern: pulumi.String(EventPattern()),
		Tags:         nameTag(name + "-practice-runs"),
	}, child)
	if err != nil {
		return err
	}
	// The topic's policy admits this account's EventBridge rules and its key events.amazonaws.com
	// (observability).
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-practice-runs-topic", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  args.TopicArn,
	}, child); err != nil {
		return err
	}

	z.ConfigurationId = cfg.ID().ToStringOutput()
	z.OutcomeAlarmName = outcome.AlarmName
	z.BlockingAlarmName = blocking.AlarmName
	z.DrillActiveAlarmName = drill.Name
	z.EventRuleName = rule.Name
	return nil
}

// EventPattern matches ARC's zonal shift events of practice runs and autoshifts in the rule's
// region (EventBridge rules see their own region's events only).
func EventPattern() string {
	b, _ := json.Marshal(map[string]any{
		"source":      []string{zonalspec.EventSource},
		"detail-type": zonalspec.EventDetailTypes,
	})
	return string(b)
}
