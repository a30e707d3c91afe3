package patchspec

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Window
		ok   bool
	}{
		{DefaultWindow, Window{0, 3, time.Tuesday}, true},
		{"cron(30 23 ? * SAT *)", Window{30, 23, time.Saturday}, true},
		{"cron(59 0 ? * SUN *)", Window{59, 0, time.Sunday}, true},
		{"cron(0 3 ? * * *)", Window{}, false},       // daily: no day after that does not overlap
		{"cron(0 3 ? * TUE,THU *)", Window{}, false}, // twice a week
		{"cron(60 3 ? * TUE *)", Window{}, false},    // minute out of range
		{"cron(0 24 ? * TUE *)", Window{}, false},    // hour out of range
		{"cron(0 3 * * TUE *)", Window{}, false},     // AWS needs ? in day-of-month or day-of-week
		{"rate(7 days)", Window{}, false},            // rate windows drift from the cron of the other region
		{"cron(0 3 ? * tue *)", Window{}, false},     // AWS day names are upper case
		{"0 3 * * 2", Window{}, false},               // Unix cron
		{"cron(0 3 ? * TUE *) ", Window{}, false},    // trailing space
		{"at(2026-01-01T03:00:00)", Window{}, false}, // one-off
		{"cron(0 3 ? * TUE 2026)", Window{}, false},  // a year would stop patching
		{"cron(0 3 ? * TUE#2 *)", Window{}, false},   // monthly
		{"cron(00 03 ? * WED *)", Window{0, 3, time.Wednesday}, true},
	} {
		got, err := ParseWindow(tc.in)
		if !tc.ok {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestCronRoundTrips(t *testing.T) {
	w := Window{Minute: 5, Hour: 22, Day: time.Saturday}
	assert.Equal(t, "cron(5 22 ? * SAT *)", w.Cron())
	back, err := ParseWindow(w.Cron())
	require.NoError(t, err)
	assert.Equal(t, w, back)
	assert.Equal(t, "cron(5 22 ? * SUN *)", w.Later(1).Cron(), "Saturday + 1 wraps to Sunday")
}

// Every valid compute.patchWindow: the home region opens a day (24 h) after the secondary, and
// the two windows never share a minute, including across the week's wrap.
func TestWindowsOfTheTwoRegionsNeverOverlapForAnyValidValue(t *testing.T) {
	count := 0
	for _, day := range days {
		for hour := 0; hour < 24; hour++ {
			for minute := 0; minute < 60; minute++ {
				value := fmt.Sprintf("cron(%d %d ? * %s *)", minute, hour, day)
				secondary, home, err := Windows(value)
				require.NoError(t, err, value)
				count++
				if !assert.False(t, Overlap(secondary, home, DurationHours), value) ||
					!assert.Equal(t, 24.0*HomeDelayDays, HoursAfter(secondary, home), "home opens a day after the secondary: %s", value) ||
					!assert.GreaterOrEqual(t, HoursAfter(home, secondary), 24.0, "the secondary's next window opens at least a day after the home one: %s", value) ||
					!assert.Equal(t, secondary.Hour, home.Hour, value) {
					return
				}
				if _, err := ParseWindow(home.Cron()); !assert.NoError(t, err, "the derived cron is valid: %s", home.Cron()) {
					return
				}
			}
		}
	}
	assert.Equal(t, 7*24*60, count)
	assert.Less(t, CutoffHours, DurationHours, "AWS: the cutoff is less than the duration")
	assert.Less(t, DurationHours, 24*HomeDelayDays, "a window ends before the other region's opens")
}

func TestOverlapDetectsSharedMinutes(t *testing.T) {
	sat := Window{Minute: 0, Hour: 23, Day: time.Saturday}
	sun := Window{Minute: 30, Hour: 0, Day: time.Sunday}
	assert.True(t, Overlap(sat, sun, 3), "a Saturday 23:00 window runs into Sunday 00:30")
	assert.True(t, Overlap(sun, sat, 3), "symmetric")
	assert.True(t, Overlap(sat, sat, 1), "same start")
	assert.False(t, Overlap(sat, Window{0, 2, time.Sunday}, 3), "touching ends do not overlap")
	assert.True(t, Overlap(sat, Window{59, 1, time.Sunday}, 3))
}
