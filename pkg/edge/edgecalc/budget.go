package edgecalc

import "time"

// AlarmPeriodSeconds is the period of the primary region's health alarm. Application Load Balancers
// publish HealthyHostCount once a minute (standard resolution), and Route 53 refuses health checks
// on high-resolution alarms, so 60 s is both the shortest and the only sensible period.
const AlarmPeriodSeconds = 60

// AliasTTLSeconds is the effective TTL of alias records to Elastic Load Balancing and CloudFront
// targets: Route 53 answers them with the target's TTL, 60 s. Alias records take no TTL of their own.
const AliasTTLSeconds = 60

// AlarmEvaluationPeriods turns the configured detection window (health check interval x failure
// threshold) into whole alarm periods: the alarm must breach for at least the window, and never for
// less than one period.
func AlarmEvaluationPeriods(intervalSeconds, failureThreshold, periodSeconds int) int {
	if periodSeconds <= 0 {
		return 1
	}
	window := intervalSeconds * failureThreshold
	periods := (window + periodSeconds - 1) / periodSeconds
	if periods < 1 {
		return 1
	}
	return periods
}

// FailoverBudget is how long after the primary region fails users reach the secondary, by DNS
// failover, broken down by cause. Every request is covered; cacheable GET/HEAD requests also fail
// over per request through CloudFront's origin group (on 500/502/503/504), which takes no extra time.
type FailoverBudget struct {
	// Detection is how long the primary must look dead before its alarm fires: the configured window
	// (interval x threshold) rounded up to whole alarm periods.
	Detection time.Duration
	// Evaluation is one alarm period: ELB publishes the minute's HealthyHostCount datapoint after the
	// minute ends, and CloudWatch evaluates the alarm (and Route 53 reads its state) on that cadence.
	Evaluation time.Duration
	// DNS is the TTL resolvers (and CloudFront, which resolves the failover origin name) may keep the
	// old answer for.
	DNS time.Duration
	// Total is Detection + Evaluation + DNS.
	Total time.Duration
}

// TrafficFailoverBudget computes the traffic failover budget from the health check settings
// (intervalSeconds x failureThreshold is the detection window), the primary alarm's period and
// evaluation periods, and the DNS TTL of the failover records (AliasTTLSeconds for alias records).
//
// Assumptions: the primary's alarm reaches ALARM within one period after its last breaching
// datapoint; Route 53 marks a CLOUDWATCH_METRIC health check unhealthy as soon as its alarm is in
// ALARM (or INSUFFICIENT_DATA, counted unhealthy); resolvers honour the TTL. The PRIMARY alias also
// evaluates the ALB's target health, which usually fails over sooner (targets fail after the target
// group's own 2 x 10 s checks): the budget is the upper bound through the alarm.
func TrafficFailoverBudget(intervalSeconds, failureThreshold, alarmPeriodSeconds, alarmEvaluationPeriods, dnsTTL int) FailoverBudget {
	window := intervalSeconds * failureThreshold
	if alarmWindow := alarmPeriodSeconds * alarmEvaluationPeriods; alarmWindow > window {
		window = alarmWindow
	}
	b := FailoverBudget{
		Detection:  seconds(window),
		Evaluation: seconds(alarmPeriodSeconds),
		DNS:        seconds(dnsTTL),
	}
	b.Total = b.Detection + b.Evaluation + b.DNS
	return b
}

// BudgetFor is TrafficFailoverBudget for the edge's own settings: the alarm built from intervalSeconds
// and failureThreshold (AlarmPeriodSeconds, AlarmEvaluationPeriods) and alias records (AliasTTLSeconds).
func BudgetFor(intervalSeconds, failureThreshold int) FailoverBudget {
	periods := AlarmEvaluationPeriods(intervalSeconds, failureThreshold, AlarmPeriodSeconds)
	return TrafficFailoverBudget(intervalSeconds, failureThreshold, AlarmPeriodSeconds, periods, AliasTTLSeconds)
}

func seconds(s int) time.Duration { return time.Duration(s) * time.Second }
