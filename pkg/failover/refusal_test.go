package failover

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	ownArn  = testParams.TargetClusterArn
	homeArn = testParams.PeerClusterArn
	// homeWrites: the home (peer) cluster is the writer, nothing under way.
	homeWrites = globalCluster("available", "", member(homeArn, true), member(ownArn, false))
	// standbyWrites: this region's cluster writes and the operation is over.
	standbyWrites = globalCluster("available", "", member(homeArn, false), member(ownArn, true))
	// movingHere: a promotion into this region is under way.
	movingHere = globalCluster("failing-over", ownArn, member(homeArn, true), member(ownArn, false))
)

var refusedByRDS = map[string]any{"ok": false, "refused": true, "error": "Rds.InvalidDBClusterStateFault",
	"message": "The source cluster's writer is not in a state to switch over"}

// Issue 22, case 2: when the home primary is unhealthy RDS refuses the switchover. auto re-reads
// the global cluster and, with no promotion under way and this region not the writer, fails over;
// a refusal while a promotion into this region is under way is joined; an explicit switchover that
// is refused fails with a report that says what was tried and what to do next; the fallback happens
// at most once.
func TestRefusedSwitchoverIsReadAgain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input map[string]any
		relay bool
		world world
		// want
		status, failError string
		failovers         int
		fellBack          bool
		report            []string
	}{
		{
			name: "auto: refused through the relay, nothing under way: falls back to failover", input: map[string]any{"mode": ModeAuto}, relay: true,
			world:  world{topology: []map[string]any{homeWrites, homeWrites, standbyWrites}, relay: refusedByRDS, lagFresh: true},
			status: "SUCCEEDED", failovers: 1, fellBack: true,
			report: []string{"promotion by failover", "FELL BACK from switchover to failover: RDS refused the switchover (Rds.InvalidDBClusterStateFault"},
		},
		{
			name: "auto: refused by the in-region call, nothing under way: falls back to failover", input: map[string]any{"mode": ModeAuto},
			world: world{topology: []map[string]any{homeWrites, homeWrites, standbyWrites}, lagFresh: true,
				switchover: &taskError{Error: "Rds.InvalidDBClusterStateFault", Cause: "writer unhealthy"}},
			status: "SUCCEEDED", failovers: 1, fellBack: true,
		},
		{
			name: "auto: refused while a promotion into this region is under way: joins it", input: map[string]any{"mode": ModeAuto}, relay: true,
			world:  world{topology: []map[string]any{homeWrites, movingHere, standbyWrites}, relay: refusedByRDS, lagFresh: true},
			status: "SUCCEEDED", failovers: 0,
		},
		{
			name: "explicit switchover refused: fails and says what to do", input: map[string]any{"mode": ModeSwitchover}, relay: true,
			world:  world{topology: []map[string]any{homeWrites, homeWrites}, relay: refusedByRDS, lagFresh: true},
			status: "FAILED", failError: ErrorFailed, failovers: 0,
			report: []string{"Error: PromotionRefused", "Tried: switchover (asked: mode switchover); RDS accepted no promotion request",
				`start this runbook with {"mode":"failover"}`, "aws rds switchover-global-cluster --region us-east-1"},
		},
		{
			name: "auto: the fallback failover is refused too: reported, never a second fallback", input: map[string]any{"mode": ModeAuto}, relay: true,
			world: world{topology: []map[string]any{homeWrites}, relay: refusedByRDS, lagFresh: true,
				failover: &taskError{Error: "Rds.InvalidGlobalClusterStateFault", Cause: "no"}},
			status: "FAILED", failError: ErrorFailed, failovers: 1, fellBack: true,
			report: []string{"Error: PromotionRefused", "Tried: failover", "fell back from switchover to failover"},
		},
		{
			name: "accepted failover never confirmed: fails as a run that promoted", input: map[string]any{"mode": ModeFailover},
			world:  world{topology: []map[string]any{homeWrites}},
			status: "FAILED", failError: ErrorFailedAfterPromotion, failovers: 1,
			report: []string{"Error: PromotionTimedOut", "RDS accepted the failover request at", "do not start another promotion while FailoverState is set"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testParams
			p.PollSeconds, p.MaxPolls = 1, 3
			if !tc.relay {
				p.SwitchoverRelayArn = ""
			}
			w := tc.world
			w.p, w.desired = p, 2
			ex := simulate(t, Definition(p), tc.input, w.answer)
			assert.Equal(t, tc.status, ex.Status, "%v", ex.Path)
			assert.Equal(t, tc.failError, ex.Error)
			assert.Len(t, ex.calls(sdk("rds:failoverGlobalCluster")), tc.failovers)
			for _, c := range ex.calls(sdk("rds:failoverGlobalCluster")) {
				assert.Equal(t, true, c.Args["AllowDataLoss"])
				assert.Equal(t, ownArn, c.Args["TargetDbClusterIdentifier"], "only this region's cluster")
			}
			_, fell := getPath(ex.Output, "$.decision.fallback")
			assert.Equal(t, tc.fellBack, fell)
			reports := ex.published()
			require.Len(t, reports, 1, "one report per run")
			for _, want := range tc.report {
				assert.Contains(t, reports[0], want)
			}
		})
	}
}

// The failure report never depends on a valid input: a missing mode still gets one, with the error.
func TestFailureReportForInvalidInput(t *testing.T) {
	w := world{p: testParams}
	ex := simulate(t, Definition(testParams), map[string]any{"trigger": "person"}, w.answer)
	assert.Equal(t, "FAILED", ex.Status)
	assert.Equal(t, ErrorFailed, ex.Error)
	require.Len(t, ex.published(), 1)
	msg := ex.published()[0]
	assert.True(t, strings.HasPrefix(msg, "Runbook in us-west-2 (promotes us-west-2 only) FAILED in execution me"), msg)
	assert.Contains(t, msg, "Error: InvalidInput")
	assert.Contains(t, msg, `{"mode":"keep-lost-writes"}`)
	assert.Empty(t, ex.Calls[:len(ex.Calls)-1], "nothing but the report is called")
}
