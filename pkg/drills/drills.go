package drills

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/encryptedlogs"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/fis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Drills is one region's fault-injection experiment templates and what they need.
type Drills struct {
	pulumi.ResourceState

	// TemplateIds maps drill to template id: "instance", "region", and "az:<zone>" per zone.
	TemplateIds pulumi.StringMapOutput `pulumi:"templateIds"`
	// LogGroupName is where FIS writes the experiments' logs.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
	// AbortAlarmName is the alarm that stops every drill of the region when the AbortDrill metric is set.
	AbortAlarmName pulumi.StringOutput `pulumi:"abortAlarmName"`
}

// Abort metric: publishing 1 stops every running drill of the stack in the region (stop condition).
const (
	AbortNamespace = "multi-region-ha/Drills"
	AbortMetric    = "AbortDrill"
)

// NewDrills builds the region's log group, abort alarm, one role per drill kind and the templates.
func NewDrills(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Drills, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("drills %s: %w", name, err)
	}
	d := &Drills{}
	if err := ctx.RegisterComponentResource("multi-region-ha:drills:Drills", name, d, opts...); err != nil {
		return nil, fmt.Errorf("drills %s: %w", name, err)
	}
	if err := d.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("drills %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"templateIds":    d.TemplateIds,
		"logGroupName":   d.LogGroupName,
		"abortAlarmName": d.AbortAlarmName,
	}); err != nil {
		return nil, fmt.Errorf("drills %s: %w", name, err)
	}
	return d, nil
}

func nameTags(n, kind string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(n), "Drill": pulumi.String(kind)}
}

func (d *Drills) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(d)
	acct := awsenv.AccountIn(args.AccountId, args.Region)
	if err := acct.Validate(); err != nil {
		return err
	}

	// Vended-logs prefix: FIS delivers through CloudWatch Logs' log delivery, which writes a resource
	// policy that stays small for /aws/vendedlogs/ groups.
	_, group, err := encryptedlogs.New(ctx, name+"-logs", encryptedlogs.Args{
		Account: acct, Description: "Experiment logs of the fault-injection drills " + name, Sid: "CloudWatchLogsEncryptsDrillLogs",
		NamePrefix: "/aws/vendedlogs/fis/" + name + "-", GroupPattern: "", RetentionDays: args.LogRetentionDays,
		Tags: nameTags(name+"-logs", "all"), Protect: args.Protect,
	}, child)
	if err != nil {
		return err
	}
	abortName := fmt.Sprintf("%s-%s-abort", name, args.Stack)
	abort, err := cloudwatch.NewMetricAlarm(ctx, name+"-abort", &cloudwatch.MetricAlarmArgs{
		Name: pulumi.String(abortName),
		AlarmDescription: pulumi.String(fmt.Sprintf("Stops every fault-injection drill of stack %s in %s: publish %s/%s=1 (dimension Stack=%s) to abort.",
			args.Stack, args.Region, AbortNamespace, AbortMetric, args.Stack)),
		Namespace:          pulumi.String(AbortNamespace),
		MetricName:         pulumi.String(AbortMetric),
		Dimensions:         pulumi.StringMap{"Stack": pulumi.String(args.Stack)},
		Statistic:          pulumi.String("Maximum"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(1),
		Threshold:          pulumi.Float64(1),
		ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
		// No abort published means no abort.
		TreatMissingData: pulumi.String("notBreaching"),
		// The stop condition stops a drill silently otherwise: page when it fires and when it clears.
		AlarmActions: pulumi.Array{args.AlarmTopicArn},
		OkActions:    pulumi.Array{args.AlarmTopicArn},
		Tags:         nameTags(abortName, "all"),
	}, child)
	if err != nil {
		return err
	}

	values := pulumi.All(args.AutoScalingGroupName, args.VpcId, args.ClusterArn, args.RegionUnhealthyAlarmArn, abort.Arn, group.Arn, args.AvailabilityZones)
	params := func(v []any) Params {
		return Params{
			Region: args.Region, Project: args.Project, Stack: args.Stack,
			AutoScalingGroupName: v[0].(string), VpcId: v[1].(string),
			RegionUnhealthyAlarmArn: v[3].(string), AbortAlarmArn: v[4].(string), LogGroupArn: v[5].(string),
			InstancePercent: args.InstancePercent, Duration: time.Duration(args.DurationMinutes) * time.Minute,
		}
	}
	policyParams := func(v []any) PolicyParams {
		return PolicyParams{Partition: acct.Partition, AccountID: acct.ID, Region: acct.Region,
			AutoScalingGroupName: v[0].(string), VpcId: v[1].(string), ClusterArn: v[2].(string)}
	}

	roles := map[string]*iam.Role{}
	policies := map[string]*iam.RolePolicy{}
	for _, kind := range Kinds {
		roleName := name + "-" + kind + "-role"
		role, err := iam.NewRole(ctx, roleName, &iam.RoleArgs{
			Description:      pulumi.String(fmt.Sprintf("AWS FIS runs the %s drill of %s with this role", kind, name)),
			AssumeRolePolicy: pulumi.String(TrustPolicy(acct.Partition, acct.ID, acct.Region).JSON()),
			Tags:             nameTags(roleName, kind),
		}, child)
		if err != nil {
			return err
		}
		kind := kind
		policy, err := iam.NewRolePolicy(ctx, name+"-"+kind+"-policy", &iam.RolePolicyArgs{
			Role:   role.ID(),
			Policy: values.ApplyT(func(v []any) string { return RolePolicy(kind, policyParams(v)).JSON() }).(pulumi.StringOutput),
		}, child)
		if err != nil {
			return err
		}
		roles[kind], policies[kind] = role, policy
	}

	ids := map[string]pulumi.StringOutput{}
	newTemplate := func(logical, kind string, build func(v []any) Template) error {
		spec := values.ApplyT(func(v []any) (Template, error) {
			t := build(v)
			return t, Validate(t)
		})
		t, err := newExperimentTemplate(ctx, logical, kind, spec.(pulumi.AnyOutput), roles[kind], group, child, pulumi.DependsOn([]pulumi.Resource{policies[kind]}))
		if err != nil {
			return err
		}
		ids[logical] = t.ID().ToStringOutput()
		return nil
	}
	if err := newTemplate(name+"-instance", KindInstance, func(v []any) Template { return InstanceTemplate(params(v)) }); err != nil {
		return err
	}
	if err := newTemplate(name+"-region", KindRegion, func(v []any) Template { return RegionTemplate(params(v)) }); err != nil {
		return err
	}
	var azLogical []string
	for i := 0; i < args.AzCount; i++ {
		i := i
		logical := fmt.Sprintf("%s-az%d", name, i+1)
		azLogical = append(azLogical, logical)
		err := newTemplate(logical, KindAZ, func(v []any) Template {
			zones := v[6].([]string)
			zone := ""
			if i < len(zones) {
				zone = zones[i]
			}
			return AZTemplate(params(v), zone)
		})
		if err != nil {
			return err
		}
	}

	all := []any{args.AvailabilityZones, ids[name+"-instance"], ids[name+"-region"]}
	for _, l := range azLogical {
		all = append(all, ids[l])
	}
	d.TemplateIds = pulumi.All(all...).ApplyT(func(v []any) map[string]string {
		zones := v[0].([]string)
		out := map[string]string{KindInstance: v[1].(string), KindRegion: v[2].(string)}
		for i := range azLogical {
			if i < len(zones) {
				out[AZKey(zones[i])] = v[3+i].(string)
			}
		}
		return out
	}).(pulumi.StringMapOutput)
	d.LogGroupName = group.Name
	d.AbortAlarmName = abort.Name
	return nil
}

// AZKey is the TemplateIds key of the AZ drill of zone.
func AZKey(zone string) string { return KindAZ + ":" + zone }

// newExperimentTemplate registers the FIS resource of a validated plain Template.
func newExperimentTemplate(ctx *pulumi.Context, name, kind string, spec pulumi.AnyOutput, role *iam.Role, group *cloudwatch.LogGroup, opts ...pulumi.ResourceOption) (*fis.ExperimentTemplate, error) {
	plain := func(v any) Template { return v.(Template) }
	resolution := "fail"
	if kind == KindAZ {
		resolution = "skip"
	}
	return fis.NewExperimentTemplate(ctx, name, &fis.ExperimentTemplateArgs{
		Description: spec.ApplyT(func(v any) string { return plain(v).Description }).(pulumi.StringOutput),
		RoleArn:     role.Arn,
		Actions:     spec.ApplyT(func(v any) []fis.ExperimentTemplateAction { return toActions(plain(v)) }).(fis.ExperimentTemplateActionArrayOutput),
		Targets:     spec.ApplyT(func(v any) []fis.ExperimentTemplateTarget { return toTargets(plain(v)) }).(fis.ExperimentTemplateTargetArrayOutput),
		StopConditions: spec.ApplyT(func(v any) []fis.ExperimentTemplateStopCondition {
			return toStopConditions(plain(v))
		}).(fis.ExperimentTemplateStopConditionArrayOutput),
		LogConfiguration: &fis.ExperimentTemplateLogConfigurationArgs{
			LogSchemaVersion: pulumi.Int(LogSchemaVersion),
			CloudwatchLogsConfiguration: &fis.ExperimentTemplateLogConfigurationCloudwatchLogsConfigurationArgs{
				LogGroupArn: pulumi.Sprintf("%s:*", group.Arn),
			},
		},
		ExperimentOptions: &fis.ExperimentTemplateExperimentOptionsArgs{
			AccountTargeting:          pulumi.String("single-account"),
			EmptyTargetResolutionMode: pulumi.String(resolution),
		},
		Tags: nameTags(name, kind),
	}, opts...)
}
