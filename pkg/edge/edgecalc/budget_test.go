package edgecalc

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestTrafficFailoverBudget(t *testing.T) {
	cases := []struct {
		name      string
		in        BudgetInputs
		total     time.Duration
		boundedBy string
	}{
		{"prod: 10 s x 3, 60 s TTL and keep-alive, 1 x 5 s origin", Inputs(10, 3), 105 * time.Second, "alias TTL"},
		{"staging: 30 s x 3", Inputs(30, 3), 185 * time.Second, "detection"},
		{"10 s x 1", Inputs(10, 1), 85 * time.Second, "alias TTL"},
		// A longer keep-alive replaces the TTL (they run concurrently), it does not add to it.
		{"keep-alive 120 s", BudgetInputs{10, 3, 60, 120, 1, 5, 10}, 165 * time.Second, "keep-alive"},
		// CloudFront's defaults (3 x 10 s) alone cost 25 s more than ours.
		{"CloudFront defaults", BudgetInputs{10, 3, 60, 60, 3, 10, 30}, 130 * time.Second, "alias TTL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := TrafficFailoverBudget(tc.in)
			assert.Equal(t, tc.total, b.Total)
			assert.Equal(t, time.Duration(tc.in.IntervalSeconds*tc.in.FailureThreshold)*time.Second, b.Detection)
			assert.Equal(t, time.Duration(tc.in.IntervalSeconds)*time.Second, b.Evaluation)
			assert.Equal(t, time.Duration(tc.in.OriginConnectionAttempts*tc.in.OriginConnectionTimeoutSeconds)*time.Second, b.OriginAttempts)
			after := b.DNS
			if b.Connections > after {
				after = b.Connections
			}
			assert.Equal(t, b.Detection+b.Evaluation+after+b.OriginAttempts, b.Total)
			assert.Contains(t, b.BoundedBy, tc.boundedBy)
		})
	}
	// The prod budget names both 60 s terms: the TTL and the keep-alive tie.
	assert.True(t, strings.Contains(BudgetFor(10, 3).BoundedBy, "alias TTL") && strings.Contains(BudgetFor(10, 3).BoundedBy, "keep-alive"))
	assert.Equal(t, TrafficFailoverBudget(Inputs(30, 3)), BudgetFor(30, 3))
}

// The dark-region bound (issue 22 case 8): checker timeouts, evaluation, the alias TTL and a request
// in flight on a connection to the black-holed origin; the keep-alive plays no part.
func TestReadsBound(t *testing.T) {
	cases := []struct {
		name                       string
		in                         BudgetInputs
		detection, inFlight, total time.Duration
		boundedBy                  string
	}{
		{"prod: 10 s x 3 + 4 s, 10 + 60, 1 x max(5, 10)", Inputs(10, 3), 34 * time.Second, 10 * time.Second, 114 * time.Second, "alias TTL"},
		{"staging: 30 s x 3 + 4 s", Inputs(30, 3), 94 * time.Second, 10 * time.Second, 194 * time.Second, "detection"},
		// CloudFront's defaults against a black-holed origin: 3 attempts x the 30 s read timeout.
		{"CloudFront defaults", BudgetInputs{10, 3, 60, 60, 3, 10, 30}, 34 * time.Second, 90 * time.Second, 194 * time.Second, "in flight"},
		// What prod ran before issue 22: 10 s x 1, 2 x 5 s, the 30 s read timeout.
		{"before issue 22", BudgetInputs{10, 1, 60, 60, 2, 5, 30}, 14 * time.Second, 60 * time.Second, 144 * time.Second, "alias TTL and a request in flight"},
		{"keep-alive does not count", BudgetInputs{10, 3, 60, 3600, 1, 5, 10}, 34 * time.Second, 10 * time.Second, 114 * time.Second, "alias TTL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := TrafficFailoverBudget(tc.in).Bound
			assert.Equal(t, tc.detection, b.Detection)
			assert.Equal(t, time.Duration(tc.in.IntervalSeconds)*time.Second, b.Evaluation)
			assert.Equal(t, 60*time.Second, b.DNS)
			assert.Equal(t, tc.inFlight, b.InFlight)
			assert.Equal(t, b.InFlight, b.Static, "a static miss waits one member's attempts, never DNS")
			assert.Equal(t, tc.total, b.Total)
			assert.Equal(t, b.Detection+b.Evaluation+b.DNS+b.InFlight, b.Total)
			assert.Contains(t, b.BoundedBy, tc.boundedBy)
		})
	}
	assert.LessOrEqual(t, BudgetFor(10, 3).Bound.Total, 120*time.Second, "prod's bound stays within 120 s")
}

// Issue 22 case 10: every process restarting for 15 s must not be seen as a failure by prod's
// checks (10 s x 3) nor by the ALB's target health (10 s x 3); 10 s x 1 and x 2 would be.
func TestRestartFlips(t *testing.T) {
	assert.False(t, RestartFlips(15, 10, 3))
	assert.True(t, RestartFlips(15, 10, 2))
	assert.True(t, RestartFlips(15, 10, 1))
	assert.True(t, RestartFlips(20, 10, 3), "three requests 10 s apart fit in 20 s")
	assert.False(t, RestartFlips(0, 10, 1))
	assert.False(t, RestartFlips(15, TargetHealthIntervalSeconds, TargetUnhealthyThreshold))
	assert.False(t, RestartFlips(15, 30, 3))
}

// The program's own settings stay inside the limits AWS accepts and under the goals.
func TestProgramSettingsWithinAWSLimits(t *testing.T) {
	assert.GreaterOrEqual(t, ALBClientKeepAliveSeconds, MinClientKeepAliveSeconds)
	assert.LessOrEqual(t, ALBClientKeepAliveSeconds, MaxClientKeepAliveSeconds)
	assert.GreaterOrEqual(t, OriginConnectionAttempts, MinOriginConnectionAttempts)
	assert.LessOrEqual(t, OriginConnectionAttempts, 2, "fail over in seconds: at most 2 attempts")
	assert.GreaterOrEqual(t, OriginReadTimeoutSeconds, MinOriginReadTimeout)
	assert.LessOrEqual(t, OriginReadTimeoutSeconds, MaxOriginReadTimeout)
	assert.Less(t, OriginReadTimeoutSeconds, DefaultOriginReadTimeout, "below CloudFront's 30 s: the bound's largest term")
	assert.GreaterOrEqual(t, OriginConnectionTimeoutSeconds, MinOriginConnectionTimeout)
	assert.LessOrEqual(t, OriginConnectionTimeoutSeconds, 5, "fail over in seconds: at most 5 s per attempt")
	assert.Equal(t, 60, AliasTTLSeconds)
	// The default application answers from memory, refreshed well inside its hold.
	assert.Less(t, PrimaryRefreshSeconds*3, PrimaryHoldSeconds)
}
