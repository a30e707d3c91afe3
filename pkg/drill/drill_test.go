package drill

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	planreport "github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

const s = time.Second

// stagingBudget is the committed staging stack's traffic budget, from the edge's own calculation.
func stagingBudget(t *testing.T) Budget {
	cfg, err := liveops.LoadConfig("../..", "staging")
	require.NoError(t, err)
	return BudgetOf(cfg)
}

func drive(t *testing.T, w *world, args ...string) (int, *Report, string) {
	t.Helper()
	t.Cleanup(w.server.Close)
	deps := &Deps{
		Outputs: w.outputs(), Clients: w, HTTP: w.server.Client(), Clock: w.clock,
		Config: func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) },
	}
	var out, errOut bytes.Buffer
	code := runMain(append(args, "--format", "json", "--poll", "5s", "--timeout", "30m"), &out, &errOut, deps)
	if out.Len() == 0 {
		return code, nil, errOut.String()
	}
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	return code, &r, errOut.String()
}

func between(from, to time.Duration, in, out int) func(time.Duration) int {
	return func(t time.Duration) int {
		if t >= from && t < to {
			return in
		}
		return out
	}
}

func endsAt(end time.Duration, final fistypes.ExperimentStatus, reason string) func(time.Duration) (fistypes.ExperimentStatus, string) {
	return func(t time.Duration) (fistypes.ExperimentStatus, string) {
		if t < end {
			return fistypes.ExperimentStatusRunning, "Experiment is running."
		}
		return final, reason
	}
}

func east(time.Duration) string { return "us-east-1" }

func TestBudgetIsTheEdgesOwnCalculation(t *testing.T) {
	b := stagingBudget(t)
	cfg, err := liveops.LoadConfig("../..", "staging")
	require.NoError(t, err)
	assert.Equal(t, cfg.Edge.FailoverBudget().Bound.Total, b.Traffic, "a drill holds the bound, not the typical figure")
	assert.Equal(t, 194*time.Second, b.Traffic, "staging: 30 s x 3 + the checkers' 4 s connect timeout detection + 30 s evaluation + 60 s TTL + 1 attempt x max(5 s connect, 10 s read) in flight")
	assert.Equal(t, SwitchoverAllowance, b.Database)
	assert.Equal(t, time.Duration(planreport.PromotionSeconds)*time.Second, b.Database, "the plan's promotion budget, not a copy")
	assert.Equal(t, 150*time.Second, b.Database)
}

func TestInstanceDrillThatMeetsItsBudget(t *testing.T) {
	w := newWorld(script{
		viewer: func(t time.Duration) (int, string) {
			if t >= 10*s && t < 40*s {
				return 502, ""
			}
			return 200, "us-east-1"
		},
		experiment: endsAt(60*s, fistypes.ExperimentStatusCompleted, "Experiment completed."),
		writer:     east,
		targets:    func(t time.Duration) int { return between(5*s, 90*s, 1, 2)(t) },
	})
	code, r, stderr := drive(t, w, "instance", "--stack", "staging")
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitPassed, code, r.Failures)
	assert.True(t, r.Passed)
	assert.Equal(t, "us-east-1", r.Region, "the writer region by default")
	assert.Equal(t, "EXTinst1", r.TemplateID)
	assert.Equal(t, "completed", r.ExperimentState)
	assert.Equal(t, 40.0, r.Traffic.MeasuredSeconds, "first answer after the outage, from the fault")
	assert.Equal(t, stagingBudget(t).Traffic.Seconds(), r.Traffic.BudgetSeconds)
	assert.True(t, r.Traffic.WithinBudget)
	assert.Nil(t, r.Database, "an instance drill does not move the database")
	whats := timeline(r)
	assert.Contains(t, whats, "fault began: experiment EXP123 started from template EXTinst1 in us-east-1")
	assert.Contains(t, whats, "viewers failing: HTTP 502")
	assert.Contains(t, whats, "viewers served again: HTTP 200 from us-east-1")
	assert.Contains(t, whats, "load balancer in us-east-1: 1 of 2 targets healthy (was 2 of 2 targets healthy)")
	assert.Contains(t, whats, "experiment ended: completed (Experiment completed.)")
	assert.Contains(t, stderr, "drill: ", "progress is printed while it waits")
	assert.Equal(t, []string{"fis:StartExperiment us-east-1 EXTinst1"}, w.calls)
}

func TestRegionDrillThatExceedsItsTrafficBudget(t *testing.T) {
	w := newWorld(script{
		viewer: func(t time.Duration) (int, string) {
			switch {
			case t < 5*s:
				return 200, "us-east-1"
			case t < 400*s:
				return 504, ""
			}
			return 200, "us-west-2"
		},
		experiment: endsAt(600*s, fistypes.ExperimentStatusCompleted, "Experiment completed."),
		writer: func(t time.Duration) string {
			if t < 90*s {
				return "us-east-1"
			}
			return "us-west-2"
		},
		healthy: func(t time.Duration) bool { return t < 60*s },
		runbook: func(t time.Duration) sfntypes.ExecutionStatus {
			if t < 100*s {
				return sfntypes.ExecutionStatusRunning
			}
			return sfntypes.ExecutionStatusSucceeded
		},
		detector: func(t time.Duration) cwtypes.StateValue {
			if t < 180*s {
				return cwtypes.StateValueOk
			}
			return cwtypes.StateValueAlarm
		},
		lagMs: 420,
	})
	code, r, stderr := drive(t, w, "region", "--stack", "staging")
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitFailed, code)
	assert.False(t, r.Passed)
	assert.Equal(t, 400.0, r.Traffic.MeasuredSeconds)
	assert.False(t, r.Traffic.WithinBudget)
	require.NotNil(t, r.Database)
	assert.Equal(t, 90.0, r.Database.MeasuredSeconds)
	assert.True(t, r.Database.WithinBudget, "a switchover inside the allowance")
	require.NotNil(t, r.Page)
	assert.True(t, r.Page.Checked)
	assert.True(t, r.Page.Paged)
	require.NotNil(t, r.ReplicationLagMs)
	assert.Equal(t, 420.0, *r.ReplicationLagMs)
	assert.Contains(t, r.Failures, "traffic recovery 400 s exceeds the budget of 194 s")
	whats := timeline(r)
	assert.Contains(t, whats, "runbook started in us-west-2 (switchover): arn:aws:states:us-west-2:123456789012:execution:runbook:drill")
	assert.Contains(t, whats, "Route 53 sees the PRIMARY record's health check hc-primary unhealthy")
	assert.Contains(t, whats, "writer moved: us-west-2 now hosts the global cluster's primary (was us-east-1)")
	assert.Contains(t, whats, "detector paged: detector-us-west-2 in us-west-2 is in ALARM")
	assert.Contains(t, whats, "viewers served again: HTTP 200 from us-west-2")
	assert.Contains(t, whats, "viewers now served by us-west-2 (was us-east-1)")
	assert.Equal(t, []string{`{"mode":"switchover"}`}, w.inputs, "the drill moves the database planned, RPO 0")
	assert.Equal(t, "fis:StartExperiment us-east-1 EXTreg1", w.calls[0])
	assert.Equal(t, "sfn:StartExecution us-west-2 arn:aws:states:us-west-2:123456789012:stateMachine:failover-us-west-2", w.calls[1], "the surviving region's runbook")
}

func TestRegionDrillFailsWhenTheDetectorDoesNotPage(t *testing.T) {
	w := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-west-2" },
		experiment: endsAt(120*s, fistypes.ExperimentStatusCompleted, "done"),
		writer:     func(t time.Duration) string { return map[bool]string{true: "us-east-1", false: "us-west-2"}[t < 60*s] },
	})
	code, r, _ := drive(t, w, "region", "--stack", "staging")
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, r.Failures, "the detector detector-us-west-2 did not page")
}

func TestExperimentStoppedByItsStopCondition(t *testing.T) {
	w := newWorld(script{
		viewer:     func(t time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(60*s, fistypes.ExperimentStatusStopped, "Experiment stopped by stop condition arn:aws:cloudwatch:us-east-1:123456789012:alarm:observability-staging-us-east-1-region-unhealthy"),
		writer:     east,
	})
	code, r, _ := drive(t, w, "az", "--stack", "staging", "--az", "us-east-1b")
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	assert.True(t, r.StoppedByStopCondition)
	assert.Equal(t, "us-east-1b", r.Zone)
	assert.Equal(t, "EXTaz1b", r.TemplateID)
	assert.Equal(t, "stopped", r.ExperimentState)
	assert.False(t, w.stopped, "FIS stopped it, not the drill")
	require.Len(t, r.Failures, 1)
	assert.Contains(t, r.Failures[0], "a stop condition stopped the experiment")
}

func TestAZDrillMeasuresTheWriterFailingOverOutOfTheZone(t *testing.T) {
	w := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(600*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
		instance: func(t time.Duration) string {
			if t < 25*s {
				return "database-us-east-1-1"
			}
			return "database-us-east-1-2"
		},
	})
	code, r, _ := drive(t, w, "az", "--stack", "staging", "--az", "us-east-1a")
	require.NotNil(t, r)
	assert.Equal(t, ExitPassed, code, r.Failures)
	require.NotNil(t, r.Database)
	assert.Equal(t, 25.0, r.Database.MeasuredSeconds)
	assert.Equal(t, InRegionFailoverAllowance.Seconds(), r.Database.BudgetSeconds)
	assert.True(t, r.Database.WithinBudget)
	assert.Contains(t, timeline(r), "writer failed over in us-east-1: database-us-east-1-2 now writes (was database-us-east-1-1)")

	slow := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(600*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
		instance:   func(t time.Duration) string { return map[bool]string{true: "a", false: "b"}[t < 200*s] },
	})
	code, r, _ = drive(t, slow, "az", "--stack", "staging")
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, r.Failures, "database recovery 200 s exceeds the budget of 60 s")
}

func TestAZDrillDefaultsToTheFirstZone(t *testing.T) {
	w := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(30*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	})
	code, r, _ := drive(t, w, "az", "--stack", "staging")
	require.NotNil(t, r)
	assert.Equal(t, ExitPassed, code, r.Failures)
	assert.Equal(t, "us-east-1a", r.Zone)
	assert.Equal(t, "viewers were served throughout", r.Traffic.Note)
	require.NotNil(t, r.Database)
	assert.True(t, r.Database.WithinBudget, "a writer outside the zone does not fail over, and that is no failure")
	assert.Contains(t, r.Database.Note, "did not fail over")
}

func TestDrillTimesOutAndStopsTheExperiment(t *testing.T) {
	w := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 503, "" },
		experiment: endsAt(24*time.Hour, fistypes.ExperimentStatusCompleted, ""),
		writer:     east,
	})
	code, r, _ := drive(t, w, "instance", "--stack", "staging", "--region", "us-west-2")
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	assert.Equal(t, "timeout", r.ExperimentState)
	assert.True(t, w.stopped, "a drill that gives up restores the fault")
	assert.Contains(t, r.Failures, "timed out after 30m0s")
	assert.Equal(t, "us-west-2", r.Region)
}

func TestAWSErrors(t *testing.T) {
	t.Run("start fails", func(t *testing.T) {
		w := newWorld(script{writer: east, startErr: errors.New("AccessDeniedException: not authorized to perform fis:StartExperiment")})
		code, r, stderr := drive(t, w, "instance", "--stack", "staging")
		assert.Equal(t, ExitUsage, code)
		assert.Nil(t, r)
		assert.Contains(t, stderr, "start experiment from template EXTinst1 in us-east-1: AccessDeniedException")
	})
	t.Run("an observation fails", func(t *testing.T) {
		w := newWorld(script{
			viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
			experiment: endsAt(20*s, fistypes.ExperimentStatusCompleted, "ok"),
			writer:     east,
			healthErr:  errors.New("ThrottlingException: Rate exceeded"),
		})
		code, r, _ := drive(t, w, "instance", "--stack", "staging")
		require.NotNil(t, r)
		assert.Equal(t, ExitPassed, code, "one unavailable source does not fail the drill")
		assert.Contains(t, timeline(r), "Route 53 health unavailable: health check hc-primary: ThrottlingException: Rate exceeded")
	})
	t.Run("failed experiment", func(t *testing.T) {
		w := newWorld(script{
			viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
			experiment: endsAt(10*s, fistypes.ExperimentStatusFailed, "Target resolution failed"),
			writer:     east,
		})
		code, r, _ := drive(t, w, "instance", "--stack", "staging")
		require.NotNil(t, r)
		assert.Equal(t, ExitFailed, code)
		assert.Contains(t, r.Failures, "the experiment failed: Target resolution failed")
	})
}

func TestRefusals(t *testing.T) {
	w := newWorld(script{writer: east})
	code, _, stderr := drive(t, w, "instance", "--stack", "prod")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "stack prod is prod")
	assert.Contains(t, stderr, "--yes-prod")
	assert.Empty(t, w.calls, "nothing starts")

	for _, args := range [][]string{{"--stack", "staging"}, {"meteor", "--stack", "staging"}, {"instance"}, {"instance", "--stack", "staging", "--format", "yaml"}} {
		w := newWorld(script{writer: east})
		var out, errOut bytes.Buffer
		code := runMain(args, &out, &errOut, &Deps{Outputs: w.outputs(), Clients: w, Clock: w.clock})
		assert.Equal(t, ExitUsage, code, args)
		w.server.Close()
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitPassed, Main([]string{"--help"}, &out, &errOut))
	assert.Contains(t, out.String(), "usage: go run . drill <instance|az|region>")
}

func TestRenderFormats(t *testing.T) {
	w := newWorld(script{
		viewer: func(t time.Duration) (int, string) {
			return map[bool]int{true: 502, false: 200}[t > 0 && t < 20*s], "us-east-1"
		},
		experiment: endsAt(30*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	})
	_, r, _ := drive(t, w, "instance", "--stack", "staging")
	require.NotNil(t, r)
	var text, md bytes.Buffer
	require.NoError(t, Render(&text, r, "text"))
	require.NoError(t, Render(&md, r, "markdown"))
	assert.Contains(t, text.String(), "instance drill of stack staging in us-east-1: PASS")
	assert.Contains(t, text.String(), "traffic recovery: 20 s measured, budget 194 s (within budget)")
	assert.Contains(t, md.String(), "| traffic | 20 | 194 | true |")
	assert.Contains(t, md.String(), "| s after fault | time (UTC) | event |")
	assert.Error(t, Render(&text, r, "yaml"))
}

func timeline(r *Report) string {
	var lines []string
	for _, e := range r.Events {
		lines = append(lines, e.What)
	}
	return strings.Join(lines, "\n")
}
