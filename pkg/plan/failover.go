package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// AWS defaults the budget counts when the program leaves a setting unset: an unset setting is
// still a real one.
const (
	awsDefaultClientKeepAliveSeconds  = 3600
	awsDefaultOriginAttempts          = 3
	awsDefaultOriginConnectionTimeout = 10
	awsDefaultOriginReadTimeout       = edgecalc.DefaultOriginReadTimeout
)

// trafficBudget computes the edge's budget (edgecalc.TrafficFailoverBudget) from the settings the
// program registered: the Route 53 HTTPS checks' interval and failure threshold (config when none is
// registered), the failover records' TTL (alias: 60 s), the ALBs' client keep-alive and CloudFront's
// origin connection attempts and timeout (AWS's defaults where unset). The slowest of each counts.
func trafficBudget(g *graph, cfg *stacks.Config) TrafficFailover {
	if !g.hasComponentType("edge") {
		return TrafficFailover{Note: "n/a (edge not wired)"}
	}
	in := edgecalc.BudgetInputs{}
	for _, hc := range g.ofType("aws:route53/healthCheck:HealthCheck") {
		if hc.Str("type") != edgecalc.HealthCheckTypeHTTPS {
			continue
		}
		in.IntervalSeconds = maxInt(in.IntervalSeconds, int(hc.Num("requestInterval")))
		in.FailureThreshold = maxInt(in.FailureThreshold, int(hc.Num("failureThreshold")))
	}
	if in.IntervalSeconds == 0 {
		in.IntervalSeconds, in.FailureThreshold = cfg.Edge.HealthCheckIntervalSeconds, cfg.Edge.HealthCheckFailureThreshold
	}
	for _, rec := range g.ofType("aws:route53/record:Record") {
		if !rec.Has("failoverRoutingPolicies") {
			continue
		}
		ttl := int(rec.Num("ttl"))
		if rec.Has("aliases") {
			ttl = edgecalc.AliasTTLSeconds
		}
		in.DNSTTLSeconds = maxInt(in.DNSTTLSeconds, ttl)
	}
	for _, alb := range g.ofType("aws:lb/loadBalancer:LoadBalancer") {
		keepAlive := awsDefaultClientKeepAliveSeconds
		if alb.Has("clientKeepAlive") {
			keepAlive = int(alb.Num("clientKeepAlive"))
		}
		in.ClientKeepAliveSeconds = maxInt(in.ClientKeepAliveSeconds, keepAlive)
	}
	for _, d := range g.ofType("aws:cloudfront/distribution:Distribution") {
		for i := 0; i < d.Len("origins"); i++ {
			attempts, timeout := awsDefaultOriginAttempts, awsDefaultOriginConnectionTimeout
			if p := fmt.Sprintf("origins[%d].connectionAttempts", i); d.Has(p) {
				attempts = int(d.Num(p))
			}
			if p := fmt.Sprintf("origins[%d].connectionTimeout", i); d.Has(p) {
				timeout = int(d.Num(p))
			}
			read := awsDefaultOriginReadTimeout
			if p := fmt.Sprintf("origins[%d].customOriginConfig.originReadTimeout", i); d.Has(p) {
				read = int(d.Num(p))
			}
			in.OriginConnectionAttempts = maxInt(in.OriginConnectionAttempts, attempts)
			in.OriginConnectionTimeoutSeconds = maxInt(in.OriginConnectionTimeoutSeconds, timeout)
			in.OriginReadTimeoutSeconds = maxInt(in.OriginReadTimeoutSeconds, read)
		}
	}
	b := edgecalc.TrafficFailoverBudget(in)
	return TrafficFailover{
		Available: true,
		Note: "viewers reach the serving region after: Route 53 detection (interval x failure threshold) + one interval of evaluation + " +
			"the longer of the alias TTL and the ALB client keep-alive + CloudFront's origin attempts; at most (a dark, black-holed region): " +
			"detection + the checkers' 4 s connect timeout + evaluation + the alias TTL + a request in flight (attempts x the longer of connection and read timeout) (docs/edge.md)",
		DetectionSeconds:      int(b.Detection.Seconds()),
		EvaluationSeconds:     int(b.Evaluation.Seconds()),
		DNSSeconds:            int(b.DNS.Seconds()),
		ConnectionsSeconds:    int(b.Connections.Seconds()),
		OriginAttemptsSeconds: int(b.OriginAttempts.Seconds()),
		TotalSeconds:          int(b.Total.Seconds()),
		BoundedBy:             b.BoundedBy,
		TypicalSeconds:        int(b.Total.Seconds()),
		BoundSeconds:          int(b.Bound.Total.Seconds()),
		Bound: ReadsBound{
			DetectionSeconds: int(b.Bound.Detection.Seconds()), EvaluationSeconds: int(b.Bound.Evaluation.Seconds()),
			DNSSeconds: int(b.Bound.DNS.Seconds()), InFlightSeconds: int(b.Bound.InFlight.Seconds()),
			StaticSeconds: int(b.Bound.Static.Seconds()), TotalSeconds: int(b.Bound.Total.Seconds()), BoundedBy: b.Bound.BoundedBy,
		},
		IntervalSeconds:                in.IntervalSeconds,
		FailureThreshold:               in.FailureThreshold,
		ClientKeepAliveSeconds:         in.ClientKeepAliveSeconds,
		OriginConnectionAttempts:       in.OriginConnectionAttempts,
		OriginConnectionTimeoutSeconds: in.OriginConnectionTimeoutSeconds,
		OriginReadTimeoutSeconds:       in.OriginReadTimeoutSeconds,
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// databaseFailover reads the database's recovery point and failover path from what was registered:
// the global cluster's members, the writer's `rds.global_db_rpo` parameter, the replication lag
// alarm and the failover runbook.
func databaseFailover(g *graph, cfg *stacks.Config) DatabaseFailover {
	globals := g.ofType("aws:rds/globalCluster:GlobalCluster")
	if len(globals) == 0 {
		return DatabaseFailover{Note: "n/a (database not wired)", ReplicaRegions: []string{}}
	}
	d := DatabaseFailover{Available: true, Engine: globals[0].Str("engine"), ReplicaRegions: []string{}}
	var writer *node
	var replicas []string
	for _, c := range g.ofType("aws:rds/cluster:Cluster") {
		if c.Str("globalClusterIdentifier") == "" {
			continue
		}
		if d.Engine == "" {
			d.Engine = c.Str("engine")
		}
		if writer == nil && c.Region == cfg.PrimaryRegion {
			writer = c
			continue
		}
		replicas = append(replicas, c.Region)
	}
	if writer != nil {
		d.WriterRegion = writer.Region
	}
	d.ReplicaRegions = append(d.ReplicaRegions, sortStrings(replicas)...)
	for _, pg := range g.ofType("aws:rds/clusterParameterGroup:ClusterParameterGroup") {
		if pg.Region != d.WriterRegion {
			continue
		}
		for i := 0; i < pg.Len("parameters"); i++ {
			if pg.Str(fmt.Sprintf("parameters[%d].name", i)) == "rds.global_db_rpo" {
				d.RPOSeconds, _ = strconv.Atoi(pg.Str(fmt.Sprintf("parameters[%d].value", i)))
			}
		}
	}
	for _, a := range g.ofType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		if a.Str("metricName") == "AuroraGlobalDBReplicationLag" || strings.Contains(fmt.Sprint(a.Plain("metricQueries")), "AuroraGlobalDBReplicationLag") {
			d.LagAlarmMs = int(a.Num("threshold"))
		}
	}
	to := strings.Join(d.ReplicaRegions, ", ")
	if to == "" {
		to = "the secondary region"
	}
	if d.RPOSeconds > 0 {
		d.RPO = fmt.Sprintf("at most %d s: rds.global_db_rpo makes the writer block commits while no secondary is within %d s", d.RPOSeconds, d.RPOSeconds)
	} else {
		d.RPO = "not bounded by config: the replication lag at the moment the primary is lost (Aurora global databases typically lag under 1 s)"
	}
	if d.LagAlarmMs > 0 {
		d.RPO += fmt.Sprintf("; the replication lag alarm fires above %d ms", d.LagAlarmMs)
	}
	d.RecoveryTime = DatabaseRecoveryTime
	d.Switchover = fmt.Sprintf("planned switchover (aws rds switchover-global-cluster) to %s: RPO 0, writes pause until the replica has caught up and is promoted, typically 1-2 minutes", to)
	d.UnplannedFailover = fmt.Sprintf("unplanned failover (aws rds failover-global-cluster --allow-data-loss) to %s: promotes the replica with what it has, typically 1-2 minutes after the call", to)
	d.Automation = automation(g)
	return d
}

// DatabaseRecoveryTime is how long an Aurora global database takes to accept writes in the other
// region once the failover (or switchover) call is made: AWS documents promotions of typically a
// minute or two.
const DatabaseRecoveryTime = "1-2 min after the failover call"

// automation says who starts a region failover: an EventBridge rule, a runbook run by hand, or
// nobody but the operator.
func automation(g *graph) string {
	machines := g.ofType("aws:sfn/stateMachine:StateMachine")
	if len(machines) == 0 {
		return "manual: no failover runbook registered; run the AWS CLI calls above"
	}
	var names, triggered []string
	for _, m := range machines {
		arn := ""
		if v := m.Outputs["arn"]; v.IsString() {
			arn = v.StringValue()
		}
		names = append(names, fmt.Sprintf("%s (%s)", m.Name, m.Region))
		for _, t := range g.ofType("aws:cloudwatch/eventTarget:EventTarget") {
			if arn != "" && t.Str("arn") == arn {
				triggered = append(triggered, fmt.Sprintf("%s starts %s", t.Str("rule"), m.Name))
			}
		}
	}
	sort.Strings(names)
	sort.Strings(triggered)
	if len(triggered) > 0 {
		return "automatic: EventBridge " + strings.Join(triggered, "; ")
	}
	return "runbook by hand: start " + strings.Join(names, " or ")
}
