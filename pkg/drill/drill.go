// Package drill is `go run . drill <instance|az|region> --stack S`: it starts one of the stack's AWS
// FIS experiments (pkg/drills), watches the stack from the operator's machine while it runs, and
// prints a timeline (fault began, viewers failing and served again and by which region, Route 53 and
// the load balancer seeing the change, the writer moving, replication lag, experiment end). It holds
// the measured traffic and database recovery to the stack's computed failover budget and exits
// non-zero when a budget is exceeded, the experiment fails or a stop condition stops it.
package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fis"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Options are the command's flags.
type Options struct {
	Stack, Kind, Region, Zone string
	// Mode is the region drill's: switchover (default) or failover.
	Mode          string
	Dir           string
	YesProd       bool
	Poll, Timeout time.Duration
	ProbeTimeout  time.Duration
}

// Deps are what Run talks to; Main wires the real ones, tests fakes.
type Deps struct {
	Outputs  liveops.OutputReader
	Clients  liveops.Clients
	HTTP     *http.Client
	Clock    Clock
	Config   func(dir, stack string) (*stacks.Config, error)
	Progress io.Writer
	// IAM puts and removes the failover drill's isolation policy (nil: no failover drill).
	IAM IAM
	// Zonal are the zonal-shift clients: the az drill of a stack with compute.zonalAutoshift
	// shifts the load balancer's traffic away from the zone (zonal.go).
	Zonal ZonalClients
}

// ErrRefused is returned when the drill must not run (prod without --yes-prod, drills not deployed).
var ErrRefused = errors.New("refused")

// Run starts the drill and watches it to the end (or Timeout).
func Run(ctx context.Context, o Options, d Deps) (*Report, error) {
	cfg, err := d.Config(o.Dir, o.Stack)
	if err != nil {
		return nil, err
	}
	if o.Mode == ModeFailover && cfg.IsProd() {
		return nil, fmt.Errorf("%w: stack %s is prod; the failover drill (FailoverGlobalCluster with data loss, the faulted region denied to the runbook) runs on staging only, whatever the flags", ErrRefused, o.Stack)
	}
	if cfg.IsProd() && !o.YesProd {
		return nil, fmt.Errorf("%w: stack %s is prod; a drill really terminates, stops and cuts off resources: pass --yes-prod on a game day", ErrRefused, o.Stack)
	}
	outs, err := d.Outputs.Outputs(ctx, o.Stack)
	if err != nil {
		return nil, err
	}
	s, err := plan(ctx, o, cfg, outs, d)
	if err != nil {
		return nil, err
	}
	return s.run(ctx)
}

// setup is everything the watch loop needs, resolved before the fault.
type setup struct {
	o               Options
	d               Deps
	cfg             *stacks.Config
	budget          Budget
	region, other   string
	zone            string
	templateID      string
	url             string
	globalClusterID string
	targetGroupArn  string
	healthCheckID   string
	clusterIDs      map[string]string
	runbookArn      string
	detectorAlarm   string
	writerBefore    string
	// writerInstance is the regional cluster's writer before the AZ drill.
	writerInstance string
	// The failover mode: the roles denied the faulted region, whether the detector promotes by
	// itself (autoFailover auto), and the plan's budget of writes back.
	isolatedRoles []string
	auto          bool
	writesBudget  time.Duration
	// albArn and zonal are the az drill's zonal shift (compute.zonalAutoshift on).
	albArn string
	zonal  *ZonalShiftReport
}

func plan(ctx context.Context, o Options, cfg *stacks.Config, outs liveops.Outputs, d Deps) (*setup, error) {
	s := &setup{o: o, d: d, cfg: cfg, budget: BudgetOf(cfg)}
	ids, err := outs.Nested(stackoutputs.DrillTemplateIDs)
	if err != nil {
		return nil, fmt.Errorf("%w: the stack exports no drillTemplateIds: set drills.enabled true and run pulumi up (%v)", ErrRefused, err)
	}
	if s.url, err = outs.String(stackoutputs.URL); err != nil {
		return nil, err
	}
	if s.globalClusterID, err = outs.String(stackoutputs.GlobalClusterID); err != nil {
		return nil, err
	}
	// Topology before the fault, from the home region (both answer now).
	top, err := liveops.GlobalTopology(ctx, d.Clients.RDS(cfg.PrimaryRegion), s.globalClusterID)
	if err != nil {
		return nil, err
	}
	s.writerBefore = top.WriterRegion
	s.region = o.Region
	if s.region == "" {
		s.region = top.WriterRegion
	}
	if s.region != cfg.PrimaryRegion && s.region != cfg.SecondaryRegion {
		return nil, fmt.Errorf("--region %s is not a region of stack %s (%s, %s)", s.region, o.Stack, cfg.PrimaryRegion, cfg.SecondaryRegion)
	}
	s.other = cfg.SecondaryRegion
	if s.region == cfg.SecondaryRegion {
		s.other = cfg.PrimaryRegion
	}
	regional := ids[s.region]
	switch o.Kind {
	case drills.KindInstance, drills.KindRegion:
		s.templateID = regional[o.Kind]
	case drills.KindAZ:
		var zones []string
		for k := range regional {
			if z, ok := strings.CutPrefix(k, drills.KindAZ+":"); ok {
				zones = append(zones, z)
			}
		}
		sort.Strings(zones)
		s.zone = o.Zone
		if s.zone == "" && len(zones) > 0 {
			s.zone = zones[0]
		}
		s.templateID = regional[drills.AZKey(s.zone)]
		if s.templateID == "" {
			return nil, fmt.Errorf("no AZ drill for zone %q in %s; zones: %s", s.zone, s.region, strings.Join(zones, ", "))
		}
	default:
		return nil, fmt.Errorf("unknown drill %q; allowed: %s", o.Kind, strings.Join(drills.Kinds, ", "))
	}
	if s.templateID == "" {
		return nil, fmt.Errorf("%w: no %s drill template in %s (drillTemplateIds)", ErrRefused, o.Kind, s.region)
	}
	// Optional observations: a missing output skips that line of the timeline, said in the report.
	if tgs, err := outs.Map(stackoutputs.TargetGroupArns); err == nil {
		s.targetGroupArn = tgs[s.region]
	}
	s.healthCheckID = primaryHealthCheck(outs)
	s.clusterIDs, _ = outs.Map(stackoutputs.DatabaseClusterIDs)
	if o.Kind == drills.KindAZ && s.clusterIDs[s.region] != "" {
		// The AZ drill fails the writer over out of the zone when it is there: remember who writes.
		if s.writerInstance, err = liveops.ClusterWriter(ctx, d.Clients.RDS(s.region), s.clusterIDs[s.region]); err != nil {
			return nil, err
		}
	}
	if o.Kind == drills.KindAZ && cfg.Compute.ZonalAutoshift {
		if err := s.planZonalShift(ctx, outs); err != nil {
			return nil, err
		}
	}
	if o.Kind == drills.KindRegion {
		runbooks, err := outs.Map(stackoutputs.FailoverStateMachineArns)
		if err != nil || runbooks[s.other] == "" {
			return nil, fmt.Errorf("the region drill starts %s's runbook, but the stack exports none (failoverStateMachineArns)", s.other)
		}
		s.runbookArn = runbooks[s.other]
		// The surviving region's detector pages with its Degraded alarm: the drill cuts the region
		// off, but FIS cannot stop Aurora's storage replication, so the evidence is "application
		// unreachable, replication flowing", never the PromoteSignal (which needs replication stopped).
		if detectors, err := outs.Nested(stackoutputs.FailoverDetectors); err == nil {
			s.detectorAlarm = detectors[s.other][stackoutputs.DetectorDegradedAlarm]
		}
		if o.Mode == ModeFailover {
			if err := s.planFailover(outs); err != nil {
				return nil, err
			}
		}
	}
	return s, nil
}

// planZonalShift resolves what the az drill's zonal shift needs: the region's ALB and the zone's id.
func (s *setup) planZonalShift(ctx context.Context, outs liveops.Outputs) error {
	if s.d.Zonal == nil {
		return fmt.Errorf("%w: compute.zonalAutoshift is on, so the az drill shifts the zone's traffic, but no zonal-shift clients were given", ErrRefused)
	}
	arns, err := outs.Map(stackoutputs.AlbArns)
	if err != nil || arns[s.region] == "" {
		return fmt.Errorf("the az drill shifts %s's load balancer away from %s, but the stack exports no albArns for it (run pulumi up): %v", s.region, s.zone, err)
	}
	s.albArn = arns[s.region]
	id, err := s.zoneID(ctx)
	if err != nil {
		return err
	}
	s.zonal = &ZonalShiftReport{AlbArn: s.albArn, ZoneID: id, ZoneName: s.zone}
	return nil
}

// primaryHealthCheck is the health check of the PRIMARY failover record: healthCheckIds["primary"]
// when the stack exports the map (calculated checks), else the single healthCheckId.
func primaryHealthCheck(outs liveops.Outputs) string {
	if m, err := outs.Map(stackoutputs.HealthCheckIDs); err == nil && m[stackoutputs.PrimaryRecordCheck] != "" {
		return m[stackoutputs.PrimaryRecordCheck]
	}
	id, _ := outs.String(stackoutputs.HealthCheckID)
	return id
}

func (s *setup) progress(format string, args ...any) {
	if s.d.Progress != nil {
		fmt.Fprintf(s.d.Progress, "drill: "+format+"\n", args...)
	}
}

func (s *setup) start(ctx context.Context) (string, error) {
	now := s.d.Clock.Now()
	out, err := s.d.Clients.FIS(s.region).StartExperiment(ctx, &fis.StartExperimentInput{
		ExperimentTemplateId: aws.String(s.templateID),
		ClientToken:          aws.String(fmt.Sprintf("%s-%s-%d", s.o.Stack, s.o.Kind, now.Unix())),
		Tags:                 map[string]string{"Stack": s.o.Stack, "Drill": s.o.Kind, "StartedBy": "go run . drill"},
	})
	if err != nil {
		return "", fmt.Errorf("start experiment from template %s in %s: %w", s.templateID, s.region, err)
	}
	if out.Experiment == nil || out.Experiment.Id == nil {
		return "", fmt.Errorf("start experiment from template %s: FIS returned no experiment id", s.templateID)
	}
	return aws.ToString(out.Experiment.Id), nil
}
