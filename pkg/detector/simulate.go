package detector

// Step is one minute of a scenario: what the world shows the detector. The runbook's executions are
// not part of it: Simulate owns them, so a promotion it starts is evidence in the minutes after.
type Step struct {
	AppStatus int
	// LagMs is this minute's lag datapoint; nil when the cluster published none this minute (the
	// probe then sees the last one within LagWindowSeconds, older).
	LagMs                             *float64
	WriterAPIAnswers, WriterAvailable bool
	// DNSFails: the detector's public DNS lookup got no answer this minute. DNSOnStandby: the
	// failover origin name resolved to the standby's (the detector's own region's) ALB.
	DNSFails, DNSOnStandby bool
	// OwnRole defaults to RoleSecondary.
	OwnRole string
	// ListFails: ListExecutions failed this minute.
	ListFails bool
	// NoData: the function published nothing this minute (it failed or did not run); the alarms
	// treat missing data as not breaching.
	NoData bool
	// PersonStarts: an operator starts the runbook this minute, after the detector's probe (the
	// race the runbook's own one-promotion-at-a-time guard settles).
	PersonStarts bool
}

// Scenario is a sequence of minutes under one configuration.
type Scenario struct {
	// Mode is database.autoFailover (notify or auto).
	Mode string
	// AfterMinutes is database.autoFailoverAfterMinutes: M = N of the alarms.
	AfterMinutes int
	// Start is the first minute's time, unix seconds.
	Start int64
	// Executions are runbook executions that exist before the first minute (a person's, or an
	// earlier automatic one); RunMinutes says how long a RUNNING one keeps running (0: throughout).
	Executions []Execution
	RunMinutes int
	// PromotionMinutes is how long an execution the detector starts runs (default 5).
	PromotionMinutes int
	Steps            []Step
	Settings         Settings
}

// Promotion is a runbook start by the detector's EventBridge rule.
type Promotion struct {
	Minute int
	// Mode is the least-loss mode on the evidence of that minute; LastLagMs the replication lag
	// last seen before the decision (the data a failover may lose).
	Mode      string
	LastLagMs *float64
}

// Page is a notification to the detector's region's SNS topic.
type Page struct {
	Minute int
	Alarm  string // AlarmPromote, AlarmSwitchover or AlarmDegraded
}

// The detector's paging alarms, as Page.Alarm names them.
const (
	AlarmPromote    = "promote"
	AlarmSwitchover = "switchover"
	AlarmDegraded   = "degraded"
)

// Outcome is what happened over a scenario.
type Outcome struct {
	Probes   []Probe
	Verdicts []Verdict
	// Promotions are the runbook executions the detector started; IgnoredStarts the starts the
	// runbook refused because another execution was promoting.
	Promotions    []Promotion
	IgnoredStarts int
	Pages         []Page
}

type simExecution struct {
	Execution
	endMinute int // -1: never ends within the scenario
}

// Simulate runs a scenario through Classify, the three N-of-N alarms, the page and (in auto) the
// EventBridge start of the runbook.
func Simulate(sc Scenario) Outcome {
	n := sc.AfterMinutes
	if n < 1 {
		n = 1
	}
	promotionMinutes := sc.PromotionMinutes
	if promotionMinutes <= 0 {
		promotionMinutes = 5
	}
	var execs []*simExecution
	for _, e := range sc.Executions {
		end := -1
		if e.Status == StatusRunning && sc.RunMinutes > 0 {
			end = sc.RunMinutes
		}
		execs = append(execs, &simExecution{Execution: e, endMinute: end})
	}
	var out Outcome
	promote, switchover, degraded := newAlarm(n), newAlarm(n), newAlarm(n)
	type datapoint struct {
		minute int
		value  float64
	}
	var points []datapoint
	var lastLag *float64
	for i, step := range sc.Steps {
		now := sc.Start + int64(i)*60
		for _, e := range execs {
			if e.Status == StatusRunning && e.endMinute >= 0 && i >= e.endMinute {
				e.Status = StatusSucceeded
			}
		}
		if step.LagMs != nil {
			lastLag = step.LagMs
			points = append(points, datapoint{i, *step.LagMs})
		}
		p := Probe{
			Now: now, AppStatus: step.AppStatus,
			WriterAPIAnswers: step.WriterAPIAnswers, WriterAvailable: step.WriterAvailable,
			DNSAnswers: !step.DNSFails, DNSOnStandby: step.DNSOnStandby && !step.DNSFails,
			OwnRole: step.OwnRole, ExecutionsKnown: !step.ListFails,
		}
		// The probe reads the datapoints of the last LagWindowSeconds; this minute's is about a
		// minute old when read.
		if n := len(points); n > 0 && int64(i-points[n-1].minute)*60 < LagWindowSeconds {
			newest := points[n-1].value
			p.LagMs, p.LagAgeSeconds = &newest, int64(i-points[n-1].minute)*60+60
			if n > 1 && int64(i-points[n-2].minute)*60 < LagWindowSeconds {
				prev := points[n-2].value
				p.PrevLagMs = &prev
			}
		}
		if p.OwnRole == "" {
			p.OwnRole = RoleSecondary
		}
		if !step.ListFails {
			for _, e := range execs {
				if e.Status == StatusRunning || now-e.Start < sc.Settings.capSeconds() {
					p.Executions = append(p.Executions, e.Execution)
				}
			}
		}
		v := Classify(sc.Settings, p)
		if step.NoData {
			v = Verdict{}
		} else {
			out.Probes = append(out.Probes, p)
			out.Verdicts = append(out.Verdicts, v)
		}
		if step.PersonStarts {
			execs = append(execs, &simExecution{
				Execution: Execution{Status: StatusRunning, Start: now, Trigger: "operator"},
				endMinute: i + promotionMinutes,
			})
		}
		if degraded.observe(v.Degraded) {
			out.Pages = append(out.Pages, Page{Minute: i, Alarm: AlarmDegraded})
		}
		if switchover.observe(v.SwitchoverRecommended) {
			out.Pages = append(out.Pages, Page{Minute: i, Alarm: AlarmSwitchover})
		}
		if !promote.observe(v.PromoteSignal) {
			continue
		}
		out.Pages = append(out.Pages, Page{Minute: i, Alarm: AlarmPromote})
		if sc.Mode != ModeAuto {
			continue
		}
		if running(execs) {
			out.IgnoredStarts++ // the runbook's own guard: one promotion of the global cluster at a time
			continue
		}
		execs = append(execs, &simExecution{
			Execution: Execution{Status: StatusRunning, Start: now, Trigger: TriggerDetector, Promoted: true},
			endMinute: i + promotionMinutes,
		})
		out.Promotions = append(out.Promotions, Promotion{Minute: i, Mode: v.Mode, LastLagMs: lastLag})
	}
	return out
}

func running(execs []*simExecution) bool {
	for _, e := range execs {
		if e.Status == StatusRunning {
			return true
		}
	}
	return false
}

// alarm models a CloudWatch alarm with period 60 s, EvaluationPeriods = DatapointsToAlarm = n and
// missing data not breaching: ALARM while the last n datapoints all breach; EventBridge and the
// alarm actions see only the transition into ALARM.
type alarm struct {
	n, streak int
	inAlarm   bool
}

func newAlarm(n int) *alarm { return &alarm{n: n} }

// observe adds one datapoint and reports whether the alarm just went into ALARM.
func (a *alarm) observe(breaching bool) bool {
	if !breaching {
		a.streak, a.inAlarm = 0, false
		return false
	}
	a.streak++
	if a.streak >= a.n && !a.inAlarm {
		a.inAlarm = true
		return true
	}
	return false
}
