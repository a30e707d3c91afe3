package drills

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func params() Params {
	return Params{
		Region: "us-east-1", Project: "multi-region-ha", Stack: "staging",
		AutoScalingGroupName: "compute-us-east-1-asg", VpcId: "vpc-123",
		InstancePercent: 50, Duration: 10 * time.Minute,
		RegionUnhealthyAlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:region-unhealthy",
		AbortAlarmArn:           "arn:aws:cloudwatch:us-east-1:123456789012:alarm:abort",
		LogGroupArn:             "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/fis/drills",
	}
}

func TestEveryTemplatePassesFISRules(t *testing.T) {
	for _, tpl := range []Template{InstanceTemplate(params()), AZTemplate(params(), "us-east-1a"), RegionTemplate(params())} {
		assert.NoError(t, Validate(tpl), tpl.Kind)
		assert.LessOrEqual(t, len(tpl.Description), 512, "FIS descriptions hold 512 characters")
	}
}

func TestActionCatalogueMatchesTheFISReference(t *testing.T) {
	cases := []struct{ id, key, resource string }{
		{"aws:ec2:terminate-instances", "Instances", "aws:ec2:instance"},
		{"aws:ec2:stop-instances", "Instances", "aws:ec2:instance"},
		{"aws:network:disrupt-connectivity", "Subnets", "aws:ec2:subnet"},
		{"aws:rds:failover-db-cluster", "Clusters", "aws:rds:cluster"},
	}
	require.Len(t, Actions, len(cases))
	for _, tc := range cases {
		spec, ok := Actions[tc.id]
		require.True(t, ok, tc.id)
		assert.Equal(t, tc.key, spec.TargetKey, tc.id)
		assert.Equal(t, tc.resource, spec.ResourceType, tc.id)
	}
	assert.Equal(t, []string{"all", "availability-zone", "dynamodb", "prefix-list", "s3", "s3express", "vpc"}, Actions[ActionDisruptConnectivity].Params["scope"].Values)
	assert.True(t, Actions[ActionDisruptConnectivity].Params["duration"].Required)
	assert.Empty(t, Actions[ActionTerminateInstances].Params, "terminate-instances takes no parameters")
	assert.Empty(t, Actions[ActionFailoverDBCluster].Params, "failover-db-cluster takes no parameters")
}

func TestDurations(t *testing.T) {
	good := map[string]time.Duration{"PT1M": time.Minute, "PT10M": 10 * time.Minute, "PT1H30M": 90 * time.Minute, "PT90S": 90 * time.Second, "PT12H": 12 * time.Hour}
	for s, want := range good {
		got, err := ParseDuration(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"", "PT", "10M", "P1D", "PT10m", "pt10M", "PT-1M", "PT1.5M"} {
		_, err := ParseDuration(s)
		assert.Error(t, err, s)
	}
	assert.Equal(t, "PT10M", FormatDuration(10*time.Minute))
	assert.Equal(t, "PT2H", FormatDuration(2*time.Hour))
	assert.Equal(t, "PT90M", FormatDuration(90*time.Minute))
}

func TestSelectionModes(t *testing.T) {
	for _, m := range []string{"ALL", "COUNT(1)", "COUNT(30)", "PERCENT(1)", "PERCENT(50)", "PERCENT(100)"} {
		assert.True(t, ValidSelectionMode(m), m)
	}
	for _, m := range []string{"all", "PERCENT(0)", "PERCENT(101)", "COUNT(0)", "PERCENT(50%)", "RANDOM", ""} {
		assert.False(t, ValidSelectionMode(m), m)
	}
}

func TestValidateRejectsWhatFISRefuses(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Template)
		want   string
	}{
		{"unknown action", func(t *Template) { t.Actions[0].ActionID = "aws:ec2:reboot-everything" }, "unknown action id"},
		{"wrong target key", func(t *Template) { t.Actions[0].TargetKey = "Instance" }, `takes target key "Subnets"`},
		{"wrong resource type", func(t *Template) { t.Targets[0].ResourceType = ResourceInstance }, "acts on aws:ec2:subnet"},
		{"missing duration", func(t *Template) { delete(t.Actions[0].Parameters, "duration") }, `needs parameter "duration"`},
		{"duration format", func(t *Template) { t.Actions[0].Parameters["duration"] = "10m" }, "not an ISO 8601 duration"},
		{"duration too long", func(t *Template) { t.Actions[0].Parameters["duration"] = "PT13H" }, "one minute to 12 hours"},
		{"duration too short", func(t *Template) { t.Actions[0].Parameters["duration"] = "PT30S" }, "one minute to 12 hours"},
		{"scope", func(t *Template) { t.Actions[0].Parameters["scope"] = "region" }, `scope is "region"`},
		{"unknown parameter", func(t *Template) { t.Actions[0].Parameters["percentage"] = "50" }, `takes no parameter "percentage"`},
		{"selection mode", func(t *Template) { t.Targets[0].SelectionMode = "PERCENT(150)" }, "selection mode"},
		{"filter path", func(t *Template) { t.Targets[0].Filters[0].Path = "vpcId" }, "filter path"},
		{"tags and arns", func(t *Template) { t.Targets[0].ResourceArns = []string{"arn:aws:ec2:us-east-1:1:subnet/s"} }, "not both"},
		{"no identification", func(t *Template) { t.Targets[0].ResourceTags = nil }, "needs resource tags or resource ARNs"},
		{"empty tag value", func(t *Template) { t.Targets[0].ResourceTags["Stack"] = "" }, "empty value"},
		{"no stop condition", func(t *Template) { t.StopAlarmArns = nil }, "at least one stop condition"},
		{"six stop conditions", func(t *Template) {
			for i := 0; i < 5; i++ {
				t.StopAlarmArns = append(t.StopAlarmArns, t.StopAlarmArns[0])
			}
		}, "FIS allows 5"},
		{"stop condition not an alarm", func(t *Template) { t.StopAlarmArns[0] = "arn:aws:sns:us-east-1:1:topic" }, "not a CloudWatch alarm ARN"},
		{"log group without :*", func(t *Template) { t.LogGroupArn = strings.TrimSuffix(t.LogGroupArn, ":*") }, "ending in :*"},
		{"dangling target", func(t *Template) { t.Actions[0].Target = "Nothing" }, `no target named "Nothing"`},
		{"target parameter", func(t *Template) {
			t.Targets[0].Parameters = map[string]string{"writerAvailabilityZoneIdentifiers": "a"}
		}, "takes no target parameter"},
	}
	for _, tc := range cases {
		tpl := RegionTemplate(params())
		tc.mutate(&tpl)
		err := Validate(tpl)
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
}

func TestTemplatesTargetOnlyTheStack(t *testing.T) {
	inst := InstanceTemplate(params())
	assert.Equal(t, "PERCENT(50)", inst.Targets[0].SelectionMode)
	assert.Equal(t, map[string]string{"aws:autoscaling:groupName": "compute-us-east-1-asg"}, inst.Targets[0].ResourceTags)
	assert.Equal(t, []string{params().RegionUnhealthyAlarmArn, params().AbortAlarmArn}, inst.StopAlarmArns)

	az := AZTemplate(params(), "us-east-1b")
	byName := map[string]Target{}
	for _, tg := range az.Targets {
		byName[tg.Name] = tg
	}
	assert.Equal(t, []Filter{{"Placement.AvailabilityZone", []string{"us-east-1b"}}, {"State.Name", []string{"running"}}}, byName["AppInstancesInZone"].Filters)
	assert.Equal(t, []Filter{{"VpcId", []string{"vpc-123"}}, {"AvailabilityZone", []string{"us-east-1b"}}}, byName["SubnetsInZone"].Filters)
	assert.Equal(t, map[string]string{"Project": "multi-region-ha", "Stack": "staging"}, byName["SubnetsInZone"].ResourceTags)
	assert.Equal(t, "us-east-1b", byName["WriterInZone"].Parameters["writerAvailabilityZoneIdentifiers"])
	assert.True(t, az.EmptyTargetsOK, "a writer elsewhere skips the failover, as in AWS's scenario")

	region := RegionTemplate(params())
	assert.Equal(t, "all", region.Actions[0].Parameters["scope"])
	assert.Equal(t, "PT10M", region.Actions[0].Parameters["duration"])
	assert.Equal(t, []string{params().AbortAlarmArn}, region.StopAlarmArns, "the dark region's own composite fires by design")
}
