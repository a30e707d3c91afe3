package failover

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	here      = "us-west-2"
	there     = "us-east-1"
	name      = "failover-" + here
	targetArn = "arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2"
	otherArn  = "arn:aws:rds:us-east-1:123456789012:cluster:database-us-east-1"
	alarmArn  = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:observability-us-east-1-region-unhealthy"
	topicArn  = "arn:aws:sns:us-west-2:123456789012:observability-us-west-2-alerts"
	keyArn    = "arn:aws:kms:us-west-2:123456789012:key/key-topic"
)

func testArgs() *Args {
	return &Args{
		Region:                  here,
		GlobalClusterIdentifier: pulumi.String("database-global"),
		TargetClusterArn:        pulumi.String(targetArn),
		ClusterArns:             pulumi.StringArray{pulumi.String(otherArn), pulumi.String(targetArn)},
		AutoScalingGroupName:    pulumi.String("compute-us-west-2-asg"),
		MinSize:                 2, DesiredCapacity: 3, MaxSize: 6,
		TopicArn:         pulumi.String(topicArn),
		TopicKmsKeyArn:   pulumi.String(keyArn),
		LogRetentionDays: 90,
		Protect:          true,
	}
}

// run builds one Failover on an explicit us-west-2 provider.
func run(t *testing.T, args *Args) (*offline.Mocks, error) {
	t.Helper()
	return offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+here, &aws.ProviderArgs{Region: pulumi.String(here)})
		if err != nil {
			return err
		}
		_, err = NewFailover(ctx, name, args, pulumi.Provider(p))
		return err
	})
}

func mustRun(t *testing.T, args *Args) *offline.Mocks {
	t.Helper()
	m, err := run(t, args)
	require.NoError(t, err)
	return m
}

func TestChildrenParentsAndRegions(t *testing.T) {
	m := mustRun(t, testArgs())
	comps := m.OfType("multi-region-ha:failover:Failover")
	require.Len(t, comps, 1)
	assert.Equal(t, name, comps[0].Name)
	desc := m.Descendants(comps[0].URN)
	count := 0
	for _, r := range m.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		count++
		assert.Contains(t, desc, r, "%s %s is not under the component", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, name+"-") || r.Name == name, "%s derives from the component name", r.Name)
		assert.Equal(t, here, r.Region, "%s %s", r.Type, r.Name)
	}
	assert.Equal(t, 5, count, "the runbook's 5 resources, nothing that starts it")
}

func TestStateMachine(t *testing.T) {
	m := mustRun(t, testArgs())
	sm := m.Named("aws:sfn/stateMachine:StateMachine", name)
	require.NotNil(t, sm)
	assert.Equal(t, "STANDARD", sm.Str("type"))
	role := m.Named("aws:iam/role:Role", name+"-role")
	require.NotNil(t, role)
	assert.Equal(t, role.Outputs["arn"].StringValue(), sm.Str("roleArn"))
	assert.True(t, sm.DependsOn(m.Named("aws:iam/rolePolicy:RolePolicy", name+"-runbook")), "the role's policy exists before the machine is validated")

	group := m.Named("aws:cloudwatch/logGroup:LogGroup", name+"-logs")
	require.NotNil(t, group)
	assert.Equal(t, "ALL", sm.Str("loggingConfiguration.level"))
	assert.False(t, sm.Bool("loggingConfiguration.includeExecutionData"))
	assert.Equal(t, group.Outputs["arn"].StringValue()+":*", sm.Str("loggingConfiguration.logDestination"))
	assert.False(t, sm.Bool("tracingConfiguration.enabled"))

	var def StateMachine
	require.NoError(t, json.Unmarshal([]byte(sm.Str("definition")), &def))
	require.NoError(t, def.Validate())
	assert.Equal(t, targetArn, def.States[StFailover].Parameters["TargetDbClusterIdentifier"])
	assert.Equal(t, "database-global", def.States[StSwitchover].Parameters["GlobalClusterIdentifier"])
	assert.Equal(t, "compute-us-west-2-asg", def.States[StRaiseCapacity].Parameters["AutoScalingGroupName"])
	assert.EqualValues(t, 3, def.States[StRaiseCapacity].Parameters["DesiredCapacity"])
	assert.Equal(t, topicArn, def.States[StNotifySuccess].Parameters["TopicArn"])
}

func TestLogGroupEncryptedWithRotatingKey(t *testing.T) {
	m := mustRun(t, testArgs())
	group := m.Named("aws:cloudwatch/logGroup:LogGroup", name+"-logs")
	key := m.Named("aws:kms/key:Key", name+"-logs-key")
	require.NotNil(t, group)
	require.NotNil(t, key)
	assert.Equal(t, key.Outputs["arn"].StringValue(), group.Str("kmsKeyId"))
	assert.EqualValues(t, 90, group.Num("retentionInDays"))
	assert.True(t, strings.HasPrefix(group.Str("namePrefix"), "/aws/vendedlogs/states/"))
	assert.True(t, key.Bool("enableKeyRotation"))
	assert.True(t, key.Protect)
	assert.Contains(t, key.Str("policy"), "logs.us-west-2.amazonaws.com")
}

func TestRolePolicyResources(t *testing.T) {
	m := mustRun(t, testArgs())
	pol := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-runbook")
	require.NotNil(t, pol)
	doc := pol.JSON("policy")
	got := map[string][]any{}
	for _, s := range doc["Statement"].([]any) {
		st := s.(map[string]any)
		got[st["Sid"].(string)] = st["Resource"].([]any)
	}
	assert.Equal(t, []any{"arn:aws:rds::123456789012:global-cluster:database-global", otherArn, targetArn}, got["PromoteThisRegionsCluster"])
	assert.Equal(t, []any{"arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/compute-us-west-2-asg"}, got["RaiseThisRegionsCapacity"])
	assert.Equal(t, []any{topicArn}, got["Report"])
	assert.Equal(t, []any{keyArn}, got["EncryptReportForTopic"])
	assert.NotContains(t, got, "Trace")
}

// The runbook starts nothing by itself: the detector (pkg/detector) or a person starts it.
func TestRunbookHasNoTrigger(t *testing.T) {
	m := mustRun(t, testArgs())
	assert.Empty(t, m.OfType("aws:cloudwatch/eventRule:EventRule"))
	assert.Empty(t, m.OfType("aws:cloudwatch/eventTarget:EventTarget"))
	assert.Len(t, m.OfType("aws:iam/role:Role"), 1)
}

func TestTracingOptIn(t *testing.T) {
	args := testArgs()
	args.Tracing = true
	m := mustRun(t, args)
	assert.True(t, m.Named("aws:sfn/stateMachine:StateMachine", name).Bool("tracingConfiguration.enabled"))
	assert.Contains(t, m.Named("aws:iam/rolePolicy:RolePolicy", name+"-runbook").Str("policy"), "xray:PutTraceSegments")
}

func TestBadArgs(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Args) *Args
		want   string
	}{
		{"nil", func(*Args) *Args { return nil }, "args are required"},
		{"region mismatch", func(a *Args) *Args { a.Region = "eu-west-1"; return a }, "deploys to us-west-2 but Args.Region is eu-west-1"},
		{"capacity", func(a *Args) *Args { a.MinSize = 4; return a }, "MinSize <= DesiredCapacity"},
		{"missing topic", func(a *Args) *Args { a.TopicArn = nil; return a }, "TopicArn is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.mutate(testArgs()))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
