package zonalspec

import (
	"fmt"
	"time"

	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// PracticeRunLeadMinutes opens each blocked window this long before the patch window: a blocked
// window only stops a practice run from starting, and one that started just before the patch window
// would still hold a zone's traffic away while instances go to standby for patching.
const PracticeRunLeadMinutes = 30

const weekMinutes = 7 * 24 * 60

// dayNames are ARC's day abbreviations, indexed by time.Weekday.
var dayNames = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// weekTime renders minutes since Sunday 00:00 UTC (mod a week) as Day:HH:MM.
func weekTime(minute int) string {
	minute = ((minute % weekMinutes) + weekMinutes) % weekMinutes
	day, rest := minute/(24*60), minute%(24*60)
	return fmt.Sprintf("%s:%02d:%02d", dayNames[day], rest/60, rest%60)
}

// BlockedWindow is the practice runs' blocked window covering one weekly patch window of
// durationHours: from PracticeRunLeadMinutes before it opens to when it closes, in UTC (ARC's
// windows are UTC), as Day:HH:MM-Day:HH:MM. A window may run past midnight (Sat:23:30-Sun:03:00),
// as ARC's own examples do.
func BlockedWindow(w patchspec.Window, durationHours int) string {
	start := w.WeekMinute() - PracticeRunLeadMinutes
	end := w.WeekMinute() + durationHours*60
	return weekTime(start) + "-" + weekTime(end)
}

// BlockedWindows are the blocked windows of a region whose patch window is the SSM cron patchCron
// (stacks.Config.PatchWindow of that region).
func BlockedWindows(patchCron string) ([]string, error) {
	w, err := patchspec.ParseWindow(patchCron)
	if err != nil {
		return nil, err
	}
	return []string{BlockedWindow(w, patchspec.DurationHours)}, nil
}

// ParseWeekTime reads Day:HH:MM back into minutes since Sunday 00:00 UTC (tests and verify).
func ParseWeekTime(s string) (int, error) {
	var day string
	var h, m int
	if _, err := fmt.Sscanf(s, "%3s:%02d:%02d", &day, &h, &m); err != nil {
		return 0, fmt.Errorf("%q is not Day:HH:MM: %w", s, err)
	}
	for i, d := range dayNames {
		if d == day && h < 24 && m < 60 {
			return i*24*60 + h*60 + m, nil
		}
	}
	return 0, fmt.Errorf("%q is not Day:HH:MM", s)
}

// Covers reports whether the window "Day:HH:MM-Day:HH:MM" contains the instant t (UTC), the week
// wrapping around.
func Covers(window string, t time.Time) (bool, error) {
	if len(window) != 19 || window[9] != '-' {
		return false, fmt.Errorf("%q is not Day:HH:MM-Day:HH:MM", window)
	}
	start, err := ParseWeekTime(window[:9])
	if err != nil {
		return false, err
	}
	end, err := ParseWeekTime(window[10:])
	if err != nil {
		return false, err
	}
	t = t.UTC()
	at := int(t.Weekday())*24*60 + t.Hour()*60 + t.Minute()
	length := ((end-start)%weekMinutes + weekMinutes) % weekMinutes
	offset := ((at-start)%weekMinutes + weekMinutes) % weekMinutes
	return offset < length, nil
}
