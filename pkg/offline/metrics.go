package offline

import (
	"fmt"
	"sort"
	"strings"
)

// publishedMetrics is the offline model of what CloudWatch publishes for the metrics the program
// alarms on: namespace -> metric -> every dimension set AWS publishes it with. CloudWatch accepts an
// alarm on any name and any dimensions, and one that matches nothing sits in INSUFFICIENT_DATA (or,
// with missing data as breaching, in ALARM) forever: the model refuses such an alarm instead.
//
// Sources: the Application Load Balancer guide ("CloudWatch metrics for your Application Load
// Balancer", metric dimensions), the EC2 Auto Scaling guide (group metrics), the Aurora user guide
// (cluster- and instance-level metrics; "Amazon CloudWatch dimensions for Aurora"), Route 53
// (health check metrics, us-east-1), Lambda (function metrics, FunctionName), CloudFront (distribution metrics with Region=Global), WAF
// (CLOUDFRONT-scope web ACLs without a Region dimension).
//
// Aurora global database metrics (AuroraGlobalDBReplicationLag, AuroraGlobalDBRPOLag,
// AuroraGlobalDBProgressLag, both Aurora MySQL and Aurora PostgreSQL) are published in the secondary
// Region, per secondary cluster together with the Region it replicates from (DBClusterIdentifier +
// SourceRegion), and aggregated by SourceRegion. There is no series with DBClusterIdentifier alone.
var publishedMetrics = map[string]map[string][][]string{
	"AWS/ApplicationELB": {
		"HTTPCode_ELB_5XX_Count":    {{"LoadBalancer"}, {"AvailabilityZone", "LoadBalancer"}},
		"HTTPCode_Target_5XX_Count": {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}, {"AvailabilityZone", "LoadBalancer"}, {"AvailabilityZone", "LoadBalancer", "TargetGroup"}},
		"RequestCount":              {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}, {"TargetGroup"}, {"AvailabilityZone", "LoadBalancer"}, {"AvailabilityZone", "LoadBalancer", "TargetGroup"}},
		"TargetResponseTime":        {{"LoadBalancer"}, {"LoadBalancer", "TargetGroup"}, {"AvailabilityZone", "LoadBalancer"}, {"AvailabilityZone", "LoadBalancer", "TargetGroup"}},
		"HealthyHostCount":          {{"LoadBalancer", "TargetGroup"}, {"AvailabilityZone", "LoadBalancer", "TargetGroup"}},
		"UnHealthyHostCount":        {{"LoadBalancer", "TargetGroup"}, {"AvailabilityZone", "LoadBalancer", "TargetGroup"}},
	},
	"AWS/AutoScaling": {
		"GroupInServiceInstances": {{"AutoScalingGroupName"}},
		"GroupDesiredCapacity":    {{"AutoScalingGroupName"}},
		"GroupMinSize":            {{"AutoScalingGroupName"}},
		"GroupMaxSize":            {{"AutoScalingGroupName"}},
		"GroupTotalInstances":     {{"AutoScalingGroupName"}},
	},
	"AWS/RDS": {
		"CPUUtilization":               {{"DBClusterIdentifier"}, {"DBClusterIdentifier", "Role"}, {"DBInstanceIdentifier"}},
		"FreeableMemory":               {{"DBClusterIdentifier"}, {"DBClusterIdentifier", "Role"}, {"DBInstanceIdentifier"}},
		"DatabaseConnections":          {{"DBClusterIdentifier"}, {"DBClusterIdentifier", "Role"}, {"DBInstanceIdentifier"}},
		"AuroraGlobalDBReplicationLag": {{"DBClusterIdentifier", "SourceRegion"}, {"SourceRegion"}},
		"AuroraGlobalDBRPOLag":         {{"DBClusterIdentifier", "SourceRegion"}, {"SourceRegion"}},
		"AuroraGlobalDBProgressLag":    {{"DBClusterIdentifier", "SourceRegion"}, {"SourceRegion"}},
	},
	"AWS/Route53": {"HealthCheckStatus": {{"HealthCheckId"}}},
	"AWS/CloudFront": {
		"5xxErrorRate": {{"DistributionId", "Region"}}, "4xxErrorRate": {{"DistributionId", "Region"}},
		"Requests": {{"DistributionId", "Region"}},
	},
	// The program's own metrics: each is published only with the dimensions its publisher sets.
	// An operator's put-metric-data (pkg/drills); go run . drill's, while a drill runs (pkg/zonalshift).
	"multi-region-ha/Drills": {"AbortDrill": {{"Stack"}}, "DrillActive": {{"Stack"}}},
	// The detector's function publishes each probe result by the region it watches (pkg/detector).
	"MultiRegionHA/Detector": {
		"PromoteSignal": {{"WatchedRegion"}}, "Degraded": {{"WatchedRegion"}}, "SwitchoverRecommended": {{"WatchedRegion"}},
	},
	// Lambda publishes per-function invocation metrics by FunctionName (and by FunctionName +
	// Resource for versions and aliases); the detector's heartbeat watches Errors by FunctionName.
	"AWS/Lambda": {
		"Errors":      {{"FunctionName"}, {"FunctionName", "Resource"}},
		"Invocations": {{"FunctionName"}, {"FunctionName", "Resource"}},
	},
	"AWS/WAFV2": {
		"BlockedRequests": {{"Rule", "WebACL"}, {"Region", "Rule", "WebACL"}},
		"AllowedRequests": {{"Rule", "WebACL"}, {"Region", "Rule", "WebACL"}},
	},
}

// CheckMetric reports an error unless CloudWatch publishes metric in namespace with exactly the
// dimension names dims (in any order).
func CheckMetric(namespace, metric string, dims []string) error {
	metrics, ok := publishedMetrics[namespace]
	if !ok {
		return fmt.Errorf("the offline model knows no CloudWatch namespace %q", namespace)
	}
	sets, ok := metrics[metric]
	if !ok {
		return fmt.Errorf("the offline model knows no metric %s in %s", metric, namespace)
	}
	want := append([]string(nil), dims...)
	sort.Strings(want)
	for _, set := range sets {
		have := append([]string(nil), set...)
		sort.Strings(have)
		if strings.Join(have, ",") == strings.Join(want, ",") {
			return nil
		}
	}
	return fmt.Errorf("CloudWatch publishes %s %s with dimensions %v, not [%s]: the alarm would match no data",
		namespace, metric, sets, strings.Join(want, " "))
}

// checkAlarmMetrics refuses a metric alarm (a plain metric, or each metric of a metric-math alarm)
// that watches a metric/dimension pair CloudWatch does not publish.
func checkAlarmMetrics(r *Resource) error {
	check := func(where string) error {
		dims := []string{}
		if d := r.Prop(where + "dimensions"); d.IsObject() {
			for k := range d.ObjectValue() {
				dims = append(dims, string(k))
			}
		}
		if err := CheckMetric(r.Str(where+"namespace"), r.Str(where+"metricName"), dims); err != nil {
			return fmt.Errorf("alarm %s: %w", r.Name, err)
		}
		return nil
	}
	if r.Len("metricQueries") == 0 {
		return check("")
	}
	for i := 0; i < r.Len("metricQueries"); i++ {
		if p := fmt.Sprintf("metricQueries[%d].metric", i); r.Has(p) {
			if err := check(p + "."); err != nil {
				return err
			}
		}
	}
	return nil
}

// validators are the checks the offline model runs on a registration before accepting it, as AWS
// (or, for alarms, the data behind them) would refuse it.
var validators = map[string]func(*Resource) error{
	"aws:cloudwatch/metricAlarm:MetricAlarm": checkAlarmMetrics,
}

func validate(r *Resource) error {
	if v := validators[r.Type]; v != nil {
		return v(r)
	}
	return nil
}
