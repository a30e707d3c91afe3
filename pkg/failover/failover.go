package failover

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Failover is the runbook of one region: its state machine and role.
type Failover struct {
	pulumi.ResourceState

	StateMachineArn  pulumi.StringOutput `pulumi:"stateMachineArn"`
	StateMachineName pulumi.StringOutput `pulumi:"stateMachineName"`
	RoleArn          pulumi.StringOutput `pulumi:"roleArn"`
}

// NewFailover creates the runbook state machine in the region of the component's provider.
func NewFailover(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Failover, error) {
	if args == nil {
		return nil, fmt.Errorf("failover %s: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("failover %s: %w", name, err)
	}
	f := &Failover{}
	if err := ctx.RegisterComponentResource("multi-region-ha:failover:Failover", name, f, opts...); err != nil {
		return nil, fmt.Errorf("failover %s: %w", name, err)
	}
	if err := f.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("failover %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"stateMachineArn":  f.StateMachineArn,
		"stateMachineName": f.StateMachineName,
		"roleArn":          f.RoleArn,
	}); err != nil {
		return nil, fmt.Errorf("failover %s: %w", name, err)
	}
	return f, nil
}

func (a *Args) check() error {
	var errs []error
	if a.Region == "" {
		errs = append(errs, errors.New("Region is required"))
	}
	for field, v := range map[string]pulumi.StringInput{
		"GlobalClusterIdentifier": a.GlobalClusterIdentifier, "TargetClusterArn": a.TargetClusterArn,
		"AutoScalingGroupName": a.AutoScalingGroupName, "TopicArn": a.TopicArn, "TopicKmsKeyArn": a.TopicKmsKeyArn,
	} {
		if v == nil {
			errs = append(errs, fmt.Errorf("%s is required", field))
		}
	}
	if a.MinSize < 0 || a.MinSize > a.DesiredCapacity || a.DesiredCapacity > a.MaxSize || a.MaxSize < 1 {
		errs = append(errs, fmt.Errorf("capacity must satisfy 0 <= MinSize <= DesiredCapacity <= MaxSize, MaxSize >= 1 (got %d/%d/%d)", a.MinSize, a.DesiredCapacity, a.MaxSize))
	}
	if a.LogRetentionDays <= 0 {
		errs = append(errs, errors.New("LogRetentionDays must be positive"))
	}
	return errors.Join(errs...)
}

func (f *Failover) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(f)
	acct, err := kmskey.Lookup(ctx, f)
	if err != nil {
		return err
	}
	if acct.Region != args.Region {
		return fmt.Errorf("the component's provider deploys to %s but Args.Region is %s", acct.Region, args.Region)
	}
	tags := func(n string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(n), "Role": pulumi.String("failover-runbook")}
	}

	key, err := kmskey.New(ctx, name+"-logs-key", kmskey.Args{
		Description: "Execution logs of the failover runbook " + name,
		Account:     acct,
		Services: []kmskey.ServiceGrant{{
			Sid:       "CloudWatchLogsEncryptsRunbookLogs",
			Principal: "logs." + acct.Region + ".amazonaws.com",
			Condition: map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": acct.Arn("logs", "log-group:*")}},
		}},
	}, child, pulumi.Protect(args.Protect))
	if err != nil {
		return err
	}
	// The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy Step Functions writes small.
	group, err := cloudwatch.NewLogGroup(ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		NamePrefix:      pulumi.String("/aws/vendedlogs/states/" + name + "-"),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            tags(name + "-logs"),
	}, child)
	if err != nil {
		return err
	}

	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Description:      pulumi.String("Runs the failover runbook " + name + " (promote, raise capacity, report)"),
		AssumeRolePolicy: pulumi.String(StatesTrust(acct.Partition, acct.ID, acct.Region).JSON()),
		Tags:             tags(name + "-role"),
	}, child)
	if err != nil {
		return err
	}
	clusterArns := pulumi.StringArrayInput(pulumi.StringArray{args.TargetClusterArn})
	if args.ClusterArns != nil {
		clusterArns = args.ClusterArns
	}
	policyDoc := pulumi.All(args.GlobalClusterIdentifier, clusterArns, args.TargetClusterArn, args.AutoScalingGroupName, args.TopicArn, args.TopicKmsKeyArn).
		ApplyT(func(v []any) string {
			arns := uniqueWith(v[1].([]string), v[2].(string))
			return RolePolicy(PolicyParams{
				Partition: acct.Partition, AccountID: acct.ID, Region: acct.Region,
				GlobalClusterIdentifier: v[0].(string), ClusterArns: arns, AutoScalingGroupName: v[3].(string),
				TopicArn: v[4].(string), TopicKmsKeyArn: v[5].(string), Tracing: args.Tracing,
			}).JSON()
		}).(pulumi.StringOutput)
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-runbook", &iam.RolePolicyArgs{Role: role.ID(), Policy: policyDoc}, child)
	if err != nil {
		return err
	}

	definition := pulumi.All(args.GlobalClusterIdentifier, args.TargetClusterArn, args.AutoScalingGroupName, args.TopicArn).
		ApplyT(func(v []any) (string, error) {
			sm := Definition(Params{
				Region: args.Region, GlobalClusterIdentifier: v[0].(string), TargetClusterArn: v[1].(string),
				AutoScalingGroupName: v[2].(string), TopicArn: v[3].(string),
				MinSize: args.MinSize, DesiredCapacity: args.DesiredCapacity, MaxSize: args.MaxSize,
				PollSeconds: args.PollSeconds, MaxPolls: args.MaxPolls,
			})
			if err := sm.Validate(); err != nil {
				return "", err
			}
			return sm.JSON(), nil
		}).(pulumi.StringOutput)
	machine, err := sfn.NewStateMachine(ctx, name, &sfn.StateMachineArgs{
		Type:       pulumi.String("STANDARD"),
		Definition: definition,
		RoleArn:    role.Arn,
		LoggingConfiguration: &sfn.StateMachineLoggingConfigurationArgs{
			Level:                pulumi.String("ALL"),
			IncludeExecutionData: pulumi.Bool(false),
			LogDestination:       pulumi.Sprintf("%s:*", group.Arn),
		},
		TracingConfiguration: &sfn.StateMachineTracingConfigurationArgs{Enabled: pulumi.Bool(args.Tracing)},
		Tags:                 tags(name),
	}, child, pulumi.DependsOn([]pulumi.Resource{rolePolicy}))
	if err != nil {
		return err
	}
	f.StateMachineArn = machine.Arn
	f.StateMachineName = machine.Name
	f.RoleArn = role.Arn
	return nil
}

// uniqueWith returns list plus extra, without duplicates, in order.
func uniqueWith(list []string, extra string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, list...), extra) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
