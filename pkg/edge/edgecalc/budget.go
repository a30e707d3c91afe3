package edgecalc

import (
	"fmt"
	"time"
)

// AliasTTLSeconds is the effective TTL of alias records to Elastic Load Balancing and CloudFront
// targets: Route 53 answers them with the target's TTL, 60 s. Alias records take no TTL of their own.
const AliasTTLSeconds = 60

// ALBClientKeepAliveSeconds is the ALB's client keep-alive (`clientKeepAlive`, 60..604800 s,
// AWS default 3600): the ALB closes every client connection, CloudFront's included, at most this
// long after it opened. pkg/compute sets it explicitly; it bounds how long CloudFront can keep
// sending requests to a demoted region over connections it already holds.
const ALBClientKeepAliveSeconds = 60

// Limits of the ALB's client keep-alive (Elastic Load Balancing attribute client_keep_alive.seconds).
const (
	MinClientKeepAliveSeconds = 60
	MaxClientKeepAliveSeconds = 604800
)

// CloudFront origin settings of every origin (pkg/edge sets them). CloudFront gives up on an origin
// after OriginConnectionAttempts x OriginConnectionTimeoutSeconds, and an origin group then tries
// its next member; for a custom origin the attempts also count against the response (read)
// timeout (CloudFront API, Origin.ConnectionAttempts). Against a black-holed origin (a dark
// region: no RST, no FIN) a request on a connection CloudFront already holds waits
// attempts x read timeout, CloudFront's defaults 3 x 30 s = 90 s: that, not DNS, dominated the
// worst case. So (issue 22 case 8, bound at most 120 s in prod):
//   - one attempt: a second attempt against a dark region only doubles the wait; the 5 s connect
//     window already spans TCP's SYN retransmissions (1 s, then 2 s later), and a viewer's retry is
//     a new attempt anyway;
//   - a 10 s read timeout instead of 30 s: the default application answers from memory in
//     milliseconds; an application with slower pages must raise it (docs/edge.md) and accept the
//     longer bound.
const (
	OriginConnectionAttempts       = 1
	OriginConnectionTimeoutSeconds = 5
	OriginReadTimeoutSeconds       = 10
)

// CloudFront's limits and defaults on those settings (CloudFront API reference, Origin and
// CustomOriginConfig: attempts 1-3, default 3; connection timeout 1-10 s, default 10; response
// timeout 1-120 s, default 30).
const (
	MinOriginConnectionAttempts = 1
	MaxOriginConnectionAttempts = 3
	MinOriginConnectionTimeout  = 1
	MaxOriginConnectionTimeout  = 10
	MinOriginReadTimeout        = 1
	MaxOriginReadTimeout        = 120
	DefaultOriginReadTimeout    = 30
)

// CheckerConnectTimeoutSeconds is how long a Route 53 checker waits for the TCP connection of an
// HTTP(S) check: a request to a black-holed ALB fails only then (Route 53 Developer Guide, "How
// Route 53 determines whether a health check is healthy": connect within four seconds, then a
// 2xx/3xx within two seconds).
const CheckerConnectTimeoutSeconds = 4

// Target group health check of each region's ALB (pkg/compute sets it; the traffic model reads it):
// an alias record with EvaluateTargetHealth is unhealthy once every target failed
// TargetUnhealthyThreshold checks TargetHealthIntervalSeconds apart. 3 x 10 s (not 2) so that every
// application process restarting for 15 s cannot be seen as 3 consecutive failures (issue 22 case 10).
const (
	TargetHealthIntervalSeconds = 10
	TargetHealthTimeoutSeconds  = 5
	TargetHealthyThreshold      = 2
	TargetUnhealthyThreshold    = 3
)

// RestartFlips reports whether an outage of every process for outageSeconds can make a check of
// intervalSeconds x threshold fail: a checker whose requests are intervalSeconds apart sees at most
// floor(outage/interval)+1 of them inside the outage, so it can see threshold consecutive failures
// only when the outage lasts (threshold-1) x interval or longer. Conservative: Route 53's checkers
// do not coordinate, and some checker may be phased worst.
func RestartFlips(outageSeconds, intervalSeconds, threshold int) bool {
	return outageSeconds > 0 && outageSeconds >= (threshold-1)*intervalSeconds
}

// BudgetInputs are the settings the traffic budget is computed from, as the program registers
// them (the plan report reads them back from the registered resources).
type BudgetInputs struct {
	// IntervalSeconds and FailureThreshold of the Route 53 endpoint checks.
	IntervalSeconds, FailureThreshold int
	// DNSTTLSeconds is the TTL CloudFront and resolvers keep the failover origin name's answer.
	DNSTTLSeconds int
	// ClientKeepAliveSeconds is the ALBs' client keep-alive.
	ClientKeepAliveSeconds int
	// OriginConnectionAttempts and OriginConnectionTimeoutSeconds of CloudFront's origins.
	OriginConnectionAttempts, OriginConnectionTimeoutSeconds int
	// OriginReadTimeoutSeconds is CloudFront's response timeout of the origins.
	OriginReadTimeoutSeconds int
}

// FailoverBudget is how long after the home region fails (or is demoted) viewers' requests reach
// the region that now serves, broken down by cause.
type FailoverBudget struct {
	// Detection: every checker needs FailureThreshold consecutive failed requests, IntervalSeconds
	// apart, before it reports the endpoint unhealthy.
	Detection time.Duration
	// Evaluation: one more interval for Route 53 to aggregate its checkers (unhealthy once at most
	// 18% report healthy, the checkers do not coordinate) and recompute the calculated check of the
	// PRIMARY record; it also covers the 4 s connect / 2 s response limit of the last request.
	Evaluation time.Duration
	// DNS is the TTL CloudFront (which resolves the failover origin name) keeps the old answer.
	DNS time.Duration
	// Connections is the ALB client keep-alive: connections CloudFront already holds to the demoted
	// region are closed at most this long after the answer changed. It runs concurrently with DNS,
	// both starting when Route 53 changes its answer, so the larger of the two counts.
	Connections time.Duration
	// OriginAttempts is how long a request already sent to a dead region waits before CloudFront
	// gives up (connection attempts x timeout; the /static/* origin group then tries the other region).
	OriginAttempts time.Duration
	// Total is Detection + Evaluation + max(DNS, Connections) + OriginAttempts.
	Total time.Duration
	// BoundedBy names the largest term, what to shorten first.
	BoundedBy string
	// Bound is the worst case for a dark (black-holed) home region.
	Bound ReadsBound
}

// ReadsBound is the worst case of the dark-region case: how long after the home region goes dark,
// at most, until every request CloudFront sends reaches the standby.
type ReadsBound struct {
	// Detection: FailureThreshold consecutive failures IntervalSeconds apart, the last of which
	// fails only after the checker's 4 s connect timeout (a dark ALB never refuses).
	Detection time.Duration
	// Evaluation: one interval for Route 53 to aggregate its checkers and the calculated check.
	Evaluation time.Duration
	// DNS: CloudFront keeps the old answer up to the alias TTL. The ALB keep-alive plays no part:
	// a dark ALB closes nothing.
	DNS time.Duration
	// InFlight: a request CloudFront sent just before its answer changed, on a connection it
	// already held to the dark ALB, fails only after attempts x max(connection timeout, read
	// timeout).
	InFlight time.Duration
	// Static: a /static/* miss waits at most one member's attempts (InFlight) before the origin
	// group asks the standby: static reads never wait for DNS.
	Static time.Duration
	// Total = Detection + Evaluation + DNS + InFlight.
	Total time.Duration
	// BoundedBy names the largest term.
	BoundedBy string
}

// TrafficFailoverBudget computes the budget from the real settings.
//
// Assumptions: the application answers its paths within Route 53's 2 s limit (the default one
// answers from memory); resolvers and CloudFront honour the 60 s alias TTL; a request already
// holding a connection to a dead region fails after the origin attempts and the viewer's retry
// takes the new answer. Where the demoted region is still up (a planned switchover), a connection
// CloudFront opens from its cached answer just before the TTL runs out may live up to one more
// keep-alive; its writes fail (no network path to the other region's writer) and nothing reads stale
// data, so the budget counts the keep-alive from the answer change.
func TrafficFailoverBudget(in BudgetInputs) FailoverBudget {
	b := FailoverBudget{
		Detection:      seconds(in.IntervalSeconds * in.FailureThreshold),
		Evaluation:     seconds(in.IntervalSeconds),
		DNS:            seconds(in.DNSTTLSeconds),
		Connections:    seconds(in.ClientKeepAliveSeconds),
		OriginAttempts: seconds(in.OriginConnectionAttempts * in.OriginConnectionTimeoutSeconds),
	}
	after := b.DNS
	if b.Connections > after {
		after = b.Connections
	}
	b.Total = b.Detection + b.Evaluation + after + b.OriginAttempts
	b.BoundedBy = boundedBy(b)
	b.Bound = readsBound(in)
	return b
}

// readsBound is the dark-region worst case (ReadsBound).
func readsBound(in BudgetInputs) ReadsBound {
	wait := in.OriginConnectionTimeoutSeconds
	if in.OriginReadTimeoutSeconds > wait {
		wait = in.OriginReadTimeoutSeconds
	}
	r := ReadsBound{
		Detection:  seconds(in.IntervalSeconds*in.FailureThreshold + CheckerConnectTimeoutSeconds),
		Evaluation: seconds(in.IntervalSeconds),
		DNS:        seconds(in.DNSTTLSeconds),
		InFlight:   seconds(in.OriginConnectionAttempts * wait),
	}
	r.Static = r.InFlight
	r.Total = r.Detection + r.Evaluation + r.DNS + r.InFlight
	r.BoundedBy = largest([]term{
		{r.DNS, fmt.Sprintf("the %d s alias TTL", int(r.DNS.Seconds()))},
		{r.Detection, fmt.Sprintf("health-check detection (%d s: interval x failure threshold + the checkers' 4 s connect timeout)", int(r.Detection.Seconds()))},
		{r.Evaluation, fmt.Sprintf("Route 53 evaluation (%d s)", int(r.Evaluation.Seconds()))},
		{r.InFlight, fmt.Sprintf("a request in flight to the dark origin (%d s: connection attempts x the longer of connection and read timeout)", int(r.InFlight.Seconds()))},
	})
	return r
}

type term struct {
	d    time.Duration
	name string
}

// largest names the largest of terms, ties joined with "and".
func largest(terms []term) string {
	best := terms[0]
	var ties []string
	for _, t := range terms {
		if t.d > best.d {
			best, ties = t, nil
		} else if t.d == best.d && t.name != best.name {
			ties = append(ties, t.name)
		}
	}
	out := best.name
	for _, t := range ties {
		out += " and " + t
	}
	return out
}

// boundedBy names the largest term of the typical budget.
func boundedBy(b FailoverBudget) string {
	return largest([]term{
		{b.DNS, fmt.Sprintf("the %d s alias TTL of the failover origin name (fixed by Route 53 for alias records to an ALB)", int(b.DNS.Seconds()))},
		{b.Connections, fmt.Sprintf("the %d s ALB client keep-alive (CloudFront's connections to a demoted region)", int(b.Connections.Seconds()))},
		{b.Detection, fmt.Sprintf("health-check detection (%d s: interval x failure threshold)", int(b.Detection.Seconds()))},
		{b.Evaluation, fmt.Sprintf("Route 53 evaluation (%d s: one interval)", int(b.Evaluation.Seconds()))},
		{b.OriginAttempts, fmt.Sprintf("CloudFront origin attempts (%d s)", int(b.OriginAttempts.Seconds()))},
	})
}

// Inputs is the program's own settings for health checks of intervalSeconds x failureThreshold:
// alias records (AliasTTLSeconds), the ALBs' ALBClientKeepAliveSeconds and CloudFront's
// OriginConnectionAttempts x OriginConnectionTimeoutSeconds and OriginReadTimeoutSeconds.
func Inputs(intervalSeconds, failureThreshold int) BudgetInputs {
	return BudgetInputs{
		IntervalSeconds: intervalSeconds, FailureThreshold: failureThreshold,
		DNSTTLSeconds:            AliasTTLSeconds,
		ClientKeepAliveSeconds:   ALBClientKeepAliveSeconds,
		OriginConnectionAttempts: OriginConnectionAttempts, OriginConnectionTimeoutSeconds: OriginConnectionTimeoutSeconds,
		OriginReadTimeoutSeconds: OriginReadTimeoutSeconds,
	}
}

// BudgetFor is TrafficFailoverBudget of the program's own settings (Inputs).
func BudgetFor(intervalSeconds, failureThreshold int) FailoverBudget {
	return TrafficFailoverBudget(Inputs(intervalSeconds, failureThreshold))
}

func seconds(s int) time.Duration { return time.Duration(s) * time.Second }
