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
		{"prod: 10 s x 1, 60 s TTL and keep-alive, 2 x 5 s origin", Inputs(10, 1), 90 * time.Second, "alias TTL"},
		{"staging: 30 s x 3", Inputs(30, 3), 190 * time.Second, "detection"},
		{"10 s x 3", Inputs(10, 3), 110 * time.Second, "alias TTL"},
		// A longer keep-alive replaces the TTL (they run concurrently), it does not add to it.
		{"keep-alive 120 s", BudgetInputs{10, 1, 60, 120, 2, 5}, 150 * time.Second, "keep-alive"},
		// CloudFront's defaults (3 x 10 s) alone cost 20 s more than ours.
		{"CloudFront defaults", BudgetInputs{10, 1, 60, 60, 3, 10}, 110 * time.Second, "alias TTL"},
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
	assert.True(t, strings.Contains(BudgetFor(10, 1).BoundedBy, "alias TTL") && strings.Contains(BudgetFor(10, 1).BoundedBy, "keep-alive"))
	assert.Equal(t, TrafficFailoverBudget(Inputs(30, 3)), BudgetFor(30, 3))
}

// The program's own settings stay inside the limits AWS accepts and under the goals.
func TestProgramSettingsWithinAWSLimits(t *testing.T) {
	assert.GreaterOrEqual(t, ALBClientKeepAliveSeconds, MinClientKeepAliveSeconds)
	assert.LessOrEqual(t, ALBClientKeepAliveSeconds, MaxClientKeepAliveSeconds)
	assert.GreaterOrEqual(t, OriginConnectionAttempts, MinOriginConnectionAttempts)
	assert.LessOrEqual(t, OriginConnectionAttempts, 2, "fail over in seconds: at most 2 attempts")
	assert.GreaterOrEqual(t, OriginConnectionTimeoutSeconds, MinOriginConnectionTimeout)
	assert.LessOrEqual(t, OriginConnectionTimeoutSeconds, 5, "fail over in seconds: at most 5 s per attempt")
	assert.Equal(t, 60, AliasTTLSeconds)
	// The default application answers from memory, refreshed well inside its hold.
	assert.Less(t, PrimaryRefreshSeconds*3, PrimaryHoldSeconds)
}
