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
		targets := func(region string, writer bool) RegionTargets {
			v := valuesOf(region)
			return RegionTargets{
				Region: region, Provider: providers[region], Writer: writer,
				AlbArnSuffix: pulumi.String(v.alb), TargetGroupArnSuffix: pulumi.String(v.tg),
				AutoScalingGroupName: pulumi.String(v.asg), MinInstances: 2,
				ClusterIdentifier: pulumi.String(v.cluster), ClusterArn: pulumi.String(v.clusterArn),
			}
		}
		args := &Args{
			AccountId: offline.AccountID,
			Primary:   targets(primary, true), Secondary: targets(secondary, false),
			EdgeProvider:   providers[EdgeRegion],
			DistributionId: pulumi.String(distributionID), WebAclName: pulumi.String(webACL), HealthCheckId: pulumi.String(healthCheckID),
			AlarmEmails:      []string{"ops@example.com", "oncall@example.com"},
			MonthlyBudgetUsd: 3000, BudgetTagKey: "Stack", BudgetTagValue: "prod",
			BackupRetentionDays: 30, BackupSchedule: "cron(0 5 * * ? *)",
			EnableAwsConfig: true, AwsConfigRecorder: true, ReplicationLagAlarmMs: 1000, Protect: true,
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

// metricCatalog is what CloudWatch publishes: namespace -> metric -> the dimension sets it carries.
var metricCatalog = map[string]map[string][][]string{
	"AWS/ApplicationELB": {
		"HTTPCode_ELB_5XX_Count":    {{"LoadBalancer"}},
		"HTTPCode_Target_5XX_Count": {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}},
		"RequestCount":              {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}},
		"TargetResponseTime":        {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}},
		"UnHealthyHostCount":        {{"LoadBalancer", "TargetGroup"}},
	},
	"AWS/AutoScaling": {"GroupInServiceInstances": {{"AutoScalingGroupName"}}},
	"AWS/RDS": {
		"CPUUtilization": {{"DBClusterIdentifier"}}, "FreeableMemory": {{"DBClusterIdentifier"}},
		"DatabaseConnections": {{"DBClusterIdentifier"}}, "AuroraGlobalDBReplicationLag": {{"DBClusterIdentifier"}},
	},
	"AWS/Route53":    {"HealthCheckStatus": {{"HealthCheckId"}}},
	"AWS/CloudFront": {"5xxErrorRate": {{"DistributionId", "Region"}}},
	"AWS/WAFV2":      {"BlockedRequests": {{"Rule", "WebACL"}}},
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
			alarms := m.OfType(typAlarm)
			require.NotEmpty(t, alarms)
			for _, a := range alarms {
				require.NotEmpty(t, metricsOf(a), a.Name)
				for _, w := range metricsOf(a) {
					sets, ok := metricCatalog[w.namespace][w.metric]
					require.True(t, ok, "%s: %s %s is not a metric CloudWatch publishes", a.Name, w.namespace, w.metric)
					assert.Contains(t, sets, keys(w.dims), "%s: dimensions of %s", a.Name, w.metric)
					expected := map[string]string{
						"LoadBalancer": valuesOf(a.Region).alb, "TargetGroup": valuesOf(a.Region).tg,
						"AutoScalingGroupName": valuesOf(a.Region).asg, "DBClusterIdentifier": valuesOf(a.Region).cluster,
						"HealthCheckId": healthCheckID, "DistributionId": distributionID, "Region": "Global",
						"WebACL": webACL, "Rule": "ALL",
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
		{"us-west-2", "replication-lag", "GreaterThanThreshold", 1000, "breaching"},
		{"us-east-1", "health-check", "LessThanThreshold", 1, "breaching"},
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

func TestReplicationLagAlarmWatchesTheNonWriterCluster(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	assert.Nil(t, m.Named(typAlarm, alarmName("us-east-1", "replication-lag")))
	lag := m.Named(typAlarm, alarmName("us-west-2", "replication-lag"))
	require.NotNil(t, lag)
	assert.Equal(t, "aurora-us-west-2", lag.Str("dimensions.DBClusterIdentifier"))

	// After a failover the writer is in the secondary: the RPO alarm moves to the other cluster.
	m, _ = run(t, "us-east-1", "us-west-2", func(a *Args) {
		a.Primary.Writer, a.Secondary.Writer = false, true
		a.ReplicationLagAlarmMs = 250
	})
	assert.Nil(t, m.Named(typAlarm, alarmName("us-west-2", "replication-lag")))
	lag = m.Named(typAlarm, alarmName("us-east-1", "replication-lag"))
	require.NotNil(t, lag)
	assert.Equal(t, 250.0, lag.Num("threshold"))
	assert.Equal(t, "us-east-1", lag.Region)
}

func TestNoInServiceAlarmWithoutAMinimum(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.Secondary.MinInstances = 0 })
	assert.NotNil(t, m.Named(typAlarm, alarmName("us-east-1", "in-service-below-min")))
	assert.Nil(t, m.Named(typAlarm, alarmName("us-west-2", "in-service-below-min")))
}

func TestCompositeRegionUnhealthyPerRegion(t *testing.T) {
	m, out := run(t, "eu-west-1", "eu-central-1", nil)
	composites := m.OfType(typComposite)
	require.Len(t, composites, 2)
	for _, region := range []string{"eu-west-1", "eu-central-1"} {
		c := m.Named(typComposite, "observability-"+region+"-region-unhealthy")
		require.NotNil(t, c, region)
		assert.Equal(t, region, c.Region)
		name := "observability-prod-" + region + "-region-unhealthy"
		assert.Equal(t, name, c.Str("alarmName"))
		want := []string{}
		for _, id := range []string{"alb-5xx-rate", "target-5xx-rate", "in-service-below-min"} {
			want = append(want, fmt.Sprintf("ALARM(%q)", fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, acct, alarmName(region, id))))
		}
		assert.Equal(t, strings.Join(want, " OR "), c.Str("alarmRule"))
		assert.Equal(t, []string{topicArn(region)}, c.Strings("alarmActions"))
		assert.Equal(t, []string{topicArn(region)}, c.Strings("okActions"))
		assert.Equal(t, name, out.unhealthyNames[region])
		assert.Equal(t, fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, acct, name), out.unhealthyArns[region])
	}
	assert.Len(t, out.unhealthyArns, 2, "the edge-only region has no composite")
}

func TestTopicsAndKeysPerRegionWithoutDuplicatingTheEdge(t *testing.T) {
	cases := []struct {
		primary, secondary string
		regions            []string
	}{
		{"us-east-1", "us-west-2", []string{"us-east-1", "us-west-2"}},
		{"us-west-2", "us-east-1", []string{"us-east-1", "us-west-2"}},
		{"eu-west-1", "eu-central-1", []string{"eu-central-1", "eu-west-1", "us-east-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.primary+"+"+tc.secondary, func(t *testing.T) {
			m, out := run(t, tc.primary, tc.secondary, nil)
			topics := m.OfType(typTopic)
			require.Len(t, topics, len(tc.regions))
			assert.Equal(t, tc.regions, keys(out.topics))
			assert.Equal(t, tc.regions, keys(out.keys))
			for _, region := range tc.regions {
				topic := m.Named(typTopic, "observability-"+region+"-alarms")
				key := m.Named(typKey, "observability-"+region+"-key")
				require.NotNil(t, topic, region)
				require.NotNil(t, key, region)
				assert.Equal(t, region, topic.Region)
				assert.Equal(t, region, key.Region)
				assert.Equal(t, topicArn(region), out.topics[region])
				assert.Equal(t, fmt.Sprintf("arn:aws:kms:%s:%s:key/key-observability-%s-key", region, acct, region), topic.Str("kmsMasterKeyId"), "encrypted with its own region's key")
				assert.Equal(t, topic.Str("kmsMasterKeyId"), out.keys[region])
				assert.True(t, key.Bool("enableKeyRotation"))
				assert.True(t, key.Protect, "prod protects the keys")

				subs := 0
				for _, s := range m.InRegion("aws:sns/topicSubscription:TopicSubscription", region) {
					assert.Equal(t, topicArn(region), s.Str("topic"))
					assert.Equal(t, "email", s.Str("protocol"))
					subs++
				}
				assert.Equal(t, 2, subs, "every address on every topic")
			}
			for _, a := range append(m.OfType(typAlarm), m.OfType(typComposite)...) {
				assert.Contains(t, tc.regions, a.Region)
			}
		})
	}
}

func TestKeyPoliciesLetThePublishersUseTheKey(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	for _, key := range m.OfType(typKey) {
		grants := map[string][]any{}
		for _, st := range key.JSON("policy")["Statement"].([]any) {
			s := st.(map[string]any)
			p := s["Principal"].(map[string]any)
			if svc, ok := p["Service"]; ok {
				grants[svc.([]any)[0].(string)] = s["Action"].([]any)
				assert.Equal(t, "Allow", s["Effect"])
			}
		}
		want := []any{"kms:GenerateDataKey*", "kms:Decrypt"}
		assert.Equal(t, map[string][]any{
			"cloudwatch.amazonaws.com": want, "backup.amazonaws.com": want, "budgets.amazonaws.com": want, "events.amazonaws.com": want,
		}, grants, key.Name)
	}
}

func TestTopicPoliciesAdmitOnlyThePublishersAndTheAccount(t *testing.T) {
	m, _ := run(t, "us-east-1", "us-west-2", nil)
	policies := m.OfType("aws:sns/topicPolicy:TopicPolicy")
	require.Len(t, policies, 2)
	for _, p := range policies {
		assert.Equal(t, topicArn(p.Region), p.Str("arn"))
		doc := p.JSON("policy")
		allowed := []string{}
		for _, st := range doc["Statement"].([]any) {
			s := st.(map[string]any)
			assert.Equal(t, []any{topicArn(p.Region)}, s["Resource"])
			if s["Effect"] != "Allow" {
				continue
			}
			pr := s["Principal"].(map[string]any)
			if svc, ok := pr["Service"]; ok {
				allowed = append(allowed, svc.([]any)[0].(string))
				cond := s["Condition"].(map[string]any)["StringEquals"].(map[string]any)
				assert.Equal(t, acct, cond["aws:SourceAccount"], "confused-deputy protection")
				assert.Equal(t, []any{"sns:Publish"}, s["Action"])
			} else {
				allowed = append(allowed, pr["AWS"].([]any)[0].(string))
			}
		}
		assert.ElementsMatch(t, []string{"arn:aws:iam::" + acct + ":root", "cloudwatch.amazonaws.com", "backup.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"}, allowed)
	}
}

func TestBackupsCopyToTheOtherRegionsVault(t *testing.T) {
	m, out := run(t, "us-east-1", "us-west-2", nil)
	vaultArn := func(region string) string {
		return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:observability-%s-vault", region, acct, region)
	}
	other := map[string]string{"us-east-1": "us-west-2", "us-west-2": "us-east-1"}
	role := m.Named("aws:iam/role:Role", "observability-backup-role")
	require.NotNil(t, role)
	trust := role.JSON("assumeRolePolicy")["Statement"].([]any)
	require.Len(t, trust, 1)
	assert.Equal(t, "backup.amazonaws.com", trust[0].(map[string]any)["Principal"].(map[string]any)["Service"].([]any)[0])
	assert.Equal(t, []any{"sts:AssumeRole"}, trust[0].(map[string]any)["Action"], "only AssumeRole")
	assert.Nil(t, trust[0].(map[string]any)["Condition"], "AWS Backup is not documented to send aws:SourceAccount when it assumes the role")
	var attached []string
	for _, a := range m.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if strings.HasPrefix(a.Name, "observability-backup-role-") {
			attached = append(attached, a.Str("policyArn"))
		}
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
		"arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
	}, attached)
	assert.Empty(t, m.Named("aws:iam/rolePolicy:RolePolicy", "observability-backup-role-inline"))

	for region, peer := range other {
		vault := m.Named("aws:backup/vault:Vault", "observability-"+region+"-vault")
		require.NotNil(t, vault)
		assert.Equal(t, region, vault.Region)
		assert.Equal(t, fmt.Sprintf("arn:aws:kms:%s:%s:key/key-observability-%s-key", region, acct, region), vault.Str("kmsKeyArn"))
		assert.True(t, vault.Protect)
		assert.Equal(t, vaultArn(region), out.vaults[region])

		plan := m.Named("aws:backup/plan:Plan", "observability-"+region+"-backup-plan")
		require.NotNil(t, plan)
		assert.Equal(t, region, plan.Region)
		require.Equal(t, 1, plan.Len("rules"))
		assert.Equal(t, "cron(0 5 * * ? *)", plan.Str("rules[0].schedule"))
		assert.Equal(t, "observability-"+region+"-vault", plan.Str("rules[0].targetVaultName"))
		assert.Equal(t, 30.0, plan.Num("rules[0].lifecycle.deleteAfter"))
		require.Equal(t, 1, plan.Len("rules[0].copyActions"))
		assert.Equal(t, vaultArn(peer), plan.Str("rules[0].copyActions[0].destinationVaultArn"), "copies land in the other region")
		assert.Equal(t, 30.0, plan.Num("rules[0].copyActions[0].lifecycle.deleteAfter"))

		sel := m.Named("aws:backup/selection:Selection", "observability-"+region+"-backup-selection")
		require.NotNil(t, sel)
		assert.Equal(t, region, sel.Region)
		assert.Equal(t, plan.ID, sel.Str("planId"))
		assert.Equal(t, "observability-"+region, sel.Str("name"))
		assert.Equal(t, "arn:aws:iam::"+acct+":role/observability-backup-role", sel.Str("iamRoleArn"))
		assert.Equal(t, []any{map[string]any{"type": "STRINGEQUALS", "key": "Backup", "value": "true"}}, sel.Plain("selectionTags"))
		for _, a := range m.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
			if strings.HasPrefix(a.Name, "observability-backup-role-") {
				assert.True(t, sel.DependsOn(a), "selection waits for %s", a.Name)
			}
		}

		notes := m.Named("aws:backup/vaultNotifications:VaultNotifications", "observability-"+region+"-vault-notifications")
		require.NotNil(t, notes)
		assert.Equal(t, topicArn(region), notes.Str("snsTopicArn"))
		assert.Equal(t, []string{"RESTORE_JOB_COMPLETED"}, notes.Strings("backupVaultEvents"))

		rule := m.Named("aws:cloudwatch/eventRule:EventRule", "observability-"+region+"-backup-failures")
		require.NotNil(t, rule)
		assert.Equal(t, region, rule.Region)
		pattern := rule.JSON("eventPattern")
		assert.Equal(t, []any{"aws.backup"}, pattern["source"])
		assert.ElementsMatch(t, []any{"Backup Job State Change", "Copy Job State Change"}, pattern["detail-type"])
		assert.Contains(t, pattern["detail"].(map[string]any)["state"], "FAILED")
		target := m.Named("aws:cloudwatch/eventTarget:EventTarget", "observability-"+region+"-backup-failures-topic")
		require.NotNil(t, target)
		assert.Equal(t, topicArn(region), target.Str("arn"))
		assert.Equal(t, region, target.Region)
	}
	// The writer's cluster is selected; the global secondary holds the same data.
	assert.Equal(t, []string{valuesOf("us-east-1").clusterArn}, m.Named("aws:backup/selection:Selection", "observability-us-east-1-backup-selection").Strings("resources"))
	assert.Empty(t, m.Named("aws:backup/selection:Selection", "observability-us-west-2-backup-selection").Strings("resources"))
}

// TestBackupNamesFitAWSLimits: AWS Backup allows 50 characters for selection, plan and vault names;
// an auto-name is the logical name plus Pulumi's 8-character suffix.
func TestBackupNamesFitAWSLimits(t *testing.T) {
	m, _ := run(t, "ap-southeast-2", "eu-central-1", nil)
	physical := func(r *offline.Resource) string {
		if r.Has("name") {
			return r.Str("name")
		}
		return r.Name + "-1234567"
	}
	for _, typ := range []string{"aws:backup/selection:Selection", "aws:backup/plan:Plan", "aws:backup/vault:Vault"} {
		rs := m.OfType(typ)
		require.Len(t, rs, 2, typ)
		for _, r := range rs {
			assert.Regexp(t, `^[A-Za-z0-9_.-]{1,50}$`, physical(r), "%s %s", typ, r.Name)
		}
	}
	for _, tc := range []struct{ name, region, want string }{
		{"observability", "ap-southeast-2", "observability-ap-southeast-2"},
		{strings.Repeat("n", 60), "eu-west-1", strings.Repeat("n", 40) + "-eu-west-1"},
	} {
		got := backupSelectionName(tc.name, tc.region)
		assert.Equal(t, tc.want, got)
		assert.LessOrEqual(t, len(got), 50)
	}
}

func TestBudgetNotifiesTheTopicAndTheEmails(t *testing.T) {
	m, out := run(t, "us-east-1", "us-west-2", nil)
	budgets := m.OfType("aws:budgets/budget:Budget")
	require.Len(t, budgets, 1)
	b := budgets[0]
	assert.Equal(t, "COST", b.Str("budgetType"))
	assert.Equal(t, "MONTHLY", b.Str("timeUnit"))
	assert.Equal(t, "3000.00", b.Str("limitAmount"))
	assert.Equal(t, "USD", b.Str("limitUnit"))
	assert.Equal(t, []any{map[string]any{"name": "TagKeyValue", "values": []any{"user:Stack$prod"}}}, b.Plain("costFilters"))
	require.Equal(t, 2, b.Len("notifications"))
	for i, want := range []struct {
		kind      string
		threshold float64
	}{{"ACTUAL", 80}, {"FORECASTED", 100}} {
		p := fmt.Sprintf("notifications[%d]", i)
		assert.Equal(t, want.kind, b.Str(p+".notificationType"))
		assert.Equal(t, want.threshold, b.Num(p+".threshold"))
		assert.Equal(t, "PERCENTAGE", b.Str(p+".thresholdType"))
		assert.Equal(t, "GREATER_THAN", b.Str(p+".comparisonOperator"))
		assert.Equal(t, []string{topicArn("us-east-1")}, b.Strings(p+".subscriberSnsTopicArns"))
		assert.Equal(t, []string{"ops@example.com", "oncall@example.com"}, b.Strings(p+".subscriberEmailAddresses"))
	}
	assert.True(t, strings.HasPrefix(out.budget, "observability-prod-"), out.budget)
	assert.True(t, b.DependsOn(m.Named("aws:sns/topicPolicy:TopicPolicy", "observability-us-east-1-alarms-policy")),
		"the budget subscribes the topic only once its policy admits budgets.amazonaws.com")
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
	assert.True(t, budget.DependsOn(m.Named("aws:sns/topicPolicy:TopicPolicy", "observability-eu-west-1-alarms-policy")))
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
	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.DistributionId, a.WebAclName, a.HealthCheckId = nil, nil, nil })
	for _, id := range []string{"health-check", "cloudfront-5xx-rate", "waf-blocked-spike"} {
		assert.Nil(t, m.Named(typAlarm, alarmName("us-east-1", id)), id)
	}
	assert.NotNil(t, m.Named(typAlarm, alarmName("us-east-1", "alb-5xx-rate")))
}

func TestDashboardLivesInThePrimaryRegionAndShowsBothRegions(t *testing.T) {
	m, out := run(t, "eu-west-1", "eu-central-1", nil)
	dash := m.Named("aws:cloudwatch/dashboard:Dashboard", "observability-dashboard")
	require.NotNil(t, dash)
	assert.Equal(t, "eu-west-1", dash.Region)
	assert.Equal(t, "observability-prod", dash.Str("dashboardName"))
	assert.Equal(t, "observability-prod", out.dashboard)
	assert.Equal(t, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/observability-prod", out.dashboardURL)
	regions := map[string]int{}
	body := dash.JSON("dashboardBody")
	for _, w := range body["widgets"].([]any) {
		p := w.(map[string]any)["properties"].(map[string]any)
		if w.(map[string]any)["type"] == "metric" {
			regions[p["region"].(string)]++
		}
	}
	assert.Equal(t, map[string]int{"eu-west-1": 6, "eu-central-1": 6, "us-east-1": 3}, regions)
	assert.Contains(t, dash.Str("dashboardBody"), valuesOf("eu-central-1").alb)

	m, _ = run(t, "eu-west-1", "eu-central-1", func(a *Args) { a.DashboardName = "ha ops" })
	assert.Equal(t, "ha-ops", m.Named("aws:cloudwatch/dashboard:Dashboard", "observability-dashboard").Str("dashboardName"))
}

func TestArgsAreValidated(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"nil args", nil, "args are required"},
		{"same regions", func(a *Args) { a.Secondary.Region = a.Primary.Region }, "primary and secondary regions must be set and differ"},
		{"two writers", func(a *Args) { a.Secondary.Writer = true }, "exactly one region must hold the writer"},
		{"no writer", func(a *Args) { a.Primary.Writer = false }, "exactly one region must hold the writer"},
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
				tgt := func(r string, w bool) RegionTargets {
					v := valuesOf(r)
					return RegionTargets{Region: r, Provider: ps[r], Writer: w, AlbArnSuffix: pulumi.String(v.alb),
						TargetGroupArnSuffix: pulumi.String(v.tg), AutoScalingGroupName: pulumi.String(v.asg),
						ClusterIdentifier: pulumi.String(v.cluster), ClusterArn: pulumi.String(v.clusterArn)}
				}
				a := &Args{AccountId: offline.AccountID, Primary: tgt("eu-west-1", true), Secondary: tgt("eu-central-1", false), EdgeProvider: ps[EdgeRegion],
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
