package liveops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// Topology is who writes in the global database.
type Topology struct {
	WriterRegion string
	Members      int
	Writers      int
}

// RegionOfArn returns the region field of an ARN ("arn:aws:rds:us-east-1:...").
func RegionOfArn(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// GlobalTopology reads the global cluster's members through region's RDS API: which region hosts
// the writer (the primary cluster), and how many members claim to write.
func GlobalTopology(ctx context.Context, c RDS, globalClusterID string) (Topology, error) {
	out, err := c.DescribeGlobalClusters(ctx, &rds.DescribeGlobalClustersInput{GlobalClusterIdentifier: aws.String(globalClusterID)})
	if err != nil {
		return Topology{}, fmt.Errorf("describe global cluster %s: %w", globalClusterID, err)
	}
	if len(out.GlobalClusters) == 0 {
		return Topology{}, fmt.Errorf("global cluster %s not found", globalClusterID)
	}
	var t Topology
	for _, m := range out.GlobalClusters[0].GlobalClusterMembers {
		t.Members++
		if aws.ToBool(m.IsWriter) {
			t.Writers++
			t.WriterRegion = RegionOfArn(aws.ToString(m.DBClusterArn))
		}
	}
	return t, nil
}

// ClusterWriter returns the instance that writes in a regional cluster ("" for a secondary cluster,
// which has none).
func ClusterWriter(ctx context.Context, c RDS, clusterID string) (string, error) {
	out, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(clusterID)})
	if err != nil {
		return "", fmt.Errorf("describe cluster %s: %w", clusterID, err)
	}
	for _, cl := range out.DBClusters {
		for _, m := range cl.DBClusterMembers {
			if aws.ToBool(m.IsClusterWriter) {
				return aws.ToString(m.DBInstanceIdentifier), nil
			}
		}
	}
	return "", nil
}

// HealthyFraction is the share of Route 53 checkers that must see an endpoint healthy for Route 53
// to count it healthy: more than 18%.
const HealthyFraction = 0.18

// HealthCheckHealthy asks Route 53 how its checkers see a health check. Route 53 counts it healthy
// when more than 18% of checkers report success. (GetHealthCheckStatus does not serve calculated
// checks; their state is the HealthCheckStatus metric in us-east-1, see HealthCheckMetric.)
func HealthCheckHealthy(ctx context.Context, c Route53, id string) (bool, error) {
	out, err := c.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(id)})
	if err != nil {
		return false, fmt.Errorf("health check %s: %w", id, err)
	}
	if len(out.HealthCheckObservations) == 0 {
		return false, fmt.Errorf("health check %s: no checker observations", id)
	}
	ok := 0
	for _, o := range out.HealthCheckObservations {
		if o.StatusReport != nil && strings.HasPrefix(aws.ToString(o.StatusReport.Status), "Success") {
			ok++
		}
	}
	return float64(ok)/float64(len(out.HealthCheckObservations)) > HealthyFraction, nil
}

// LatestMetric returns the most recent datapoint (Maximum per minute) of a metric within window, and
// whether there was one.
func LatestMetric(ctx context.Context, c CloudWatch, namespace, metric string, dims map[string]string, window time.Duration, now time.Time) (float64, bool, error) {
	var d []cwtypes.Dimension
	for k, v := range dims {
		d = append(d, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(v)})
	}
	out, err := c.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(now.Add(-window)),
		EndTime:   aws.Time(now),
		ScanBy:    cwtypes.ScanByTimestampDescending,
		MetricDataQueries: []cwtypes.MetricDataQuery{{
			Id: aws.String("m"),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String(namespace), MetricName: aws.String(metric), Dimensions: d},
				Period: aws.Int32(60),
				Stat:   aws.String("Maximum"),
			},
		}},
	})
	if err != nil {
		return 0, false, fmt.Errorf("%s/%s: %w", namespace, metric, err)
	}
	for _, r := range out.MetricDataResults {
		if len(r.Values) > 0 {
			return r.Values[0], true, nil
		}
	}
	return 0, false, nil
}

// ReplicationLag is the secondary cluster's AuroraGlobalDBReplicationLag (ms), latest minute.
func ReplicationLag(ctx context.Context, c CloudWatch, clusterID string, now time.Time) (float64, bool, error) {
	return LatestMetric(ctx, c, "AWS/RDS", "AuroraGlobalDBReplicationLag", map[string]string{"DBClusterIdentifier": clusterID}, 10*time.Minute, now)
}

// HealthCheckMetric reads a Route 53 health check's HealthCheckStatus metric (1 healthy, 0 not),
// which exists only in us-east-1; it is the only view of a calculated check's state.
func HealthCheckMetric(ctx context.Context, useast1 CloudWatch, id string, now time.Time) (float64, bool, error) {
	return LatestMetric(ctx, useast1, "AWS/Route53", "HealthCheckStatus", map[string]string{"HealthCheckId": id}, 5*time.Minute, now)
}

// HealthState reads a health check's state from Route 53's checkers or, for a calculated check (which
// GetHealthCheckStatus does not serve: "use the Route 53 console or the CloudWatch console"), from its
// HealthCheckStatus metric in us-east-1. It says which source answered.
func HealthState(ctx context.Context, r53 Route53, useast1 CloudWatch, id string, now time.Time) (bool, string, error) {
	ok, err := HealthCheckHealthy(ctx, r53, id)
	if err == nil {
		return ok, "Route 53 checkers", nil
	}
	value, found, merr := HealthCheckMetric(ctx, useast1, id, now)
	if merr != nil || !found {
		return false, "", fmt.Errorf("%v; and no HealthCheckStatus datapoint in us-east-1 (%v)", err, merr)
	}
	return value >= 1, "HealthCheckStatus metric", nil
}
