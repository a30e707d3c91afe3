package edgecalc

import (
	"fmt"
	"strings"
)

// The health-check plan of the failover origin name, as pure data. pkg/edge builds exactly these
// checks and records (it loops over HealthChecks and FailoverRecords), and the failover model
// (pkg/edge/trafficmodel) evaluates the same values, so the model can never drift from what is
// deployed.
//
// Design (issue #12): each region's application answers a liveness path and a "global primary"
// path (200 only while that region hosts the Aurora global cluster's primary cluster). The PRIMARY
// record is always the home region (primaryRegion), the SECONDARY always the standby, whoever
// writes: a switchover, failover or failback changes no record and no health check, it only changes
// what the applications answer.
//
//	<home>-serves (CALCULATED, AND) = <home>-live AND <home>-primary AND NOT <standby>-primary
//	PRIMARY   record (home)    health check: <home>-serves
//	SECONDARY record (standby) health check: <standby>-live
//
// The standby's primary check is the inverted child: as soon as the standby claims the role, the
// home region is out even if its stale cluster still believes it writes.

// Route 53 rules the plan is checked against (Route 53 Developer Guide, "Values that you specify
// when you create or update health checks", and the provider's aws.route53.HealthCheck docs).
const (
	// HealthCheckTypeHTTPS checks an endpoint over TLS: Route 53 must connect within 4 s and get a
	// 2xx/3xx status within 2 s after connecting; it does not validate the certificate and needs
	// the endpoint to offer TLS 1.2 or older (the ALB's TLS13-1-2 policy offers 1.2).
	HealthCheckTypeHTTPS = "HTTPS"
	// HealthCheckTypeCalculated is healthy while at least ChildHealthThreshold children are.
	HealthCheckTypeCalculated = "CALCULATED"
	// MaxCalculatedChildren is the most child checks a calculated check may hold (the threshold is
	// 0..256; above the number of children Route 53 always reports unhealthy, 0 always healthy).
	MaxCalculatedChildren = 256
	// MinCheckerRegions is the fewest checker regions a health check may name (omitted: all).
	MinCheckerRegions = 3
	// MinFailureThreshold and MaxFailureThreshold bound an endpoint check's failure threshold.
	MinFailureThreshold = 1
	MaxFailureThreshold = 10
	// ResponseLimitSeconds is how long after connecting an HTTP(S) endpoint has to answer.
	ResponseLimitSeconds = 2
	// HealthyCheckerShare: Route 53 counts an endpoint healthy while more than 18% of its checkers
	// do, so a region cut off from a few checker locations stays healthy.
	HealthyCheckerPercent = 18
	// HTTPSPort is the ALB listener the checkers reach (through the route53-healthchecks prefix list).
	HTTPSPort = 443
)

// RequestIntervals are the only intervals Route 53 accepts (seconds; fixed at creation).
var RequestIntervals = []int{10, 30}

// The application's contract (see the README, "Custom application"): both paths answer without the
// origin secret, from Route 53's checkers, within ResponseLimitSeconds.
const (
	// DefaultPrimaryPath is the "global primary" path: 200 only while this region hosts the global
	// cluster's primary cluster, 503 otherwise (also when it has not known for PrimaryHoldSeconds).
	DefaultPrimaryPath = "/health/global-primary"
	// PrimaryRefreshSeconds is how often the default application re-reads the topology in the
	// background; the path itself answers from memory.
	PrimaryRefreshSeconds = 5
	// PrimaryHoldSeconds is how long the application keeps its last topology answer while the
	// database does not answer (an in-region writer failover or a reboot takes well under this).
	PrimaryHoldSeconds = 60
	// RegionHeader is the response header in which the application names the region that
	// answered (the default application sends it on every response; `go run . drill` reads it to
	// see which region serves viewers, falling back to a JSON body's "region" field).
	RegionHeader = "X-Served-By-Region"
)

// HealthSettings are the settings of the endpoint checks.
type HealthSettings struct {
	IntervalSeconds  int
	FailureThreshold int
	LivenessPath     string
	PrimaryPath      string
	// CheckerRegions, when set, limits the checker locations (at least MinCheckerRegions); nil uses
	// all of Route 53's locations, which the route53-healthchecks prefix list covers.
	CheckerRegions []string
}

// Validate reports the first Route 53 rule the settings break.
func (s HealthSettings) Validate() error {
	okInterval := false
	for _, i := range RequestIntervals {
		okInterval = okInterval || s.IntervalSeconds == i
	}
	if !okInterval {
		return fmt.Errorf("health check interval %d s: Route 53 accepts only 10 or 30", s.IntervalSeconds)
	}
	if s.FailureThreshold < MinFailureThreshold || s.FailureThreshold > MaxFailureThreshold {
		return fmt.Errorf("health check failure threshold %d: Route 53 accepts %d to %d", s.FailureThreshold, MinFailureThreshold, MaxFailureThreshold)
	}
	for _, p := range []struct{ name, path string }{{"liveness", s.LivenessPath}, {"primary", s.PrimaryPath}} {
		if !strings.HasPrefix(p.path, "/") || len(p.path) > 255 || strings.ContainsAny(p.path, " ?#") {
			return fmt.Errorf("%s path %q: a Route 53 resource path starts with / and has at most 255 characters, no query", p.name, p.path)
		}
	}
	if s.LivenessPath == s.PrimaryPath {
		return fmt.Errorf("liveness and primary paths are both %q", s.LivenessPath)
	}
	if s.CheckerRegions != nil && len(s.CheckerRegions) < MinCheckerRegions {
		return fmt.Errorf("%d checker regions: Route 53 needs at least %d (or none for all)", len(s.CheckerRegions), MinCheckerRegions)
	}
	return nil
}

// Check kinds of a region's endpoint checks.
const (
	CheckLive    = "live"
	CheckPrimary = "primary"
	CheckServes  = "serves"
)

// HealthCheckSpec is one Route 53 health check of the plan.
type HealthCheckSpec struct {
	// Key names the check by region, never by role: "<region>-live", "<region>-primary",
	// "<home>-serves". pkg/edge names the resource "<component>-<Key>".
	Key string
	// Region is the region whose application the check asks (the home region for the calculated one).
	Region string
	// Kind is CheckLive, CheckPrimary or CheckServes.
	Kind string
	// Type is HealthCheckTypeHTTPS or HealthCheckTypeCalculated.
	Type string
	// Path is the resource path of an HTTPS check.
	Path string
	// Inverted makes Route 53 report the check's opposite.
	Inverted bool
	// Children (keys) and ChildHealthThreshold of a calculated check.
	Children             []string
	ChildHealthThreshold int
	// IntervalSeconds, FailureThreshold and CheckerRegions of an HTTPS check.
	IntervalSeconds  int
	FailureThreshold int
	CheckerRegions   []string
}

// CheckKey is the key of region's check of kind.
func CheckKey(region, kind string) string { return region + "-" + kind }

// HealthChecks is the plan: four HTTPS checks (liveness and primary of each region) and the
// calculated check of the PRIMARY record. Order: children before the check that holds them.
func HealthChecks(home, standby string, s HealthSettings) ([]HealthCheckSpec, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if home == "" || standby == "" || home == standby {
		return nil, fmt.Errorf("home %q and standby %q must be two regions", home, standby)
	}
	endpoint := func(region, kind, path string, inverted bool) HealthCheckSpec {
		return HealthCheckSpec{
			Key: CheckKey(region, kind), Region: region, Kind: kind, Type: HealthCheckTypeHTTPS, Path: path,
			Inverted: inverted, IntervalSeconds: s.IntervalSeconds, FailureThreshold: s.FailureThreshold,
			CheckerRegions: s.CheckerRegions,
		}
	}
	children := []string{CheckKey(home, CheckLive), CheckKey(home, CheckPrimary), CheckKey(standby, CheckPrimary)}
	plan := []HealthCheckSpec{
		endpoint(home, CheckLive, s.LivenessPath, false),
		endpoint(home, CheckPrimary, s.PrimaryPath, false),
		endpoint(standby, CheckLive, s.LivenessPath, false),
		// Inverted: healthy while the standby does NOT claim the global primary (or cannot be reached).
		endpoint(standby, CheckPrimary, s.PrimaryPath, true),
		{
			Key: CheckKey(home, CheckServes), Region: home, Kind: CheckServes, Type: HealthCheckTypeCalculated,
			Children: children, ChildHealthThreshold: len(children), // AND
		},
	}
	if err := ValidatePlan(plan); err != nil {
		return nil, err
	}
	return plan, nil
}

// ValidatePlan checks the plan against Route 53's rules: unique keys, calculated children that
// exist, are declared first, are endpoint checks, at most MaxCalculatedChildren, and a threshold
// between 1 and the number of children (0 would be always healthy, more always unhealthy).
func ValidatePlan(plan []HealthCheckSpec) error {
	seen := map[string]HealthCheckSpec{}
	for _, c := range plan {
		if _, dup := seen[c.Key]; dup {
			return fmt.Errorf("health check %s declared twice", c.Key)
		}
		switch c.Type {
		case HealthCheckTypeHTTPS:
			if c.Path == "" || c.IntervalSeconds == 0 || c.FailureThreshold == 0 {
				return fmt.Errorf("health check %s needs a path, an interval and a failure threshold", c.Key)
			}
		case HealthCheckTypeCalculated:
			if len(c.Children) == 0 || len(c.Children) > MaxCalculatedChildren {
				return fmt.Errorf("calculated health check %s has %d children; Route 53 allows 1 to %d", c.Key, len(c.Children), MaxCalculatedChildren)
			}
			if c.ChildHealthThreshold < 1 || c.ChildHealthThreshold > len(c.Children) {
				return fmt.Errorf("calculated health check %s: threshold %d of %d children is constant (0 always healthy, above the count always unhealthy)",
					c.Key, c.ChildHealthThreshold, len(c.Children))
			}
			for _, k := range c.Children {
				child, ok := seen[k]
				if !ok {
					return fmt.Errorf("calculated health check %s: child %s is not declared before it", c.Key, k)
				}
				if child.Type == HealthCheckTypeCalculated {
					return fmt.Errorf("calculated health check %s: child %s is calculated; the plan nests no calculated checks", c.Key, k)
				}
			}
		default:
			return fmt.Errorf("health check %s: unknown type %q", c.Key, c.Type)
		}
		seen[c.Key] = c
	}
	return nil
}

// Failover routing roles.
const (
	FailoverPrimary   = "PRIMARY"
	FailoverSecondary = "SECONDARY"
)

// FailoverRecordSpec is one record of the failover origin name's pair.
type FailoverRecordSpec struct {
	// Key names the record and is its set identifier: "home" or "standby". Both are fixed words, not
	// regions, so no config change (not even swapping primaryRegion and secondaryRegion) changes a
	// record's name, type or set identifier: Route 53 applies each record change as its own UPSERT
	// and refuses a moment with two PRIMARY records.
	Key string
	// Failover is FailoverPrimary (home) or FailoverSecondary (standby).
	Failover string
	// Region is the region whose ALB the alias targets.
	Region string
	// HealthCheck is the key of the record's health check.
	HealthCheck string
}

// FailoverRecords is the pair: PRIMARY = home (primaryRegion) with the calculated check, SECONDARY =
// standby with its liveness check. It takes no argument about who writes: nothing does.
func FailoverRecords(home, standby string) []FailoverRecordSpec {
	return []FailoverRecordSpec{
		{Key: "home", Failover: FailoverPrimary, Region: home, HealthCheck: CheckKey(home, CheckServes)},
		{Key: "standby", Failover: FailoverSecondary, Region: standby, HealthCheck: CheckKey(standby, CheckLive)},
	}
}
