package failover

import (
	"errors"
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/encryptedlogs"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Failover is the runbook of one region: its state machine and role.
type Failover struct {
	pulumi.ResourceState

	StateMachineArn  pulumi.StringOutput `pulumi:"stateMachineArn"`
	StateMachineName pulumi.StringOutput `pulumi:"stateMachineName"`
	RoleArn          pulumi.StringOutput `pulumi:"roleArn"`
	// RelayFunctionArn is the switchover relay (only with Args.Peer).
	RelayFunctionArn pulumi.StringOutput `pulumi:"relayFunctionArn"`
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
		"relayFunctionArn": f.RelayFunctionArn,
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
	if a.Peer != nil && (a.PeerClusterArn == nil || a.Peer.Region == "" || a.Peer.Region == a.Region || a.Peer.ClusterIdentifier == nil ||
		a.Peer.KmsKeyArn == nil || a.Peer.SubnetGroupName == nil || a.Peer.SecurityGroupId == nil || a.Peer.ParameterGroupName == nil ||
		a.Peer.InstanceIdentifiers == nil) {
		errs = append(errs, errors.New("Peer needs PeerClusterArn, a Region other than Region and every cluster input"))
	}
	return errors.Join(errs...)
}

func (f *Failover) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(f)
	acct := awsenv.AccountIn(args.AccountId, args.Region)
	if err := acct.Validate(); err != nil {
		return err
	}
	tags := func(n string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(n), "Role": pulumi.String("failover-runbook")}
	}

	// The /aws/vendedlogs/ prefix keeps the CloudWatch Logs resource policy Step Functions writes small.
	key, group, err := encryptedlogs.New(ctx, name+"-logs", encryptedlogs.Args{
		Account: acct, Description: "Execution logs of the failover runbook " + name, Sid: "CloudWatchLogsEncryptsRunbookLogs",
		NamePrefix: "/aws/vendedlogs/states/" + name + "-", GroupPattern: "", RetentionDays: args.LogRetentionDays,
		Tags: tags(name + "-logs"), Protect: args.Protect,
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
	// With the other region known, the switchover is made from there (AWS's guide) by the relay.
	relayArn := pulumi.StringInput(pulumi.String(""))
	if args.Peer != nil {
		relay, err := newRelay(ctx, name, f, acct, key, clusterArns, args)
		if err != nil {
			return err
		}
		relayArn = relay.Arn
		f.RelayFunctionArn = relay.Arn
	}
	policyDoc := pulumi.All(args.GlobalClusterIdentifier, clusterArns, args.TargetClusterArn, args.AutoScalingGroupName, args.TopicArn, args.TopicKmsKeyArn, relayArn,
		orEmpty(args.TargetClusterIdentifier), orEmpty(args.DatabaseKmsKeyArn)).
		ApplyT(func(v []any) string {
			arns := uniqueWith(v[1].([]string), v[2].(string))
			return RolePolicy(PolicyParams{
				Partition: acct.Partition, AccountID: acct.ID, Region: acct.Region,
				GlobalClusterIdentifier: v[0].(string), ClusterArns: arns, AutoScalingGroupName: v[3].(string),
				TopicArn: v[4].(string), TopicKmsKeyArn: v[5].(string), Tracing: args.Tracing,
				StateMachineNamePrefix: name + "-", RelayFunctionArn: v[6].(string),
				TargetClusterIdentifier: orString(v[7].(string), clusterIDFromArn(v[2].(string))), DatabaseKmsKeyArn: v[8].(string),
			}).JSON()
		}).(pulumi.StringOutput)
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-runbook", &iam.RolePolicyArgs{Role: role.ID(), Policy: policyDoc}, child)
	if err != nil {
		return err
	}

	definition := definitionJSON(args, relayArn)
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

// definitionJSON resolves the inputs the definition embeds and renders it, refusing a definition the
// ASL validator rejects (CreateStateMachine would).
func definitionJSON(args *Args, relayArn pulumi.StringInput) pulumi.StringOutput {
	inputs := []any{args.GlobalClusterIdentifier, args.TargetClusterArn, args.AutoScalingGroupName, args.TopicArn,
		orEmpty(args.TargetClusterIdentifier), orEmpty(args.PeerClusterArn), relayArn, orEmpty(args.DatabaseKmsKeyArn)}
	if pa := args.Peer; pa != nil {
		inputs = append(inputs, pa.ClusterIdentifier, pa.KmsKeyArn, pa.SubnetGroupName, pa.SecurityGroupId, pa.ParameterGroupName, pa.InstanceIdentifiers)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		str := func(i int) string { return v[i].(string) }
		p := Params{
			Region: args.Region, GlobalClusterIdentifier: str(0), TargetClusterArn: str(1),
			AutoScalingGroupName: str(2), TopicArn: str(3), TargetClusterIdentifier: str(4), PeerClusterArn: str(5),
			SwitchoverRelayArn: str(6), DatabaseKmsKeyArn: str(7), SnapshotTags: args.SnapshotTags,
			DesiredCapacity: args.DesiredCapacity, MaxSize: args.MaxSize,
			PollSeconds: args.PollSeconds, MaxPolls: args.MaxPolls,
		}
		if pa := args.Peer; pa != nil {
			p.Rejoin = &RejoinParams{
				RunbookRegion: args.Region, Region: pa.Region, GlobalClusterIdentifier: str(0),
				ClusterIdentifier: str(8), KmsKeyArn: str(9), SubnetGroupName: str(10), SecurityGroupId: str(11),
				ParameterGroupName: str(12), InstanceIdentifiers: v[13].([]string),
				Engine: pa.Engine, InstanceClass: pa.InstanceClass, Port: pa.Port,
			}
		}
		sm := Definition(p)
		if err := sm.Validate(); err != nil {
			return "", err
		}
		return sm.JSON(), nil
	}).(pulumi.StringOutput)
}

// orString is s, or fallback when s is empty.
func orString(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// orEmpty resolves an optional input to "" when unset.
func orEmpty(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
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
