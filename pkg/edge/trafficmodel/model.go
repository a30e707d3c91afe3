// Package trafficmodel is a pure-Go model of a region failover as viewers see it: given the state of
// the world (each region's application, whether Route 53's checkers reach it, which region hosts the
// Aurora global cluster's primary, a stale old primary, a writer blip), it answers which region
// Route 53 sends viewers to, which region writes, whether viewers' writes succeed, and what capacity
// each region runs.
//
// It lives beside pkg/edge because it evaluates the edge's own plan: its inputs are the
// edgecalc.HealthCheckSpec and edgecalc.FailoverRecordSpec values pkg/edge builds its Route 53
// resources from (edge.Plan), not copies of them, so a change to the checks changes the model's
// answers and the scenario table catches it. It imports nothing but edgecalc and the standard
// library: no AWS SDK, no Pulumi engine.
package trafficmodel

import (
	"fmt"
	"sort"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// Region is the state of one region.
type Region struct {
	// Lost: the whole region is gone (application, load balancer, database).
	Lost bool
	// AppDown: the application answers nothing healthy (no healthy target behind the ALB).
	AppDown bool
	// CheckersCutOff: Route 53's health checkers cannot reach this region's ALB (a network
	// partition between the checker locations and the region), although viewers' CloudFront might.
	CheckersCutOff bool
	// Stale: the region's cluster still reports itself as the global primary although another
	// region hosts it (an old primary that was isolated or detached during an unplanned failover).
	Stale bool
	// WriterBlipSeconds: the region's database does not answer for this long (an in-region writer
	// failover, a reboot, a minor-version upgrade); 0 for none.
	WriterBlipSeconds int
	// AppRestartSeconds: every application process of the region restarts at once and answers
	// nothing for this long (a deploy gone wide, a config push, a crash loop that recovers); 0 for
	// none. A check notices only if some checker can see its failure threshold of consecutive
	// failures inside it (edgecalc.RestartFlips).
	AppRestartSeconds int
}

// World is the state the model answers for.
type World struct {
	// GlobalPrimary is the region hosting the global cluster's primary cluster: the home region in
	// steady state, the standby after the runbook promoted it.
	GlobalPrimary string
	// Regions by name; a region not listed is healthy.
	Regions map[string]Region
}

// Capacity is the configured sizing: each region's minSize by home/standby (config, never by who
// writes), and the serving size the runbook raises a promoted region's desired capacity to at once.
type Capacity struct {
	HomeMin, StandbyMin, Serving, Max int
}

// TargetHealth is the ALBs' target group health check: the failover records' EvaluateTargetHealth
// turns a record unhealthy once every target failed UnhealthyThreshold checks IntervalSeconds apart.
type TargetHealth struct {
	IntervalSeconds, UnhealthyThreshold int
}

// Settings are the program's real traffic settings.
type Settings struct {
	Home, Standby string
	Checks        []edgecalc.HealthCheckSpec
	Records       []edgecalc.FailoverRecordSpec
	Capacity      Capacity
	TargetHealth  TargetHealth
}

// Answer is what viewers and operators observe.
type Answer struct {
	// Serves is the region Route 53 answers the failover origin name with (CloudFront's default origin).
	Serves string
	// ViewersServed: the answered region's application is up, so viewers get pages.
	ViewersServed bool
	// ForcedPrimary: both records are unhealthy and Route 53 answers the PRIMARY anyway (its rule
	// when no record of a failover pair is healthy): viewers may get errors.
	ForcedPrimary bool
	// Writer is the region that accepts writes ("" while the global primary's region is lost and
	// nobody has promoted the standby yet).
	Writer string
	// ViewerWritesSucceed: viewers are served by the writer's region. The application writes through
	// the global writer endpoint, reachable only inside the writer's region (no cross-region network
	// path): elsewhere reads work and writes fail until a promotion.
	ViewerWritesSucceed bool
	// Checks is each health check's status as Route 53 reports it (after inversion), by key.
	Checks map[string]bool
	// Desired is each region's desired capacity.
	Desired map[string]int
}

// Evaluate answers for w under s.
func Evaluate(s Settings, w World) (Answer, error) {
	if err := edgecalc.ValidatePlan(s.Checks); err != nil {
		return Answer{}, err
	}
	region := func(name string) Region { return w.Regions[name] }
	a := Answer{Checks: map[string]bool{}, Desired: map[string]int{}}

	// What each region's application answers on its two paths.
	appUp := func(r string) bool { st := region(r); return !st.Lost && !st.AppDown }
	primaryAnswer := func(r string) bool {
		st := region(r)
		if !appUp(r) {
			return false
		}
		if st.WriterBlipSeconds > edgecalc.PrimaryHoldSeconds {
			return false // the cached answer expired: the path says "not primary" (503)
		}
		if st.Stale {
			return true // its own (stale) view: "I am the primary"
		}
		return w.GlobalPrimary == r
	}
	for _, c := range s.Checks {
		var healthy bool
		switch c.Type {
		case edgecalc.HealthCheckTypeHTTPS:
			reached := !region(c.Region).CheckersCutOff && !region(c.Region).Lost &&
				!edgecalc.RestartFlips(region(c.Region).AppRestartSeconds, c.IntervalSeconds, c.FailureThreshold)
			switch c.Kind {
			case edgecalc.CheckLive:
				healthy = reached && appUp(c.Region)
			case edgecalc.CheckPrimary:
				healthy = reached && primaryAnswer(c.Region)
			default:
				return Answer{}, fmt.Errorf("health check %s: unknown kind %q", c.Key, c.Kind)
			}
		case edgecalc.HealthCheckTypeCalculated:
			n := 0
			for _, k := range c.Children {
				if a.Checks[k] {
					n++
				}
			}
			healthy = n >= c.ChildHealthThreshold
		}
		if c.Inverted {
			healthy = !healthy
		}
		a.Checks[c.Key] = healthy
	}

	// Route 53 failover: the PRIMARY while healthy, else the SECONDARY while healthy, else the
	// PRIMARY. A record is healthy when its health check is and (evaluateTargetHealth) its ALB has a
	// healthy target, which Route 53 reads from ELB, not through the checkers.
	var primary, secondary *edgecalc.FailoverRecordSpec
	for i := range s.Records {
		switch s.Records[i].Failover {
		case edgecalc.FailoverPrimary:
			primary = &s.Records[i]
		case edgecalc.FailoverSecondary:
			secondary = &s.Records[i]
		}
	}
	if primary == nil || secondary == nil {
		return Answer{}, fmt.Errorf("the failover pair needs one PRIMARY and one SECONDARY record")
	}
	if s.TargetHealth.IntervalSeconds == 0 || s.TargetHealth.UnhealthyThreshold == 0 {
		return Answer{}, fmt.Errorf("the ALBs' target health (interval and unhealthy threshold) is required")
	}
	recordHealthy := func(r *edgecalc.FailoverRecordSpec) bool {
		check, ok := a.Checks[r.HealthCheck]
		emptied := edgecalc.RestartFlips(region(r.Region).AppRestartSeconds, s.TargetHealth.IntervalSeconds, s.TargetHealth.UnhealthyThreshold)
		return ok && check && appUp(r.Region) && !emptied
	}
	switch {
	case recordHealthy(primary):
		a.Serves = primary.Region
	case recordHealthy(secondary):
		a.Serves = secondary.Region
	default:
		a.Serves, a.ForcedPrimary = primary.Region, true
	}
	a.ViewersServed = appUp(a.Serves)

	if !region(w.GlobalPrimary).Lost {
		a.Writer = w.GlobalPrimary
	}
	a.ViewerWritesSucceed = a.ViewersServed && a.Writer != "" && a.Serves == a.Writer &&
		region(a.Writer).WriterBlipSeconds == 0

	for _, r := range []string{s.Home, s.Standby} {
		switch {
		case region(r).Lost:
			a.Desired[r] = 0
		case r == w.GlobalPrimary:
			a.Desired[r] = s.Capacity.Serving // home at creation; a promoted region: the runbook raises it at once
		case r == s.Home:
			a.Desired[r] = s.Capacity.HomeMin
		default:
			a.Desired[r] = s.Capacity.StandbyMin
		}
	}
	return a, nil
}

// Unhealthy lists the keys of unhealthy checks, sorted: a compact description for test messages.
func (a Answer) Unhealthy() []string {
	var out []string
	for k, ok := range a.Checks {
		if !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
