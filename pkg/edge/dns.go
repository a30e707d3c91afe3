package edge

import (
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// originRecords are the DNS names CloudFront reaches the regions by, and what decides between them.
type originRecords struct {
	alarm       *cloudwatch.MetricAlarm
	healthCheck *route53.HealthCheck
	failover    *route53.Record // the PRIMARY record of the failover origin name
	dependsOn   []pulumi.Resource
}

// Failover routing roles of the failover origin name.
const (
	failoverPrimary   = "PRIMARY"
	failoverSecondary = "SECONDARY"
)

// newOriginRecords builds, in the hosted zone: one alias per region to its ALB; the failover origin
// name as a PRIMARY/SECONDARY alias pair (both evaluate the ALB's target health), the PRIMARY tied to
// a CLOUDWATCH_METRIC health check on the primary region's alarm. Route 53 health checkers cannot
// reach the ALBs (they admit only CloudFront), the alarm can observe them from inside the region.
func (e *Edge) newOriginRecords(ctx *pulumi.Context, name string, args *Args) (*originRecords, error) {
	dns := []pulumi.ResourceOption{pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)}
	alarm, err := newPrimaryAlarm(ctx, name, args, pulumi.Parent(e), pulumi.Provider(args.Primary.Provider))
	if err != nil {
		return nil, err
	}
	check, err := route53.NewHealthCheck(ctx, name+"-"+args.Primary.Region+"-health", &route53.HealthCheckArgs{
		Type:                         pulumi.String("CLOUDWATCH_METRIC"),
		CloudwatchAlarmName:          alarm.Name,
		CloudwatchAlarmRegion:        pulumi.String(args.Primary.Region),
		InsufficientDataHealthStatus: pulumi.String("Unhealthy"),
		// Route 53 copies the alarm's configuration when the check is created: re-sync it when the alarm changes.
		Triggers: pulumi.StringMap{
			"alarmArn":          alarm.Arn,
			"evaluationPeriods": pulumi.String(strconv.Itoa(alarmPeriods(args))),
			"threshold":         pulumi.String(strconv.FormatFloat(alarmThreshold, 'f', -1, 64)),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(name + "-" + args.Primary.Region + "-health"), "Role": pulumi.String("primary")},
	}, dns...)
	if err != nil {
		return nil, err
	}

	out := &originRecords{alarm: alarm, healthCheck: check}
	for _, o := range []struct {
		origin RegionOrigin
		role   string
	}{{args.Primary, failoverPrimary}, {args.Secondary, failoverSecondary}} {
		target := route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name:                 o.origin.AlbDnsName,
			ZoneId:               o.origin.AlbZoneId,
			EvaluateTargetHealth: pulumi.Bool(true),
		}}
		regional, err := route53.NewRecord(ctx, name+"-origin-"+o.origin.Region, &route53.RecordArgs{
			ZoneId:  args.ZoneId,
			Name:    pulumi.String(args.Names.Regional(o.origin.Region)),
			Type:    pulumi.String("A"),
			Aliases: target,
		}, dns...)
		if err != nil {
			return nil, err
		}
		failover := &route53.RecordArgs{
			ZoneId:                  args.ZoneId,
			Name:                    pulumi.String(args.Names.FailoverOrigin()),
			Type:                    pulumi.String("A"),
			SetIdentifier:           pulumi.String(o.origin.Region),
			FailoverRoutingPolicies: route53.RecordFailoverRoutingPolicyArray{&route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(o.role)}},
			Aliases:                 target,
		}
		if o.role == failoverPrimary {
			failover.HealthCheckId = check.ID()
		}
		rec, err := route53.NewRecord(ctx, name+"-failover-"+o.origin.Region, failover, dns...)
		if err != nil {
			return nil, err
		}
		if o.role == failoverPrimary {
			out.failover = rec
		}
		out.dependsOn = append(out.dependsOn, regional, rec)
	}
	return out, nil
}

// alarmThreshold: fewer than one healthy host is an outage.
const alarmThreshold = 1.0

// alarmPeriods is the configured window in whole alarm periods.
func alarmPeriods(args *Args) int {
	return edgecalc.AlarmEvaluationPeriods(args.HealthCheckIntervalSeconds, args.HealthCheckFailureThreshold, edgecalc.AlarmPeriodSeconds)
}

// newPrimaryAlarm alarms when the primary region's target group has no healthy host for the
// configured window. A plain metric with a plain statistic: Route 53 refuses alarms on metric math,
// percentiles or high-resolution metrics. Missing data (an ALB that stopped reporting) breaches.
func newPrimaryAlarm(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*cloudwatch.MetricAlarm, error) {
	periods := alarmPeriods(args)
	alarmName := name + "-" + args.Primary.Region + "-no-healthy-hosts"
	return cloudwatch.NewMetricAlarm(ctx, alarmName, &cloudwatch.MetricAlarmArgs{
		AlarmDescription: pulumi.String("No healthy target in " + args.Primary.Region + " for " + strconv.Itoa(periods) +
			" minute(s): Route 53 fails " + args.Names.FailoverOrigin() + " over to the secondary region."),
		Namespace:          pulumi.String("AWS/ApplicationELB"),
		MetricName:         pulumi.String("HealthyHostCount"),
		Statistic:          pulumi.String("Minimum"),
		Dimensions:         pulumi.StringMap{"LoadBalancer": args.Primary.AlbArnSuffix, "TargetGroup": args.Primary.TargetGroupArnSuffix},
		Period:             pulumi.Int(edgecalc.AlarmPeriodSeconds),
		EvaluationPeriods:  pulumi.Int(periods),
		DatapointsToAlarm:  pulumi.Int(periods),
		ComparisonOperator: pulumi.String("LessThanThreshold"),
		Threshold:          pulumi.Float64(alarmThreshold),
		TreatMissingData:   pulumi.String("breaching"),
		Tags:               pulumi.StringMap{"Name": pulumi.String(alarmName), "Role": pulumi.String("primary")},
	}, opts...)
}

// newViewerRecords points the viewer name (A and AAAA: the distribution serves IPv6) at CloudFront.
func (e *Edge) newViewerRecords(ctx *pulumi.Context, name string, args *Args, dist *cloudfront.Distribution) error {
	for _, typ := range []string{"A", "AAAA"} {
		if _, err := route53.NewRecord(ctx, name+"-viewer-"+strings.ToLower(typ), &route53.RecordArgs{
			ZoneId: args.ZoneId,
			Name:   pulumi.String(args.Names.Viewer()),
			Type:   pulumi.String(typ),
			Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
				Name:                 dist.DomainName,
				ZoneId:               dist.HostedZoneId,
				EvaluateTargetHealth: pulumi.Bool(false), // CloudFront aliases do not support target health
			}},
		}, pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)); err != nil {
			return err
		}
	}
	return nil
}
