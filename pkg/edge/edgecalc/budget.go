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

// CloudFront origin connection settings of every origin (pkg/edge sets them): CloudFront gives up
// on an origin after OriginConnectionAttempts x OriginConnectionTimeoutSeconds and an origin group
// then tries its next member. CloudFront's defaults, 3 x 10 s, would take 30 s.
const (
	OriginConnectionAttempts       = 2
	OriginConnectionTimeoutSeconds = 5
)

// CloudFront's limits on those settings.
const (
	MinOriginConnectionAttempts = 1
	MaxOriginConnectionAttempts = 3
	MinOriginConnectionTimeout  = 1
	MaxOriginConnectionTimeout  = 10
)

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
	return b
}

// boundedBy names the largest term of the budget.
func boundedBy(b FailoverBudget) string {
	terms := []struct {
		d    time.Duration
		name string
	}{
		{b.DNS, fmt.Sprintf("the %d s alias TTL of the failover origin name (fixed by Route 53 for alias records to an ALB)", int(b.DNS.Seconds()))},
		{b.Connections, fmt.Sprintf("the %d s ALB client keep-alive (CloudFront's connections to a demoted region)", int(b.Connections.Seconds()))},
		{b.Detection, fmt.Sprintf("health-check detection (%d s: interval x failure threshold)", int(b.Detection.Seconds()))},
		{b.Evaluation, fmt.Sprintf("Route 53 evaluation (%d s: one interval)", int(b.Evaluation.Seconds()))},
		{b.OriginAttempts, fmt.Sprintf("CloudFront origin attempts (%d s)", int(b.OriginAttempts.Seconds()))},
	}
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

// Inputs is the program's own settings for health checks of intervalSeconds x failureThreshold:
// alias records (AliasTTLSeconds), the ALBs' ALBClientKeepAliveSeconds and CloudFront's
// OriginConnectionAttempts x OriginConnectionTimeoutSeconds.
func Inputs(intervalSeconds, failureThreshold int) BudgetInputs {
	return BudgetInputs{
		IntervalSeconds: intervalSeconds, FailureThreshold: failureThreshold,
		DNSTTLSeconds:            AliasTTLSeconds,
		ClientKeepAliveSeconds:   ALBClientKeepAliveSeconds,
		OriginConnectionAttempts: OriginConnectionAttempts, OriginConnectionTimeoutSeconds: OriginConnectionTimeoutSeconds,
	}
}

// BudgetFor is TrafficFailoverBudget of the program's own settings (Inputs).
func BudgetFor(intervalSeconds, failureThreshold int) FailoverBudget {
	return TrafficFailoverBudget(Inputs(intervalSeconds, failureThreshold))
}

func seconds(s int) time.Duration { return time.Duration(s) * time.Second }
