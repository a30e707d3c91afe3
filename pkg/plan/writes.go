package plan

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
)

// When writes work again after a dark home region (issue 22 case 8), from what the program
// registered: the detectors' mode and N (withDetection), the promotion budget and the traffic bound.
//
// Detection is typically (N+1) minutes: N consecutive one-minute verdicts plus up to a minute for
// the schedule and the alarm's evaluation. Its bound is the case where Aurora stops publishing the
// lag metric instead of letting it climb: the detector counts a silent metric as stopped only once
// its newest datapoint is detector.FreshSeconds plus the stall threshold old, and the fourth signal
// (public DNS on the standby) needs the reads bound; the later of the two starts the N minutes.
func writesFailover(d DatabaseFailover, t TrafficFailover) WritesFailover {
	if !d.Available {
		return WritesFailover{Summary: "n/a (database not wired)"}
	}
	w := WritesFailover{Available: true, Mode: d.AutoFailover, PromotionSeconds: d.PromotionSeconds}
	evidence := detector.FreshSeconds + detector.DefaultStallMs/1000
	if t.Available && t.BoundSeconds > evidence {
		evidence = t.BoundSeconds
	}
	if d.AutoFailover != detector.ModeOff {
		w.DetectionSeconds = d.DetectionSeconds
		w.DetectionBoundSeconds = evidence + d.DetectionSeconds
	}
	promotion := minutes(d.PromotionSeconds)
	switch d.AutoFailover {
	case detector.ModeAuto:
		w.TypicalSeconds = w.DetectionSeconds + d.PromotionSeconds
		w.BoundSeconds = w.DetectionBoundSeconds + d.PromotionSeconds
		w.Summary = fmt.Sprintf("%s (at most %s: detection, the silent-metric case included, + %s promotion)", minutes(w.TypicalSeconds), minutes(w.BoundSeconds), promotion)
	case detector.ModeNotify:
		w.TypicalSeconds, w.BoundSeconds, w.AfterPerson = d.PromotionSeconds, d.PromotionSeconds, true
		w.Summary = fmt.Sprintf("%s after a person starts the runbook (the detector pages in %s, at most %s)", promotion, minutes(w.DetectionSeconds), minutes(w.DetectionBoundSeconds))
	default:
		w.TypicalSeconds, w.BoundSeconds, w.AfterPerson = d.PromotionSeconds, d.PromotionSeconds, true
		w.Summary = promotion + " after a person starts the runbook (autoFailover off: no detector pages)"
	}
	return w
}

// Headline is the README's failover headline, from the plan's own numbers: "reads in ..., writes ...".
func Headline(f Failover) string {
	reads := "reads n/a"
	if f.Traffic.Available {
		reads = fmt.Sprintf("reads in %d s (at most %d s)", f.Traffic.TypicalSeconds, f.Traffic.BoundSeconds)
	}
	writes := "writes n/a"
	if f.Writes.Available {
		writes = "writes in " + f.Writes.Summary
	}
	return reads + ", " + writes
}

// minutes says a duration in minutes, halves kept: "2.5 min", "4 min", "6.5 min".
func minutes(seconds int) string {
	if seconds%60 == 0 {
		return fmt.Sprintf("%d min", seconds/60)
	}
	return fmt.Sprintf("%.1f min", float64(seconds)/60)
}
