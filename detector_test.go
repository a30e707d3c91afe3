package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
)

// withDatabase sets the database object of a stack config.
func withDatabase(cfg map[string]string, database string) map[string]string {
	cfg["multi-region-ha:database"] = database
	return cfg
}

const detectorType = "multi-region-ha:detector:Detector"

// Issue 22 case 5, someone always hears: with the committed prod stack (no autoFailover set) each
// region runs a detector that pages its own region's topic with the promote, switchover and degraded
// alarms, so a dark us-east-1 home (where Route 53's metrics live) is paged from the standby; nothing
// starts a runbook (notify). Staging stays off: no detector, no probe behaviours.
func TestProdDetectorsPageByDefaultStagingIsOff(t *testing.T) {
	prod := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	require.Len(t, prod.OfType(detectorType), 2, "prod's default is notify")
	for _, region := range []string{"us-east-1", "us-west-2"} {
		topic := prod.Named("aws:sns/topic:Topic", "observability-"+region+"-alarms")
		require.NotNil(t, topic, region)
		for _, suffix := range []string{"-promote", "-switchover", "-degraded"} {
			a := prod.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "detector-"+region+suffix)
			require.NotNil(t, a, region+suffix)
			assert.Equal(t, region, a.Region)
			assert.Equal(t, []string{topic.Outputs["arn"].StringValue()}, a.Strings("alarmActions"), "pages its own region's topic")
		}
	}
	for _, target := range prod.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		assert.NotContains(t, target.Str("arn"), ":stateMachine:", "notify never starts a runbook: %s", target.Name)
	}

	m := offlinetest.MustRun(t, "staging", stackConfig(t, "staging"), run)
	assert.Empty(t, m.OfType(detectorType))
	for _, fn := range m.OfType("aws:lambda/function:Function") {
		assert.False(t, strings.HasPrefix(fn.Name, "detector-"), "no detector function: %s", fn.Name)
	}
	assert.Empty(t, m.OfType("aws:cloudfront/function:Function"), "no probe behaviours without detectors")
	machines := m.OfType("aws:sfn/stateMachine:StateMachine")
	require.Len(t, machines, 2)
	for _, target := range m.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		for _, sm := range machines {
			assert.NotEqual(t, sm.Outputs["arn"].StringValue(), target.Str("arn"), "nothing starts a runbook while autoFailover is off")
		}
	}
}

// Each region's detector is in that region, on its provider, watches the other region and may
// start only its own region's runbook; its inputs name the other region only as probe targets.
func TestEachRegionsDetectorWatchesTheOtherAndPromotesOnlyItself(t *testing.T) {
	for _, tc := range []struct {
		name, stack string
		config      func(t *testing.T) map[string]string
		regions     [2]string
	}{
		{"prod", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }, [2]string{"us-east-1", "us-west-2"}},
		{"eu regions", "prod", euConfig, [2]string{"eu-west-1", "eu-central-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, withDatabase(tc.config(t), `{"autoFailover":"auto","autoFailoverAfterMinutes":4}`), run)
			dets := m.OfType(detectorType)
			require.Len(t, dets, 2)
			dist := m.OfType("aws:cloudfront/distribution:Distribution")[0]
			for i, region := range tc.regions {
				other := tc.regions[1-i]
				name := "detector-" + region
				det := m.Named(detectorType, name)
				require.NotNil(t, det, name)
				for _, r := range m.Descendants(det.URN) {
					assert.Equal(t, region, r.Region, "%s %s", r.Type, r.Name)
					assert.Equal(t, "aws-"+region, r.ProviderName, "%s %s", r.Type, r.Name)
					if r.Type == "aws:lambda/function:Function" || r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == name+"-policy" {
						continue // checked below: their mentions of the other region are probe targets
					}
					for k := range r.Inputs {
						assert.NotContains(t, r.Str(string(k)), ":"+other+":", "%s %s.%s names a resource of %s", r.Type, r.Name, k, other)
					}
				}
				fn := m.Named("aws:lambda/function:Function", name+"-fn")
				assert.Equal(t, detector.Runtime, fn.Str("runtime"), "the runtime is pinned")
				require.True(t, fn.Prop("code").IsArchive())
				asset := fn.Prop("code").ArchiveValue().Assets[detector.ModuleFile].(*resource.Asset)
				assert.Equal(t, detector.Source, asset.Text, "the deployed code is the code the tests run")
				env := fn.Plain("environment.variables").(map[string]any)
				for k, v := range env {
					if strings.Contains(v.(string), other) {
						assert.Contains(t, []string{"WATCHED_REGION", "WATCHED_CLUSTER_ARN", "PROBE_URL"}, k, "%s names %s", k, other)
					}
				}
				assert.Equal(t, region, env["OWN_REGION"])
				assert.Equal(t, other, env["WATCHED_REGION"])
				ownCluster := m.Named("aws:rds/cluster:Cluster", "database-"+region+"-cluster")
				otherCluster := m.Named("aws:rds/cluster:Cluster", "database-"+other+"-cluster")
				assert.Equal(t, ownCluster.Outputs["arn"].StringValue(), env["OWN_CLUSTER_ARN"])
				assert.Equal(t, otherCluster.Outputs["arn"].StringValue(), env["WATCHED_CLUSTER_ARN"])
				ownMachine := m.Named("aws:sfn/stateMachine:StateMachine", "failover-"+region)
				assert.Equal(t, ownMachine.Outputs["arn"].StringValue(), env["STATE_MACHINE_ARN"])

				// The probe URL lands on a CloudFront behaviour pinned to the watched region's origin.
				url := env["PROBE_URL"].(string)
				assert.True(t, strings.HasPrefix(url, "https://"+dist.Strings("aliases")[0]+"/_probe/"+other+"/"), url)
				pinned := ""
				for j := 0; j < dist.Len("orderedCacheBehaviors"); j++ {
					b := fmt.Sprintf("orderedCacheBehaviors[%d].", j)
					if dist.Str(b+"pathPattern") == "/_probe/"+other+"/*" {
						pinned = dist.Str(b + "targetOriginId")
					}
				}
				assert.Equal(t, other, pinned)

				// Reads only in the other region.
				policy := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-policy").JSON("policy")
				for _, raw := range policy["Statement"].([]any) {
					st := raw.(map[string]any)
					for _, res := range st["Resource"].([]any) {
						if !strings.Contains(res.(string), other) {
							continue
						}
						for _, a := range st["Action"].([]any) {
							assert.Regexp(t, `^[a-z0-9]+:(Describe|List|Get)`, a, "%s on %s", a, res)
						}
					}
				}

				// auto: the start rule targets only this region's runbook; N of N is 4.
				start := m.Named("aws:cloudwatch/eventTarget:EventTarget", name+"-start")
				require.NotNil(t, start)
				assert.Equal(t, ownMachine.Outputs["arn"].StringValue(), start.Str("arn"))
				promote := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-promote")
				assert.Equal(t, 4.0, promote.Num("evaluationPeriods"))
				assert.Equal(t, 4.0, promote.Num("datapointsToAlarm"))
				topics := m.InRegion("aws:sns/topic:Topic", region)
				require.Len(t, topics, 1)
				assert.Equal(t, []string{topics[0].Outputs["arn"].StringValue()}, promote.Strings("alarmActions"), "pages its own region's topic")
			}
			// Nothing starts a runbook but a detector's rule, and each only its own region's.
			for _, target := range m.OfType("aws:cloudwatch/eventTarget:EventTarget") {
				if !strings.Contains(target.Str("arn"), ":stateMachine:") {
					continue
				}
				assert.True(t, strings.HasPrefix(target.Name, "detector-"+target.Region), target.Name)
				assert.Contains(t, target.Str("arn"), ":states:"+target.Region+":", target.Name)
			}
		})
	}
}

// F8, whole program: each region's detector pages its own region's topic when it stops running
// (heartbeat on a metric it publishes every minute, missing data breaching) or fails (Lambda Errors
// of its own function). The offline model accepts both only on pairs CloudWatch publishes.
func TestEachDetectorHasAHeartbeatThatPagesItsRegion(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", withDatabase(stackConfig(t, "prod"), `{"autoFailover":"auto"}`), run)
	for _, region := range []string{"us-east-1", "us-west-2"} {
		name := "detector-" + region
		topics := m.InRegion("aws:sns/topic:Topic", region)
		require.Len(t, topics, 1)
		topic := topics[0].Outputs["arn"].StringValue()
		hb := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-heartbeat")
		require.NotNil(t, hb, name)
		assert.Equal(t, region, hb.Region)
		assert.Equal(t, detector.Namespace, hb.Str("namespace"))
		assert.Equal(t, "SampleCount", hb.Str("statistic"))
		assert.Equal(t, "breaching", hb.Str("treatMissingData"))
		assert.Equal(t, []string{topic}, hb.Strings("alarmActions"))
		errs := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", name+"-errors")
		require.NotNil(t, errs, name)
		assert.Equal(t, region, errs.Region)
		assert.Equal(t, "AWS/Lambda", errs.Str("namespace"))
		assert.Equal(t, m.Named("aws:lambda/function:Function", name+"-fn").Outputs["name"].StringValue(), errs.Str("dimensions.FunctionName"))
		assert.Equal(t, []string{topic}, errs.Strings("alarmActions"))
	}
}

func TestNotifyPagesButNeverStartsARunbook(t *testing.T) {
	m := offlinetest.MustRun(t, "staging", withDatabase(stackConfig(t, "staging"), `{"autoFailover":"notify"}`), run)
	require.Len(t, m.OfType(detectorType), 2)
	for _, target := range m.OfType("aws:cloudwatch/eventTarget:EventTarget") {
		assert.NotContains(t, target.Str("arn"), ":stateMachine:", target.Name)
	}
	for _, a := range m.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		if strings.HasSuffix(a.Name, "-promote") {
			assert.Equal(t, 3.0, a.Num("evaluationPeriods"), "default autoFailoverAfterMinutes")
			assert.NotEmpty(t, a.Strings("alarmActions"))
		}
	}
}

// Two runs with the same config build the same detectors (URNs, regions, inputs): nothing in them
// depends on run order or on which region writes (they take no role-dependent input).
func TestDetectorsAreDeterministic(t *testing.T) {
	byName := func(m *offline.Mocks) map[string]*offline.Resource {
		out := map[string]*offline.Resource{}
		for _, d := range m.OfType(detectorType) {
			for _, r := range m.Descendants(d.URN) {
				out[r.URN] = r
			}
		}
		return out
	}
	a := byName(offlinetest.MustRun(t, "prod", withDatabase(stackConfig(t, "prod"), `{"autoFailover":"auto"}`), run))
	b := byName(offlinetest.MustRun(t, "prod", withDatabase(stackConfig(t, "prod"), `{"autoFailover":"auto"}`), run))
	require.NotEmpty(t, a)
	require.Equal(t, len(a), len(b))
	for urn, r := range a {
		other, ok := b[urn]
		require.True(t, ok, urn)
		assert.Equal(t, r.Region, other.Region, urn)
		assert.True(t, r.Inputs.DeepEquals(other.Inputs), "%s: inputs differ between two runs", urn)
	}
}

func TestAutoFailoverBooleanIsRefusedBeforeAnyResource(t *testing.T) {
	m, err := offlinetest.Run(t, "prod", withDatabase(stackConfig(t, "prod"), `{"autoFailover":true}`), run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:database.autoFailover")
	assert.Contains(t, err.Error(), "off, notify, auto")
	assert.Empty(t, m.Resources())
}

func TestWriteForwardingReachesBothClusters(t *testing.T) {
	for _, on := range []bool{false, true} {
		m := offlinetest.MustRun(t, "prod", withDatabase(stackConfig(t, "prod"), fmt.Sprintf(`{"writeForwarding":%t}`, on)), run)
		clusters := m.OfType("aws:rds/cluster:Cluster")
		require.Len(t, clusters, 2)
		for _, c := range clusters {
			assert.Equal(t, on, c.Bool("enableGlobalWriteForwarding"), c.Name)
		}
	}
}

// planWith builds the plan of the prod stack with database set to database, in a copy of the project.
func planWith(t *testing.T, database string) *plan.Report {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.prod.yaml"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if f == "Pulumi.prod.yaml" && database != "" {
			b = append(b, []byte("  multi-region-ha:database:\n"+database)...)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	r, err := plan.Build(plan.Options{Dir: dir, Stack: "prod"}, run)
	require.NoError(t, err)
	return r
}

// The plan puts detection into the database budget: RTO = detection + promotion, per stack, and
// prices the detectors.
func TestPlanBudgetsDetectionAndPricesTheDetectors(t *testing.T) {
	offPlan := planWith(t, "    autoFailover: off\n")
	off := offPlan.Failover.Database
	assert.Equal(t, "off", off.AutoFailover)
	assert.Equal(t, "2.5 min after a person starts the runbook (autoFailover off: no detector pages)", offPlan.Failover.Writes.Summary)
	assert.True(t, offPlan.Failover.Writes.AfterPerson)
	assert.Equal(t, 0, off.DetectionSeconds)
	assert.Equal(t, plan.PromotionSeconds, off.RTOSeconds)
	assert.Zero(t, off.ProbeMonthlyUsd)
	assert.False(t, off.WriteForwarding)
	assert.Contains(t, off.StandbyWrites, "read-only")

	autoPlan := planWith(t, "    autoFailover: auto\n    autoFailoverAfterMinutes: 5\n    writeForwarding: true\n")
	auto := autoPlan.Failover.Database
	// Writes in auto: (N+1) min + promotion typically; at most FreshSeconds + the stall threshold (a
	// lag metric gone silent) + (N+1) min + promotion.
	w := autoPlan.Failover.Writes
	assert.False(t, w.AfterPerson)
	assert.Equal(t, 6*60+plan.PromotionSeconds, w.TypicalSeconds)
	assert.Equal(t, 120+30+6*60+plan.PromotionSeconds, w.BoundSeconds)
	assert.Equal(t, "8.5 min (at most 11 min: detection, the silent-metric case included, + 2.5 min promotion)", w.Summary)
	assert.Equal(t, "auto", auto.AutoFailover)
	assert.Equal(t, 6*60, auto.DetectionSeconds, "5 one-minute datapoints + up to a minute of schedule and evaluation")
	assert.Equal(t, 6*60+plan.PromotionSeconds, auto.RTOSeconds)
	assert.True(t, auto.WriteForwarding)
	assert.Contains(t, auto.StandbyWrites, "forwards writes")
	// Two detectors: Lambda, 10 custom metrics, API calls, probe requests, 5 alarms and a log key each.
	assert.Greater(t, auto.ProbeMonthlyUsd, 5.0)
	assert.Less(t, auto.ProbeMonthlyUsd, 20.0)

	notify := planWith(t, "    autoFailover: notify\n").Failover.Database
	assert.Equal(t, "notify", notify.AutoFailover)
	assert.Equal(t, 4*60, notify.DetectionSeconds)
	assert.Contains(t, notify.Detection, "a person then starts the runbook")
}
