package drills

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const here = "us-west-2"

const testTopic = "arn:aws:sns:us-west-2:123456789012:observability-us-west-2-alarms"

func testArgs() *Args {
	return &Args{
		Region: here, AccountId: "123456789012", Project: "multi-region-ha", Stack: "staging",
		AutoScalingGroupName:    pulumi.String("compute-us-west-2-asg"),
		VpcId:                   pulumi.String("vpc-west"),
		AvailabilityZones:       pulumi.ToStringArray([]string{"us-west-2a", "us-west-2b", "us-west-2c"}),
		AzCount:                 3,
		ClusterArn:              pulumi.String("arn:aws:rds:us-west-2:123456789012:cluster:database-us-west-2"),
		RegionUnhealthyAlarmArn: pulumi.String("arn:aws:cloudwatch:us-west-2:123456789012:alarm:observability-staging-us-west-2-region-unhealthy"),
		AlarmTopicArn:           pulumi.String(testTopic),
		InstancePercent:         25, DurationMinutes: 30, LogRetentionDays: 90,
	}
}

func runDrills(t *testing.T, name string, args *Args) (*offline.Mocks, error) {
	return offlinetest.Run(t, "staging", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+here, &aws.ProviderArgs{Region: pulumi.String(here)})
		if err != nil {
			return err
		}
		_, err = NewDrills(ctx, name, args, pulumi.Provider(p))
		return err
	})
}

func TestComponentShape(t *testing.T) {
	m, err := runDrills(t, "drills-"+here, testArgs())
	require.NoError(t, err)
	comps := m.OfType("multi-region-ha:drills:Drills")
	require.Len(t, comps, 1)
	desc := m.Descendants(comps[0].URN)
	count := 0
	for _, r := range m.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		count++
		assert.Contains(t, desc, r, "%s is under the component", r.Name)
		assert.Equal(t, here, r.Region, "%s is on the region's provider", r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "drills-"+here+"-"), "%s derives from the component name", r.Name)
	}
	// key, log group, abort alarm, 3 roles + 3 policies, instance + region + 3 AZ templates
	assert.Equal(t, 3+6+5, count)
	for i, zone := range []string{"us-west-2a", "us-west-2b", "us-west-2c"} {
		tpl := m.Named("aws:fis/experimentTemplate:ExperimentTemplate", "drills-"+here+"-az"+string(rune('1'+i)))
		require.NotNil(t, tpl)
		assert.Contains(t, tpl.Str("description"), zone)
		assert.Equal(t, zone, tpl.Str("targets[2].parameters.writerAvailabilityZoneIdentifiers"))
		assert.Equal(t, "PT30M", tpl.Str("actions[0].parameters[1].value"))
	}
	inst := m.Named("aws:fis/experimentTemplate:ExperimentTemplate", "drills-"+here+"-instance")
	require.NotNil(t, inst)
	assert.Equal(t, "PERCENT(25)", inst.Str("targets[0].selectionMode"))
	abort := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "drills-"+here+"-abort")
	require.NotNil(t, abort)
	assert.Equal(t, AbortNamespace, abort.Str("namespace"))
	assert.Equal(t, "notBreaching", abort.Str("treatMissingData"))
	assert.Equal(t, "staging", abort.Str("dimensions.Stack"))
	assert.Equal(t, []string{testTopic}, abort.Strings("alarmActions"), "a drill FIS stopped pages the region's topic")
	assert.Equal(t, []string{testTopic}, abort.Strings("okActions"), "and so does the recovery")
}

func TestTwoRunsRegisterTheSameInputs(t *testing.T) {
	a, err := runDrills(t, "drills-"+here, testArgs())
	require.NoError(t, err)
	b, err := runDrills(t, "drills-"+here, testArgs())
	require.NoError(t, err)
	for _, r := range a.OfType("aws:fis/experimentTemplate:ExperimentTemplate") {
		other := b.Named(r.Type, r.Name)
		require.NotNil(t, other)
		assert.Equal(t, r.URN, other.URN)
		assert.Equal(t, r.Inputs, other.Inputs, "%s: stable order of tags, parameters and filters", r.Name)
	}
}

func TestBadArgsFailBeforeAnyResource(t *testing.T) {
	for _, mutate := range []func(*Args){
		func(a *Args) { a.InstancePercent = 0 },
		func(a *Args) { a.DurationMinutes = 721 },
		func(a *Args) { a.AzCount = 0 },
		func(a *Args) { a.VpcId = nil },
		func(a *Args) { a.AccountId = "1234567890123" }, // 13 digits
	} {
		args := testArgs()
		mutate(args)
		_, err := runDrills(t, "drills-"+here, args)
		assert.Error(t, err)
	}
	_, err := runDrills(t, "drills-"+here, nil)
	assert.ErrorContains(t, err, "args are required")
}
