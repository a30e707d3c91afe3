package observability

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// treatMissingData values.
const (
	missingNotBreaching = "notBreaching"
	missingBreaching    = "breaching"
	missingKeep         = "missing"
)

// alarmSpec is one alarm before it is bound to a region's topic.
type alarmSpec struct {
	id          string // logical-name suffix
	description string // what it means and what to do: shown in the notification
	namespace   string
	metric      string
	dims        pulumi.StringMap
	stat        string // Statistic, or "" when extended or metric math
	extended    string // ExtendedStatistic (percentile)
	queries     cloudwatch.MetricAlarmMetricQueryArray
	thresholdID string // ThresholdMetricId (anomaly detection)
	period      int
	evaluations int
	datapoints  int
	comparison  string
	threshold   float64
	// treatMissing is chosen per alarm; the reason sits next to each spec.
	treatMissing string
	// notifyInsufficient also sends INSUFFICIENT_DATA to the topic (a metric that should always exist went silent).
	notifyInsufficient bool
	// regionHealth marks the alarms the composite "region unhealthy" alarm is built from.
	regionHealth bool
	// suffering marks the alarms that show the application's users suffer in the region (5xx rates,
	// latency): the outcome of a zonal autoshift practice run (ApplicationAlarmArns).
	suffering bool
}

// metricQuery is one metric of a metric-math alarm.
func metricQuery(id, namespace, metric, stat string, period int, dims pulumi.StringMap) cloudwatch.MetricAlarmMetricQueryInput {
	return cloudwatch.MetricAlarmMetricQueryArgs{
		Id: pulumi.String(id),
		Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{
			Namespace:  pulumi.String(namespace),
			MetricName: pulumi.String(metric),
			Stat:       pulumi.String(stat),
			Period:     pulumi.Int(period),
			Dimensions: dims,
		},
		ReturnData: pulumi.Bool(false),
	}
}

func expressionQuery(id, expression, label string) cloudwatch.MetricAlarmMetricQueryInput {
	return cloudwatch.MetricAlarmMetricQueryArgs{
		Id: pulumi.String(id), Expression: pulumi.String(expression), Label: pulumi.String(label), ReturnData: pulumi.Bool(true),
	}
}

// minRequests is the traffic (requests a minute) below which the 5xx rates read 0.
const minRequests = 10

var (
	elb5xxRateExpression    = fmt.Sprintf("IF((FILL(requests, 0) + FILL(elb5xx, 0)) >= %d, 100 * FILL(elb5xx, 0) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)", minRequests)
	target5xxRateExpression = fmt.Sprintf("IF(FILL(requests, 0) >= %d, 100 * FILL(target5xx, 0) / FILL(requests, 0), 0)", minRequests)
)

// regionAlarms are the alarms on one application region's ALB, Auto Scaling group and Aurora cluster.
func regionAlarms(t *RegionTargets, args *Args) []alarmSpec {
	lb := pulumi.StringMap{"LoadBalancer": t.AlbArnSuffix}
	tg := pulumi.StringMap{"LoadBalancer": t.AlbArnSuffix, "TargetGroup": t.TargetGroupArnSuffix}
	db := pulumi.StringMap{"DBClusterIdentifier": t.ClusterIdentifier}
	const elb = "AWS/ApplicationELB"
	specs := []alarmSpec{
		{
			id:          "alb-5xx-rate",
			description: "More than 5% of requests (at 10 or more a minute) answered 5xx by the load balancer itself (no healthy target, timeouts) in " + t.Region + ". Check target health and the Auto Scaling group; if the region cannot serve, follow the failover runbook.",
			queries: cloudwatch.MetricAlarmMetricQueryArray{
				metricQuery("elb5xx", elb, "HTTPCode_ELB_5XX_Count", "Sum", 60, lb),
				metricQuery("requests", elb, "RequestCount", "Sum", 60, lb),
				// RequestCount leaves out requests rejected before a target was chosen, so they are added
				// back. Below minRequests a minute the rate reads 0: one error among three requests must
				// not fail a region over (the in-service and health check alarms watch a dead region).
				expressionQuery("rate", elb5xxRateExpression, "ELB 5xx %"),
			},
			evaluations: 5, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 5,
			// No requests means no errors: the passive region is quiet most of the time.
			treatMissing: missingNotBreaching, regionHealth: true, suffering: true,
		},
		{
			id:          "target-5xx-rate",
			description: "More than 5% of requests (at 10 or more a minute) answered 5xx by the application instances in " + t.Region + ". Check the application logs and the last deployment.",
			queries: cloudwatch.MetricAlarmMetricQueryArray{
				metricQuery("target5xx", elb, "HTTPCode_Target_5XX_Count", "Sum", 60, lb),
				metricQuery("requests", elb, "RequestCount", "Sum", 60, lb),
				expressionQuery("rate", target5xxRateExpression, "Target 5xx %"),
			},
			evaluations: 5, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 5,
			// No requests means no errors.
			treatMissing: missingNotBreaching, regionHealth: true, suffering: true,
		},
		{
			id:          "p99-latency",
			description: "p99 target response time above 2 s in " + t.Region + ". Check instance CPU, database load and connections.",
			namespace:   elb, metric: "TargetResponseTime", dims: lb, extended: "p99",
			period: 60, evaluations: 5, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 2,
			// The metric exists only while requests flow; no requests, no latency problem.
			treatMissing: missingNotBreaching, suffering: true,
		},
		{
			id:          "unhealthy-hosts",
			description: "Targets failing the load balancer health check in " + t.Region + " for 3 minutes. Check the instances and the health path; the Auto Scaling group replaces unhealthy instances.",
			namespace:   elb, metric: "UnHealthyHostCount", dims: tg, stat: "Maximum",
			period: 60, evaluations: 3, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 0,
			// The ALB reports this every minute while the target group is attached; a gap is not a failure.
			treatMissing: missingNotBreaching,
		},
	}
	if t.MinInstances > 0 {
		specs = append(specs, alarmSpec{
			id:          "in-service-below-min",
			description: fmt.Sprintf("Fewer than %d instances in service in %s for 5 minutes. Check the Auto Scaling activity history (capacity, AMI, quota).", t.MinInstances, t.Region),
			namespace:   "AWS/AutoScaling", metric: "GroupInServiceInstances",
			dims: pulumi.StringMap{"AutoScalingGroupName": t.AutoScalingGroupName}, stat: "Minimum",
			period: 60, evaluations: 5, datapoints: 5, comparison: "LessThanThreshold", threshold: float64(t.MinInstances),
			// With group metrics collection on, this is reported every minute, even at zero. Silence means
			// collection is off or the group is gone: keep the state (no false failover) but notify INSUFFICIENT_DATA.
			treatMissing: missingKeep, notifyInsufficient: true, regionHealth: true,
		})
	}
	specs = append(specs,
		alarmSpec{
			id:          "db-cpu",
			description: "Aurora CPU above 80% for 15 minutes in " + t.Region + ". Look at Performance Insights for the top queries; consider a larger instance class.",
			namespace:   "AWS/RDS", metric: "CPUUtilization", dims: db, stat: "Average",
			period: 300, evaluations: 3, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 80,
			// A gap says nothing about load: keep the last state rather than flip to OK.
			treatMissing: missingKeep,
		},
		alarmSpec{
			id:          "db-freeable-memory",
			description: "Aurora freeable memory below 256 MiB for 15 minutes in " + t.Region + ". Check connections and buffer settings; consider a larger instance class.",
			namespace:   "AWS/RDS", metric: "FreeableMemory", dims: db, stat: "Minimum",
			period: 300, evaluations: 3, datapoints: 3, comparison: "LessThanThreshold", threshold: 256 * 1024 * 1024,
			// A gap says nothing about memory: keep the last state.
			treatMissing: missingKeep,
		},
		alarmSpec{
			id:          "db-connections",
			description: fmt.Sprintf("More than %d database connections in %s for 10 minutes. Look for connection leaks or a missing pool; raise max_connections or the class.", args.connectionsThreshold(), t.Region),
			namespace:   "AWS/RDS", metric: "DatabaseConnections", dims: db, stat: "Maximum",
			period: 300, evaluations: 2, datapoints: 2, comparison: "GreaterThanThreshold", threshold: float64(args.connectionsThreshold()),
			// No datapoint, no connections to worry about.
			treatMissing: missingNotBreaching,
		},
	)
	// Both regions carry the lag alarm: which cluster is the secondary changes at runtime. Aurora
	// publishes the global lag in the secondary's region per secondary cluster and the region it
	// replicates from: DBClusterIdentifier alone matches no series.
	lag := pulumi.StringMap{"DBClusterIdentifier": t.ClusterIdentifier, "SourceRegion": pulumi.String(args.peerOf(t.Region))}
	peer := args.peerOf(t.Region)
	specs = append(specs, alarmSpec{
		id:          "replication-lag",
		description: ReplicationLagText(t.Region, peer, args.ReplicationLagAlarmMs),
		namespace:   "AWS/RDS", metric: "AuroraGlobalDBReplicationLag", dims: lag, stat: "Maximum",
		period: 60, evaluations: 3, datapoints: 3, comparison: "GreaterThanThreshold", threshold: float64(args.ReplicationLagAlarmMs),
		// AWS publishes the lag only for the secondary cluster, and stops publishing it when the
		// primary's region goes dark (issue 22 case 5: notBreaching then said nothing, and nothing
		// else in the surviving region paged). "missing" keeps the state while some datapoints
		// arrive and turns INSUFFICIENT_DATA when all 3 minutes are silent, which notifies: the
		// secondary's region hears "replication from <peer> went silent". In the region that writes
		// now the alarm sits in INSUFFICIENT_DATA without ever reaching ALARM (a new alarm starts
		// there, so no notification); a switchover or failover notifies once in the new writer's
		// region, which the text explains.
		treatMissing: missingKeep, notifyInsufficient: true,
	})
	return specs
}

// edgeAlarms are the alarms on metrics that live in us-east-1: Route 53 health checks, CloudFront, WAF.
func edgeAlarms(args *Args) []alarmSpec {
	var specs []alarmSpec
	for _, key := range sortedHealthCheckKeys(args.HealthCheckIds) {
		specs = append(specs, alarmSpec{
			id:          "health-check-" + key,
			description: healthCheckDescription(key),
			namespace:   "AWS/Route53", metric: "HealthCheckStatus",
			dims: pulumi.StringMap{"HealthCheckId": args.HealthCheckIds[key]}, stat: "Minimum",
			period: 60, evaluations: 2, datapoints: 2, comparison: "LessThanThreshold", threshold: 1,
			// Route 53 reports every check's status every minute in us-east-1, in any role: silence
			// means the check is gone or disabled, which must page.
			treatMissing: missingBreaching,
		})
	}
	if args.DistributionId != nil {
		specs = append(specs, alarmSpec{
			id:          "cloudfront-5xx-rate",
			description: "More than 5% of CloudFront responses are 5xx. Check both origins' ALB alarms and the origin group's failover.",
			namespace:   "AWS/CloudFront", metric: "5xxErrorRate",
			dims: pulumi.StringMap{"DistributionId": args.DistributionId, "Region": pulumi.String("Global")}, stat: "Average",
			period: 60, evaluations: 5, datapoints: 3, comparison: "GreaterThanThreshold", threshold: 5,
			// No requests, no datapoint, no errors.
			treatMissing: missingNotBreaching,
		})
	}
	if args.WebAclName != nil {
		specs = append(specs, alarmSpec{
			id:          "waf-blocked-spike",
			description: "WAF blocks far more requests than usual (above the anomaly band). Look at the sampled requests: an attack, or a rule blocking real users.",
			queries: cloudwatch.MetricAlarmMetricQueryArray{
				cloudwatch.MetricAlarmMetricQueryArgs{
					Id: pulumi.String("blocked"),
					Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{
						Namespace: pulumi.String("AWS/WAFV2"), MetricName: pulumi.String("BlockedRequests"),
						Stat: pulumi.String("Sum"), Period: pulumi.Int(300),
						// CLOUDFRONT-scope web ACLs report without a Region dimension.
						Dimensions: pulumi.StringMap{"WebACL": args.WebAclName, "Rule": pulumi.String("ALL")},
					},
					ReturnData: pulumi.Bool(true),
				},
				expressionQuery("band", "ANOMALY_DETECTION_BAND(blocked, 3)", "Expected blocked requests"),
			},
			thresholdID: "band",
			evaluations: 2, datapoints: 2, comparison: "GreaterThanUpperThreshold",
			// Nothing blocked produces no datapoint: that is the good case.
			treatMissing: missingNotBreaching,
		})
	}
	return specs
}

// healthCheckDescription says what a failing check means. A "<region>-live" key is that region's
// liveness check: its application does not answer Route 53's checkers through its ALB.
func healthCheckDescription(key string) string {
	if region, ok := strings.CutSuffix(key, "-live"); ok {
		return "Route 53's checkers get no healthy answer from " + region + "'s liveness path (its ALB and instances, whichever region writes). " +
			"If " + region + " is the home region DNS already sends viewers to the standby; if it is the standby, a home outage now would leave viewers with nothing. " +
			"Confirm on the dashboard (ALB and target health of " + region + ") and follow the failover runbook (docs/failover.md)."
	}
	return "The Route 53 health check " + key + " fails. DNS fails over on its own; confirm with the dashboard and follow the failover runbook (docs/failover.md)."
}

func sortedHealthCheckKeys(m map[string]pulumi.StringInput) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// compositeRule is the AlarmRule of a "region unhealthy" composite: any member in ALARM.
func compositeRule(alarmArns []string) string {
	parts := make([]string, len(alarmArns))
	for i, arn := range alarmArns {
		parts[i] = fmt.Sprintf("ALARM(%q)", arn)
	}
	return strings.Join(parts, " OR ")
}

// newAlarms creates every alarm in the region of its metric, acting on that region's topic, and a
// composite "region unhealthy" alarm per application region.
func (o *Observability) newAlarms(ctx *pulumi.Context, name string, regions []*regional, args *Args) error {
	arns, names, suffering := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringArrayMap{}
	for _, r := range regions {
		var specs []alarmSpec
		if r.targets != nil {
			specs = append(specs, regionAlarms(r.targets, args)...)
		}
		if r.edge {
			specs = append(specs, edgeAlarms(args)...)
		}
		prefix := fmt.Sprintf("%s-%s", name, r.region)
		var health []any
		var hurt pulumi.StringArray
		for _, spec := range specs {
			alarm, err := o.newAlarm(ctx, prefix, r, spec)
			if err != nil {
				return err
			}
			if spec.regionHealth {
				health = append(health, alarm.Arn)
			}
			if spec.suffering && r.targets != nil {
				hurt = append(hurt, alarm.Arn)
			}
		}
		if r.targets == nil {
			continue
		}
		alarmName := fmt.Sprintf("%s-%s-%s-region-unhealthy", name, ctx.Stack(), r.region)
		composite, err := cloudwatch.NewCompositeAlarm(ctx, prefix+"-region-unhealthy", &cloudwatch.CompositeAlarmArgs{
			AlarmName:        pulumi.String(alarmName),
			AlarmDescription: pulumi.String(RegionUnhealthyText(r.region, args.peerOf(r.region))),
			AlarmRule: pulumi.All(health...).ApplyT(func(members []any) string {
				arns := make([]string, len(members))
				for i, m := range members {
					arns[i] = m.(string)
				}
				return compositeRule(arns)
			}).(pulumi.StringOutput),
			AlarmActions: pulumi.StringArray{r.topicArn},
			OkActions:    pulumi.StringArray{r.topicArn},
			Tags:         nameTag(alarmName),
		}, o.opts(r.site)...)
		if err != nil {
			return err
		}
		arns[r.region] = composite.Arn
		names[r.region] = composite.AlarmName
		suffering[r.region] = hurt
	}
	o.ApplicationAlarmArns = suffering.ToStringArrayMapOutput()
	o.RegionUnhealthyAlarmArns = arns.ToStringMapOutput()
	o.RegionUnhealthyAlarmNames = names.ToStringMapOutput()
	return nil
}

func (o *Observability) newAlarm(ctx *pulumi.Context, prefix string, r *regional, spec alarmSpec) (*cloudwatch.MetricAlarm, error) {
	a := &cloudwatch.MetricAlarmArgs{
		AlarmDescription:   pulumi.String(spec.description),
		ComparisonOperator: pulumi.String(spec.comparison),
		EvaluationPeriods:  pulumi.Int(spec.evaluations),
		DatapointsToAlarm:  pulumi.Int(spec.datapoints),
		TreatMissingData:   pulumi.String(spec.treatMissing),
		AlarmActions:       pulumi.Array{r.topicArn},
		OkActions:          pulumi.Array{r.topicArn},
		Tags:               nameTag(prefix + "-" + spec.id),
	}
	if spec.notifyInsufficient {
		a.InsufficientDataActions = pulumi.Array{r.topicArn}
	}
	if spec.thresholdID == "" {
		a.Threshold = pulumi.Float64(spec.threshold)
	} else {
		a.ThresholdMetricId = pulumi.String(spec.thresholdID)
	}
	if len(spec.queries) > 0 {
		a.MetricQueries = spec.queries
	} else {
		a.Namespace = pulumi.String(spec.namespace)
		a.MetricName = pulumi.String(spec.metric)
		a.Dimensions = spec.dims
		a.Period = pulumi.Int(spec.period)
		if spec.extended != "" {
			a.ExtendedStatistic = pulumi.String(spec.extended)
		} else {
			a.Statistic = pulumi.String(spec.stat)
		}
	}
	return cloudwatch.NewMetricAlarm(ctx, prefix+"-"+spec.id, a, o.opts(r.site)...)
}
