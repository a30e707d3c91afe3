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
		AccountId:               offline.AccountID,
		Region:                  here,
		GlobalClusterIdentifier: pulumi.String("database-global"),
		TargetClusterArn:        pulumi.String(targetArn),
		PeerClusterArn:          pulumi.String(otherArn),
		Peer: &PeerArgs{
			Region: there, ClusterIdentifier: pulumi.String("database-us-east-1"), KmsKeyArn: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/db"),
			SubnetGroupName: pulumi.String("db-subnets-east"), SecurityGroupId: pulumi.String("sg-db-east"), ParameterGroupName: pulumi.String("db-params-east"),
			InstanceIdentifiers: pulumi.ToStringArray([]string{"database-us-east-1-1"}),
			Engine:              "aurora-postgresql", InstanceClass: "db.r6g.large", Port: 5432,
		},
		ClusterArns:          pulumi.StringArray{pulumi.String(otherArn), pulumi.String(targetArn)},
		AutoScalingGroupName: pulumi.String("compute-us-west-2-asg"),
		MinSize:              2, DesiredCapacity: 3, MaxSize: 6,
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
	assert.Equal(t, 9, count, "5 runbook resources + 4 relay resources, nothing that starts it")
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
	relay := m.Named("aws:lambda/function:Function", name+"-relay")
	require.NotNil(t, relay)
	assert.Equal(t, relay.Outputs["arn"].StringValue(), def.States[StSwitchover].Arguments["FunctionName"], "the switchover goes through the relay")
	assert.Equal(t, "compute-us-west-2-asg", def.States[StRaiseCapacity].Arguments["AutoScalingGroupName"])
	assert.NotContains(t, def.States[StRaiseCapacity].Arguments, "MaxSize", "the runbook never lowers a max")
	assert.Contains(t, def.States[StReadCapacity].Output, "$max([$d, 3])")
	assert.Equal(t, topicArn, def.States[StNotifySuccess].Arguments["TopicArn"])
	msg := def.States[StNotifySuccess].Arguments["Message"].(string)
	assert.Contains(t, msg, "aws rds create-db-cluster --region us-east-1 --db-cluster-identifier database-us-east-1 --global-cluster-identifier database-global",
		"the rejoin commands name the peer cluster as the program built it")
	assert.Contains(t, def.States[StDescribeFinal].Output, `"`+otherArn+`"`)
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
	assert.Len(t, m.OfType("aws:iam/role:Role"), 2, "the runbook's and the relay's")
}

// The relay makes SwitchoverGlobalCluster in the current primary's region (AWS's guide), onto this
// region's cluster only, and may do nothing else.
func TestSwitchoverRelay(t *testing.T) {
	m := mustRun(t, testArgs())
	fn := m.Named("aws:lambda/function:Function", name+"-relay")
	require.NotNil(t, fn)
	assert.Equal(t, here, fn.Region, "it runs in the runbook's region")
	assert.Equal(t, there, fn.Str("environment.variables.PRIMARY_REGION"), "and calls the other region, the current primary's when switching over into this one")
	assert.Equal(t, "database-global", fn.Str("environment.variables.GLOBAL_CLUSTER_IDENTIFIER"))
	assert.Equal(t, targetArn, fn.Str("environment.variables.TARGET_CLUSTER_ARN"))
	assert.Equal(t, relayRuntime, fn.Str("runtime"))
	group := m.Named("aws:cloudwatch/logGroup:LogGroup", name+"-relay-logs")
	require.NotNil(t, group)
	assert.Equal(t, m.Named("aws:kms/key:Key", name+"-logs-key").Outputs["arn"].StringValue(), group.Str("kmsKeyId"))
	assert.Equal(t, group.Outputs["name"].StringValue(), fn.Str("loggingConfig.logGroup"))
	assert.Contains(t, relaySource, "switchover_global_cluster(")
	assert.Contains(t, relaySource, `region_name=os.environ["PRIMARY_REGION"]`)
	assert.Contains(t, relaySource, `"mode": "standard"`, "boto3 retries throttling and transient errors")

	doc := RelayPolicy("aws", "123456789012", "database-global", []string{targetArn}, "arn:aws:logs:us-west-2:123456789012:log-group:g")
	st := statements(doc)
	require.Len(t, st, 2)
	assert.Equal(t, []string{"rds:SwitchoverGlobalCluster"}, st["SwitchOverOntoThisRegionsCluster"].Action)
	assert.Equal(t, []string{"arn:aws:rds::123456789012:global-cluster:database-global", targetArn}, st["SwitchOverOntoThisRegionsCluster"].Resource)
	assert.Equal(t, []string{"arn:aws:logs:us-west-2:123456789012:log-group:g:*"}, st["WriteOwnLogs"].Resource)

	role := m.Named("aws:iam/role:Role", name+"-relay-role")
	require.NotNil(t, role)
	assert.Contains(t, role.Str("assumeRolePolicy"), `"Service":["lambda.amazonaws.com"]`)
	assert.NotContains(t, role.Str("assumeRolePolicy"), "aws:SourceAccount", "Lambda documents no source condition for execution roles")
	runbook := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-runbook")
	assert.Contains(t, runbook.Str("policy"), fn.Outputs["arn"].StringValue(), "the runbook may invoke its relay")
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
		{"no account", func(a *Args) *Args { a.AccountId = ""; return a }, "AccountId must be the 12-digit AWS account id"},
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
