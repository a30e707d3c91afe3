package zonalspec

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

func TestBlockedWindowOfPatchWindow(t *testing.T) {
	for _, tc := range []struct {
		cron string
		want string
	}{
		{patchspec.DefaultWindow, "Tue:02:30-Tue:06:00"}, // the secondary's default
		{"cron(0 3 ? * WED *)", "Wed:02:30-Wed:06:00"},   // the home region's default, a day later
		{"cron(15 0 ? * MON *)", "Sun:23:45-Mon:03:15"},  // the lead reaches into the day before
		{"cron(0 0 ? * SUN *)", "Sat:23:30-Sun:03:00"},   // and into the week before
		{"cron(30 22 ? * SAT *)", "Sat:22:00-Sun:01:30"}, // the window runs past the week's end
		{"cron(59 23 ? * FRI *)", "Fri:23:29-Sat:02:59"}, // past midnight
		{"cron(30 0 ? * THU *)", "Thu:00:00-Thu:03:30"},  // the lead ends exactly at midnight
	} {
		got, err := BlockedWindows(tc.cron)
		require.NoError(t, err, tc.cron)
		assert.Equal(t, []string{tc.want}, got, tc.cron)
	}
	_, err := BlockedWindows("rate(7 days)")
	assert.Error(t, err, "only what compute.patchWindow accepts converts")
}

// Every valid compute.patchWindow: the blocked window is ARC's form, covers every minute of the
// patch window and the lead before it, and not one minute more.
func TestBlockedWindowCoversExactlyThePatchWindowAndItsLeadForEveryValue(t *testing.T) {
	sunday := time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC) // a Sunday
	require.Equal(t, time.Sunday, sunday.Weekday())
	count := 0
	for day := 0; day < 7; day++ {
		for hour := 0; hour < 24; hour++ {
			for minute := 0; minute < 60; minute += 7 {
				w := patchspec.Window{Minute: minute, Hour: hour, Day: time.Weekday(day)}
				windows, err := BlockedWindows(w.Cron())
				require.NoError(t, err)
				require.Len(t, windows, 1)
				win := windows[0]
				require.Regexp(t, windowPattern, win)
				open := sunday.Add(time.Duration(w.WeekMinute()) * time.Minute)
				for _, probe := range []struct {
					at   time.Time
					want bool
				}{
					{open.Add(-PracticeRunLeadMinutes*time.Minute - time.Minute), false},
					{open.Add(-PracticeRunLeadMinutes * time.Minute), true},
					{open, true},
					{open.Add(patchspec.DurationHours*time.Hour - time.Minute), true},
					{open.Add(patchspec.DurationHours * time.Hour), false},
				} {
					got, err := Covers(win, probe.at)
					require.NoError(t, err)
					if !assert.Equal(t, probe.want, got, "%s at %s (%s)", win, probe.at.Format("Mon 15:04"), w.Cron()) {
						return
					}
				}
				count++
			}
		}
	}
	assert.Equal(t, 7*24*9, count)
}

func TestCoversRejectsMalformedWindows(t *testing.T) {
	for _, w := range []string{"", "Mon:09:00", "Mon:09:00-Mon:25:00", "mon:09:00-mon:10:00", "Mon 09:00-Mon 10:00"} {
		_, err := Covers(w, time.Now())
		assert.Error(t, err, w)
	}
}

func TestCapacityAfterShift(t *testing.T) {
	for _, tc := range []struct {
		minimum, azCount, left int
		ok                     bool
	}{
		{1, 2, 0, false}, // staging's one instance: its zone shifted away, nothing serves
		{1, 3, 0, false},
		{2, 2, 1, true},
		{2, 3, 1, true}, // prod's standby: two of three zones hold one each
		{3, 3, 2, true},
		{4, 3, 2, true}, // 2+1+1: the busiest zone holds two
		{6, 3, 4, true},
		{5, 2, 2, true},
		{0, 3, 0, false},
		{3, 1, 0, false}, // one zone: a shift leaves none
	} {
		assert.Equal(t, tc.left, LeftAfterShift(tc.minimum, tc.azCount), "%d over %d", tc.minimum, tc.azCount)
		err := CheckCapacity(tc.minimum, tc.azCount)
		assert.Equal(t, tc.ok, err == nil, "%d over %d: %v", tc.minimum, tc.azCount, err)
	}
	assert.Equal(t, 2, MinimumForAutoshift(3))
}

const (
	albArn   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mrha-123/0123456789abcdef"
	outcome  = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:outcome"
	blocking = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:blocking"
)

// The DesiredState decodes to the schema's field names and shapes.
func TestDocumentJSONDecodesToTheSchemaFields(t *testing.T) {
	s, err := NewDocument(albArn, outcome, blocking, []string{"Tue:02:30-Tue:06:00"}).JSON()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &doc))
	assert.Equal(t, albArn, doc["ResourceIdentifier"])
	assert.Equal(t, "ENABLED", doc["ZonalAutoshiftStatus"])
	prc := doc["PracticeRunConfiguration"].(map[string]any)
	assert.Equal(t, []any{map[string]any{"Type": "CLOUDWATCH", "AlarmIdentifier": outcome}}, prc["OutcomeAlarms"])
	assert.Equal(t, []any{map[string]any{"Type": "CLOUDWATCH", "AlarmIdentifier": blocking}}, prc["BlockingAlarms"])
	assert.Equal(t, []any{"Tue:02:30-Tue:06:00"}, prc["BlockedWindows"])
	assert.NotContains(t, prc, "BlockedDates", "an empty optional list is left out")
	assert.Len(t, doc, 3, "additionalProperties: false")
}

func TestDocumentValidateRefusesWhatAWSRefuses(t *testing.T) {
	good := func() Document { return NewDocument(albArn, outcome, blocking, []string{"Tue:02:30-Tue:06:00"}) }
	require.NoError(t, good().Validate())
	many := make([]string, 16)
	for i := range many {
		many[i] = fmt.Sprintf("Mon:%02d:00-Mon:%02d:30", i, i)
	}
	for name, tc := range map[string]struct {
		mutate func(*Document)
		want   string
	}{
		"two outcome alarms": {func(d *Document) {
			d.PracticeRunConfiguration.OutcomeAlarms = append(d.PracticeRunConfiguration.OutcomeAlarms, Alarm(blocking+"2"))
		}, "2 outcome alarms"},
		"no outcome alarm": {func(d *Document) { d.PracticeRunConfiguration.OutcomeAlarms = nil }, "0 outcome alarms"},
		"two blocking": {func(d *Document) {
			d.PracticeRunConfiguration.BlockingAlarms = append(d.PracticeRunConfiguration.BlockingAlarms, Alarm(outcome+"2"))
		}, "2 blocking alarms"},
		"same alarm twice": {func(d *Document) { d.PracticeRunConfiguration.BlockingAlarms = []ControlCondition{Alarm(outcome)} }, "both the outcome and the blocking"},
		"alarm elsewhere": {func(d *Document) {
			d.PracticeRunConfiguration.OutcomeAlarms = []ControlCondition{Alarm("arn:aws:cloudwatch:us-west-2:123456789012:alarm:x")}
		}, "must be in the resource's region"},
		"not cloudwatch": {func(d *Document) { d.PracticeRunConfiguration.OutcomeAlarms[0].Type = "CloudWatch" }, "allowed: CLOUDWATCH"},
		"disabled":       {func(d *Document) { d.ZonalAutoshiftStatus = "DISABLED" }, "allows only ENABLED"},
		"not an alb": {func(d *Document) {
			d.ResourceIdentifier = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/0123"
		}, "not an Application Load Balancer ARN"},
		"window form":         {func(d *Document) { d.PracticeRunConfiguration.BlockedWindows = []string{"Tue 02:30-Tue 06:00"} }, "not Day:HH:MM-Day:HH:MM"},
		"sixteen windows":     {func(d *Document) { d.PracticeRunConfiguration.BlockedWindows = many }, "16 blocked windows"},
		"date form":           {func(d *Document) { d.PracticeRunConfiguration.BlockedDates = []string{"2026-1-1"} }, "not YYYY-MM-DD"},
		"alarm arn is a name": {func(d *Document) { d.PracticeRunConfiguration.BlockingAlarms = []ControlCondition{Alarm("blocking")} }, "not a CloudWatch alarm ARN"},
	} {
		d := good()
		tc.mutate(&d)
		_, err := d.JSON()
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), tc.want, name)
		}
	}
}
