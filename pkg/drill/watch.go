package drill

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
)

// watch is the state of the watch loop: what was last seen, and the timeline so far.
type watch struct {
	*setup
	report     *Report
	began      time.Time
	experiment string
	execArn    string

	expState      fistypes.ExperimentStatus
	expReason     string
	expDone       bool
	stoppedByUs   bool
	outageStart   time.Time
	servedAgain   time.Time
	lastRegion    string
	lastHealthy   *bool
	lastTargets   string
	writer        string
	writerMoved   time.Time
	instance      string
	instanceMoved time.Time
	runbookState  sfntypes.ExecutionStatus
	runbookDone   bool
	paged         bool
	errorsSeen    map[string]bool

	// The failover mode.
	putOn            []string // roles the isolation policy is on now
	awaitingDetector bool
	detectorPromoted bool
	runbookStarted   time.Time
	rejoined         time.Time
	members          int
	shiftStart       time.Time
}

func (s *setup) run(ctx context.Context) (*Report, error) {
	r := &Report{Stack: s.o.Stack, Kind: s.o.Kind, Region: s.region, Zone: s.zone, TemplateID: s.templateID, Failures: []string{}}
	s.progress("%s drill of %s in %s: traffic budget %s (detection %s + evaluation %s + DNS %s)",
		s.o.Kind, s.o.Stack, s.region, s.budget.Traffic, s.budget.Detection, s.budget.Evaluation, s.budget.DNS)
	w := &watch{setup: s, report: r, began: s.d.Clock.Now(), writer: s.writerBefore, instance: s.writerInstance, errorsSeen: map[string]bool{}}
	failover := s.o.Kind == drills.KindRegion && s.o.Mode == ModeFailover
	if failover {
		// Before the fault: the faulted region goes dark to the surviving region's runbook and
		// detector, until the drill ends (and, should it die, until the policy's own expiry).
		if err := w.isolate(ctx, w.began.Add(IsolationPropagation+s.o.Timeout+IsolationGrace)); err != nil {
			return nil, err
		}
		defer w.unisolate(ctx)
		// IAM is eventually consistent: a policy just put may not yet be enforced everywhere, and
		// a runbook or detector that still reached the region would make the drill prove nothing.
		w.event("waiting %s for IAM to apply the deny before the fault (IAM is eventually consistent)", IsolationPropagation)
		if err := s.d.Clock.Sleep(ctx, IsolationPropagation); err != nil {
			return nil, fmt.Errorf("waiting for the deny to propagate: %w", err)
		}
		// The fault's time is the drill's zero: the measurements count from it, and the deny and
		// the wait show before it.
		w.began = s.d.Clock.Now()
		for i := range r.Events {
			r.Events[i].Seconds = r.Events[i].At.Sub(w.began).Seconds()
		}
	}
	id, err := s.start(ctx)
	if err != nil {
		return nil, err
	}
	w.experiment = id
	r.ExperimentID = id
	r.Started = w.began.UTC().Format(time.RFC3339)
	w.event("fault began: experiment %s started from template %s in %s", id, s.templateID, s.region)
	if s.zonal != nil {
		w.startZonalShift(ctx)
	}
	switch {
	case failover && s.auto:
		w.awaitingDetector = true
		w.event("waiting up to %s for %s's detector to start the runbook (autoFailover auto)", detectorWait(s.cfg.Database.AutoFailoverAfterMinutes), s.other)
	case failover:
		w.startRunbook(ctx, ModeFailover)
	case s.o.Kind == drills.KindRegion:
		// FIS cannot stop Aurora's storage-level replication, so the detector must page, not promote;
		// the drill moves the database itself, planned (RPO 0), from the surviving region's runbook.
		w.startRunbook(ctx, ModeSwitchover)
	}

	deadline := w.began.Add(s.o.Timeout)
	for {
		w.observe(ctx)
		if w.finished() {
			break
		}
		if !s.d.Clock.Now().Before(deadline) {
			w.fail("timed out after %s", s.o.Timeout)
			if !w.expDone {
				w.stop(ctx, "the drill timed out")
				w.expState = "timeout"
			}
			break
		}
		if err := s.d.Clock.Sleep(ctx, s.o.Poll); err != nil {
			w.fail("interrupted: %v", err)
			w.stop(context.WithoutCancel(ctx), "the drill was interrupted")
			break
		}
	}
	w.cancelZonalShift(context.WithoutCancel(ctx))
	w.conclude()
	return r, nil
}

// finished: the experiment ended, viewers are served, and (region drill) the database moved or
// the runbook ended.
func (w *watch) finished() bool {
	if !w.expDone {
		return false
	}
	if !w.outageStart.IsZero() && w.servedAgain.IsZero() {
		return false
	}
	if w.o.Kind == drills.KindRegion && w.execArn != "" && w.writerMoved.IsZero() && !w.runbookDone {
		return false
	}
	if w.awaitingDetector {
		return false
	}
	if w.o.Mode == ModeFailover && !w.writerMoved.IsZero() && w.rejoined.IsZero() {
		return false
	}
	if w.zonal != nil && w.zonal.ShiftID != "" && w.zonal.WeightZeroSeconds == nil {
		return false // the shift has not taken effect yet
	}
	return true
}

func (w *watch) event(format string, args ...any) {
	now := w.d.Clock.Now()
	e := Event{At: now, Seconds: now.Sub(w.began).Seconds(), What: fmt.Sprintf(format, args...)}
	w.report.Events = append(w.report.Events, e)
	w.progress("%+.0fs %s", e.Seconds, e.What)
}

func (w *watch) fail(format string, args ...any) {
	w.report.Failures = append(w.report.Failures, fmt.Sprintf(format, args...))
}

// awsError records an observation's error once per source, and keeps watching.
func (w *watch) awsError(source string, err error) {
	if err == nil || w.errorsSeen[source] {
		return
	}
	w.errorsSeen[source] = true
	w.event("%s unavailable: %v", source, err)
}

func (w *watch) stop(ctx context.Context, why string) {
	if w.experiment == "" || w.expDone {
		return
	}
	_, err := w.d.Clients.FIS(w.region).StopExperiment(ctx, &fis.StopExperimentInput{Id: aws.String(w.experiment)})
	if err != nil {
		w.event("could not stop experiment %s (%s): %v; stop it with aws fis stop-experiment --id %s --region %s", w.experiment, why, err, w.experiment, w.region)
		return
	}
	w.stoppedByUs = true
	w.event("experiment stopped by the drill: %s", why)
}

func (w *watch) observe(ctx context.Context) {
	w.publishDrillActive(ctx)
	w.observeExperiment(ctx)
	w.observeViewers(ctx)
	w.observeRoute53(ctx)
	w.observeTargets(ctx)
	w.observeDatabase(ctx)
	w.observeWriterInstance(ctx)
	w.observeRunbook(ctx)
	w.observeDetector(ctx)
	w.awaitDetector(ctx)
	w.observeRejoin(ctx)
	w.observeZonal(ctx)
	w.progress("%+.0fs experiment %s, viewers %s, writer in %s", w.d.Clock.Now().Sub(w.began).Seconds(), w.expState, w.viewerState(), w.writer)
}

func (w *watch) viewerState() string {
	if !w.outageStart.IsZero() && w.servedAgain.IsZero() {
		return "failing"
	}
	return "served"
}

func (w *watch) observeExperiment(ctx context.Context) {
	if w.expDone {
		return
	}
	out, err := w.d.Clients.FIS(w.region).GetExperiment(ctx, &fis.GetExperimentInput{Id: aws.String(w.experiment)})
	if err != nil {
		w.awsError("FIS GetExperiment", err)
		return
	}
	if out.Experiment == nil || out.Experiment.State == nil {
		return
	}
	st := out.Experiment.State
	if st.Status == w.expState {
		return
	}
	w.expState, w.expReason = st.Status, aws.ToString(st.Reason)
	switch st.Status {
	case fistypes.ExperimentStatusCompleted, fistypes.ExperimentStatusStopped, fistypes.ExperimentStatusFailed, fistypes.ExperimentStatusCancelled:
		w.expDone = true
		w.event("experiment ended: %s (%s)", st.Status, w.expReason)
	default:
		w.event("experiment %s", st.Status)
	}
}

func (w *watch) observeViewers(ctx context.Context) {
	p := liveops.ProbeURL(ctx, w.d.HTTP, w.url, w.o.ProbeTimeout, w.d.Clock.Now)
	describe := fmt.Sprintf("HTTP %d", p.Status)
	if p.Status == 0 {
		describe = "no answer (" + p.Error + ")"
	}
	if p.OK() {
		if !w.outageStart.IsZero() && w.servedAgain.IsZero() {
			w.servedAgain = p.At
			w.event("viewers served again: %s from %s", describe, regionName(p.Region))
		}
		if p.Region != "" && p.Region != w.lastRegion {
			if w.lastRegion != "" {
				w.event("viewers now served by %s (was %s)", p.Region, w.lastRegion)
			}
			w.lastRegion = p.Region
		}
		return
	}
	if w.outageStart.IsZero() || !w.servedAgain.IsZero() {
		if !w.servedAgain.IsZero() {
			// A second outage: measure from its start again, and keep the worst.
			w.servedAgain = time.Time{}
		}
		w.outageStart = p.At
		w.event("viewers failing: %s", describe)
	}
}

func regionName(r string) string {
	if r == "" {
		return "an unnamed region (the application sends no " + liveops.RegionHeader + ")"
	}
	return r
}

func (w *watch) observeRoute53(ctx context.Context) {
	if w.healthCheckID == "" {
		return
	}
	ok, _, err := liveops.HealthState(ctx, w.d.Clients.Route53(), w.d.Clients.CloudWatch("us-east-1"), w.healthCheckID, w.d.Clock.Now())
	if err != nil {
		w.awsError("Route 53 health", err)
		return
	}
	if w.lastHealthy == nil || *w.lastHealthy != ok {
		state := "unhealthy"
		if ok {
			state = "healthy"
		}
		if w.lastHealthy != nil || !ok {
			w.event("Route 53 sees the PRIMARY record's health check %s %s", w.healthCheckID, state)
		}
		w.lastHealthy = &ok
	}
}

func (w *watch) observeTargets(ctx context.Context) {
	if w.targetGroupArn == "" {
		return
	}
	out, err := w.d.Clients.ELB(w.region).DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(w.targetGroupArn)})
	if err != nil {
		w.awsError("ELB DescribeTargetHealth in "+w.region, err)
		return
	}
	healthy := 0
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth != nil && d.TargetHealth.State == "healthy" {
			healthy++
		}
	}
	now := fmt.Sprintf("%d of %d targets healthy", healthy, len(out.TargetHealthDescriptions))
	if now != w.lastTargets {
		if w.lastTargets != "" {
			w.event("load balancer in %s: %s (was %s)", w.region, now, w.lastTargets)
		}
		w.lastTargets = now
	}
}

func (w *watch) observeDatabase(ctx context.Context) {
	// Read the topology from the region that is not faulted: its RDS API stays reachable.
	top, err := liveops.GlobalTopology(ctx, w.d.Clients.RDS(w.other), w.globalClusterID)
	if err != nil {
		w.awsError("RDS DescribeGlobalClusters in "+w.other, err)
	} else if top.WriterRegion != "" && top.WriterRegion != w.writer {
		w.event("writer moved: %s now hosts the global cluster's primary (was %s)", top.WriterRegion, w.writer)
		w.writer = top.WriterRegion
		if w.writerMoved.IsZero() {
			w.writerMoved = w.d.Clock.Now()
		}
	}
	// Lag is published by the secondary (the region that does not write).
	reader := w.other
	if w.writer == w.other {
		reader = w.region
	}
	id := w.clusterIDs[reader]
	if id == "" {
		return
	}
	lag, ok, err := liveops.ReplicationLag(ctx, w.d.Clients.CloudWatch(reader), id, w.d.Clock.Now())
	if err != nil {
		w.awsError("CloudWatch replication lag in "+reader, err)
		return
	}
	if ok {
		w.report.ReplicationLagMs = &lag
	}
}

// observeWriterInstance follows the regional cluster's writer through the AZ drill's failover.
func (w *watch) observeWriterInstance(ctx context.Context) {
	if w.o.Kind != drills.KindAZ || w.instance == "" {
		return
	}
	now, err := liveops.ClusterWriter(ctx, w.d.Clients.RDS(w.region), w.clusterIDs[w.region])
	if err != nil {
		w.awsError("RDS DescribeDBClusters in "+w.region, err)
		return
	}
	if now != "" && now != w.instance {
		w.event("writer failed over in %s: %s now writes (was %s)", w.region, now, w.instance)
		w.instance = now
		if w.instanceMoved.IsZero() {
			w.instanceMoved = w.d.Clock.Now()
		}
	}
}

func (w *watch) observeRunbook(ctx context.Context) {
	if w.execArn == "" || w.runbookDone {
		return
	}
	out, err := w.d.Clients.StepFunctions(w.other).DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(w.execArn)})
	if err != nil {
		w.awsError("Step Functions DescribeExecution", err)
		return
	}
	if out.Status == w.runbookState {
		return
	}
	w.runbookState = out.Status
	if out.Status != sfntypes.ExecutionStatusRunning {
		w.runbookDone = true
		w.event("runbook %s", strings.ToLower(string(out.Status)))
		if out.Status != sfntypes.ExecutionStatusSucceeded {
			w.fail("the runbook ended %s: %s", out.Status, aws.ToString(out.Cause))
		}
	}
}

func (w *watch) observeDetector(ctx context.Context) {
	if w.detectorAlarm == "" || w.paged {
		return
	}
	out, err := w.d.Clients.CloudWatch(w.other).DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{w.detectorAlarm}})
	if err != nil {
		w.awsError("CloudWatch DescribeAlarms in "+w.other, err)
		return
	}
	for _, a := range out.MetricAlarms {
		if a.StateValue == cwtypes.StateValueAlarm {
			w.paged = true
		}
	}
	for _, a := range out.CompositeAlarms {
		if a.StateValue == cwtypes.StateValueAlarm {
			w.paged = true
		}
	}
	if w.paged {
		w.event("detector paged: %s in %s is in ALARM", w.detectorAlarm, w.other)
	}
}

// conclude measures the recoveries against the budget and sets the verdict.
func (w *watch) conclude() {
	r := w.report
	r.ExperimentState = string(w.expState)
	r.ExperimentNote = w.expReason
	end := w.d.Clock.Now()
	budget := w.budget.Traffic.Seconds()
	switch {
	case w.outageStart.IsZero():
		r.Traffic = Measure{BudgetSeconds: budget, WithinBudget: true, Note: "viewers were served throughout"}
	case w.servedAgain.IsZero():
		r.Traffic = Measure{MeasuredSeconds: end.Sub(w.began).Seconds(), BudgetSeconds: budget, Note: "viewers were not served again before the drill ended"}
	default:
		m := w.servedAgain.Sub(w.began).Seconds()
		r.Traffic = Measure{MeasuredSeconds: m, BudgetSeconds: budget, WithinBudget: m <= budget,
			Note: fmt.Sprintf("from the fault to the first answer after the outage (outage began %.0f s in)", w.outageStart.Sub(w.began).Seconds())}
	}
	if !r.Traffic.WithinBudget {
		w.fail("traffic recovery %.0f s exceeds the budget of %.0f s", r.Traffic.MeasuredSeconds, budget)
	}
	if w.o.Kind == drills.KindRegion && w.o.Mode == ModeFailover {
		w.concludeFailover()
	} else if w.o.Kind == drills.KindRegion {
		db := Measure{BudgetSeconds: w.budget.Database.Seconds()}
		if w.writerMoved.IsZero() {
			db.Note = "the writer did not move"
			w.fail("the writer did not move to %s", w.other)
		} else {
			db.MeasuredSeconds = w.writerMoved.Sub(w.began).Seconds()
			db.WithinBudget = db.MeasuredSeconds <= db.BudgetSeconds
			db.Note = "from the runbook's start (switchover, RPO 0) to the writer in " + w.writer
			if !db.WithinBudget {
				w.fail("database recovery %.0f s exceeds the budget of %.0f s", db.MeasuredSeconds, db.BudgetSeconds)
			}
		}
		r.Database = &db
		r.Page = &PageCheck{Checked: w.detectorAlarm != "", Paged: w.paged, Alarm: w.detectorAlarm}
		if w.detectorAlarm == "" {
			r.Page.Note = "the stack exports no failoverDetectors (database.autoFailover is off: no detector to page)"
		} else {
			r.Page.Note = "replication kept flowing (FIS cannot stop Aurora's storage replication), so the detector must page and not promote; its replication-stopped half is proven by its own tests"
			if !w.paged {
				w.fail("the detector %s did not page", w.detectorAlarm)
			}
		}
	}
	if w.o.Kind == drills.KindAZ && w.writerInstance != "" {
		db := Measure{BudgetSeconds: w.budget.InRegion.Seconds(), WithinBudget: true}
		if w.instanceMoved.IsZero() {
			db.Note = fmt.Sprintf("the writer %s did not fail over: it was not in %s (FIS skips the failover then)", w.writerInstance, w.zone)
		} else {
			db.MeasuredSeconds = w.instanceMoved.Sub(w.began).Seconds()
			db.WithinBudget = db.MeasuredSeconds <= db.BudgetSeconds
			db.Note = "from the fault to a new writer instance in the region (Aurora in-region failover)"
			if !db.WithinBudget {
				w.fail("database recovery %.0f s exceeds the budget of %.0f s", db.MeasuredSeconds, db.BudgetSeconds)
			}
		}
		r.Database = &db
	}
	w.concludeZonal()
	switch {
	case w.expState == fistypes.ExperimentStatusFailed:
		w.fail("the experiment failed: %s", w.expReason)
	case w.expState == fistypes.ExperimentStatusStopped && !w.stoppedByUs:
		reason := strings.ToLower(w.expReason)
		r.StoppedByStopCondition = strings.Contains(reason, "stop condition") || strings.Contains(reason, "alarm")
		if r.StoppedByStopCondition {
			w.fail("a stop condition stopped the experiment (%s): the region did not ride through the fault", w.expReason)
		} else {
			w.fail("the experiment was stopped outside the drill (%s)", w.expReason)
		}
	}
	r.Passed = len(r.Failures) == 0
}
