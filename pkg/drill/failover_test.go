package drill

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// driveFailover runs `drill region --mode failover` on staging, with autoFailover as given.
func driveFailover(t *testing.T, w *world, autoFailover string, extra ...string) (int, *Report, string, *fakeIAM) {
	t.Helper()
	t.Cleanup(w.server.Close)
	i := &fakeIAM{w: w}
	deps := &Deps{
		Outputs: w.outputs(), Clients: w, HTTP: w.server.Client(), Clock: w.clock, IAM: i,
		Config: func(dir, stack string) (*stacks.Config, error) {
			cfg, err := liveops.LoadConfig("../..", stack)
			if err == nil {
				cfg.Database.AutoFailover = autoFailover
			}
			return cfg, err
		},
	}
	var out, errOut bytes.Buffer
	args := append([]string{"region", "--stack", "staging", "--mode", "failover", "--format", "json", "--poll", "5s", "--timeout", "30m"}, extra...)
	code := runMain(args, &out, &errOut, deps)
	if out.Len() == 0 {
		return code, nil, errOut.String(), i
	}
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	return code, &r, errOut.String(), i
}

// A region loss as the runbook meets it: the fault, writes moving at 120 s, the old primary back as
// a secondary at 900 s.
func lossScript() script {
	return script{
		viewer: func(t time.Duration) (int, string) {
			switch {
			case t < 5*s:
				return 200, "us-east-1"
			case t < 150*s:
				return 504, ""
			}
			return 200, "us-west-2"
		},
		experiment: endsAt(600*s, fistypes.ExperimentStatusCompleted, "Experiment completed."),
		writer:     func(t time.Duration) string { return map[bool]string{true: "us-east-1", false: "us-west-2"}[t < 120*s] },
		members:    func(t time.Duration) int { return map[bool]int{true: 1, false: 2}[t >= 120*s && t < 900*s] },
		runbook: func(t time.Duration) sfntypes.ExecutionStatus {
			return map[bool]sfntypes.ExecutionStatus{true: sfntypes.ExecutionStatusRunning, false: sfntypes.ExecutionStatusSucceeded}[t < 130*s]
		},
		detector: func(t time.Duration) cwtypes.StateValue { return cwtypes.StateValueAlarm },
	}
}

func TestFailoverDrillIsolatesFailsOverRejoinsAndReportsTheTimeline(t *testing.T) {
	w := newWorld(lossScript())
	code, r, stderr, i := driveFailover(t, w, detector.ModeNotify)
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitPassed, code, r.Failures)

	// The faulted region is dark to exactly the surviving region's runbook and detector roles,
	// before the fault, and no longer after the drill.
	require.Len(t, w.calls, 6, "%v", w.calls)
	assert.Equal(t, "iam:PutRolePolicy failover-us-west-2-role-2 "+IsolationPolicyName, w.calls[0])
	assert.Equal(t, "iam:PutRolePolicy detector-us-west-2-role-9 "+IsolationPolicyName, w.calls[1])
	assert.Equal(t, "fis:StartExperiment us-east-1 EXTreg1", w.calls[2], "the fault starts after the isolation")
	assert.Equal(t, IsolationPropagation, w.faultAfter, "the fault waits for IAM to apply the deny")
	assert.Equal(t, 20*time.Second, IsolationPropagation)
	var wait *Event
	for i, e := range r.Events {
		if strings.Contains(e.What, "waiting 20s for IAM to apply the deny") {
			wait = &r.Events[i]
		}
	}
	require.NotNil(t, wait, "the wait is on the timeline")
	assert.Equal(t, -20.0, wait.Seconds, "before the fault, which is the timeline's zero")
	assert.Equal(t, "sfn:StartExecution us-west-2 arn:aws:states:us-west-2:123456789012:stateMachine:failover-us-west-2", w.calls[3])
	assert.ElementsMatch(t, []string{"failover-us-west-2-role-2", "detector-us-west-2-role-9"}, i.deletes, "the drill removes the deny")
	assert.Less(t, strings.Index(timeline(r), "us-east-1 no longer denied"), strings.Index(timeline(r), "rejoined:"), "the region comes back when the fault ends, before the rejoin")
	doc := i.puts["failover-us-west-2-role-2"]
	assert.True(t, denies(t, doc, "us-east-1", w.start.Add(10*time.Minute)), "the faulted region is denied during the drill")
	assert.False(t, denies(t, doc, "us-west-2", w.start.Add(10*time.Minute)), "the surviving region stays reachable")
	assert.False(t, denies(t, doc, "us-east-1", w.start.Add(30*time.Minute+IsolationGrace+time.Second)), "the deny expires by itself after the drill's timeout")

	assert.Equal(t, []string{`{"mode":"failover"}`}, w.inputs, "FailoverGlobalCluster, data loss allowed")
	require.NotNil(t, r.Recovery)
	assert.Equal(t, 150.0, r.Recovery.ReadsBack.MeasuredSeconds)
	assert.Equal(t, stagingBudget(t).Traffic.Seconds(), r.Recovery.ReadsBack.BudgetSeconds)
	assert.Equal(t, 120.0, r.Recovery.WritesBack.MeasuredSeconds)
	assert.Equal(t, 150.0, r.Recovery.WritesBack.BudgetSeconds, "the plan's promotion time: the runbook starts at the fault")
	assert.True(t, r.Recovery.WritesBack.WithinBudget)
	assert.Equal(t, 900.0, r.Recovery.Rejoined.MeasuredSeconds)
	assert.Nil(t, r.Page, "the switchover drill's page check does not apply")
	whats := timeline(r)
	assert.Contains(t, whats, "us-east-1 denied to failover-us-west-2-role-2 and detector-us-west-2-role-9")
	assert.Contains(t, whats, "runbook started in us-west-2 (failover)")
	assert.Contains(t, whats, "rejoined: us-east-1's cluster is a secondary of the global cluster again")
	assert.Contains(t, whats, "us-east-1 no longer denied to")
	var text bytes.Buffer
	require.NoError(t, Render(&text, r, "text"))
	assert.Contains(t, text.String(), "writes back: 120 s measured, budget 150 s")
}

func TestFailoverDrillWaitsForTheDetectorInAuto(t *testing.T) {
	sc := lossScript()
	sc.detectorStarts = 200 * s
	sc.writer = func(t time.Duration) string { return map[bool]string{true: "us-east-1", false: "us-west-2"}[t < 300*s] }
	sc.members = func(t time.Duration) int { return map[bool]int{true: 1, false: 2}[t >= 300*s && t < 700*s] }
	w := newWorld(sc)
	code, r, stderr, _ := driveFailover(t, w, detector.ModeAuto)
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitPassed, code, r.Failures)
	assert.Empty(t, w.inputs, "the detector starts the runbook, not the drill")
	assert.True(t, r.Recovery.DetectorPromoted)
	assert.Contains(t, timeline(r), "detector started the runbook in us-west-2: arn:aws:states:us-west-2:123456789012:execution:runbook:detector")
	cfg, err := liveops.LoadConfig("../..", "staging")
	require.NoError(t, err)
	assert.Equal(t, float64(150+(cfg.Database.AutoFailoverAfterMinutes+1)*60), r.Recovery.WritesBack.BudgetSeconds, "the plan's detection plus promotion")
	assert.Equal(t, 300.0, r.Recovery.WritesBack.MeasuredSeconds)

	// A detector that never promotes (replication kept flowing): the drill starts the runbook
	// after the detector's window, and says so.
	sc = lossScript()
	late := detectorWait(cfg.Database.AutoFailoverAfterMinutes)
	sc.writer = func(t time.Duration) string {
		return map[bool]string{true: "us-east-1", false: "us-west-2"}[t < late+100*s]
	}
	sc.members = func(time.Duration) int { return 2 }
	w = newWorld(sc)
	_, r, stderr, _ = driveFailover(t, w, detector.ModeAuto)
	require.NotNil(t, r, stderr)
	assert.Equal(t, []string{`{"mode":"failover"}`}, w.inputs)
	assert.False(t, r.Recovery.DetectorPromoted)
	assert.Contains(t, timeline(r), "the detector did not start the runbook within")
}

func TestFailoverDrillFailsWhenTheOldPrimaryDoesNotRejoinAndStillLiftsTheDeny(t *testing.T) {
	sc := lossScript()
	sc.members = func(t time.Duration) int { return map[bool]int{true: 2, false: 1}[t < 120*s] }
	w := newWorld(sc)
	code, r, stderr, i := driveFailover(t, w, detector.ModeOff, "--timeout", "20m")
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, r.Failures, "us-east-1's cluster did not rejoin the global cluster before the drill ended")
	assert.Contains(t, r.Recovery.Rejoined.Note, "Rejoin a detached old primary")
	assert.Len(t, i.deletes, 2, "a timed-out drill removes the deny too")
}

func TestFailoverDrillIsRefusedOnProdWhateverTheFlags(t *testing.T) {
	for _, extra := range [][]string{nil, {"--yes-prod"}} {
		w := newWorld(script{writer: east})
		i := &fakeIAM{w: w}
		deps := &Deps{Outputs: w.outputs(), Clients: w, HTTP: w.server.Client(), Clock: w.clock, IAM: i,
			Config: func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) }}
		var out, errOut bytes.Buffer
		code := runMain(append([]string{"region", "--stack", "prod", "--mode", "failover"}, extra...), &out, &errOut, deps)
		assert.Equal(t, ExitUsage, code, extra)
		assert.Contains(t, errOut.String(), "staging only, whatever the flags")
		assert.Empty(t, w.calls, "nothing is isolated or started")
		w.server.Close()
	}
	w := newWorld(script{writer: east})
	defer w.server.Close()
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitUsage, runMain([]string{"az", "--stack", "staging", "--mode", "failover"}, &out, &errOut, &Deps{Outputs: w.outputs(), Clients: w, Clock: w.clock}))
	assert.Contains(t, errOut.String(), "for the region drill only")
	assert.Equal(t, ExitUsage, runMain([]string{"region", "--stack", "staging", "--mode", "planned"}, &out, &errOut, &Deps{Outputs: w.outputs(), Clients: w, Clock: w.clock}))
}

// denies evaluates the isolation policy for a request to region at time at: the statement's two
// conditions, as IAM evaluates StringEquals and DateLessThan.
func denies(t *testing.T, doc, region string, at time.Time) bool {
	t.Helper()
	var d struct {
		Statement []struct {
			Effect    string
			Action    []string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &d))
	for _, st := range d.Statement {
		if st.Effect != "Deny" || !slices.Contains(st.Action, "*") || !slices.Contains(st.Resource, "*") {
			continue
		}
		if st.Condition["StringEquals"]["aws:RequestedRegion"] != region {
			continue
		}
		until, err := time.Parse(time.RFC3339, st.Condition["DateLessThan"]["aws:CurrentTime"])
		require.NoError(t, err)
		if at.Before(until) {
			return true
		}
	}
	require.Len(t, d.Statement, 1)
	require.False(t, strings.Contains(doc, `"Allow"`))
	return false
}
