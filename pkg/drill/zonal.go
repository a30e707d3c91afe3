package drill

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/arczonalshift"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift"
)

// ZonalShifter starts, reads and ends zonal shifts (ARC's zonal shift API, *arczonalshift.Client).
type ZonalShifter interface {
	StartZonalShift(ctx context.Context, in *arczonalshift.StartZonalShiftInput, opts ...func(*arczonalshift.Options)) (*arczonalshift.StartZonalShiftOutput, error)
	GetManagedResource(ctx context.Context, in *arczonalshift.GetManagedResourceInput, opts ...func(*arczonalshift.Options)) (*arczonalshift.GetManagedResourceOutput, error)
	CancelZonalShift(ctx context.Context, in *arczonalshift.CancelZonalShiftInput, opts ...func(*arczonalshift.Options)) (*arczonalshift.CancelZonalShiftOutput, error)
}

// ZoneIDs maps the stack's zone names to the account's zone ids (a shift names the id, use1-az1:
// names map to different physical zones per account).
type ZoneIDs interface {
	DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, opts ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
}

// MetricPublisher publishes the drill-active metric that blocks zonal autoshift practice runs.
type MetricPublisher interface {
	PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, opts ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error)
}

// ZonalClients hands out the zonal drill's clients per region.
type ZonalClients interface {
	ARC(region string) ZonalShifter
	EC2(region string) ZoneIDs
	Metrics(region string) MetricPublisher
}

// SDKZonalClients builds the real clients from one aws.Config, overriding only the region.
type SDKZonalClients struct{ Config aws.Config }

func (c SDKZonalClients) cfg(region string) aws.Config { return liveops.InRegion(c.Config, region) }

func (c SDKZonalClients) ARC(region string) ZonalShifter {
	return arczonalshift.NewFromConfig(c.cfg(region))
}
func (c SDKZonalClients) EC2(region string) ZoneIDs { return ec2.NewFromConfig(c.cfg(region)) }
func (c SDKZonalClients) Metrics(region string) MetricPublisher {
	return cloudwatch.NewFromConfig(c.cfg(region))
}

// ZonalShiftReport is what the az drill measured of the zonal shift it started (autoshift on).
type ZonalShiftReport struct {
	ShiftID  string `json:"shiftId"`
	AlbArn   string `json:"albArn"`
	ZoneID   string `json:"zoneId"`
	ZoneName string `json:"zoneName"`
	// WeightZeroSeconds is from the shift's start to ARC reporting the zone's applied weight 0.
	WeightZeroSeconds *float64 `json:"weightZeroSeconds"`
	// RequestsZeroSeconds is from the shift's start to the end of the first minute in which the
	// load balancer served no request in the zone (CloudWatch RequestCount by AvailabilityZone):
	// the time until the zone's share of requests reached zero.
	RequestsZeroSeconds *float64 `json:"requestsZeroSeconds"`
	Cancelled           bool     `json:"cancelled"`
	Note                string   `json:"note,omitempty"`
}

// zonalShiftExpiry is how long the drill's shift may last: the drill's timeout plus room, whole
// minutes (ARC takes <n>m or <n>h, at most 72 h); the drill cancels it when it ends.
func zonalShiftExpiry(timeout time.Duration) string {
	minutes := int(math.Ceil(timeout.Minutes())) + 5
	if minutes > 72*60 {
		minutes = 72 * 60
	}
	return fmt.Sprintf("%dm", minutes)
}

// zoneID resolves the drill's zone name to its id in this account.
func (s *setup) zoneID(ctx context.Context) (string, error) {
	out, err := s.d.Zonal.EC2(s.region).DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{ZoneNames: []string{s.zone}})
	if err != nil {
		return "", fmt.Errorf("zone id of %s: %w", s.zone, err)
	}
	for _, z := range out.AvailabilityZones {
		if aws.ToString(z.ZoneName) == s.zone && aws.ToString(z.ZoneId) != "" {
			return aws.ToString(z.ZoneId), nil
		}
	}
	return "", fmt.Errorf("zone id of %s: EC2 returned none", s.zone)
}

// startZonalShift moves the ALB's traffic away from the drilled zone (what zonal autoshift or an
// operator does on an impaired zone), right after the fault began.
func (w *watch) startZonalShift(ctx context.Context) {
	out, err := w.d.Zonal.ARC(w.region).StartZonalShift(ctx, &arczonalshift.StartZonalShiftInput{
		ResourceIdentifier: aws.String(w.albArn),
		AwayFrom:           aws.String(w.zonal.ZoneID),
		ExpiresIn:          aws.String(zonalShiftExpiry(w.o.Timeout)),
		Comment:            aws.String(fmt.Sprintf("go run . drill az --stack %s (experiment %s)", w.o.Stack, w.experiment)),
	})
	if err != nil {
		w.fail("could not start the zonal shift away from %s (%s): %v", w.zonal.ZoneName, w.zonal.ZoneID, err)
		return
	}
	w.zonal.ShiftID = aws.ToString(out.ZonalShiftId)
	w.shiftStart = w.d.Clock.Now()
	w.event("zonal shift %s started: %s traffic away from %s (%s), expires in %s", w.zonal.ShiftID, w.albArn, w.zonal.ZoneName, w.zonal.ZoneID, zonalShiftExpiry(w.o.Timeout))
}

// observeZonal follows the shift: ARC's applied weight of the zone, then the zone's requests.
func (w *watch) observeZonal(ctx context.Context) {
	if w.zonal == nil || w.zonal.ShiftID == "" {
		return
	}
	if w.zonal.WeightZeroSeconds == nil {
		out, err := w.d.Zonal.ARC(w.region).GetManagedResource(ctx, &arczonalshift.GetManagedResourceInput{ResourceIdentifier: aws.String(w.albArn)})
		if err != nil {
			w.awsError("ARC GetManagedResource in "+w.region, err)
		} else if weight, ok := out.AppliedWeights[w.zonal.ZoneID]; ok && weight == 0 {
			sec := w.d.Clock.Now().Sub(w.shiftStart).Seconds()
			w.zonal.WeightZeroSeconds = &sec
			w.event("ARC applied the shift: %s has weight 0 on the load balancer", w.zonal.ZoneID)
		}
	}
	if w.zonal.RequestsZeroSeconds == nil {
		if at, ok := w.zoneRequestsZeroAt(ctx); ok {
			sec := at.Sub(w.shiftStart).Seconds()
			w.zonal.RequestsZeroSeconds = &sec
			w.event("the load balancer served no request in %s for a whole minute: the zone's share reached zero", w.zonal.ZoneName)
		}
	}
}

// zoneRequestsZeroAt is the end of the first whole minute after the shift began in which the load
// balancer served requests, none of them in the zone. The ALB publishes no datapoint for a minute
// without requests, so a missing zone datapoint beside a total is zero.
func (w *watch) zoneRequestsZeroAt(ctx context.Context) (time.Time, bool) {
	suffix := albArnSuffix(w.albArn)
	if suffix == "" {
		return time.Time{}, false
	}
	metric := func(id string, dims ...cwtypes.Dimension) cwtypes.MetricDataQuery {
		return cwtypes.MetricDataQuery{Id: aws.String(id), MetricStat: &cwtypes.MetricStat{
			Metric: &cwtypes.Metric{Namespace: aws.String("AWS/ApplicationELB"), MetricName: aws.String("RequestCount"),
				Dimensions: append([]cwtypes.Dimension{{Name: aws.String("LoadBalancer"), Value: aws.String(suffix)}}, dims...)},
			Period: aws.Int32(60), Stat: aws.String("Sum")}}
	}
	start := w.shiftStart.Truncate(time.Minute).Add(time.Minute) // the first whole minute of the shift
	now := w.d.Clock.Now()
	if !now.After(start.Add(time.Minute)) {
		return time.Time{}, false
	}
	out, err := w.d.Clients.CloudWatch(w.region).GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(start), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{
			metric("zone", cwtypes.Dimension{Name: aws.String("AvailabilityZone"), Value: aws.String(w.zonal.ZoneName)}),
			metric("total"),
		},
	})
	if err != nil {
		w.awsError("CloudWatch RequestCount in "+w.region, err)
		return time.Time{}, false
	}
	return firstZeroMinute(out.MetricDataResults, start)
}

// firstZeroMinute finds, in the "zone" and "total" series, the earliest minute at or after start
// with total > 0 and zone 0 (or absent), and returns its end.
func firstZeroMinute(results []cwtypes.MetricDataResult, start time.Time) (time.Time, bool) {
	series := map[string]map[time.Time]float64{}
	for _, r := range results {
		m := map[time.Time]float64{}
		for i, ts := range r.Timestamps {
			if i < len(r.Values) {
				m[ts.UTC()] = r.Values[i]
			}
		}
		series[aws.ToString(r.Id)] = m
	}
	var best time.Time
	for ts, total := range series["total"] {
		if ts.Before(start) || total <= 0 || series["zone"][ts] > 0 {
			continue
		}
		if best.IsZero() || ts.Before(best) {
			best = ts
		}
	}
	if best.IsZero() {
		return time.Time{}, false
	}
	return best.Add(time.Minute), true
}

// albArnSuffix is the LoadBalancer dimension (app/<name>/<id>) of an ALB ARN.
func albArnSuffix(arn string) string {
	_, suffix, ok := strings.Cut(arn, ":loadbalancer/")
	if !ok {
		return ""
	}
	return suffix
}

// cancelZonalShift ends the drill's shift so the zone serves again.
func (w *watch) cancelZonalShift(ctx context.Context) {
	if w.zonal == nil || w.zonal.ShiftID == "" {
		return
	}
	if _, err := w.d.Zonal.ARC(w.region).CancelZonalShift(ctx, &arczonalshift.CancelZonalShiftInput{ZonalShiftId: aws.String(w.zonal.ShiftID)}); err != nil {
		w.event("could not cancel zonal shift %s: %v; cancel it with aws arc-zonal-shift cancel-zonal-shift --zonal-shift-id %s --region %s", w.zonal.ShiftID, err, w.zonal.ShiftID, w.region)
		return
	}
	w.zonal.Cancelled = true
	w.event("zonal shift %s cancelled: %s serves again", w.zonal.ShiftID, w.zonal.ZoneName)
}

// publishDrillActive marks the region's drill as running for the practice runs' blocking alarm.
func (w *watch) publishDrillActive(ctx context.Context) {
	if !w.cfg.Compute.ZonalAutoshift || w.d.Zonal == nil {
		return
	}
	_, err := w.d.Zonal.Metrics(w.region).PutMetricData(ctx, &cloudwatch.PutMetricDataInput{
		Namespace: aws.String(drills.AbortNamespace),
		MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(zonalshift.DrillActiveMetric),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Stack"), Value: aws.String(w.o.Stack)}},
			Value:      aws.Float64(1),
		}},
	})
	w.awsError("CloudWatch PutMetricData (drill active) in "+w.region, err)
}

// concludeZonal judges the shift: ARC must have applied it within the drill.
func (w *watch) concludeZonal() {
	if w.zonal == nil {
		return
	}
	w.report.ZonalShift = w.zonal
	switch {
	case w.zonal.ShiftID == "":
		w.zonal.Note = "the zonal shift did not start"
	case w.zonal.WeightZeroSeconds == nil:
		w.fail("ARC never reported %s's weight 0 on %s", w.zonal.ZoneID, w.albArn)
	case w.zonal.RequestsZeroSeconds == nil:
		w.zonal.Note = "CloudWatch showed no whole minute without requests in the zone before the drill ended (the metric lags a minute or two, and a quiet load balancer has no minute with requests)"
	}
}
