package offline

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

func TestCheckMetricKnowsWhatCloudWatchPublishes(t *testing.T) {
	cases := []struct {
		namespace, metric string
		dims              []string
		ok                bool
	}{
		{"AWS/RDS", "AuroraGlobalDBReplicationLag", []string{"SourceRegion", "DBClusterIdentifier"}, true},
		{"AWS/RDS", "AuroraGlobalDBRPOLag", []string{"DBClusterIdentifier", "SourceRegion"}, true},
		{"AWS/RDS", "AuroraGlobalDBReplicationLag", []string{"SourceRegion"}, true},
		{"AWS/RDS", "AuroraGlobalDBReplicationLag", []string{"DBClusterIdentifier"}, false}, // no such series
		{"AWS/RDS", "AuroraGlobalDBRPOLag", []string{"DBClusterIdentifier"}, false},
		{"AWS/RDS", "CPUUtilization", []string{"DBClusterIdentifier"}, true},
		{"AWS/ApplicationELB", "HealthyHostCount", []string{"LoadBalancer"}, false}, // target group metrics need the group
		{"AWS/ApplicationELB", "HealthyHostCount", []string{"TargetGroup", "LoadBalancer"}, true},
		{"AWS/RDS", "ReplicationLag", []string{"DBClusterIdentifier"}, false},
		{"Custom/App", "Errors", nil, false},
		{"AWS/Lambda", "Errors", []string{"FunctionName"}, true}, // the detector's heartbeat
		{"AWS/Lambda", "Errors", []string{"FunctionName", "Resource"}, true},
		{"AWS/Lambda", "Errors", []string{"FunctionArn"}, false},
	}
	for _, tc := range cases {
		err := CheckMetric(tc.namespace, tc.metric, tc.dims)
		assert.Equal(t, tc.ok, err == nil, "%s %s %v: %v", tc.namespace, tc.metric, tc.dims, err)
	}
}

// The model refuses an alarm on a metric/dimension pair it does not know, plain or in metric math,
// so a test (or `go run . plan`) fails where CloudWatch would silently match nothing.
func TestMocksRefuseAnAlarmOnAMetricThatDoesNotExist(t *testing.T) {
	alarm := func(args *cloudwatch.MetricAlarmArgs) error {
		return pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := cloudwatch.NewMetricAlarm(ctx, "lag", args)
			return err
		}, pulumi.WithMocks(Project, "test", NewMocks("test")))
	}
	base := func() *cloudwatch.MetricAlarmArgs {
		return &cloudwatch.MetricAlarmArgs{ComparisonOperator: pulumi.String("GreaterThanThreshold"), EvaluationPeriods: pulumi.Int(3),
			Namespace: pulumi.String("AWS/RDS"), MetricName: pulumi.String("AuroraGlobalDBReplicationLag"), Statistic: pulumi.String("Maximum"),
			Period: pulumi.Int(60), Threshold: pulumi.Float64(1000)}
	}
	wrong := base()
	wrong.Dimensions = pulumi.StringMap{"DBClusterIdentifier": pulumi.String("db")}
	err := alarm(wrong)
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), "AuroraGlobalDBReplicationLag")
	}
	right := base()
	right.Dimensions = pulumi.StringMap{"DBClusterIdentifier": pulumi.String("db"), "SourceRegion": pulumi.String("us-east-1")}
	assert.NoError(t, alarm(right))

	math := &cloudwatch.MetricAlarmArgs{ComparisonOperator: pulumi.String("GreaterThanThreshold"), EvaluationPeriods: pulumi.Int(3), Threshold: pulumi.Float64(5),
		MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{cloudwatch.MetricAlarmMetricQueryArgs{
			Id: pulumi.String("m"), ReturnData: pulumi.Bool(true),
			Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{Namespace: pulumi.String("AWS/ApplicationELB"), MetricName: pulumi.String("RequestCount"),
				Stat: pulumi.String("Sum"), Period: pulumi.Int(60), Dimensions: pulumi.StringMap{"LoadBalancerName": pulumi.String("x")}},
		}}}
	assert.Error(t, alarm(math), "a metric of a metric-math alarm is checked too")
}
