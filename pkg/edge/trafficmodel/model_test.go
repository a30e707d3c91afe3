package trafficmodel_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/trafficmodel"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// prodSettings are the committed prod stack's settings, turned into the plan by edge.Plan: the
// function NewEdge builds its health checks and records from.
func prodSettings(t *testing.T) trafficmodel.Settings {
	t.Helper()
	raw, err := offline.StackConfig("../../..", "prod")
	require.NoError(t, err)
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			values[name] = v
		}
	}
	cfg, err := stacks.Parse("prod", values, nil)
	require.NoError(t, err)
	checks, records, err := edge.Plan(&edge.Args{
		Primary:                     edge.RegionOrigin{Region: cfg.PrimaryRegion},
		Secondary:                   edge.RegionOrigin{Region: cfg.SecondaryRegion},
		HealthCheckIntervalSeconds:  cfg.Edge.HealthCheckIntervalSeconds,
		HealthCheckFailureThreshold: cfg.Edge.HealthCheckFailureThreshold,
		LivenessPath:                cfg.Compute.HealthCheckPath,
		PrimaryPath:                 compute.PrimaryPath,
	})
	require.NoError(t, err)
	c := cfg.Compute
	return trafficmodel.Settings{
		Home: cfg.PrimaryRegion, Standby: cfg.SecondaryRegion, Checks: checks, Records: records,
		Capacity:     trafficmodel.Capacity{HomeMin: c.MinSize, StandbyMin: c.StandbyMinSize, Serving: c.DesiredCapacity, Max: c.MaxSize},
		TargetHealth: trafficmodel.TargetHealth{IntervalSeconds: edgecalc.TargetHealthIntervalSeconds, UnhealthyThreshold: edgecalc.TargetUnhealthyThreshold},
	}
}

// Issue 22 case 10: the 15 s restart row holds because of the thresholds; with the old 10 s x 1
// checks, or the old 2-failure target health, the same restart moves viewers to the read-only standby.
func TestRestartMovesTrafficWithLowerThresholds(t *testing.T) {
	s := prodSettings(t)
	restart := trafficmodel.World{GlobalPrimary: s.Home, Regions: map[string]trafficmodel.Region{s.Home: {AppRestartSeconds: 15}}}
	a, err := trafficmodel.Evaluate(s, restart)
	require.NoError(t, err)
	assert.Equal(t, s.Home, a.Serves)

	oneFailure := s
	oneFailure.Checks = append([]edgecalc.HealthCheckSpec(nil), s.Checks...)
	for i := range oneFailure.Checks {
		oneFailure.Checks[i].FailureThreshold = 1
	}
	a, err = trafficmodel.Evaluate(oneFailure, restart)
	require.NoError(t, err)
	assert.Equal(t, s.Standby, a.Serves, "10 s x 1 flips on a 15 s restart")

	twoTargetFailures := s
	twoTargetFailures.TargetHealth.UnhealthyThreshold = 2
	a, err = trafficmodel.Evaluate(twoTargetFailures, restart)
	require.NoError(t, err)
	assert.Equal(t, s.Standby, a.Serves, "target health of 2 failures empties the target group: the alias turns unhealthy")

	_, err = trafficmodel.Evaluate(trafficmodel.Settings{Home: s.Home, Standby: s.Standby, Checks: s.Checks, Records: s.Records}, restart)
	assert.ErrorContains(t, err, "target health")
}

func TestScenarioTable(t *testing.T) {
	s := prodSettings(t)
	for _, sc := range trafficmodel.Scenarios(s.Home, s.Standby) {
		t.Run(sc.Name, func(t *testing.T) {
			a, err := trafficmodel.Evaluate(s, sc.World)
			require.NoError(t, err)
			assert.Equal(t, sc.Serves, a.Serves, "%s (unhealthy: %v)", sc.Why, a.Unhealthy())
			assert.Equal(t, sc.Writer, a.Writer, sc.Why)
			assert.Equal(t, sc.ViewerWritesSucceed, a.ViewerWritesSucceed, sc.Why)
			assert.Equal(t, sc.ForcedPrimary, a.ForcedPrimary, sc.Why)
			assert.Equal(t, sc.Desired(s.Capacity), a.Desired, sc.Why)
			for r, d := range a.Desired {
				assert.LessOrEqual(t, d, s.Capacity.Max, r)
			}
		})
	}
}

// The model reads the plan it is given: without the inverted standby check a stale home primary
// would keep the traffic, and the table would catch it.
func TestModelFollowsThePlanNotACopy(t *testing.T) {
	s := prodSettings(t)
	stale := trafficmodel.World{GlobalPrimary: s.Standby, Regions: map[string]trafficmodel.Region{s.Home: {Stale: true}}}
	a, err := trafficmodel.Evaluate(s, stale)
	require.NoError(t, err)
	assert.Equal(t, s.Standby, a.Serves)

	broken := s
	broken.Checks = append([]edgecalc.HealthCheckSpec(nil), s.Checks...)
	for i := range broken.Checks {
		if broken.Checks[i].Key == edgecalc.CheckKey(s.Standby, edgecalc.CheckPrimary) {
			broken.Checks[i].Inverted = false
		}
	}
	a, err = trafficmodel.Evaluate(broken, stale)
	require.NoError(t, err)
	assert.Equal(t, s.Home, a.Serves, "without the inversion the stale home primary keeps the viewers")

	// A plan Route 53 would refuse is refused by the model too.
	bad := s
	bad.Checks = append([]edgecalc.HealthCheckSpec(nil), s.Checks...)
	bad.Checks[len(bad.Checks)-1].ChildHealthThreshold = 0
	_, err = trafficmodel.Evaluate(bad, trafficmodel.World{GlobalPrimary: s.Home})
	assert.ErrorContains(t, err, "always healthy")
}

// Every check, record and capacity rule is exercised by some row: each check is unhealthy in at
// least one scenario and healthy in another.
func TestTableCoversEveryCheck(t *testing.T) {
	s := prodSettings(t)
	healthy, unhealthy := map[string]bool{}, map[string]bool{}
	for _, sc := range trafficmodel.Scenarios(s.Home, s.Standby) {
		a, err := trafficmodel.Evaluate(s, sc.World)
		require.NoError(t, err)
		for k, ok := range a.Checks {
			if ok {
				healthy[k] = true
			} else {
				unhealthy[k] = true
			}
		}
	}
	for _, c := range s.Checks {
		assert.True(t, healthy[c.Key], "%s is never healthy in the table", c.Key)
		assert.True(t, unhealthy[c.Key], "%s is never unhealthy in the table", c.Key)
	}
}

// docsTableRows reads the scenario table of docs/failover.md ("### By scenario"): scenario,
// viewers reach, writer, viewers' writes (the fifth column, what to do, is prose).
func docsTableRows(t *testing.T) [][4]string {
	t.Helper()
	raw, err := os.ReadFile("../../../docs/failover.md")
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(raw), "### By scenario")
	require.True(t, ok, "docs/failover.md has no \"### By scenario\" section")
	var rows [][4]string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Scenario") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		require.GreaterOrEqual(t, len(cells), 5, line)
		var row [4]string
		for i := range row {
			row[i] = strings.Trim(strings.TrimSpace(cells[i]), "*")
		}
		rows = append(rows, row)
	}
	return rows
}

// docs/failover.md's scenario table is the model's: one row per scenario, in order, with the
// region viewers reach, the writer and whether viewers' writes succeed as Evaluate answers them on
// prod's plan (issue 22: the docs table matches the model).
func TestDocsScenarioTableIsTheModel(t *testing.T) {
	s := prodSettings(t)
	role := func(region string) string {
		switch region {
		case s.Home:
			return "home"
		case s.Standby:
			return "standby"
		}
		return "nobody"
	}
	var want [][4]string
	for _, sc := range trafficmodel.Scenarios(s.Home, s.Standby) {
		a, err := trafficmodel.Evaluate(s, sc.World)
		require.NoError(t, err)
		writes := "fail"
		if a.ViewerWritesSucceed {
			writes = "succeed"
		}
		serves := role(a.Serves)
		if a.ForcedPrimary {
			serves += " (forced)"
		}
		want = append(want, [4]string{sc.Name, serves, role(a.Writer), writes})
	}
	assert.Equal(t, want, docsTableRows(t), "update the table under \"### By scenario\" in docs/failover.md")
}
