package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	planreport "github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
)

// Modes of the region drill.
const (
	// ModeSwitchover cuts the region's subnets off and moves the database planned (RPO 0): it proves
	// traffic follows a dark application and the runbook's switchover, not a region loss.
	ModeSwitchover = "switchover"
	// ModeFailover also makes the faulted region's APIs dark to the surviving region's runbook and
	// detector, lets the detector act (autoFailover auto) or starts the runbook with
	// {"mode":"failover"} (FailoverGlobalCluster, data loss allowed), and waits for the old primary
	// to rejoin: the region loss as the runbook meets it. Staging only.
	ModeFailover = "failover"
)

// Modes lists the region drill's modes.
var Modes = []string{ModeSwitchover, ModeFailover}

// executionLister is the part of Step Functions the failover drill uses to see the detector start
// the runbook (*sfn.Client has it; liveops.StepFunctions does not need it elsewhere).
type executionLister interface {
	ListExecutions(ctx context.Context, in *sfn.ListExecutionsInput, opts ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error)
}

// detectorWait is how long the failover drill waits for the detector to start the runbook: the
// plan's detection time for auto ((N+1) minutes of evidence) and a minute for EventBridge.
func detectorWait(afterMinutes int) time.Duration {
	return time.Duration(afterMinutes+2) * time.Minute
}

// planFailover resolves what the failover mode needs: the two roles to isolate and the budget of
// writes back.
func (s *setup) planFailover(outs liveops.Outputs) error {
	if s.d.IAM == nil {
		return fmt.Errorf("the failover drill needs IAM (to deny the faulted region to the runbook and the detector)")
	}
	roles, err := outs.Map(stackoutputs.FailoverRoleArns)
	if err != nil || roles[s.other] == "" {
		return fmt.Errorf("%w: the failover drill denies %s to %s's runbook role, but the stack exports no failoverRoleArns: pulumi up first", ErrRefused, s.region, s.other)
	}
	s.isolatedRoles = []string{roleNameOf(roles[s.other])}
	if detectors, err := outs.Nested(stackoutputs.FailoverDetectors); err == nil {
		if role := detectors[s.other][stackoutputs.DetectorRoleName]; role != "" {
			s.isolatedRoles = append(s.isolatedRoles, role)
		}
	}
	s.auto = s.cfg.Database.AutoFailover == detector.ModeAuto
	s.writesBudget = planreport.PromotionSeconds * time.Second
	if s.auto {
		s.writesBudget += time.Duration(s.cfg.Database.AutoFailoverAfterMinutes+1) * time.Minute
	}
	return nil
}

// startRunbook starts the surviving region's runbook in mode.
func (w *watch) startRunbook(ctx context.Context, mode string) {
	out, err := w.d.Clients.StepFunctions(w.other).StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: aws.String(w.runbookArn),
		Name:            aws.String(fmt.Sprintf("drill-%s-%d", w.o.Stack, w.d.Clock.Now().Unix())),
		Input:           aws.String(fmt.Sprintf(`{"mode":%q}`, mode)),
	})
	if err != nil {
		w.fail("could not start the runbook %s in %s mode: %v", w.runbookArn, mode, err)
		w.stop(ctx, "the runbook did not start")
		return
	}
	w.execArn = aws.ToString(out.ExecutionArn)
	w.runbookStarted = w.d.Clock.Now()
	w.event("runbook started in %s (%s): %s", w.other, mode, w.execArn)
}

// awaitDetector follows the detector (autoFailover auto): the first execution of the runbook that
// started after the fault is the detector's. Past its window the drill starts the runbook itself
// and says so: with replication still flowing (FIS cannot stop Aurora's storage replication) the
// detector is right to page instead of promoting.
func (w *watch) awaitDetector(ctx context.Context) {
	if !w.awaitingDetector {
		return
	}
	if l, ok := w.d.Clients.StepFunctions(w.other).(executionLister); ok {
		out, err := l.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(w.runbookArn), MaxResults: 10})
		if err != nil {
			w.awsError("Step Functions ListExecutions in "+w.other, err)
		} else {
			for _, e := range out.Executions {
				if e.StartDate != nil && !e.StartDate.Before(w.began) {
					w.awaitingDetector = false
					w.execArn = aws.ToString(e.ExecutionArn)
					w.runbookStarted = *e.StartDate
					w.detectorPromoted = true
					w.event("detector started the runbook in %s: %s", w.other, w.execArn)
					return
				}
			}
		}
	}
	wait := detectorWait(w.cfg.Database.AutoFailoverAfterMinutes)
	if w.d.Clock.Now().Sub(w.began) >= wait {
		w.awaitingDetector = false
		w.event("the detector did not start the runbook within %s (replication kept flowing: FIS cannot stop Aurora's storage replication); the drill starts it in failover mode", wait)
		w.startRunbook(ctx, ModeFailover)
	}
}

// observeRejoin: once the writer has moved and the fault is over, the old primary must be a
// member of the global cluster again (a secondary); a cluster that left it needs the rejoin.
func (w *watch) observeRejoin(ctx context.Context) {
	if w.expDone && len(w.putOn) > 0 {
		w.unisolate(ctx) // the fault is over: the region is back for the runbook and detector too
	}
	if w.o.Mode != ModeFailover || w.writerMoved.IsZero() || !w.expDone || !w.rejoined.IsZero() {
		return
	}
	top, err := liveops.GlobalTopology(ctx, w.d.Clients.RDS(w.other), w.globalClusterID)
	if err != nil {
		w.awsError("RDS DescribeGlobalClusters in "+w.other, err)
		return
	}
	w.members = top.Members
	if top.Members >= 2 && top.Writers == 1 && top.WriterRegion == w.other {
		w.rejoined = w.d.Clock.Now()
		w.event("rejoined: %s's cluster is a secondary of the global cluster again", w.region)
	}
}

// concludeFailover adds the failover drill's timeline against the plan's budgets.
func (w *watch) concludeFailover() {
	r := w.report
	rec := &Recovery{Mode: ModeFailover, DetectorPromoted: w.detectorPromoted, IsolatedRoles: w.isolatedRoles}
	rec.ReadsBack = r.Traffic
	writes := Measure{BudgetSeconds: w.writesBudget.Seconds()}
	if w.writerMoved.IsZero() {
		writes.Note = "the writer did not move: writes never came back"
	} else {
		writes.MeasuredSeconds = w.writerMoved.Sub(w.began).Seconds()
		writes.WithinBudget = writes.MeasuredSeconds <= writes.BudgetSeconds
		writes.Note = "from the fault to the writer in " + w.other + " (FailoverGlobalCluster)"
		if w.auto {
			writes.Note += fmt.Sprintf("; budget: the plan's detection (%d min of evidence + 1) and promotion", w.cfg.Database.AutoFailoverAfterMinutes)
			if !w.detectorPromoted {
				writes.Note += "; the drill started the runbook after the detector's window"
			}
		} else {
			writes.Note += "; budget: the plan's promotion time (the drill starts the runbook at the fault, as an operator paged would)"
		}
		if !writes.WithinBudget {
			w.fail("writes back after %.0f s, over the budget of %.0f s", writes.MeasuredSeconds, writes.BudgetSeconds)
		}
	}
	rec.WritesBack = writes
	rejoin := Measure{}
	switch {
	case !w.rejoined.IsZero():
		rejoin.MeasuredSeconds = w.rejoined.Sub(w.began).Seconds()
		rejoin.WithinBudget = true
		rejoin.Note = "no plan budget: AWS rebuilds the old primary as a secondary once it is reachable (hours for large databases)"
	case w.writerMoved.IsZero():
		rejoin.Note = "no failover, nothing to rejoin"
	default:
		rejoin.Note = fmt.Sprintf("the old primary in %s is not a member of the global cluster again (%d members): rejoin it (docs/failover.md, \"Rejoin a detached old primary\")", w.region, w.members)
		w.fail("%s's cluster did not rejoin the global cluster before the drill ended", w.region)
	}
	rec.Rejoined = rejoin
	r.Recovery = rec
}
