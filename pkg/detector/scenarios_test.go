package detector

// The scenario table both implementations are tested on: Go's Simulate (decide_test.go) and the
// Lambda's inline Python (python_test.go, through the probes and verdicts Go derived).

const t0 = int64(1_780_000_000) // a fixed start, unix seconds

func ms(v float64) *float64 { return &v }

func repeat(n int, s Step) []Step {
	out := make([]Step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func concat(parts ...[]Step) []Step {
	var out []Step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// healthy: the writer region serves, replicates and its RDS API answers.
func healthy(n int) []Step {
	return repeat(n, Step{AppStatus: 200, LagMs: ms(400), WriterAPIAnswers: true, WriterAvailable: true})
}

// badDeploy: the writer region's application fails (the origin answers 502 through CloudFront)
// while its database writes and replicates.
func badDeploy(n int) []Step {
	return repeat(n, Step{AppStatus: 502, LagMs: ms(450), WriterAPIAnswers: true, WriterAvailable: true})
}

// dark: nothing of the writer region answers, the lag grows by a minute every minute, and public
// DNS names the standby (Route 53's checkers agree: prod's checks move the name in under 2 min).
func dark(n int, fromMs float64) []Step {
	out := make([]Step, n)
	for i := range out {
		out[i] = Step{AppStatus: 0, LagMs: ms(fromMs + float64(i+1)*60000), DNSOnStandby: true}
	}
	return out
}

// partitioned: a partition between the two regions. Seen from the standby, the writer's
// application, replication and RDS API are all gone, but Route 53's checkers elsewhere still reach
// home, so public DNS keeps naming it: home serves the world and keeps writing.
func partitioned(n int, fromMs float64) []Step {
	out := dark(n, fromMs)
	for i := range out {
		out[i].DNSOnStandby = false
	}
	return out
}

// checkersCutOff: home serves CloudFront (the probe answers 200), replicates and its RDS API
// answers, but Route 53's checkers cannot reach it: public DNS names the read-only standby.
func checkersCutOff(n int) []Step {
	return repeat(n, Step{AppStatus: 200, LagMs: ms(400), WriterAPIAnswers: true, WriterAvailable: true, DNSOnStandby: true})
}

// cutOff: the application is unreachable and replication stopped, but the old writer's RDS API
// still answers "available" (a partition of the data path, not of the control plane).
func cutOff(n int) []Step {
	out := dark(n, 0)
	for i := range out {
		out[i].WriterAPIAnswers, out[i].WriterAvailable = true, true
	}
	return out
}

type scenarioCase struct {
	name string
	sc   Scenario
	// wantPromotions are the minutes the detector starts the runbook; wantMode and wantLastLag
	// describe the first one.
	wantPromotions []int
	wantMode       string
	wantLastLag    float64
	// wantPromotePages, wantSwitchoverPages and wantDegradedPages are the minutes the three alarms page.
	wantPromotePages    []int
	wantSwitchoverPages []int
	wantDegradedPages   []int
	wantIgnoredStarts   int
}

func scenarios() []scenarioCase {
	auto := func(n int, steps []Step) Scenario {
		return Scenario{Mode: ModeAuto, AfterMinutes: n, Start: t0, Steps: steps}
	}
	withExecutions := func(sc Scenario, runMinutes int, execs ...Execution) Scenario {
		sc.Executions, sc.RunMinutes = execs, runMinutes
		return sc
	}
	withMode := func(sc Scenario, mode string) Scenario { sc.Mode = mode; return sc }
	return []scenarioCase{
		{
			name: "steady state", sc: auto(3, healthy(30)),
		},
		{
			name: "bad deploy never promotes, pages after N minutes", sc: auto(3, concat(healthy(2), badDeploy(40))),
			wantDegradedPages: []int{4},
		},
		{
			name: "dark region promotes after exactly N minutes (N=3)", sc: auto(3, concat(healthy(5), dark(10, 400))),
			wantPromotions: []int{7}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{7}, wantDegradedPages: []int{7},
		},
		{
			name: "dark region promotes after exactly N minutes (N=1)", sc: auto(1, concat(healthy(5), dark(10, 400))),
			wantPromotions: []int{5}, wantMode: Failover, wantLastLag: 60400,
			wantPromotePages: []int{5}, wantDegradedPages: []int{5},
		},
		{
			name: "dark region promotes after exactly N minutes (N=10)", sc: auto(10, concat(healthy(1), dark(15, 400))),
			wantPromotions: []int{10}, wantMode: Failover, wantLastLag: 600400,
			wantPromotePages: []int{10}, wantDegradedPages: []int{10},
		},
		{
			name: "notify pages and never starts", sc: withMode(auto(3, concat(healthy(2), dark(10, 400))), ModeNotify),
			wantPromotePages: []int{4}, wantDegradedPages: []int{4},
		},
		{
			name: "flapping region does not promote",
			sc: auto(3, concat(healthy(2), dark(2, 400), healthy(1), dark(2, 400), healthy(1), dark(2, 400), healthy(1),
				dark(1, 400), healthy(1))),
		},
		{
			name:              "a redirect or a 4xx from the liveness path is not up: page, never promote while replicating",
			sc:                auto(2, concat(repeat(2, Step{AppStatus: 301, LagMs: ms(300), WriterAPIAnswers: true}), repeat(2, Step{AppStatus: 404, LagMs: ms(300), WriterAPIAnswers: true}))),
			wantDegradedPages: []int{1},
		},
		{
			name:              "RDS API outage while replication flows never promotes",
			sc:                auto(3, repeat(20, Step{AppStatus: 200, LagMs: ms(300)})),
			wantDegradedPages: []int{2},
		},
		{
			name:              "RDS API outage and application errors while replication flows never promotes",
			sc:                auto(3, repeat(20, Step{AppStatus: 503, LagMs: ms(300)})),
			wantDegradedPages: []int{2},
		},
		{
			name: "replication catching up after a blip does not count as stopped",
			sc: auto(3, concat(healthy(1), dark(2, 0), []Step{
				{AppStatus: 0, LagMs: ms(90000)}, {AppStatus: 0, LagMs: ms(40000)}, {AppStatus: 0, LagMs: ms(5000)}, {AppStatus: 0, LagMs: ms(900)},
			}, healthy(5))),
			wantDegradedPages: []int{3},
		},
		{
			name: "a lag metric that goes silent while the application is unreachable counts as stopped",
			sc:   auto(3, concat(healthy(2), repeat(10, Step{AppStatus: 0, DNSOnStandby: true}))),
			// minute 2: the newest datapoint is 2 min old (current); from minute 3 the silence adds
			// to the lag: 400 ms + 60 s is past the stall threshold.
			wantPromotions: []int{5}, wantMode: Failover, wantLastLag: 400,
			wantPromotePages: []int{5}, wantDegradedPages: []int{4},
		},
		{
			name:              "a silent lag metric while the application answers never promotes",
			sc:                auto(3, concat(healthy(2), repeat(10, Step{AppStatus: 200, WriterAPIAnswers: true, WriterAvailable: true}))),
			wantDegradedPages: []int{5},
		},
		{
			name:              "no replication metric in the window is no evidence: page, never promote",
			sc:                auto(3, repeat(10, Step{AppStatus: 0})),
			wantDegradedPages: []int{2},
		},
		{
			name:              "a metric silent for longer than the window is no evidence",
			sc:                auto(3, concat(healthy(1), repeat(70, Step{AppStatus: 200, WriterAPIAnswers: true}), repeat(5, Step{AppStatus: 0}))),
			wantDegradedPages: []int{4}, // the silence pages; past the window it is no evidence at all
		},
		{
			name: "missing detector data breaks the streak",
			sc:   auto(3, concat(healthy(1), dark(2, 400), []Step{{NoData: true}}, []Step{{AppStatus: 0, LagMs: ms(240400), DNSOnStandby: true}, {AppStatus: 0, LagMs: ms(300400), DNSOnStandby: true}}, healthy(3))),
		},
		{
			// F2: the old writer's RDS API shows it the writer of an available global cluster: the
			// region is not dark, whatever the app and the lag say. Page, never promote.
			name: "a writer the RDS API shows available vetoes the promotion", sc: auto(3, concat(healthy(3), cutOff(10))),
			wantDegradedPages: []int{5},
		},
		{
			// F2: a bad deploy plus a heavy write burst (backfill, migration): 503s and a lag of 45 s
			// that keeps rising 5 s a minute, while the writer region's RDS API answers available.
			name: "bad deploy with a write burst never promotes (API answers available)",
			sc: auto(3, func() []Step {
				s := make([]Step, 10)
				for i := range s {
					s[i] = Step{AppStatus: 503, LagMs: ms(45000 + float64(i)*5000), WriterAPIAnswers: true, WriterAvailable: true}
				}
				return s
			}()),
			wantDegradedPages: []int{2},
		},
		{
			// The same lag with nothing of the writer region answering (its RDS API neither): an
			// unanswered API is no veto, so this promotes after N.
			name: "app unreachable, lag growing, RDS API unreachable promotes after N",
			sc: auto(3, func() []Step {
				s := make([]Step, 10)
				for i := range s {
					s[i] = Step{AppStatus: 0, LagMs: ms(45000 + float64(i)*5000), DNSOnStandby: true}
				}
				return s
			}()),
			wantPromotions: []int{2}, wantMode: Failover, wantLastLag: 55000,
			wantPromotePages: []int{2}, wantDegradedPages: []int{2},
		},
		{
			name: "a dark region that stays dark promotes once", sc: auto(3, concat(healthy(1), dark(60, 400))),
			wantPromotions: []int{3}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{3}, wantDegradedPages: []int{3},
		},
		{
			name: "second trigger during a promotion does nothing",
			sc: withExecutions(auto(3, concat(healthy(1), dark(20, 400))), 0,
				Execution{Status: StatusRunning, Start: t0 - 120, Trigger: "operator"}),
			wantDegradedPages: []int{3},
		},
		{
			name:             "an operator's start in the minute the alarm fires: the runbook promotes once",
			sc:               auto(3, concat(healthy(1), dark(2, 400), []Step{{AppStatus: 0, LagMs: ms(180400), DNSOnStandby: true, PersonStarts: true}}, dark(5, 180400))),
			wantPromotePages: []int{3}, wantDegradedPages: []int{3}, wantIgnoredStarts: 1,
		},
		{
			name: "at most one automatic promotion in 24 hours",
			sc: withExecutions(auto(3, dark(30, 400)), 0,
				Execution{Status: StatusSucceeded, Start: t0 - 3*3600, Trigger: TriggerDetector, Promoted: true}),
			wantDegradedPages: []int{2},
		},
		{
			name: "an automatic promotion 25 hours ago does not block",
			sc: withExecutions(auto(3, dark(5, 400)), 0,
				Execution{Status: StatusSucceeded, Start: t0 - 25*3600, Trigger: TriggerDetector, Promoted: true}),
			wantPromotions: []int{2}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{2}, wantDegradedPages: []int{2},
		},
		{
			name: "a person's promotion an hour ago does not use the automatic budget",
			sc: withExecutions(auto(3, dark(5, 400)), 0,
				Execution{Status: StatusSucceeded, Start: t0 - 3600, Trigger: "operator"}),
			wantPromotions: []int{2}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{2}, wantDegradedPages: []int{2},
		},
		{
			name: "executions that cannot be listed block (fail safe)",
			sc: auto(3, func() []Step {
				s := dark(10, 400)
				for i := range s {
					s[i].ListFails = true
				}
				return s
			}()),
			wantDegradedPages: []int{2},
		},
		{
			name: "a person's running promotion blocks until it ends",
			sc: withExecutions(auto(3, dark(20, 400)), 5,
				Execution{Status: StatusRunning, Start: t0 - 60, Trigger: "operator"}),
			wantPromotions: []int{7}, wantMode: Failover, wantLastLag: 480400,
			wantPromotePages: []int{7}, wantDegradedPages: []int{2},
		},
		{
			name: "the writer region's own detector idles",
			sc:   auto(3, repeat(20, Step{AppStatus: 0, OwnRole: RoleWriter})),
		},
		{
			name: "a detached old primary's detector idles",
			sc:   auto(3, repeat(20, Step{AppStatus: 0, LagMs: ms(900000), OwnRole: RoleDetached})),
		},
		{
			name: "own RDS API down: decide on the metrics alone", sc: auto(3, func() []Step {
				s := dark(5, 400)
				for i := range s {
					s[i].OwnRole = RoleUnknown
				}
				return s
			}()),
			wantPromotions: []int{2}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{2}, wantDegradedPages: []int{2},
		},
		// Issue 22, case 2: only automatic runs that promoted use the 24 h budget.
		{
			name: "an automatic run that failed before promoting does not use the budget",
			sc: withExecutions(auto(3, dark(5, 400)), 0,
				Execution{Status: StatusFailed, Start: t0 - 3*3600, Trigger: TriggerDetector}),
			wantPromotions: []int{2}, wantMode: Failover, wantLastLag: 180400,
			wantPromotePages: []int{2}, wantDegradedPages: []int{2},
		},
		{
			name: "an automatic run that failed after promoting uses the budget",
			sc: withExecutions(auto(3, dark(5, 400)), 0,
				Execution{Status: StatusFailed, Start: t0 - 3*3600, Trigger: TriggerDetector, Promoted: true}),
			wantDegradedPages: []int{2},
		},
		// Issue 22, case 2: the home database is lost while home's application and RDS API still
		// answer (the writer instance and its replicas are gone, or the cluster cannot write). The
		// liveness path answers 200, so the region is not dark and the detector never promotes; its
		// RDS API shows no available writer and replication stops, so it pages "degraded" after N
		// minutes. Route 53 has already moved reads (home's global-primary path answers 503). The
		// page's remedy is the runbook with {"mode":"auto"}: RDS refuses its switchover (the home
		// primary is unhealthy) and auto falls back to a failover (pkg/failover, refusal_test.go).
		{
			name: "home database lost, home application and RDS API up: pages, never promotes by itself",
			sc: auto(3, concat(healthy(2), func() []Step {
				s := dark(10, 400)
				for i := range s {
					s[i].AppStatus, s[i].WriterAPIAnswers, s[i].WriterAvailable = 200, true, false
				}
				return s
			}())),
			wantDegradedPages: []int{4},
		},
		{
			// Issue 22 case 4: the three regional signals all travel from the standby towards home;
			// a partition between the regions fails them all while the world still reaches home.
			// Public DNS (Route 53's checkers everywhere) keeps naming home: never a promotion.
			name: "a partition between the regions never promotes while DNS names home", sc: auto(3, concat(healthy(2), partitioned(20, 400))),
			wantDegradedPages: []int{4},
		},
		{
			name:              "a partition in notify mode pages degraded, never promote",
			sc:                withMode(auto(3, concat(healthy(2), partitioned(20, 400))), ModeNotify),
			wantDegradedPages: []int{4},
		},
		{
			// DNS moves a minute after the region goes dark (checkers' detection plus the 60 s TTL):
			// the N minutes start when all four signals agree.
			name: "a dark region whose DNS moves a minute later promotes a minute later",
			sc: auto(3, concat(healthy(5), func() []Step {
				s := dark(10, 400)
				s[0].DNSOnStandby = false
				return s
			}())),
			wantPromotions: []int{8}, wantMode: Failover, wantLastLag: 240400,
			wantPromotePages: []int{8}, wantDegradedPages: []int{7},
		},
		{
			name: "a DNS lookup that fails is no evidence: page, never promote",
			sc: auto(3, concat(healthy(1), func() []Step {
				s := dark(10, 400)
				for i := range s {
					s[i].DNSFails = true
				}
				return s
			}())),
			wantDegradedPages: []int{3},
		},
		{
			// Issue 22 case 6: home is healthy but Route 53's checkers cannot reach it, so viewers sit
			// on the read-only standby. No promotion (home writes); after N minutes a page says
			// "switchover recommended": no data loss, both regions up.
			name: "checkers cut off from a healthy home page switchover recommended", sc: auto(3, concat(healthy(2), checkersCutOff(20))),
			wantSwitchoverPages: []int{4},
		},
		{
			name: "checkers cut off for less than N minutes pages nothing",
			sc:   auto(3, concat(healthy(2), checkersCutOff(2), healthy(5))),
		},
		{
			name:                "checkers cut off in notify mode page switchover recommended",
			sc:                  withMode(auto(5, concat(healthy(2), checkersCutOff(20))), ModeNotify),
			wantSwitchoverPages: []int{6},
		},
	}
}
