package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
)

// Whole-program tests of zonal shift and zonal autoshift (issue 25).

const cloudControlType = "aws:cloudcontrol/resource:Resource"

// withCompute is cfg with the compute object's keys overlaid.
func withCompute(t *testing.T, cfg map[string]string, keys map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range cfg {
		out[k] = v
	}
	compute := map[string]any{}
	if raw, ok := out["multi-region-ha:compute"]; ok {
		require.NoError(t, json.Unmarshal([]byte(raw), &compute))
	}
	for k, v := range keys {
		compute[k] = v
	}
	b, err := json.Marshal(compute)
	require.NoError(t, err)
	out["multi-region-ha:compute"] = string(b)
	return out
}

func TestEveryALBAllowsZonalShiftInEveryStack(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			albs := m.OfType("aws:lb/loadBalancer:LoadBalancer")
			require.Len(t, albs, 2)
			for _, alb := range albs {
				assert.True(t, alb.Bool("enableZonalShift"), "%s in %s", alb.Name, alb.Region)
			}
		})
	}
}

// alarmByArn finds a CloudWatch alarm (metric or composite) of the run by its ARN.
func alarmByArn(m *offline.Mocks, arn string) *offline.Resource {
	for _, typ := range []string{"aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"} {
		for _, r := range m.OfType(typ) {
			if r.Outputs["arn"].StringValue() == arn {
				return r
			}
		}
	}
	return nil
}

var alarmRuleMember = regexp.MustCompile(`ALARM\("([^"]+)"\)`)

// members are the alarms an OR-composite's rule names.
func members(t *testing.T, m *offline.Mocks, composite *offline.Resource) []*offline.Resource {
	t.Helper()
	rule := composite.Str("alarmRule")
	var out []*offline.Resource
	for i, part := range strings.Split(rule, " OR ") {
		sub := alarmRuleMember.FindStringSubmatch(part)
		require.NotNil(t, sub, "member %d of %q", i, rule)
		a := alarmByArn(m, sub[1])
		require.NotNil(t, a, "the composite %s names an alarm of this stack: %s", composite.Name, sub[1])
		out = append(out, a)
	}
	return out
}

func names(rs []*offline.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// With autoshift on (prod), each ALB has one configuration in its own region: enabled, judged by
// that region's 5xx, latency and composite alarms, blocked by a drill there or the composite, never
// starting in that region's patch window; practice-run events page that region's topic.
func TestAutoshiftConfigurationPerALBWithItsRegionsAlarmsAndPatchWindow(t *testing.T) {
	for _, tc := range programCases {
		if tc.stack != "prod" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.config(t)
			parsed := parsedConfig(t, tc.stack, cfg)
			m := offlinetest.MustRun(t, tc.stack, cfg, run)
			configs := m.OfType(cloudControlType)
			require.Len(t, configs, 2)
			for _, region := range []string{tc.primary, tc.secondary} {
				comp := m.Named("multi-region-ha:zonalshift:ZonalAutoshift", "zonal-"+region)
				require.NotNil(t, comp, region)
				for _, r := range m.Descendants(comp.URN) {
					if r.Custom {
						assert.Equal(t, region, r.Region, "%s %s is on its region's provider", r.Type, r.Name)
					}
				}
				cc := m.InRegion(cloudControlType, region)
				require.Len(t, cc, 1, region)
				assert.Equal(t, zonalspec.TypeName, cc[0].Str("typeName"))
				var doc zonalspec.Document
				require.NoError(t, json.Unmarshal([]byte(cc[0].Str("desiredState")), &doc))
				require.NoError(t, doc.Validate())

				albs := m.InRegion("aws:lb/loadBalancer:LoadBalancer", region)
				require.Len(t, albs, 1)
				assert.Equal(t, albs[0].Outputs["arn"].StringValue(), doc.ResourceIdentifier, "the configuration is this region's ALB's")
				assert.True(t, cc[0].DependsOn(albs[0]))
				assert.Equal(t, "ENABLED", doc.ZonalAutoshiftStatus)

				p := doc.PracticeRunConfiguration
				require.Len(t, p.OutcomeAlarms, 1)
				require.Len(t, p.BlockingAlarms, 1)
				outcome := alarmByArn(m, p.OutcomeAlarms[0].AlarmIdentifier)
				blocking := alarmByArn(m, p.BlockingAlarms[0].AlarmIdentifier)
				require.NotNil(t, outcome)
				require.NotNil(t, blocking)
				assert.NotEqual(t, outcome.Name, blocking.Name)
				prefix := "observability-" + region + "-"
				assert.ElementsMatch(t, []string{prefix + "alb-5xx-rate", prefix + "target-5xx-rate", prefix + "p99-latency", prefix + "region-unhealthy"},
					names(members(t, m, outcome)), "the outcome: the region's alarms that show users suffer")
				assert.ElementsMatch(t, []string{"zonal-" + region + "-drill-active", prefix + "region-unhealthy"},
					names(members(t, m, blocking)), "blocking: an active drill or the region's composite")
				for _, a := range append(members(t, m, outcome), members(t, m, blocking)...) {
					assert.Equal(t, region, a.Region, "practice-run alarms are in the ALB's region: %s", a.Name)
				}
				drill := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "zonal-"+region+"-drill-active")
				require.NotNil(t, drill)
				assert.Equal(t, zonalshift.DrillActiveMetric, drill.Str("metricName"))
				assert.Equal(t, parsed.Stack, drill.Str("dimensions.Stack"))

				want, err := zonalspec.BlockedWindows(parsed.PatchWindow(region))
				require.NoError(t, err)
				assert.Equal(t, want, p.BlockedWindows, "that region's patch window")

				rule := m.Named("aws:cloudwatch/eventRule:EventRule", "zonal-"+region+"-practice-runs")
				require.NotNil(t, rule)
				pattern := rule.JSON("eventPattern")
				assert.Equal(t, []any{"aws.arc-zonal-shift"}, pattern["source"])
				assert.Contains(t, pattern["detail-type"], "Practice Run Failed")
				assert.Contains(t, pattern["detail-type"], "Practice Run Succeeded")
				target := m.Named("aws:cloudwatch/eventTarget:EventTarget", "zonal-"+region+"-practice-runs-topic")
				require.NotNil(t, target)
				topics := m.InRegion("aws:sns/topic:Topic", region)
				require.Len(t, topics, 1)
				assert.Equal(t, topics[0].Outputs["arn"].StringValue(), target.Str("arn"), "pages the region's own topic")
			}
			// The two regions' windows differ by the home region's day.
			var windows []string
			for _, c := range configs {
				var doc zonalspec.Document
				require.NoError(t, json.Unmarshal([]byte(c.Str("desiredState")), &doc))
				windows = append(windows, doc.PracticeRunConfiguration.BlockedWindows...)
			}
			assert.Len(t, windows, 2)
			assert.NotEqual(t, windows[0], windows[1])
		})
	}
}

func TestNoAutoshiftConfigurationWhenOff(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.config(t)
			if tc.stack == "prod" {
				cfg = withCompute(t, cfg, map[string]any{"zonalAutoshift": false})
			}
			m := offlinetest.MustRun(t, tc.stack, cfg, run)
			assert.Empty(t, m.OfType(cloudControlType))
			assert.Empty(t, m.OfType("multi-region-ha:zonalshift:ZonalAutoshift"))
			for _, alb := range m.OfType("aws:lb/loadBalancer:LoadBalancer") {
				assert.True(t, alb.Bool("enableZonalShift"), "zonal shift stays allowed without autoshift")
			}
		})
	}
}

// Staging turned on without the capacity: refused before any resource, naming the keys.
func TestAutoshiftCapacityRefusalRegistersNothing(t *testing.T) {
	cfg := withCompute(t, stackConfig(t, "staging"), map[string]any{"zonalAutoshift": true})
	m, err := offlinetest.Run(t, "staging", cfg, run)
	require.Error(t, err)
	for _, key := range []string{"compute.minSize", "compute.standbyMinSize", "network.azCount 2", "compute.zonalAutoshift"} {
		assert.Contains(t, err.Error(), key)
	}
	assert.Empty(t, m.Resources(), "no half-built stack")
}

// The plan lists each region's zonal configuration, its capacity with one zone fewer and its cost.
func TestPlanReportsZonalConfigurationPerRegion(t *testing.T) {
	prod, err := plan.Build(plan.Options{Dir: ".", Stack: "prod"}, run)
	require.NoError(t, err)
	require.Len(t, prod.Zonal, 2)
	for _, z := range prod.Zonal {
		assert.True(t, z.ZonalShift, z.Region)
		assert.True(t, z.Autoshift, z.Region)
		assert.Equal(t, "zonal-"+z.Region+"-prod-practice-outcome", z.OutcomeAlarm)
		assert.Equal(t, "zonal-"+z.Region+"-prod-practice-blocking", z.BlockingAlarm)
		assert.Len(t, z.BlockedWindows, 1)
		assert.Equal(t, []int{3, 2, 1}, []int{z.AzCount, z.MinimumInstances, z.LeftAfterShift}, z.Region)
		assert.Zero(t, z.MonthlyUsd)
	}
	for _, u := range prod.Cost.Unpriced {
		assert.NotEqual(t, cloudControlType, u.Type, "the configuration is known free")
	}
	staging, err := plan.Build(plan.Options{Dir: ".", Stack: "staging"}, run)
	require.NoError(t, err)
	for _, z := range staging.Zonal {
		assert.True(t, z.ZonalShift, z.Region)
		assert.False(t, z.Autoshift, z.Region)
		assert.Empty(t, z.BlockedWindows)
		assert.Equal(t, []int{2, 1, 0}, []int{z.AzCount, z.MinimumInstances, z.LeftAfterShift}, "staging's one instance: none left, which is why autoshift is off")
	}
}
