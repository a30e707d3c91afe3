package plan

import (
	"fmt"
	"strings"
)

// Database recovery budget (automatic-failover issue): how long until the database writes in the
// surviving region (detection + promotion), how much it may lose, which case the standby's writes
// are in before a promotion, and what the detectors cost. Read from what the program registered:
// the detectors' promote alarms and start rules, the clusters' write forwarding.

// PromotionSeconds is the budget of one promotion by the runbook: AWS gives 1-2 minutes for a
// managed failover or switchover of a global cluster once called, and the runbook polls the
// cluster every 30 s until it writes (pkg/failover), so 120 + 30 s.
const PromotionSeconds = 150

// detectorInvocationsPerMonth is the one-minute schedule over HoursPerMonth.
const detectorInvocationsPerMonth = HoursPerMonth * 60

// withDetection adds the detection and recovery figures to d.
func withDetection(d DatabaseFailover, g *graph, cost Cost) DatabaseFailover {
	if !d.Available {
		return d
	}
	d.AutoFailover = "off"
	n := 0
	for _, a := range g.ofType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		if a.Str("metricName") == "PromoteSignal" {
			n = int(a.Num("evaluationPeriods"))
			d.AutoFailover = "notify"
		}
	}
	for _, t := range g.ofType("aws:cloudwatch/eventTarget:EventTarget") {
		if strings.HasPrefix(t.Name, "detector-") && strings.Contains(t.Str("arn"), ":stateMachine:") {
			d.AutoFailover = "auto"
		}
	}
	d.PromotionSeconds = PromotionSeconds
	switch d.AutoFailover {
	case "off":
		d.Detection = "manual (database.autoFailover off): a person notices and decides; the budget counts promotion only, add your on-call's response time"
	case "notify":
		d.DetectionSeconds = (n + 1) * 60
		d.Detection = fmt.Sprintf("detector pages after %d consecutive minutes of region-level evidence (+ up to 1 min for the schedule and the alarm's evaluation); a person then starts the runbook: add the on-call's response time", n)
	case "auto":
		d.DetectionSeconds = (n + 1) * 60
		d.Detection = fmt.Sprintf("detector in the surviving region starts the runbook after %d consecutive minutes of region-level evidence (+ up to 1 min for the schedule and the alarm's evaluation)", n)
	}
	d.RTOSeconds = d.DetectionSeconds + d.PromotionSeconds
	for _, c := range g.ofType("aws:rds/cluster:Cluster") {
		if c.Bool("enableGlobalWriteForwarding") {
			d.WriteForwarding = true
		}
	}
	if d.WriteForwarding {
		d.StandbyWrites = "write forwarding on: while the home region's application fails and its database is healthy, the standby serves reads locally and forwards writes to the writer (a cross-region round trip per write, within AWS's cap on forwarded connections): no promotion, no data loss"
	} else {
		d.StandbyWrites = "no write forwarding: while the standby serves before a promotion it is read-only (writes fail) until the runbook promotes it"
	}
	for _, item := range cost.Items {
		if strings.HasPrefix(item.Component, "detector-") {
			d.ProbeMonthlyUsd = cents(d.ProbeMonthlyUsd + item.Monthly)
		}
	}
	return d
}

// priceDetectorFunction prices the detector's Lambda by its schedule (not by user traffic): one
// invocation a minute of about 2 s at its memory size, the custom metrics it publishes, its
// CloudWatch API calls (one PutMetricData and one GetMetricData metric a minute) and the CloudFront
// request of its probe.
func priceDetectorFunction(p *pricing, n *node) ([]charge, string) {
	const (
		secondsPerRun  = 2.0
		metrics        = 10 // 9 verdict metrics + ReplicationLagMs (detector.py METRICS)
		apiCallsPerRun = 2
	)
	memoryGB := n.Num("memorySize") / 1024
	if memoryGB == 0 {
		memoryGB = 128.0 / 1024
	}
	runs := float64(detectorInvocationsPerMonth)
	return []charge{
		{item: "Lambda requests (one a minute)", key: kLambdaMillion, count: 1, quantity: runs / 1e6, unit: "million requests"},
		{item: "Lambda compute (arm64)", key: kLambdaArmGBs, count: 1, quantity: runs * secondsPerRun * memoryGB, unit: "GB-second"},
		{item: "CloudWatch custom metrics", key: kCustomMetric, count: 1, quantity: metrics, unit: "metric-month"},
		{item: "CloudWatch API (PutMetricData, GetMetricData)", key: kCwAPIThousand, count: 1, quantity: runs * apiCallsPerRun / 1000, unit: "thousand requests"},
		{region: Global, item: "CloudFront probe requests", key: kCfMillion, count: 1, quantity: runs / 1e6, unit: "million requests"},
	}, ""
}
