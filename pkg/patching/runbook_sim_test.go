package patching

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type runbookStep struct {
	Name, Action, OnFailure string
	IsCritical, IsEnd       bool
	Inputs                  map[string]any
}

// group is the Auto Scaling side as AWS documents it (EnterStandby, ExitStandby): an instance
// entering standby with a decrement is refused when desired would drop below the minimum; without
// one the group launches a replacement; ExitStandby raises desired by one, refused above maxSize.
type group struct {
	min, max, desired int
	state             string // the patched instance's lifecycle state
	serving           int    // InService instances
	servingAtInstall  int    // InService instances while the patch installs (and reboots)
	calls             []string
}

func (g *group) serve(n int) { g.serving += n }

// simulate walks the runbook's control flow as Systems Manager Automation does (nextStep is the
// following step; onFailure Abort, Continue or step:<name>; isEnd; a failed critical step fails the
// execution) with the install, standby wait or health wait failing when named in fails.
func simulate(t *testing.T, g *group, fails map[string]bool) (status string) {
	t.Helper()
	var doc struct {
		MainSteps []runbookStep `json:"mainSteps"`
	}
	require.NoError(t, json.Unmarshal([]byte(runbook()), &doc))
	index := map[string]int{}
	for i, s := range doc.MainSteps {
		index[s.Name] = i
	}
	failed := false
	for i, n := 0, 0; i < len(doc.MainSteps); n++ {
		require.Less(t, n, 50, "the runbook loops")
		s := doc.MainSteps[i]
		err := g.run(s, fails[s.Name])
		g.calls = append(g.calls, s.Name)
		if err == nil {
			if s.IsEnd {
				break
			}
			i++
			continue
		}
		failed = failed || s.IsCritical
		switch {
		case s.OnFailure == "Abort" || s.OnFailure == "":
			i = len(doc.MainSteps)
		case s.OnFailure == "Continue":
			if s.IsEnd {
				i = len(doc.MainSteps)
			} else {
				i++
			}
		case strings.HasPrefix(s.OnFailure, "step:"):
			next, ok := index[strings.TrimPrefix(s.OnFailure, "step:")]
			require.True(t, ok, "%s fails to an unknown step %s", s.Name, s.OnFailure)
			i = next
		default:
			t.Fatalf("%s: onFailure %q", s.Name, s.OnFailure)
		}
	}
	if failed {
		return "Failed"
	}
	return "Success"
}

func (g *group) run(s runbookStep, forceFail bool) error {
	if forceFail {
		return fmt.Errorf("%s failed", s.Name)
	}
	switch {
	case s.Inputs["Api"] == "EnterStandby":
		if g.state != "InService" {
			return fmt.Errorf("not InService")
		}
		if s.Inputs["ShouldDecrementDesiredCapacity"] == true {
			if g.desired-1 < g.min {
				return fmt.Errorf("ValidationError: the desired capacity would drop below the minimum")
			}
			g.desired--
			g.state = "Standby"
			g.serve(-1)
			return nil
		}
		// The group launches a replacement for the standby instance (minutes after the instance
		// leaves the target group; the install's download runs meanwhile).
		g.state = "Standby"
		g.serve(-1)
		g.serve(+1)
		return nil
	case s.Inputs["Api"] == "ExitStandby":
		if g.state != "Standby" {
			return fmt.Errorf("ValidationError: the instance is not in Standby")
		}
		if g.desired+1 > g.max {
			return fmt.Errorf("ValidationError: desired capacity above maxSize")
		}
		g.desired++
		g.state = "InService"
		g.serve(+1)
		return nil
	case s.Action == "aws:assertAwsResourceProperty" || s.Action == "aws:waitForAwsResourceProperty":
		want, _ := s.Inputs["DesiredValues"].([]any)
		if s.Inputs["PropertySelector"] != "$.AutoScalingInstances[0].LifecycleState" {
			return nil // group membership, target health: as in the scenario
		}
		for _, w := range want {
			if w == g.state {
				return nil
			}
		}
		return fmt.Errorf("%s is %s, not %v", s.Name, g.state, want)
	}
	if s.Action == "aws:runCommand" {
		g.servingAtInstall = g.serving
	}
	return nil
}

// In-place patching runs at every capacity the stacks use, and every failure path puts the
// instance back in service and fails the execution (which stops the window and pages).
func TestRunbookPatchesAtTheMinimumAndAlwaysReturnsTheInstance(t *testing.T) {
	sizes := []struct {
		name              string
		min, max, desired int
	}{
		{"prod standby region at its minimum (2/6/2)", 2, 6, 2},
		{"prod home region at its minimum (2/6/3 scaled in to 2)", 2, 6, 2},
		{"prod home region as configured (2/6/3)", 2, 6, 3},
		{"staging (1/2/1)", 1, 2, 1},
	}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			g := &group{min: size.min, max: size.max, desired: size.desired, state: "InService", serving: size.desired}
			assert.Equal(t, "Success", simulate(t, g, nil), "steps %v", g.calls)
			assert.Contains(t, g.calls, stepInstall, "the patch is installed")
			assert.Equal(t, "InService", g.state)
			assert.Equal(t, size.desired, g.servingAtInstall, "a replacement serves while the instance patches and reboots")
			assert.NotContains(t, g.calls, stepRecoverExit, "no recovery on success")
		})
	}
	for _, failing := range []string{stepWaitStandby, stepInstall, stepExitStandby, stepWaitInService, stepWaitHealthy} {
		t.Run("failure at "+failing, func(t *testing.T) {
			g := &group{min: 2, max: 6, desired: 2, state: "InService", serving: 2}
			assert.Equal(t, "Failed", simulate(t, g, map[string]bool{failing: true}), "steps %v", g.calls)
			assert.Equal(t, "InService", g.state, "no failure leaves the instance in Standby (steps %v)", g.calls)
		})
	}
	t.Run("an instance already in standby is not touched", func(t *testing.T) {
		g := &group{min: 1, max: 2, desired: 1, state: "Standby", serving: 1}
		assert.Equal(t, "Failed", simulate(t, g, nil))
		assert.Equal(t, []string{stepAssertMember, stepAssertInService}, g.calls, "someone else's standby is theirs")
	})
}

func TestInstallFailurePagesEveryUnsuccessfulEnd(t *testing.T) {
	var p map[string]any
	require.NoError(t, json.Unmarshal([]byte(installFailureEventPattern("install-runbook-1")), &p))
	assert.Equal(t, []any{"aws.ssm"}, p["source"])
	assert.Equal(t, []any{"EC2 Automation Execution Status-change Notification"}, p["detail-type"])
	detail := p["detail"].(map[string]any)
	assert.Equal(t, []any{"install-runbook-1"}, detail["Definition"], "this runbook's executions only")
	assert.ElementsMatch(t, []any{"Failed", "TimedOut", "Cancelled"}, detail["Status"])
	var text string
	require.NoError(t, json.Unmarshal([]byte(installFailureText("prod")), &text))
	assert.Contains(t, text, "<execution>")
	assert.Contains(t, text, "<status>")
}
