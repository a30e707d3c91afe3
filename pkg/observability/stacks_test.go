package observability

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// committedConfig reads a committed stack file the way the CLI does, keyed without namespace.
func committedConfig(t *testing.T, stack string, overrides map[string]string) (*stacks.Config, map[string]string) {
	t.Helper()
	raw, err := offline.StackConfig("../..", stack)
	require.NoError(t, err)
	if p, ok := overrides["primaryRegion"]; ok {
		// Move the committed pinned values (zones, images, prefix lists) along with the regions.
		raw = offlinetest.MoveRegions(raw, map[string]string{"us-east-1": p, "us-west-2": overrides["secondaryRegion"]})
	}
	for k, v := range overrides {
		raw[stacks.Namespace+":"+k] = v
	}
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			values[name] = v
		}
	}
	cfg, err := stacks.Parse(stack, values, nil)
	require.NoError(t, err)
	return cfg, raw
}

// wire builds the component from a stack's config the way main wires it (see docs/observability.md).
func wire(ctx *pulumi.Context, cfg *stacks.Config) error {
	providers := map[string]*aws.Provider{}
	for _, r := range append(cfg.Regions(), EdgeRegion) {
		if providers[r] != nil {
			continue
		}
		p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r),
			DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(cfg.DefaultTags())}})
		if err != nil {
			return err
		}
		providers[r] = p
	}
	targets := func(region string) RegionTargets {
		v := valuesOf(region)
		return RegionTargets{Region: region, Provider: providers[region],
			AlbArnSuffix: pulumi.String(v.alb), TargetGroupArnSuffix: pulumi.String(v.tg), AutoScalingGroupName: pulumi.String(v.asg),
			MinInstances: 2, ClusterIdentifier: pulumi.String(v.cluster), ClusterArn: pulumi.String(v.clusterArn)}
	}
	o := cfg.Observability
	_, err := NewObservability(ctx, "observability", &Args{
		AccountId: offline.AccountID,
		Primary:   targets(cfg.PrimaryRegion), Secondary: targets(cfg.SecondaryRegion),
		EdgeProvider:   providers[EdgeRegion],
		DistributionId: pulumi.String(distributionID), WebAclName: pulumi.String(webACL),
		HealthCheckIds:   map[string]pulumi.StringInput{"primary": pulumi.String(healthCheckID)},
		AlarmEmails:      o.AlarmEmails,
		MonthlyBudgetUsd: o.MonthlyBudgetUsd, BudgetTagKey: "Stack", BudgetTagValue: cfg.Stack,
		BackupRetentionDays: o.BackupRetentionDays, BackupSchedule: o.BackupSchedule,
		EnableAwsConfig: o.EnableAwsConfig, AwsConfigRecorder: o.AwsConfigRecorder, ReplicationLagAlarmMs: o.ReplicationLagAlarmMs,
		AccessAnalyzer: o.AccessAnalyzer, Protect: cfg.IsProd(),
	})
	return err
}

func TestCommittedStacks(t *testing.T) {
	cases := []struct {
		name, stack       string
		overrides         map[string]string
		budget            string
		recorders, topics int
		protect           bool
		regions           []string
	}{
		{"prod", "prod", nil, "2000.00", 2, 2, true, []string{"us-east-1", "us-west-2"}},
		{"staging", "staging", nil, "1000.00", 0, 2, false, []string{"us-east-1", "us-west-2"}},
		{"prod in eu", "prod", map[string]string{"primaryRegion": "eu-west-1", "secondaryRegion": "eu-central-1"}, "2000.00", 2, 3, true,
			[]string{"eu-west-1", "eu-central-1", "us-east-1"}},
		{"staging with emails", "staging", map[string]string{"observability": `{"alarmEmails":["ops@example.com"],"backupRetentionDays":7,"replicationLagAlarmMs":500}`},
			"1000.00", 0, 2, false, []string{"us-east-1", "us-west-2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := committedConfig(t, tc.stack, tc.overrides)
			m := offlinetest.MustRun(t, tc.stack, nil, func(ctx *pulumi.Context) error { return wire(ctx, cfg) })

			assert.Equal(t, tc.budget, m.OfType("aws:budgets/budget:Budget")[0].Str("limitAmount"))
			assert.Equal(t, []any{map[string]any{"name": "TagKeyValue", "values": []any{"user:Stack$" + tc.stack}}},
				m.OfType("aws:budgets/budget:Budget")[0].Plain("costFilters"))
			assert.Len(t, m.OfType("aws:cfg/recorder:Recorder"), tc.recorders)
			assert.Len(t, m.OfType(typTopic), tc.topics)
			assert.Len(t, m.OfType("aws:sns/topicSubscription:TopicSubscription"), tc.topics*len(cfg.Observability.AlarmEmails))
			for _, v := range m.OfType("aws:backup/vault:Vault") {
				assert.Equal(t, tc.protect, v.Protect, v.Name)
			}
			for _, k := range m.OfType(typKey) {
				assert.Equal(t, tc.protect, k.Protect, k.Name)
			}
			for _, p := range m.OfType("aws:backup/plan:Plan") {
				assert.Equal(t, float64(cfg.Observability.BackupRetentionDays), p.Num("rules[0].lifecycle.deleteAfter"))
				assert.Equal(t, cfg.Observability.BackupSchedule, p.Str("rules[0].schedule"))
			}
			// prod and staging share the committed account: one creates the analyzers, both page.
			analyzers := 0
			if tc.stack == "prod" {
				analyzers = len(tc.regions)
			}
			assert.Len(t, m.OfType("aws:accessanalyzer/analyzer:Analyzer"), analyzers)
			for _, region := range tc.regions {
				assert.NotNil(t, m.Named("aws:cloudwatch/eventTarget:EventTarget", "observability-"+region+"-access-findings-topic"), "%s pages its topic", region)
			}
			lag := m.Named(typAlarm, alarmName(cfg.SecondaryRegion, "replication-lag"))
			require.NotNil(t, lag)
			assert.Equal(t, float64(cfg.Observability.ReplicationLagAlarmMs), lag.Num("threshold"))
			for _, r := range m.Resources() {
				if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
					assert.Contains(t, tc.regions, r.Region, "%s %s", r.Type, r.Name)
				}
			}
		})
	}
}
