package detector

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/encryptedlogs"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Detector is one region's prober, its two alarms and (in auto) the rule that starts its runbook.
type Detector struct {
	pulumi.ResourceState

	FunctionName pulumi.StringOutput `pulumi:"functionName"`
	// LogGroupName holds each minute's probe and verdict as one JSON line (the evidence).
	LogGroupName      pulumi.StringOutput `pulumi:"logGroupName"`
	PromoteAlarmName  pulumi.StringOutput `pulumi:"promoteAlarmName"`
	DegradedAlarmName pulumi.StringOutput `pulumi:"degradedAlarmName"`
	// SwitchoverAlarmName pages "switchover recommended": the watched region answers through
	// CloudFront but public DNS sends viewers to this (read-only) region.
	SwitchoverAlarmName pulumi.StringOutput `pulumi:"switchoverAlarmName"`
	// HeartbeatAlarmName and ErrorsAlarmName page when the detector itself stops working: the
	// promote and degraded alarms treat missing data as not breaching, so without these a detector
	// that stops running would turn "auto" into "off" silently.
	HeartbeatAlarmName pulumi.StringOutput `pulumi:"heartbeatAlarmName"`
	ErrorsAlarmName    pulumi.StringOutput `pulumi:"errorsAlarmName"`
	// ScheduleRuleName runs the probe; StartRuleName (auto only, else empty) starts the runbook:
	// disabling it pauses automation during an incident.
	ScheduleRuleName pulumi.StringOutput `pulumi:"scheduleRuleName"`
	StartRuleName    pulumi.StringOutput `pulumi:"startRuleName"`
	// RoleName is the function's role: the failover drill denies it the watched region for a while.
	RoleName pulumi.StringOutput `pulumi:"roleName"`
}

// Function settings: small and quick. The timeout stays well inside the one-minute schedule, so
// runs never overlap even without reserved concurrency (which new accounts cannot reserve).
const (
	memoryMB       = 128
	timeoutSeconds = 50
	architecture   = "arm64"
	scheduleRate   = "rate(1 minute)"
)

// StartRetrySeconds and StartRetryAttempts bound EventBridge's retries of the runbook start (AWS
// allows 60 s to 24 h): the evidence is minutes old at most.
const (
	StartRetrySeconds  = 300
	StartRetryAttempts = 10
)

// New creates the detector in the region of the component's provider.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Detector, error) {
	if args == nil {
		return nil, fmt.Errorf("detector %s: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("detector %s: %w", name, err)
	}
	d := &Detector{}
	if err := ctx.RegisterComponentResource("multi-region-ha:detector:Detector", name, d, opts...); err != nil {
		return nil, fmt.Errorf("detector %s: %w", name, err)
	}
	if err := d.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("detector %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"roleName":            d.RoleName,
		"functionName":        d.FunctionName,
		"logGroupName":        d.LogGroupName,
		"promoteAlarmName":    d.PromoteAlarmName,
		"degradedAlarmName":   d.DegradedAlarmName,
		"switchoverAlarmName": d.SwitchoverAlarmName,
		"heartbeatAlarmName":  d.HeartbeatAlarmName,
		"errorsAlarmName":     d.ErrorsAlarmName,
		"scheduleRuleName":    d.ScheduleRuleName,
		"startRuleName":       d.StartRuleName,
	}); err != nil {
		return nil, fmt.Errorf("detector %s: %w", name, err)
	}
	return d, nil
}

func (d *Detector) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(d)
	acct := awsenv.AccountIn(args.AccountId, args.Region)
	if err := acct.Validate(); err != nil {
		return err
	}
	tags := func(n string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(n), "Role": pulumi.String("failover-detector")}
	}

	_, group, err := encryptedlogs.New(ctx, name+"-logs", encryptedlogs.Args{
		Account: acct, Description: "Logs of the failover detector " + name, Sid: "CloudWatchLogsEncryptsDetectorLogs",
		NamePrefix: "/multi-region-ha/detector/" + name + "-", GroupPattern: "", RetentionDays: args.LogRetentionDays,
		Tags: tags(name + "-logs"), Protect: args.Protect,
	}, child)
	if err != nil {
		return err
	}

	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Description:      pulumi.String("Failover detector " + name + ": reads evidence about " + args.WatchedRegion + ", publishes verdicts in " + args.Region),
		AssumeRolePolicy: pulumi.String(LambdaTrust().JSON()),
		Tags:             tags(name + "-role"),
	}, child)
	if err != nil {
		return err
	}
	policyDoc := pulumi.All(group.Arn, args.GlobalClusterIdentifier, args.WatchedClusterArn, args.StateMachineArn).
		ApplyT(func(v []any) string {
			return FunctionPolicy(PolicyParams{
				Partition: acct.Partition, AccountID: acct.ID, Region: acct.Region, WatchedRegion: args.WatchedRegion,
				LogGroupArn: v[0].(string), GlobalClusterIdentifier: v[1].(string),
				WatchedClusterArn: v[2].(string), StateMachineArn: v[3].(string),
			}).JSON()
		}).(pulumi.StringOutput)
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-policy", &iam.RolePolicyArgs{Role: role.ID(), Policy: policyDoc}, child)
	if err != nil {
		return err
	}
	d.RoleName = role.Name

	stall := args.StallMs
	if stall <= 0 {
		stall = DefaultStallMs
	}
	fn, err := lambda.NewFunction(ctx, name+"-fn", &lambda.FunctionArgs{
		Description:   pulumi.String("Watches " + args.WatchedRegion + " from " + args.Region + " every minute; publishes region-level evidence to " + Namespace),
		Runtime:       pulumi.String(Runtime),
		Handler:       pulumi.String(Handler),
		Architectures: pulumi.StringArray{pulumi.String(architecture)},
		MemorySize:    pulumi.Int(memoryMB),
		Timeout:       pulumi.Int(timeoutSeconds),
		Role:          role.Arn,
		Code:          pulumi.NewAssetArchive(map[string]interface{}{ModuleFile: pulumi.NewStringAsset(Source)}),
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{
			LogFormat: pulumi.String("Text"),
			LogGroup:  group.Name,
		},
		Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
			"OWN_REGION":          pulumi.String(args.Region),
			"WATCHED_REGION":      pulumi.String(args.WatchedRegion),
			"NAMESPACE":           pulumi.String(Namespace),
			"PROBE_URL":           pulumi.String(args.ProbeUrl),
			"FAILOVER_NAME":       pulumi.String(args.FailoverName),
			"OWN_ORIGIN_NAME":     pulumi.String(args.OwnOriginName),
			"GLOBAL_CLUSTER_ID":   args.GlobalClusterIdentifier,
			"OWN_CLUSTER_ID":      args.ClusterIdentifier,
			"OWN_CLUSTER_ARN":     args.ClusterArn,
			"WATCHED_CLUSTER_ARN": args.WatchedClusterArn,
			"STATE_MACHINE_ARN":   args.StateMachineArn,
			"STALL_MS":            pulumi.String(strconv.Itoa(stall)),
		}},
		Tags: tags(name + "-fn"),
	}, child, pulumi.DependsOn([]pulumi.Resource{rolePolicy}))
	if err != nil {
		return err
	}
	d.FunctionName = fn.Name
	d.LogGroupName = group.Name

	if err := d.schedule(ctx, name, fn, acct, tags); err != nil {
		return err
	}
	promote, err := d.alarms(ctx, name, args, group.Name, tags)
	if err != nil {
		return err
	}
	if err := d.heartbeat(ctx, name, args, fn, group.Name, tags); err != nil {
		return err
	}
	d.StartRuleName = pulumi.String("").ToStringOutput()
	if args.Mode == ModeAuto {
		return d.start(ctx, name, args, promote, acct, tags)
	}
	return nil
}

// schedule invokes the function every minute; only this rule may invoke it.
func (d *Detector) schedule(ctx *pulumi.Context, name string, fn *lambda.Function, acct kmskey.Account, tags func(string) pulumi.StringMap) error {
	child := pulumi.Parent(d)
	rule, err := cloudwatch.NewEventRule(ctx, name+"-schedule", &cloudwatch.EventRuleArgs{
		Description:        pulumi.String("Runs the failover detector " + name + " every minute"),
		ScheduleExpression: pulumi.String(scheduleRate),
		Tags:               tags(name + "-schedule"),
	}, child)
	if err != nil {
		return err
	}
	perm, err := lambda.NewPermission(ctx, name+"-invoke", &lambda.PermissionArgs{
		Action:        pulumi.String("lambda:InvokeFunction"),
		Function:      fn.Name,
		Principal:     pulumi.String("events.amazonaws.com"),
		SourceArn:     rule.Arn,
		SourceAccount: pulumi.String(acct.ID),
	}, child)
	if err != nil {
		return err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-schedule", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  fn.Arn,
	}, child, pulumi.DependsOn([]pulumi.Resource{perm})); err != nil {
		return err
	}
	d.ScheduleRuleName = rule.Name
	return nil
}

// alarms are the N-of-N decision (PromoteSignal), the "switchover recommended" page
// (SwitchoverRecommended) and the page for a person (Degraded), all in this region on this region's
// metrics. Missing data is not breaching: no evidence is never a promotion. Their descriptions are
// the pages' text (pages.go): each says which region is likely down and on what evidence.
func (d *Detector) alarms(ctx *pulumi.Context, name string, args *Args, logGroup pulumi.StringOutput, tags func(string) pulumi.StringMap) (*cloudwatch.MetricAlarm, error) {
	child := pulumi.Parent(d)
	n := args.AfterMinutes
	dims := pulumi.StringMap{"WatchedRegion": pulumi.String(args.WatchedRegion)}
	start := args.StateMachineArn.ToStringOutput().ApplyT(func(arn string) string { return StartCommand(args.Region, arn) })
	switchTo := args.StateMachineArn.ToStringOutput().ApplyT(func(arn string) string { return SwitchoverCommand(args.Region, arn) })
	// signal is one N-of-N alarm on a detector metric of this region; pageOnOK also pages when it
	// recovers (the promote alarm does not: its OK is the runbook's own report).
	signal := func(suffix, metric string, description pulumi.StringInput, pageOnOK bool) (*cloudwatch.MetricAlarm, error) {
		var okActions pulumi.ArrayInput
		if pageOnOK {
			okActions = pulumi.Array{args.TopicArn}
		}
		return cloudwatch.NewMetricAlarm(ctx, name+suffix, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   description,
			Namespace:          pulumi.String(Namespace),
			MetricName:         pulumi.String(metric),
			Dimensions:         dims,
			Statistic:          pulumi.String("Maximum"),
			Period:             pulumi.Int(60),
			EvaluationPeriods:  pulumi.Int(n),
			DatapointsToAlarm:  pulumi.Int(n),
			Threshold:          pulumi.Float64(1),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			TreatMissingData:   pulumi.String("notBreaching"),
			AlarmActions:       pulumi.Array{args.TopicArn},
			OkActions:          okActions,
			Tags:               tags(name + suffix),
		}, child)
	}
	promote, err := signal("-promote", "PromoteSignal", pulumi.Sprintf("%s Evidence of every minute: %s metrics and log group %s. Start: %s",
		PromoteText(args.WatchedRegion, args.Region, n, stallOrDefault(args.StallMs), args.Mode, args.FailoverName), Namespace, logGroup, start), false)
	if err != nil {
		return nil, err
	}
	switchover, err := signal("-switchover", "SwitchoverRecommended", pulumi.Sprintf("%s Evidence: %s metrics and log group %s. Start: %s",
		SwitchoverText(args.WatchedRegion, args.Region, n, args.FailoverName), Namespace, logGroup, switchTo), true)
	if err != nil {
		return nil, err
	}
	degraded, err := signal("-degraded", "Degraded", pulumi.Sprintf("%s See %s metrics and log group %s.",
		DegradedText(args.WatchedRegion, args.Region, n), Namespace, logGroup), true)
	if err != nil {
		return nil, err
	}
	d.SwitchoverAlarmName = switchover.Name
	d.PromoteAlarmName = promote.Name
	d.DegradedAlarmName = degraded.Name
	return promote, nil
}

// HeartbeatMinutes is how long the detector may publish nothing before its heartbeat alarm pages,
// and ErrorMinutes how many consecutive minutes with a failed invocation page.
const (
	HeartbeatMinutes = 5
	ErrorMinutes     = 3
)

// heartbeat pages when the detector itself stops working (F8). The function publishes Degraded on
// every run that reaches its end, watching or not (the writer region's detector publishes 0), so
// fewer than one sample a minute for HeartbeatMinutes means it did not run, failed before
// publishing, or lost its permissions; missing data is breaching here, unlike the decision alarms.
// AWS/Lambda Errors by FunctionName (published per invocation) names a function that runs and
// fails; its missing data is the heartbeat's job, so not breaching.
func (d *Detector) heartbeat(ctx *pulumi.Context, name string, args *Args, fn *lambda.Function, logGroup pulumi.StringOutput, tags func(string) pulumi.StringMap) error {
	child := pulumi.Parent(d)
	hb, err := cloudwatch.NewMetricAlarm(ctx, name+"-heartbeat", &cloudwatch.MetricAlarmArgs{
		AlarmDescription: pulumi.Sprintf("The failover detector in %s watching %s has published nothing for %d minutes: it is not running or fails before publishing, so automatic failover (mode %s) is OFF in effect until it is fixed. See the function %s and log group %s.",
			args.Region, args.WatchedRegion, HeartbeatMinutes, args.Mode, fn.Name, logGroup),
		Namespace:          pulumi.String(Namespace),
		MetricName:         pulumi.String("Degraded"),
		Dimensions:         pulumi.StringMap{"WatchedRegion": pulumi.String(args.WatchedRegion)},
		Statistic:          pulumi.String("SampleCount"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(HeartbeatMinutes),
		DatapointsToAlarm:  pulumi.Int(HeartbeatMinutes),
		Threshold:          pulumi.Float64(1),
		ComparisonOperator: pulumi.String("LessThanThreshold"),
		TreatMissingData:   pulumi.String("breaching"),
		AlarmActions:       pulumi.Array{args.TopicArn},
		OkActions:          pulumi.Array{args.TopicArn},
		Tags:               tags(name + "-heartbeat"),
	}, child)
	if err != nil {
		return err
	}
	errs, err := cloudwatch.NewMetricAlarm(ctx, name+"-errors", &cloudwatch.MetricAlarmArgs{
		AlarmDescription: pulumi.Sprintf("The failover detector function %s in %s failed in %d consecutive minutes (AWS/Lambda Errors): its verdicts about %s may be missing, so automatic failover (mode %s) may be OFF in effect. See log group %s.",
			fn.Name, args.Region, ErrorMinutes, args.WatchedRegion, args.Mode, logGroup),
		Namespace:          pulumi.String("AWS/Lambda"),
		MetricName:         pulumi.String("Errors"),
		Dimensions:         pulumi.StringMap{"FunctionName": fn.Name},
		Statistic:          pulumi.String("Sum"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(ErrorMinutes),
		DatapointsToAlarm:  pulumi.Int(ErrorMinutes),
		Threshold:          pulumi.Float64(0),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"),
		TreatMissingData:   pulumi.String("notBreaching"),
		AlarmActions:       pulumi.Array{args.TopicArn},
		OkActions:          pulumi.Array{args.TopicArn},
		Tags:               tags(name + "-errors"),
	}, child)
	if err != nil {
		return err
	}
	d.HeartbeatAlarmName = hb.Name
	d.ErrorsAlarmName = errs.Name
	return nil
}

func stallOrDefault(ms int) int {
	if ms <= 0 {
		return DefaultStallMs
	}
	return ms
}

// start is auto mode: the promote alarm's transition into ALARM starts this region's runbook with
// {"mode":"auto","trigger":"detector","evidence":...}, through a role that may start exactly it,
// assumable by EventBridge only for this rule.
func (d *Detector) start(ctx *pulumi.Context, name string, args *Args, promote *cloudwatch.MetricAlarm, acct kmskey.Account, tags func(string) pulumi.StringMap) error {
	child := pulumi.Parent(d)
	rule, err := cloudwatch.NewEventRule(ctx, name+"-start", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("Region-level outage of " + args.WatchedRegion + " (detector alarm): start the failover runbook in " + args.Region),
		EventPattern: promote.Arn.ApplyT(AlarmPattern).(pulumi.StringOutput),
		Tags:         tags(name + "-start"),
	}, child)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-start-role", &iam.RoleArgs{
		Description:      pulumi.String("Starts the failover runbook in " + args.Region + " for the detector's alarm"),
		AssumeRolePolicy: rule.Arn.ApplyT(func(arn string) string { return StartTrust(acct.ID, arn).JSON() }).(pulumi.StringOutput),
		Tags:             tags(name + "-start-role"),
	}, child)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-start", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: args.StateMachineArn.ToStringOutput().ApplyT(func(arn string) string { return StartPolicy(arn).JSON() }).(pulumi.StringOutput),
	}, child)
	if err != nil {
		return err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-start", &cloudwatch.EventTargetArgs{
		Rule:    rule.Name,
		Arn:     args.StateMachineArn,
		RoleArn: role.Arn,
		InputTransformer: &cloudwatch.EventTargetInputTransformerArgs{
			InputPaths:    pulumi.ToStringMap(InputPaths),
			InputTemplate: pulumi.String(InputTemplate(args.Region, args.WatchedRegion)),
		},
		// EventBridge retries a failed start for up to 24 hours by default: a start that lands
		// hours late would act on stale evidence. Give up after StartRetrySeconds; the page stands.
		RetryPolicy: &cloudwatch.EventTargetRetryPolicyArgs{
			MaximumEventAgeInSeconds: pulumi.Int(StartRetrySeconds),
			MaximumRetryAttempts:     pulumi.Int(StartRetryAttempts),
		},
	}, child, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return err
	}
	d.StartRuleName = rule.Name
	return nil
}
