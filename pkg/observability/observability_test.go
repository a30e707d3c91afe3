package observability

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	typAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typComposite = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
	typTopic     = "aws:sns/topic:Topic"
	typKey       = "aws:kms/key:Key"
	acct         = offline.AccountID
)

// stackValues are the literal identifiers a region's other components would hand over.
type stackValues struct{ alb, tg, asg, cluster, clusterArn string }

func valuesOf(region string) stackValues {
	return stackValues{
		alb:        "app/alb-" + region + "/50dc6c495c0c9188",
		tg:         "targetgroup/tg-" + region + "/73e2d6bc24d8a067",
		asg:        "asg-" + region,
		cluster:    "aurora-" + region,
		clusterArn: fmt.Sprintf("arn:aws:rds:%s:%s:cluster:aurora-%s", region, acct, region),
	}
}

const (
	distributionID = "E2QWRUHAPOMQZL"
	webACL         = "webacl-metric"
	healthCheckID  = "abcdef01-2345-6789-abcd-ef0123456789"
)

// outputs captures the component's typed outputs once resolved.
type outputs struct {
	mu                                  sync.Mutex
	topics, keys, vaults, unhealthyArns map[string]string
	unhealthyNames                      map[string]string
	dashboard, dashboardURL, budget     string
}

// run builds the component for a region pair (primary first) under mocks. mutate adjusts Args.
func run(t *testing.T, primary, secondary string, mutate func(*Args)) (*offline.Mocks, *outputs) {
	t.Helper()
	out := &outputs{}
	var wg sync.WaitGroup
	m := offlinetest.MustRun(t, "prod", nil, func(ctx *pulumi.Context) error {
		providers := map[string]*aws.Provider{}
		for _, r := range []string{primary, secondary, EdgeRegion} {
			if providers[r] != nil {
				continue
			}
			p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r)})
			if err != nil {
				return err
			}
			providers[r] = p
		}
		targets := func(region string) RegionTargets {
			v := valuesOf(region)
			return RegionTargets{
				Region: region, Provider: providers[region],
				AlbArnSuffix: pulumi.String(v.alb), TargetGroupArnSuffix: pulumi.String(v.tg),
				AutoScalingGroupName: pulumi.String(v.asg), MinInstances: 2,
				ClusterIdentifier: pulumi.String(v.cluster), ClusterArn: pulumi.String(v.clusterArn),
			}
		}
		args := &Args{
			AccountId: offline.AccountID,
			Primary:   targets(primary), Secondary: targets(secondary),
			EdgeProvider:   providers[EdgeRegion],
			DistributionId: pulumi.String(distributionID), WebAclName: pulumi.String(webACL),
			HealthCheckIds:   map[string]pulumi.StringInput{"primary": pulumi.String(healthCheckID)},
			AlarmEmails:      []string{"ops@example.com", "oncall@example.com"},
			MonthlyBudgetUsd: 3000, BudgetTagKey: "Stack", BudgetTagValue: "prod", ActivateBudgetTag: true,
			BackupRetentionDays: 30, BackupSchedule: "cron(0 5 * * ? *)",
			EnableAwsConfig: true, AwsConfigRecorder: true, ReplicationLagAlarmMs: 1000, Protect: true,
			AccessAnalyzer: AnalyzerOff,
		}
		if mutate != nil {
			mutate(args)
		}
		o, err := NewObservability(ctx, "observability", args)
		if err != nil {
			return err
		}
		wg.Add(1)
		pulumi.All(o.TopicArns, o.KmsKeyArns, o.BackupVaultArns, o.RegionUnhealthyAlarmArns, o.RegionUnhealthyAlarmNames,
			o.DashboardName, o.DashboardUrl, o.BudgetName).ApplyT(func(v []any) error {
			out.mu.Lock()
			defer out.mu.Unlock()
			out.topics, out.keys, out.vaults = v[0].(map[string]string), v[1].(map[string]string), v[2].(map[string]string)
			out.unhealthyArns, out.unhealthyNames = v[3].(map[string]string), v[4].(map[string]string)
			out.dashboard, out.dashboardURL, out.budget = v[5].(string), v[6].(string), v[7].(string)
			wg.Done()
			return nil
		})
		return nil
	})
	wg.Wait()
	return m, out
}

func topicArn(region string) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:observability-%s-alarms", region, acct, region)
}

func alarmName(region, id string) string { return fmt.Sprintf("observability-%s-%s", region, id) }

func TestEveryChildIsParentedAndOnARegionsProvider(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	comps := m.OfType("multi-region-ha:observability:Observability")
	require.Len(t, comps, 1)
	descendants := m.Descendants(comps[0].URN)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		custom++
		assert.Contains(t, descendants, r, "%s %s is not under the component", r.Type, r.Name)
		assert.Contains(t, []string{"us-east-1", "us-west-2"}, r.Region, "%s %s", r.Type, r.Name)
	}
	assert.Greater(t, custom, 60)
}

// watched is one metric an alarm reads.
type watched struct {
	namespace, metric string
	dims              map[string]string
}

func metricsOf(r *offline.Resource) []watched {
	if r.Len("metricQueries") == 0 {
		return []watched{{r.Str("namespace"), r.Str("metricName"), stringMap(r.Plain("dimensions"))}}
	}
	var out []watched
	for i := 0; i < r.Len("metricQueries"); i++ {
		p := fmt.Sprintf("metricQueries[%d].metric", i)
		if r.Has(p) {
			out = append(out, watched{r.Str(p + ".namespace"), r.Str(p + ".metricName"), stringMap(r.Plain(p + ".dimensions"))})
		}
	}
	return out
}

func stringMap(v any) map[string]string {
	out := map[string]string{}
	if m, ok := v.(map[string]any); ok {
		for k, e := range m {
			out[k], _ = e.(string)
		}
	}
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryAlarmWatchesARealMetricOfThisStackInItsRegion checks, for every alarm, that its metric
// exists in its namespace with exactly those dimensions, that the dimension values are this stack's
// resources of the alarm's own region (or the edge's, in us-east-1), and that it acts on the topic
// of that same region.
func TestEveryAlarmWatchesARealMetricOfThisStackInItsRegion(t *testing.T) {
	for _, pair := range [][2]string{{"us-east-1", "us-west-2"}, {"eu-west-1", "eu-central-1"}} {
		t.Run(pair[0]+"+"+pair[1], func(t *testing.T) {
			m, _ := run(t, pair[0], pair[1], nil)
			peer := func(region string) string {
				if region == pair[0] {
					return pair[1]
				}
				return pair[0]
			}
			alarms := m.OfType(typAlarm)
			require.NotEmpty(t, alarms)
			for _, a := range alarms {
				require.NotEmpty(t, metricsOf(a), a.Name)
				for _, w := range metricsOf(a) {
					assert.NoError(t, offline.CheckMetric(w.namespace, w.metric, keys(w.dims)), a.Name)
					expected := map[string]string{
						"LoadBalancer": valuesOf(a.Region).alb, "TargetGroup": valuesOf(a.Region).tg,
						"AutoScalingGroupName": valuesOf(a.Region).asg, "DBClusterIdentifier": valuesOf(a.Region).cluster,
						"HealthCheckId": healthCheckID, "DistributionId": distributionID, "Region": "Global",
						"WebACL": webACL, "Rule": "ALL", "SourceRegion": peer(a.Region),
					}
					for k, v := range w.dims {
						assert.Equal(t, expected[k], v, "%s: dimension %s", a.Name, k)
					}
					if w.namespace == "AWS/Route53" || w.namespace == "AWS/CloudFront" || w.namespace == "AWS/WAFV2" {
						assert.Equal(t, EdgeRegion, a.Region, "%s: edge metrics live in us-east-1", a.Name)
					}
				}
				assert.Equal(t, []string{topicArn(a.Region)}, a.Strings("alarmActions"), a.Name)
				assert.Equal(t, []string{topicArn(a.Region)}, a.Strings("okActions"), a.Name)
				assert.Contains(t, []string{"breaching", "notBreaching", "missing", "ignore"}, a.Str("treatMissingData"), a.Name)
				assert.NotEmpty(t, a.Str("alarmDescription"), a.Name)
			}
		})
	}
}

func TestAlarmSettings(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	cases := []struct {
		region, id, comparison string
		threshold              float64
		treatMissing           string
	}{
		{"us-east-1", "alb-5xx-rate", "GreaterThanThreshold", 5, "notBreaching"},
		{"us-west-2", "target-5xx-rate", "GreaterThanThreshold", 5, "notBreaching"},
		{"us-east-1", "p99-latency", "GreaterThanThreshold", 2, "notBreaching"},
		{"us-west-2", "unhealthy-hosts", "GreaterThanThreshold", 0, "notBreaching"},
		{"us-east-1", "in-service-below-min", "LessThanThreshold", 2, "missing"},
		{"us-east-1", "db-cpu", "GreaterThanThreshold", 80, "missing"},
		{"us-west-2", "db-freeable-memory", "LessThanThreshold", 256 * 1024 * 1024, "missing"},
		{"us-east-1", "db-connections", "GreaterThanThreshold", 500, "notBreaching"},
		{"us-west-2", "replication-lag", "GreaterThanThreshold", 1000, "missing"},
		{"us-east-1", "replication-lag", "GreaterThanThreshold", 1000, "missing"},
		{"us-east-1", "health-check-primary", "LessThanThreshold", 1, "breaching"},
		{"us-east-1", "cloudfront-5xx-rate", "GreaterThanThreshold", 5, "notBreaching"},
	}
	for _, tc := range cases {
		t.Run(tc.region+"/"+tc.id, func(t *testing.T) {
			a := m.Named(typAlarm, alarmName(tc.region, tc.id))
			require.NotNil(t, a)
			assert.Equal(t, tc.region, a.Region)
			assert.Equal(t, tc.comparison, a.Str("comparisonOperator"))
			assert.Equal(t, tc.threshold, a.Num("threshold"))
			assert.Equal(t, tc.treatMissing, a.Str("treatMissingData"))
			assert.LessOrEqual(t, a.Num("datapointsToAlarm"), a.Num("evaluationPeriods"))
		})
	}
	p99 := m.Named(typAlarm, alarmName("us-east-1", "p99-latency"))
	assert.Equal(t, "p99", p99.Str("extendedStatistic"))
	assert.False(t, p99.Has("statistic"), "a percentile alarm sets extendedStatistic only")

	inService := m.Named(typAlarm, alarmName("us-east-1", "in-service-below-min"))
	assert.Equal(t, []string{topicArn("us-east-1")}, inService.Strings("insufficientDataActions"), "a silent ASG metric must be heard")

	waf := m.Named(typAlarm, alarmName("us-east-1", "waf-blocked-spike"))
	require.NotNil(t, waf)
	assert.Equal(t, "GreaterThanUpperThreshold", waf.Str("comparisonOperator"))
	assert.Equal(t, "band", waf.Str("thresholdMetricId"))
	assert.Equal(t, "ANOMALY_DETECTION_BAND(blocked, 3)", waf.Str("metricQueries[1].expression"))

	rate := m.Named(typAlarm, alarmName("us-west-2", "alb-5xx-rate"))
	assert.Equal(t, "IF((FILL(requests, 0) + FILL(elb5xx, 0)) >= 10, 100 * FILL(elb5xx, 0) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)", rate.Str("metricQueries[2].expression"))
	assert.Equal(t, "IF(FILL(requests, 0) >= 10, 100 * FILL(target5xx, 0) / FILL(requests, 0), 0)",
		m.Named(typAlarm, alarmName("us-east-1", "target-5xx-rate")).Str("metricQueries[2].expression"))
	assert.True(t, rate.Bool("metricQueries[2].returnData"))
	assert.False(t, rate.Has("namespace"), "a metric-math alarm names no top-level metric")
}

// Which cluster is the secondary changes at runtime, so both regions carry the same lag alarm, and
// it must not sit in ALARM where the metric is not published (the region that writes now).
func TestReplicationLagAlarmInBothRegionsMeansTheSameInEitherRole(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.ReplicationLagAlarmMs = 250 })
	for _, region := range []string{"us-east-1", "us-west-2"} {
		lag := m.Named(typAlarm, alarmName(region, "replication-lag"))
		require.NotNil(t, lag, region)
		assert.Equal(t, region, lag.Region)
		peer := map[string]string{"us-east-1": "us-west-2", "us-west-2": "us-east-1"}[region]
		assert.Equal(t, map[string]any{"DBClusterIdentifier": "aurora-" + region, "SourceRegion": peer}, lag.Plain("dimensions"),
			"its own cluster, replicating from the other region (Aurora publishes no series by cluster alone)")
		assert.Equal(t, 250.0, lag.Num("threshold"))
		// Issue 22 case 5: a lag that goes silent (the primary's region dark) must be heard. missing
		// turns INSUFFICIENT_DATA when all of the window is silent, which notifies; it never reaches
		// ALARM in the writer's region, where no lag is published.
		assert.Equal(t, "missing", lag.Str("treatMissingData"), "silence must not read as fine, nor as ALARM in the writer's region")
		topic := lag.Strings("alarmActions")
		assert.Equal(t, topic, lag.Strings("insufficientDataActions"), "the silence pages the region's topic")
		assert.Contains(t, lag.Str("alarmDescription"), peer+" is likely DOWN", "says which region is likely down")
		assert.LessOrEqual(t, len(lag.Str("alarmDescription")), 1024)
		composite := m.Named("aws:cloudwatch/compositeAlarm:CompositeAlarm", "observability-"+region+"-region-unhealthy")
		require.NotNil(t, composite)
		assert.Contains(t, composite.Str("alarmDescription"), peer+" is likely DOWN", "the standby's composite names the likely-down region")
		assert.LessOrEqual(t, len(composite.Str("alarmDescription")), 1024)
	}
}

// Every region carries the same regional resources: the same alarm ids, a dashboard, a vault, a
// plan and a selection of its own cluster.
func TestBothRegionsCarryTheSameRegionalResources(t *testing.T) {
	m, _ := run(t, "eu-west-1", "eu-central-1", nil)
	ids := func(region string) []string {
		var out []string
		prefix := "observability-" + region + "-"
		for _, a := range m.OfType(typAlarm) {
			if a.Region == region && strings.HasPrefix(a.Name, prefix) {
				out = append(out, strings.TrimPrefix(a.Name, prefix))
			}
		}
		sort.Strings(out)
		return out
	}
	assert.Equal(t, ids("eu-west-1"), ids("eu-central-1"))
	assert.Contains(t, ids("eu-west-1"), "replication-lag")
	for _, region := range []string{"eu-west-1", "eu-central-1"} {
		assert.NotNil(t, m.Named("aws:cloudwatch/compositeAlarm:CompositeAlarm", "observability-"+region+"-region-unhealthy"), region)
		assert.NotNil(t, m.Named("aws:cloudwatch/dashboard:Dashboard", "observability-"+region+"-dashboard"), region)
		sel := m.Named("aws:backup/selection:Selection", "observability-"+region+"-backup-selection")
		require.NotNil(t, sel, region)
		assert.Equal(t, []string{valuesOf(region).clusterArn}, sel.Strings("resources"), "%s backs up its own cluster, in any role", region)
		plan := m.Named("aws:backup/plan:Plan", "observability-"+region+"-backup-plan")
		require.NotNil(t, plan, region)
		assert.NotEmpty(t, plan.Str("rules[0].copyActions[0].destinationVaultArn"), "%s copies to the other region", region)
	}
	// Route 53 metrics exist only in us-east-1: the health-check alarms live there, not in a region pair.
	hc := m.Named(typAlarm, alarmName("us-east-1", "health-check-primary"))
	require.NotNil(t, hc)
	assert.Equal(t, "us-east-1", hc.Region)
	// The budget is global: always on the us-east-1 provider.
	assert.Equal(t, "us-east-1", only1(t, m, "aws:budgets/budget:Budget").Region)
}

// AWS Budgets ignores a user-defined tag until it is activated for cost allocation: a budget filtered
// on user:Stack reads $0 until then. The stack activates its key, keeps the activation when it is
// destroyed (the key is the account's: staging filters on it too), and can leave it to an operator
// (member accounts cannot activate; only the management account can).
func TestBudgetTagIsActivatedForCostAllocation(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	tags := m.OfType("aws:costexplorer/costAllocationTag:CostAllocationTag")
	require.Len(t, tags, 1)
	tag := tags[0]
	assert.Equal(t, "Stack", tag.Str("tagKey"), "the key the budget filters on")
	assert.Equal(t, "Active", tag.Str("status"))
	assert.True(t, tag.RetainOnDelete, "destroying one stack must not deactivate the account's tag for the others")
	assert.Equal(t, "us-east-1", tag.Region)
	budget := only1(t, m, "aws:budgets/budget:Budget")
	assert.False(t, budget.DependsOn(tag), "the budget does not wait for an activation AWS may refuse for a day")

	m, _ = run(t, "us-east-1", "us-west-2", func(a *Args) { a.ActivateBudgetTag = false })
	assert.Empty(t, m.OfType("aws:costexplorer/costAllocationTag:CostAllocationTag"))
}

// TestServicesSubscribeOnlyAfterTheTopicPolicyAdmitsThem: AWS may check a topic when a service is
// pointed at it; the policy admitting that service must exist by then.
func TestServicesSubscribeOnlyAfterTheTopicPolicyAdmitsThem(t *testing.T) {
	m, _ := run(t, "eu-west-1", "eu-central-1", nil)
	for _, region := range []string{"eu-west-1", "eu-central-1"} {
		policy := m.Named("aws:sns/topicPolicy:TopicPolicy", "observability-"+region+"-alarms-policy")
		require.NotNil(t, policy, region)
		assert.Equal(t, region, policy.Region)
		notes := m.Named("aws:backup/vaultNotifications:VaultNotifications", "observability-"+region+"-vault-notifications")
		require.NotNil(t, notes, region)
		assert.True(t, notes.DependsOn(policy), "%s vault notifications wait for the topic policy", region)
	}
	budget := only1(t, m, "aws:budgets/budget:Budget")
	assert.True(t, budget.DependsOn(m.Named("aws:sns/topicPolicy:TopicPolicy", "observability-us-east-1-alarms-policy")))
}

func only1(t *testing.T, m *offline.Mocks, typ string) *offline.Resource {
	t.Helper()
	rs := m.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

// TestMetricMathAlarmsReturnOneSeries: a metric-math alarm must return exactly one time series
// (ReturnData on one query); an anomaly-detection alarm returns its metric and its band, and
// compares the metric to the band named by thresholdMetricId. A query is either a metric or an
// expression, never both, and expressions name only queries of the same alarm.
func TestMetricMathAlarmsReturnOneSeries(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	mathAlarms := 0
	for _, a := range m.OfType(typAlarm) {
		n := a.Len("metricQueries")
		if n == 0 {
			assert.True(t, a.Has("statistic") != a.Has("extendedStatistic"), "%s: exactly one of statistic and extendedStatistic", a.Name)
			continue
		}
		mathAlarms++
		for _, top := range []string{"namespace", "metricName", "statistic", "extendedStatistic", "period", "dimensions"} {
			assert.False(t, a.Has(top), "%s: a metric-math alarm sets no top-level %s", a.Name, top)
		}
		ids := map[string]bool{}
		var returned []string
		for i := 0; i < n; i++ {
			p := fmt.Sprintf("metricQueries[%d]", i)
			id := a.Str(p + ".id")
			assert.Regexp(t, `^[a-z][a-zA-Z0-9_]*$`, id, "%s: query ids start with a lower-case letter", a.Name)
			ids[id] = true
			assert.True(t, a.Has(p+".metric") != a.Has(p+".expression"), "%s %s: a metric or an expression", a.Name, id)
			if a.Bool(p + ".returnData") {
				returned = append(returned, id)
			}
		}
		for i := 0; i < n; i++ {
			expr := a.Str(fmt.Sprintf("metricQueries[%d].expression", i))
			for _, ref := range regexpIDs.FindAllString(expr, -1) {
				if !knownMathWords[ref] {
					assert.True(t, ids[ref], "%s: %q names an unknown query %s", a.Name, expr, ref)
				}
			}
		}
		if band := a.Str("thresholdMetricId"); band != "" {
			assert.False(t, a.Has("threshold"), "%s: an anomaly alarm has no static threshold", a.Name)
			assert.Contains(t, []string{"GreaterThanUpperThreshold", "LessThanLowerThreshold", "LessThanLowerOrGreaterThanUpperThreshold"}, a.Str("comparisonOperator"), a.Name)
			assert.Len(t, returned, 2, "%s: the metric and its band", a.Name)
			assert.Contains(t, returned, band, a.Name)
		} else {
			assert.Len(t, returned, 1, "%s: exactly one query returns data", a.Name)
			assert.True(t, a.Has("threshold"), a.Name)
		}
	}
	assert.Equal(t, 5, mathAlarms, "ELB and target 5xx rates in both regions, the WAF anomaly alarm")
}

var regexpIDs = regexp.MustCompile(`\b[a-z][a-zA-Z0-9_]*\b`)

// knownMathWords are lower-case words of metric-math expressions that are not query ids.
var knownMathWords = map[string]bool{}

func TestAwsConfigWhenEnabled(t *testing.T) {
	for _, pair := range [][2]string{{"us-east-1", "us-west-2"}, {"eu-west-1", "eu-central-1"}} {
		t.Run(pair[0]+"+"+pair[1], func(t *testing.T) {
			m, _ := run(t, pair[0], pair[1], nil)
			require.Len(t, m.OfType("aws:cfg/recorder:Recorder"), 2)
			globals := 0
			for _, region := range pair {
				prefix := "observability-" + region + "-config"
				rec := m.Named("aws:cfg/recorder:Recorder", prefix+"-recorder")
				channel := m.Named("aws:cfg/deliveryChannel:DeliveryChannel", prefix+"-delivery")
				status := m.Named("aws:cfg/recorderStatus:RecorderStatus", prefix+"-recorder-status")
				bucket := m.Named("aws:s3/bucketV2:BucketV2", prefix+"-bucket")
				for _, r := range []*offline.Resource{rec, channel, status, bucket} {
					require.NotNil(t, r)
					assert.Equal(t, region, r.Region, r.Name)
				}
				assert.True(t, rec.Bool("recordingGroup.allSupported"))
				if rec.Bool("recordingGroup.includeGlobalResourceTypes") {
					globals++
				}
				assert.True(t, channel.DependsOn(rec), "a delivery channel needs a recorder")
				assert.True(t, status.DependsOn(channel), "the recorder starts after its channel exists")
				assert.True(t, status.Bool("isEnabled"))
				assert.Equal(t, prefix+"-recorder", status.Str("name"), "turns on this recorder")
				assert.Equal(t, offline.Lookup(bucket.Outputs, "bucket").StringValue(), channel.Str("s3BucketName"))
				assert.NotEmpty(t, channel.Str("s3BucketName"))
				assert.Equal(t, fmt.Sprintf("arn:aws:kms:%s:%s:key/key-observability-%s-key", region, acct, region), channel.Str("s3KmsKeyArn"))

				enc := m.Named("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", prefix+"-bucket-encryption")
				require.NotNil(t, enc)
				assert.Equal(t, "aws:kms", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
				pab := m.Named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", prefix+"-bucket-public-access")
				require.NotNil(t, pab)
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					assert.True(t, pab.Bool(k), k)
				}
				policy := m.Named("aws:s3/bucketPolicy:BucketPolicy", prefix+"-bucket-policy").JSON("policy")
				var sids []string
				for _, st := range policy["Statement"].([]any) {
					sids = append(sids, st.(map[string]any)["Sid"].(string))
				}
				assert.Equal(t, []string{"ConfigChecksBucket", "ConfigDelivers", "DenyInsecureTransport"}, sids)

				rules := map[string]string{}
				for _, r := range m.InRegion("aws:cfg/rule:Rule", region) {
					assert.Equal(t, "AWS", r.Str("source.owner"))
					assert.True(t, r.DependsOn(status), "%s evaluates only with a running recorder", r.Name)
					rules[r.Str("source.sourceIdentifier")] = r.Str("inputParameters")
				}
				want := []string{"ENCRYPTED_VOLUMES", "RDS_STORAGE_ENCRYPTED", "VPC_FLOW_LOGS_ENABLED", "INCOMING_SSH_DISABLED",
					"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ELB_DELETION_PROTECTION_ENABLED", "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"}
				if region == EdgeRegion {
					want = append(want, "CLOUDFRONT_ORIGIN_FAILOVER_ENABLED")
				}
				assert.ElementsMatch(t, want, keys(rules), region)
				assert.JSONEq(t, `{"requiredFrequencyValue":"1","requiredFrequencyUnit":"days","requiredRetentionDays":"30"}`, rules["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"])
			}
			assert.Equal(t, 1, globals, "global IAM types recorded in exactly one region")
		})
	}
}

func TestAwsConfigAbsentWhenDisabled(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.EnableAwsConfig = false })
	for _, r := range m.Resources() {
		assert.False(t, strings.HasPrefix(r.Type, "aws:cfg/"), "%s %s", r.Type, r.Name)
		assert.False(t, strings.HasPrefix(r.Type, "aws:s3/"), "%s %s", r.Type, r.Name)
	}
	assert.NotEmpty(t, m.OfType(typAlarm), "the rest is still built")
}

// Where the account already records (Control Tower, Security Hub, another stack), the stack keeps
// its rules and creates no recorder, delivery channel, bucket or recorder role of its own.
func TestAwsConfigRulesOnTheAccountsRecorder(t *testing.T) {
	with, _ := run(t, "us-east-1", "us-west-2", func(a *Args) {})
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.AwsConfigRecorder = false })
	for _, typ := range []string{"aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"} {
		assert.Len(t, with.OfType(typ), 2, typ)
		assert.Empty(t, m.OfType(typ), typ)
	}
	for _, r := range m.Resources() {
		assert.NotContains(t, r.Name, "-config-bucket", "no Config bucket")
		assert.NotContains(t, r.Name, "-config-role", "no recorder role")
	}
	rules := m.OfType("aws:cfg/rule:Rule")
	require.Len(t, rules, len(with.OfType("aws:cfg/rule:Rule")), "the same rules")
	for _, r := range rules {
		before := with.Named(r.Type, r.Name)
		require.NotNil(t, before, r.Name)
		assert.Equal(t, before.Inputs, r.Inputs, r.Name)
		assert.Equal(t, before.Region, r.Region, r.Name)
		assert.Empty(t, r.Dependencies, "%s waits for no recorder of ours", r.Name)
	}
}

func TestOptionalEdgeInputsLeaveTheirAlarmsOut(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.DistributionId, a.WebAclName, a.HealthCheckIds = nil, nil, nil })
	for _, id := range []string{"health-check-primary", "cloudfront-5xx-rate", "waf-blocked-spike"} {
		assert.Nil(t, m.Named(typAlarm, alarmName("us-east-1", id)), id)
	}
	assert.NotNil(t, m.Named(typAlarm, alarmName("us-east-1", "alb-5xx-rate")))
}

// Each application region has its own dashboard, in its region, each showing both regions and
// the edge: the survivor's dashboard is there when the other region is dark.
func TestADashboardPerRegionEachShowingBothRegions(t *testing.T) {
	m, out := run(t, "eu-west-1", "eu-central-1", nil)
	var bodies []string
	for _, region := range []string{"eu-west-1", "eu-central-1"} {
		dash := m.Named("aws:cloudwatch/dashboard:Dashboard", "observability-"+region+"-dashboard")
		require.NotNil(t, dash, region)
		assert.Equal(t, region, dash.Region)
		assert.Equal(t, "observability-prod-"+region, dash.Str("dashboardName"))
		regions := map[string]int{}
		body := dash.JSON("dashboardBody")
		for _, w := range body["widgets"].([]any) {
			p := w.(map[string]any)["properties"].(map[string]any)
			if w.(map[string]any)["type"] == "metric" {
				regions[p["region"].(string)]++
			}
		}
		assert.Equal(t, map[string]int{"eu-west-1": 6, "eu-central-1": 6, "us-east-1": 3}, regions, region)
		bodies = append(bodies, dash.Str("dashboardBody"))
	}
	assert.Equal(t, bodies[0], bodies[1], "the same body: nothing in it depends on the region it lives in or on the writer")
	assert.Equal(t, "observability-prod-eu-west-1", out.dashboard)
	assert.Equal(t, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/observability-prod-eu-west-1", out.dashboardURL)

	m, _ = run(t, "eu-west-1", "eu-central-1", func(a *Args) { a.DashboardName = "ha ops" })
	assert.Equal(t, "ha-ops-eu-central-1", m.Named("aws:cloudwatch/dashboard:Dashboard", "observability-eu-central-1-dashboard").Str("dashboardName"))
}

func TestArgsAreValidated(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"nil args", nil, "args are required"},
		{"same regions", func(a *Args) { a.Secondary.Region = a.Primary.Region }, "primary and secondary regions must be set and differ"},
		{"bad health check key", func(a *Args) { a.HealthCheckIds = map[string]pulumi.StringInput{"Primary Check": pulumi.String("x")} }, "HealthCheckIds"},
		{"missing alb", func(a *Args) { a.Secondary.AlbArnSuffix = nil }, "region eu-central-1: AlbArnSuffix"},
		{"missing cluster", func(a *Args) { a.Primary.ClusterArn = nil }, "region eu-west-1: ClusterIdentifier and ClusterArn"},
		{"no edge provider", func(a *Args) { a.EdgeProvider = nil }, "EdgeProvider (us-east-1) is required"},
		{"13-digit account", func(a *Args) { a.AccountId = "1234567890123" }, "AccountId must be the 12-digit AWS account id"},
		{"no budget", func(a *Args) { a.MonthlyBudgetUsd = 0 }, "MonthlyBudgetUsd must be positive"},
		{"no tag", func(a *Args) { a.BudgetTagValue = "" }, "BudgetTagKey and BudgetTagValue"},
		{"no retention", func(a *Args) { a.BackupRetentionDays = 0 }, "BackupRetentionDays must be at least 1"},
		{"no lag", func(a *Args) { a.ReplicationLagAlarmMs = 0 }, "ReplicationLagAlarmMs must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := offlinetest.Run(t, "prod", nil, func(ctx *pulumi.Context) error {
				if tc.mutate == nil {
					_, err := NewObservability(ctx, "observability", nil)
					return err
				}
				ps := map[string]*aws.Provider{}
				for _, r := range []string{"eu-west-1", "eu-central-1", EdgeRegion} {
					p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r)})
					if err != nil {
						return err
					}
					ps[r] = p
				}
				tgt := func(r string) RegionTargets {
					v := valuesOf(r)
					return RegionTargets{Region: r, Provider: ps[r], AlbArnSuffix: pulumi.String(v.alb),
						TargetGroupArnSuffix: pulumi.String(v.tg), AutoScalingGroupName: pulumi.String(v.asg),
						ClusterIdentifier: pulumi.String(v.cluster), ClusterArn: pulumi.String(v.clusterArn)}
				}
				a := &Args{AccountId: offline.AccountID, Primary: tgt("eu-west-1"), Secondary: tgt("eu-central-1"), EdgeProvider: ps[EdgeRegion],
					MonthlyBudgetUsd: 1, BudgetTagKey: "Stack", BudgetTagValue: "prod", BackupRetentionDays: 1,
					BackupSchedule: "cron(0 5 * * ? *)", ReplicationLagAlarmMs: 1}
				tc.mutate(a)
				_, err := NewObservability(ctx, "observability", a)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "observability observability: "+tc.want)
		})
	}
}
