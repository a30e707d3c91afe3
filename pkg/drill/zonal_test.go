package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/arczonalshift"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

const testAlbArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mrha-east/0123456789abcdef"

// zonalWorld is the drill's world plus ARC, EC2's zone ids and the ALB's per-zone requests.
type zonalWorld struct {
	*world
	weightZeroAt   time.Duration // ARC reports the zone's weight 0 this long after the shift started
	requestsZeroAt time.Duration // the zone serves no request from the minute that starts then
	started        []*arczonalshift.StartZonalShiftInput
	cancelled      []string
	published      []*cloudwatch.PutMetricDataInput
	shiftAt        time.Duration
}

func (z *zonalWorld) ARC(region string) ZonalShifter        { return fakeARC{z, region} }
func (z *zonalWorld) EC2(region string) ZoneIDs             { return fakeEC2{} }
func (z *zonalWorld) Metrics(region string) MetricPublisher { return fakePut{z} }
func (z *zonalWorld) CloudWatch(r string) liveops.CloudWatch {
	return zonalCW{fakeCW{z.world, r}, z}
}

type fakeARC struct {
	z      *zonalWorld
	region string
}

func (f fakeARC) StartZonalShift(_ context.Context, in *arczonalshift.StartZonalShiftInput, _ ...func(*arczonalshift.Options)) (*arczonalshift.StartZonalShiftOutput, error) {
	f.z.started = append(f.z.started, in)
	f.z.shiftAt = f.z.elapsed()
	return &arczonalshift.StartZonalShiftOutput{ZonalShiftId: aws.String("shift-1")}, nil
}

func (f fakeARC) GetManagedResource(_ context.Context, in *arczonalshift.GetManagedResourceInput, _ ...func(*arczonalshift.Options)) (*arczonalshift.GetManagedResourceOutput, error) {
	weight := float32(1)
	if len(f.z.started) > 0 && f.z.elapsed()-f.z.shiftAt >= f.z.weightZeroAt {
		weight = 0
	}
	return &arczonalshift.GetManagedResourceOutput{AppliedWeights: map[string]float32{"use1-az4": weight, "use1-az6": 1}}, nil
}

func (f fakeARC) CancelZonalShift(_ context.Context, in *arczonalshift.CancelZonalShiftInput, _ ...func(*arczonalshift.Options)) (*arczonalshift.CancelZonalShiftOutput, error) {
	f.z.cancelled = append(f.z.cancelled, aws.ToString(in.ZonalShiftId))
	return &arczonalshift.CancelZonalShiftOutput{}, nil
}

type fakeEC2 struct{}

func (fakeEC2) DescribeAvailabilityZones(_ context.Context, in *ec2.DescribeAvailabilityZonesInput, _ ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	ids := map[string]string{"us-east-1a": "use1-az4", "us-east-1b": "use1-az6"}
	var out []ec2types.AvailabilityZone
	for _, n := range in.ZoneNames {
		out = append(out, ec2types.AvailabilityZone{ZoneName: aws.String(n), ZoneId: aws.String(ids[n])})
	}
	return &ec2.DescribeAvailabilityZonesOutput{AvailabilityZones: out}, nil
}

type fakePut struct{ z *zonalWorld }

func (f fakePut) PutMetricData(_ context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	f.z.published = append(f.z.published, in)
	return &cloudwatch.PutMetricDataOutput{}, nil
}

// zonalCW answers RequestCount per minute: 100 a minute in total, the zone's third until the
// minute that starts requestsZeroAt after the drill began.
type zonalCW struct {
	fakeCW
	z *zonalWorld
}

func (c zonalCW) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, o ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if aws.ToString(in.MetricDataQueries[0].MetricStat.Metric.MetricName) != "RequestCount" {
		return c.fakeCW.GetMetricData(ctx, in, o...)
	}
	var out []cwtypes.MetricDataResult
	for _, q := range in.MetricDataQueries {
		r := cwtypes.MetricDataResult{Id: q.Id}
		zone := len(q.MetricStat.Metric.Dimensions) == 2
		if zone {
			require.Equal(c.z.t(), "us-east-1a", aws.ToString(q.MetricStat.Metric.Dimensions[1].Value))
		}
		require.Equal(c.z.t(), "app/mrha-east/0123456789abcdef", aws.ToString(q.MetricStat.Metric.Dimensions[0].Value))
		// Whole minutes that ended before now (CloudWatch has no datapoint for the running minute).
		for ts := aws.ToTime(in.StartTime); !ts.Add(time.Minute).After(c.z.clock.Now()); ts = ts.Add(time.Minute) {
			if !zone {
				r.Timestamps, r.Values = append(r.Timestamps, ts), append(r.Values, 100)
			} else if ts.Sub(c.z.start) < c.z.requestsZeroAt {
				r.Timestamps, r.Values = append(r.Timestamps, ts), append(r.Values, 33)
			} // a zone without requests has no datapoint
		}
		out = append(out, r)
	}
	return &cloudwatch.GetMetricDataOutput{MetricDataResults: out}, nil
}

var currentT *testing.T

func (z *zonalWorld) t() *testing.T { return currentT }

// autoshiftStaging is the committed staging stack with autoshift on and sized for it.
func autoshiftStaging(dir, stack string) (*stacks.Config, error) {
	cfg, err := liveops.LoadConfig("../..", stack)
	if err != nil {
		return nil, err
	}
	cfg.Compute.ZonalAutoshift = true
	cfg.Compute.MinSize, cfg.Compute.StandbyMinSize = 2, 2
	return cfg, nil
}

func driveZonal(t *testing.T, z *zonalWorld, config func(dir, stack string) (*stacks.Config, error), args ...string) (int, *Report, string) {
	t.Helper()
	currentT = t
	t.Cleanup(z.server.Close)
	outs := z.outputs()
	outs["albArns"] = map[string]any{"us-east-1": testAlbArn, "us-west-2": "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/mrha-west/0fedcba987654321"}
	deps := &Deps{Outputs: outs, Clients: z, HTTP: z.server.Client(), Clock: z.clock, Config: config, Zonal: z}
	var out, errOut bytes.Buffer
	code := runMain(append(args, "--format", "json", "--poll", "5s", "--timeout", "30m"), &out, &errOut, deps)
	if out.Len() == 0 {
		return code, nil, errOut.String()
	}
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	return code, &r, errOut.String()
}

func TestAZDrillWithAutoshiftShiftsTheZoneAndMeasuresItsShareReachingZero(t *testing.T) {
	z := &zonalWorld{world: newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(600*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	}), weightZeroAt: 10 * s, requestsZeroAt: 2 * time.Minute}
	code, r, errOut := driveZonal(t, z, autoshiftStaging, "az", "--stack", "staging", "--az", "us-east-1a")
	require.NotNil(t, r, errOut)
	assert.Equal(t, ExitPassed, code, r.Failures)

	require.Len(t, z.started, 1)
	in := z.started[0]
	assert.Equal(t, testAlbArn, aws.ToString(in.ResourceIdentifier))
	assert.Equal(t, "use1-az4", aws.ToString(in.AwayFrom), "ARC takes the zone id, not the name")
	assert.Equal(t, "35m", aws.ToString(in.ExpiresIn), "the drill's timeout and room; the drill cancels it")
	assert.LessOrEqual(t, len(aws.ToString(in.Comment)), 128)
	assert.Equal(t, []string{"shift-1"}, z.cancelled, "the zone serves again after the drill")

	require.NotNil(t, r.ZonalShift)
	require.NotNil(t, r.ZonalShift.WeightZeroSeconds)
	assert.Equal(t, 10.0, *r.ZonalShift.WeightZeroSeconds)
	require.NotNil(t, r.ZonalShift.RequestsZeroSeconds)
	// The shift starts at 12:00:00; the zone's requests stop in the minute 12:02-12:03, seen once
	// that minute ended.
	assert.Equal(t, 180.0, *r.ZonalShift.RequestsZeroSeconds)
	assert.True(t, r.ZonalShift.Cancelled)

	require.NotEmpty(t, z.published, "the drill marks itself active for the practice runs' blocking alarm")
	p := z.published[0]
	assert.Equal(t, zonalshift.DrillActiveMetric, aws.ToString(p.MetricData[0].MetricName))
	assert.Equal(t, "staging", aws.ToString(p.MetricData[0].Dimensions[0].Value))
}

func TestAZDrillWithAutoshiftFailsWhenARCNeverAppliesTheShift(t *testing.T) {
	z := &zonalWorld{world: newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(60*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	}), weightZeroAt: 24 * time.Hour, requestsZeroAt: 24 * time.Hour}
	code, r, _ := driveZonal(t, z, autoshiftStaging, "az", "--stack", "staging")
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, r.Failures, "ARC never reported use1-az4's weight 0 on "+testAlbArn)
	assert.Equal(t, []string{"shift-1"}, z.cancelled, "cancelled even when it never applied")
}

func TestAZDrillWithoutAutoshiftStartsNoZonalShift(t *testing.T) {
	z := &zonalWorld{world: newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(30*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	})}
	code, r, _ := driveZonal(t, z, func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) }, "az", "--stack", "staging")
	require.NotNil(t, r)
	assert.Equal(t, ExitPassed, code, r.Failures)
	assert.Empty(t, z.started)
	assert.Nil(t, r.ZonalShift)
	assert.Empty(t, z.published, "no blocking alarm to feed without autoshift")
}

func TestFirstZeroMinute(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := func(zone, total []float64) []cwtypes.MetricDataResult {
		mk := func(id string, v []float64) cwtypes.MetricDataResult {
			r := cwtypes.MetricDataResult{Id: aws.String(id)}
			for i, x := range v {
				if x >= 0 {
					r.Timestamps, r.Values = append(r.Timestamps, t0.Add(time.Duration(i)*time.Minute)), append(r.Values, x)
				}
			}
			return r
		}
		return []cwtypes.MetricDataResult{mk("zone", zone), mk("total", total)}
	}
	for _, tc := range []struct {
		name        string
		zone, total []float64
		want        time.Duration
		ok          bool
	}{
		{"zero in the third minute", []float64{5, 3, 0}, []float64{10, 10, 10}, 3 * time.Minute, true},
		{"a missing zone datapoint is zero", []float64{5, -1}, []float64{10, 10}, 2 * time.Minute, true},
		{"no traffic at all proves nothing", []float64{-1, -1}, []float64{-1, 0}, 0, false},
		{"still serving", []float64{5, 5}, []float64{10, 10}, 0, false},
	} {
		at, ok := firstZeroMinute(res(tc.zone, tc.total), t0)
		assert.Equal(t, tc.ok, ok, tc.name)
		if ok {
			assert.Equal(t, t0.Add(tc.want), at, tc.name)
		}
	}
}
