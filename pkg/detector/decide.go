package detector

// The decision, as pure functions. Classify is what the Lambda computes every minute from what it
// observed (detector.py implements the same rules; the tests run both on one scenario table).
// Simulate adds what AWS does with the published signal: the M-of-N alarm in the detector's region,
// the EventBridge rule that starts the runbook in `auto`, the page in `notify` and `auto`, and the
// runbook's executions, which feed back into the next minutes' evidence.

// Modes of database.autoFailover.
const (
	ModeOff    = "off"
	ModeNotify = "notify"
	ModeAuto   = "auto"
)

// Modes lists the allowed values of database.autoFailover, in the order the docs give them.
func Modes() []string { return []string{ModeOff, ModeNotify, ModeAuto} }

// Roles of the detector's own cluster in the global database, from DescribeGlobalClusters in its
// own region.
const (
	RoleSecondary = "secondary" // a member that replicates from the watched region: the detector's job
	RoleWriter    = "writer"    // this region writes: nothing to promote, the other region's detector watches it
	RoleDetached  = "detached"  // not a member (left the global database): rejoining is a person's job
	RoleUnknown   = "unknown"   // this region's RDS API did not answer: decide on the metrics alone
)

// Promotion modes the runbook runs (the detector starts it with "auto"; Mode is what the runbook's
// auto mode picks on the same evidence, reported in the page).
const (
	Switchover = "switchover"
	Failover   = "failover"
)

// Execution statuses and the trigger an automatic start carries in its input.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	TriggerDetector = "detector"
)

// DefaultStallMs is the replication lag (ms) above which a lag that is not shrinking counts as
// replication stopped. Aurora global replication normally lags well under a second; once the
// writer region is gone the secondary's lag grows by about 60 s per minute, so 30 s is crossed in
// the first minute of an outage, and a lag that shrinks again (catching up) never counts.
const DefaultStallMs = 30000

// FreshSeconds is how old the newest lag datapoint may be and still count as current: CloudWatch
// usually has a secondary's one-minute RDS datapoint within a minute or two. Beyond it, the
// secondary has stopped reporting replication, and the lag it implies grows with the silence: the
// effective lag is the last value plus the time since (minus this allowance). That covers both
// ways a dark writer region can show, a lag that climbs or a metric that goes silent.
const FreshSeconds = 120

// LagWindowSeconds is how far back the detector looks for lag datapoints: a metric silent for
// longer than this (or never published, as on a new stack) is no evidence at all.
const LagWindowSeconds = 3600

// CapSeconds is the automatic-promotion budget: at most one automatic promotion per 24 hours.
const CapSeconds = 24 * 60 * 60

// Execution is one execution of the detector's own region's runbook (ListExecutions, with the
// trigger read from DescribeExecution's input).
type Execution struct {
	Status string `json:"status"`
	// Start is the execution's start, unix seconds.
	Start   int64  `json:"start"`
	Trigger string `json:"trigger"`
	// Promoted: RDS accepted a switchover or failover request of this execution (a SUCCEEDED run
	// whose output carries "promoted", a FAILED run ending in FailoverFailedAfterPromotion, and, not
	// knowing, a TIMED_OUT or ABORTED one). Only automatic runs that promoted use the 24 h budget: a
	// run that found its region already writing, or failed before promoting, does not.
	Promoted bool `json:"promoted"`
}

// Probe is what the detector observes in one minute, all of it from its own region's data plane
// except the two probe targets in the watched region (its application through CloudFront, its RDS
// API for the switchover check).
type Probe struct {
	// Now is the time of the probe, unix seconds.
	Now int64 `json:"now"`
	// AppStatus is the HTTP status of the watched region's liveness path, fetched through the
	// CloudFront behaviour pinned to that region's origin; 0 when nothing answered in time.
	AppStatus int `json:"appStatus"`
	// LagMs is the newest AuroraGlobalDBReplicationLag (Maximum, 1 minute) this region's cluster
	// published within LagWindowSeconds, PrevLagMs the one before (nil when there is none), and
	// LagAgeSeconds the age of the newest one.
	LagMs         *float64 `json:"lagMs"`
	PrevLagMs     *float64 `json:"prevLagMs"`
	LagAgeSeconds int64    `json:"lagAgeSeconds"`
	// WriterAPIAnswers: the watched region's RDS API answered DescribeGlobalClusters;
	// WriterAvailable: and showed the global cluster "available" with the watched cluster as its
	// writer member. Both true is proof the watched region is not dark: it vetoes a promotion (a
	// bad deploy plus a heavy write burst looks dark by app and lag alone). An RDS API that does
	// not answer is no evidence either way: it never vetoes and never counts as dark by itself.
	WriterAPIAnswers bool `json:"writerApiAnswers"`
	WriterAvailable  bool `json:"writerAvailable"`
	// DNSAnswers: the public DNS lookup of the failover origin name (origin.<viewer>) and of this
	// region's own origin name answered; DNSOnStandby: and the failover name resolved to this (the
	// standby) region's ALB, so Route 53's health checkers all over the world agree the watched
	// region does not serve. The only global signal: the other three travel from this region
	// towards the watched one, so a partition between the two regions fails them all while the
	// world still reaches the watched region (and keeps writing there).
	DNSAnswers   bool `json:"dnsAnswers"`
	DNSOnStandby bool `json:"dnsOnStandby"`
	// OwnRole is this region's cluster's role (Role* constants).
	OwnRole string `json:"ownRole"`
	// Executions of this region's runbook started within the cap window, and whether listing them
	// worked (when it did not, the detector cannot prove the cap holds and does not promote).
	Executions      []Execution `json:"executions"`
	ExecutionsKnown bool        `json:"executionsKnown"`
}

// Settings are the decision's constants.
type Settings struct {
	// StallMs is the replication-stopped threshold (DefaultStallMs when 0).
	StallMs float64
	// CapSeconds is the automatic-promotion window (CapSeconds when 0).
	CapSeconds int64
}

func (s Settings) stallMs() float64 {
	if s.StallMs <= 0 {
		return DefaultStallMs
	}
	return s.StallMs
}

func (s Settings) capSeconds() int64 {
	if s.CapSeconds <= 0 {
		return CapSeconds
	}
	return s.CapSeconds
}

// Verdict is one minute's classification: the metrics the Lambda publishes (1 for true).
type Verdict struct {
	// Watching: this region's cluster may be promoted (secondary, or role unknown).
	Watching bool `json:"watching"`
	// WriterAppUp: the watched region's application answered 2xx.
	WriterAppUp bool `json:"writerAppUp"`
	// ReplicationStopped: the effective lag is at or above the stall threshold and not shrinking
	// (or the metric has gone silent).
	ReplicationStopped bool `json:"replicationStopped"`
	// WriterVeto: the watched region's RDS API answered and showed the global cluster available
	// with its writer member present: the region is not dark, whatever the app and the lag say.
	WriterVeto bool `json:"writerVeto"`
	// DNSOnStandby: public DNS names this region's ALB for the failover origin name.
	DNSOnStandby bool `json:"dnsOnStandby"`
	// RegionDark: application unreachable AND replication stopped AND DNS on the standby AND no
	// WriterVeto.
	RegionDark bool `json:"regionDark"`
	// SwitchoverRecommended: the probe reaches the watched region's application but public DNS
	// names the standby (Route 53's checkers are cut off from a healthy home, or home's database
	// stopped answering its primary path): viewers sit on the read-only standby. A page after N
	// minutes that says "switch over" (no data loss while both regions are up), never a promotion.
	SwitchoverRecommended bool `json:"switchoverRecommended"`
	// Degraded: some evidence is bad (application, replication, missing lag, the watched region's
	// RDS API, the DNS lookup): a page after N minutes, never a promotion by itself.
	Degraded bool `json:"degraded"`
	// Blocked: a runbook execution is running, an automatic promotion happened within the cap
	// window, or the executions could not be listed.
	Blocked bool `json:"blocked"`
	// PromoteSignal = RegionDark and not Blocked: the metric the promote alarm watches.
	PromoteSignal bool `json:"promoteSignal"`
	// Mode is the least-loss promotion on this evidence: switchover while the old writer answers.
	// Since the veto, a minute with PromoteSignal always has Mode failover (the runbook's auto rule
	// agrees: the detector's start says writerAvailable false in its evidence).
	Mode string `json:"mode"`
}

// Classify is one minute's verdict.
func Classify(s Settings, p Probe) Verdict {
	v := Verdict{Mode: Failover}
	v.Watching = p.OwnRole == RoleSecondary || p.OwnRole == RoleUnknown
	v.WriterAppUp = p.AppStatus >= 200 && p.AppStatus < 300
	v.ReplicationStopped = replicationStopped(s, p)
	if p.WriterAPIAnswers && p.WriterAvailable {
		v.Mode = Switchover
	}
	if !v.Watching {
		return v
	}
	v.WriterVeto = p.WriterAPIAnswers && p.WriterAvailable
	v.DNSOnStandby = p.DNSAnswers && p.DNSOnStandby
	v.RegionDark = !v.WriterAppUp && v.ReplicationStopped && v.DNSOnStandby && !v.WriterVeto
	// Not when home's RDS API shows no available writer: a lost home database is no case for a
	// switchover (RDS refuses it); the degraded page sends the operator to auto, which fails over.
	writerGone := p.WriterAPIAnswers && !p.WriterAvailable
	v.SwitchoverRecommended = v.WriterAppUp && v.DNSOnStandby && !writerGone
	v.Degraded = !v.WriterAppUp || v.ReplicationStopped || p.LagMs == nil || !p.WriterAPIAnswers || !p.DNSAnswers
	v.Blocked = blocked(s, p)
	v.PromoteSignal = v.RegionDark && !v.Blocked
	return v
}

// replicationStopped: the lag, counting the silence since the newest datapoint, is at or above the
// stall threshold, and it is not shrinking (a silent metric cannot shrink). No datapoint in the
// window is no evidence.
func replicationStopped(s Settings, p Probe) bool {
	if p.LagMs == nil {
		return false
	}
	stale := p.LagAgeSeconds > FreshSeconds
	effective := *p.LagMs
	if stale {
		effective += float64(p.LagAgeSeconds-FreshSeconds) * 1000
	}
	if effective < s.stallMs() {
		return false
	}
	return stale || p.PrevLagMs == nil || *p.LagMs >= *p.PrevLagMs
}

// blocked reports whether a promotion must not start now: one is running (never two at once), an
// automatic one that promoted started within the cap window (a second is a person's decision), or
// the detector cannot tell (fail safe).
func blocked(s Settings, p Probe) bool {
	if !p.ExecutionsKnown {
		return true
	}
	for _, e := range p.Executions {
		if e.Status == StatusRunning {
			return true
		}
		if e.Trigger == TriggerDetector && e.Promoted && p.Now-e.Start < s.capSeconds() {
			return true
		}
	}
	return false
}
