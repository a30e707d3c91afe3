// Package patchspec holds the pure rules of patching that config validation and the patching
// component share: the approval delay's range and the maintenance windows' schedule, derived for
// both regions from one config value so the two can never overlap.
package patchspec

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Approval delay of the patch baseline (compute.patchApproveAfterDays). AWS accepts 0 to 360 for
// ApproveAfterDays; the stack allows 0 (approve on release) to 100.
const (
	DefaultApproveAfterDays = 7
	MinApproveAfterDays     = 0
	MaxApproveAfterDays     = 100
)

// Maintenance window shape. A window opens at its cron time, lasts DurationHours and starts no new
// task in its last CutoffHours (AWS: cutoff must be less than duration, duration 1 to 24 hours).
const (
	DurationHours = 3
	CutoffHours   = 1
	// HomeDelayDays is how much later the home region's window opens than the secondary's: the
	// secondary (normally the reader) is patched and watched first, the writer a day later.
	HomeDelayDays = 1
)

// DefaultWindow is the secondary region's window: Tuesdays 03:00 UTC (the home region then patches
// on Wednesdays 03:00 UTC).
const DefaultWindow = "cron(0 3 ? * TUE *)"

// Window is a weekly maintenance window start in UTC.
type Window struct {
	Minute, Hour int
	Day          time.Weekday
}

var days = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// windowPattern is the one form compute.patchWindow takes: an SSM cron expression (six fields:
// minutes hours day-of-month month day-of-week year) firing once a week at a fixed minute.
var windowPattern = regexp.MustCompile(`^cron\(([0-9]{1,2}) ([0-9]{1,2}) \? \* (SUN|MON|TUE|WED|THU|FRI|SAT) \*\)$`)

// Allowed says what ParseWindow accepts, for error messages.
const Allowed = "a weekly SSM cron in UTC, cron(M H ? * DAY *) with M 0-59, H 0-23 and DAY one of SUN MON TUE WED THU FRI SAT, such as " + DefaultWindow

// ParseWindow reads compute.patchWindow. Only weekly windows are accepted: a daily or more frequent
// schedule would leave no "day after" for the home region that does not overlap the next opening
// of the secondary's.
func ParseWindow(s string) (Window, error) {
	m := windowPattern.FindStringSubmatch(s)
	if m == nil {
		return Window{}, fmt.Errorf("is %q; allowed: %s", s, Allowed)
	}
	minute, _ := strconv.Atoi(m[1])
	hour, _ := strconv.Atoi(m[2])
	if minute > 59 || hour > 23 {
		return Window{}, fmt.Errorf("is %q (minute %d, hour %d); allowed: %s", s, minute, hour, Allowed)
	}
	day := 0
	for i, d := range days {
		if d == m[3] {
			day = i
		}
	}
	return Window{Minute: minute, Hour: hour, Day: time.Weekday(day)}, nil
}

// Cron renders the window as the SSM cron expression AWS receives.
func (w Window) Cron() string {
	return fmt.Sprintf("cron(%d %d ? * %s *)", w.Minute, w.Hour, days[w.Day])
}

// Later returns the window n days later in the week (Saturday + 1 is Sunday).
func (w Window) Later(n int) Window {
	w.Day = time.Weekday((int(w.Day) + n%7 + 7) % 7)
	return w
}

// WeekMinute is the window's start in minutes since Sunday 00:00 UTC.
func (w Window) WeekMinute() int { return int(w.Day)*24*60 + w.Hour*60 + w.Minute }

// Windows returns the schedules of both regions from compute.patchWindow: the secondary's is the
// configured one, the home region's opens HomeDelayDays later at the same time of day.
func Windows(patchWindow string) (secondary, home Window, err error) {
	secondary, err = ParseWindow(patchWindow)
	if err != nil {
		return Window{}, Window{}, err
	}
	return secondary, secondary.Later(HomeDelayDays), nil
}

const weekMinutes = 7 * 24 * 60

// Overlap reports whether two weekly windows of durationHours share any minute, the week wrapping
// around (a Saturday-night window runs into Sunday).
func Overlap(a, b Window, durationHours int) bool {
	d := durationHours * 60
	gap := ((b.WeekMinute()-a.WeekMinute())%weekMinutes + weekMinutes) % weekMinutes
	// b starts gap minutes after a (mod a week); they overlap when b starts before a ends, or a
	// starts (weekMinutes-gap after b) before b ends.
	return gap < d || weekMinutes-gap < d
}

// HoursAfter is how many hours after a's opening b opens next (0 to 167).
func HoursAfter(a, b Window) float64 {
	gap := ((b.WeekMinute()-a.WeekMinute())%weekMinutes + weekMinutes) % weekMinutes
	return float64(gap) / 60
}
