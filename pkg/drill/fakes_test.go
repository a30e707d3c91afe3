package drill

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
)

// fakeClock advances only when the drill sleeps.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// script says what the world looks like t after the drill started.
type script struct {
	viewer     func(t time.Duration) (status int, region string)
	experiment func(t time.Duration) (fistypes.ExperimentStatus, string)
	writer     func(t time.Duration) string
	healthy    func(t time.Duration) bool
	targets    func(t time.Duration) int
	runbook    func(t time.Duration) sfntypes.ExecutionStatus
	detector   func(t time.Duration) cwtypes.StateValue
	lagMs      float64
	// instance is the writer instance of the faulted region's cluster (AZ drill).
	instance func(t time.Duration) string

	startErr, healthErr error
	// detectorStarts is when the detector starts the runbook (0: never).
	detectorStarts time.Duration
	// members is how many members the global cluster has (nil: both regions' clusters).
	members func(t time.Duration) int
}

// world is the fake AWS and viewer of one test.
type world struct {
	clock   *fakeClock
	start   time.Time
	sc      script
	server  *httptest.Server
	mu      sync.Mutex
	calls   []string
	stopped bool
	inputs  []string
	// faultAfter is how long after the drill began the experiment started: the script's times
	// count from the fault (start moves there), as AWS's would.
	faultAfter time.Duration
}

func newWorld(sc script) *world {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	w := &world{clock: &fakeClock{now: start}, start: start, sc: sc}
	w.server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		status, region := sc.viewer(w.elapsed())
		if region != "" {
			rw.Header().Set(liveops.RegionHeader, region)
		}
		rw.WriteHeader(status)
		fmt.Fprintf(rw, `{"region":%q}`, region)
	}))
	return w
}

func (w *world) elapsed() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clock.Now().Sub(w.start)
}

func (w *world) record(call string) {
	w.mu.Lock()
	w.calls = append(w.calls, call)
	w.mu.Unlock()
}

// The clients.
func (w *world) FIS(region string) liveops.FIS          { return fakeFIS{w, region} }
func (w *world) RDS(region string) liveops.RDS          { return fakeRDS{w, region} }
func (w *world) Route53() liveops.Route53               { return fakeRoute53{w} }
func (w *world) CloudWatch(r string) liveops.CloudWatch { return fakeCW{w, r} }
func (w *world) ELB(region string) liveops.ELB          { return fakeELB{w} }
func (w *world) StepFunctions(r string) liveops.StepFunctions {
	return fakeSFN{w, r}
}
func (w *world) Backup(region string) liveops.Backup { return nil }

type fakeFIS struct {
	w      *world
	region string
}

func (f fakeFIS) StartExperiment(_ context.Context, in *fis.StartExperimentInput, _ ...func(*fis.Options)) (*fis.StartExperimentOutput, error) {
	f.w.record("fis:StartExperiment " + f.region + " " + aws.ToString(in.ExperimentTemplateId))
	if f.w.sc.startErr != nil {
		return nil, f.w.sc.startErr
	}
	f.w.mu.Lock()
	f.w.faultAfter = f.w.clock.Now().Sub(f.w.start)
	f.w.start = f.w.clock.Now()
	f.w.mu.Unlock()
	return &fis.StartExperimentOutput{Experiment: &fistypes.Experiment{Id: aws.String("EXP123")}}, nil
}

func (f fakeFIS) GetExperiment(_ context.Context, in *fis.GetExperimentInput, _ ...func(*fis.Options)) (*fis.GetExperimentOutput, error) {
	st, reason := f.w.sc.experiment(f.w.elapsed())
	return &fis.GetExperimentOutput{Experiment: &fistypes.Experiment{Id: in.Id, State: &fistypes.ExperimentState{Status: st, Reason: aws.String(reason)}}}, nil
}

func (f fakeFIS) StopExperiment(_ context.Context, in *fis.StopExperimentInput, _ ...func(*fis.Options)) (*fis.StopExperimentOutput, error) {
	f.w.record("fis:StopExperiment " + aws.ToString(in.Id))
	f.w.stopped = true
	return &fis.StopExperimentOutput{}, nil
}

type fakeRDS struct {
	w      *world
	region string
}

func (f fakeRDS) DescribeGlobalClusters(_ context.Context, in *rds.DescribeGlobalClustersInput, _ ...func(*rds.Options)) (*rds.DescribeGlobalClustersOutput, error) {
	writer := f.w.sc.writer(f.w.elapsed())
	var members []rdstypes.GlobalClusterMember
	regions := []string{"us-east-1", "us-west-2"}
	if f.w.sc.members != nil && f.w.sc.members(f.w.elapsed()) == 1 {
		regions = []string{writer}
	}
	for _, r := range regions {
		members = append(members, rdstypes.GlobalClusterMember{
			DBClusterArn: aws.String("arn:aws:rds:" + r + ":123456789012:cluster:database-" + r),
			IsWriter:     aws.Bool(r == writer),
		})
	}
	return &rds.DescribeGlobalClustersOutput{GlobalClusters: []rdstypes.GlobalCluster{{GlobalClusterIdentifier: in.GlobalClusterIdentifier, GlobalClusterMembers: members}}}, nil
}

func (f fakeRDS) DescribeDBClusters(_ context.Context, in *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	writer := "database-" + f.region + "-1"
	if f.w.sc.instance != nil {
		writer = f.w.sc.instance(f.w.elapsed())
	}
	return &rds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{{
		DBClusterIdentifier: in.DBClusterIdentifier,
		DBClusterMembers: []rdstypes.DBClusterMember{
			{DBInstanceIdentifier: aws.String(writer), IsClusterWriter: aws.Bool(true)},
			{DBInstanceIdentifier: aws.String("database-" + f.region + "-reader"), IsClusterWriter: aws.Bool(false)},
		},
	}}}, nil
}

type fakeRoute53 struct{ w *world }

func (f fakeRoute53) GetHealthCheckStatus(_ context.Context, in *route53.GetHealthCheckStatusInput, _ ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error) {
	if f.w.sc.healthErr != nil {
		return nil, f.w.sc.healthErr
	}
	status := "Failure: HTTP Status Code 503"
	if f.w.sc.healthy == nil || f.w.sc.healthy(f.w.elapsed()) {
		status = "Success: HTTP Status Code 200, OK"
	}
	var obs []r53types.HealthCheckObservation
	for i := 0; i < 8; i++ {
		obs = append(obs, r53types.HealthCheckObservation{StatusReport: &r53types.StatusReport{Status: aws.String(status)}})
	}
	return &route53.GetHealthCheckStatusOutput{HealthCheckObservations: obs}, nil
}

type fakeCW struct {
	w      *world
	region string
}

func (f fakeCW) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if aws.ToString(in.MetricDataQueries[0].MetricStat.Metric.MetricName) != "AuroraGlobalDBReplicationLag" {
		return &cloudwatch.GetMetricDataOutput{}, nil
	}
	return &cloudwatch.GetMetricDataOutput{MetricDataResults: []cwtypes.MetricDataResult{{Id: aws.String("m"), Values: []float64{f.w.sc.lagMs}}}}, nil
}

func (f fakeCW) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	state := cwtypes.StateValueOk
	if f.w.sc.detector != nil {
		state = f.w.sc.detector(f.w.elapsed())
	}
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{{AlarmName: aws.String(in.AlarmNames[0]), StateValue: state}}}, nil
}

type fakeELB struct{ w *world }

func (f fakeELB) DescribeTargetHealth(context.Context, *elbv2.DescribeTargetHealthInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error) {
	healthy := 2
	if f.w.sc.targets != nil {
		healthy = f.w.sc.targets(f.w.elapsed())
	}
	var d []elbtypes.TargetHealthDescription
	for i := 0; i < 2; i++ {
		state := elbtypes.TargetHealthStateEnumUnhealthy
		if i < healthy {
			state = elbtypes.TargetHealthStateEnumHealthy
		}
		d = append(d, elbtypes.TargetHealthDescription{TargetHealth: &elbtypes.TargetHealth{State: state}})
	}
	return &elbv2.DescribeTargetHealthOutput{TargetHealthDescriptions: d}, nil
}

type fakeSFN struct {
	w      *world
	region string
}

func (f fakeSFN) StartExecution(_ context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	f.w.record("sfn:StartExecution " + f.region + " " + aws.ToString(in.StateMachineArn))
	f.w.mu.Lock()
	f.w.inputs = append(f.w.inputs, aws.ToString(in.Input))
	f.w.mu.Unlock()
	return &sfn.StartExecutionOutput{ExecutionArn: aws.String("arn:aws:states:" + f.region + ":123456789012:execution:runbook:drill")}, nil
}

func (f fakeSFN) DescribeExecution(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	st := sfntypes.ExecutionStatusSucceeded
	if f.w.sc.runbook != nil {
		st = f.w.sc.runbook(f.w.elapsed())
	}
	return &sfn.DescribeExecutionOutput{Status: st}, nil
}

func (f fakeSFN) DescribeStateMachine(context.Context, *sfn.DescribeStateMachineInput, ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error) {
	return nil, errors.New("not used by drill")
}

// staticOutputs is a stack's outputs as the CLI would print them.
type staticOutputs liveops.Outputs

func (s staticOutputs) Outputs(context.Context, string) (liveops.Outputs, error) {
	return liveops.Outputs(s), nil
}

func (w *world) outputs() staticOutputs {
	return staticOutputs{
		"url":             w.server.URL,
		"globalClusterId": "database-global",
		"healthCheckId":   "hc-primary",
		"drillTemplateIds": map[string]any{
			"us-east-1": map[string]any{"instance": "EXTinst1", "region": "EXTreg1", "az:us-east-1a": "EXTaz1a", "az:us-east-1b": "EXTaz1b"},
			"us-west-2": map[string]any{"instance": "EXTinst2", "region": "EXTreg2", "az:us-west-2a": "EXTaz2a", "az:us-west-2b": "EXTaz2b"},
		},
		"targetGroupArns":          map[string]any{"us-east-1": "arn:tg-east", "us-west-2": "arn:tg-west"},
		"databaseClusterIds":       map[string]any{"us-east-1": "database-us-east-1", "us-west-2": "database-us-west-2"},
		"failoverRoleArns":         map[string]any{"us-east-1": "arn:aws:iam::123456789012:role/multi-region-ha/failover-us-east-1-role-1", "us-west-2": "arn:aws:iam::123456789012:role/multi-region-ha/failover-us-west-2-role-2"},
		"failoverStateMachineArns": map[string]any{"us-east-1": "arn:aws:states:us-east-1:123456789012:stateMachine:failover-us-east-1", "us-west-2": "arn:aws:states:us-west-2:123456789012:stateMachine:failover-us-west-2"},
		"failoverDetectors": map[string]any{
			"us-east-1": map[string]any{"promoteAlarmName": "promote-us-east-1", "degradedAlarmName": "detector-us-east-1"},
			"us-west-2": map[string]any{"promoteAlarmName": "promote-us-west-2", "degradedAlarmName": "detector-us-west-2", "roleName": "detector-us-west-2-role-9"},
		},
	}
}

// fakeIAM records the isolation policy put on and deleted from roles.
type fakeIAM struct {
	w       *world
	puts    map[string]string // role -> policy document
	deletes []string
}

func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	f.w.record("iam:PutRolePolicy " + aws.ToString(in.RoleName) + " " + aws.ToString(in.PolicyName))
	if f.puts == nil {
		f.puts = map[string]string{}
	}
	f.puts[aws.ToString(in.RoleName)] = aws.ToString(in.PolicyDocument)
	return &iam.PutRolePolicyOutput{}, nil
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	f.w.record("iam:DeleteRolePolicy " + aws.ToString(in.RoleName) + " " + aws.ToString(in.PolicyName))
	f.deletes = append(f.deletes, aws.ToString(in.RoleName))
	return &iam.DeleteRolePolicyOutput{}, nil
}

// ListExecutions shows the executions the detector started (script.detectorStarts, t after the
// drill began), newest first.
func (f fakeSFN) ListExecutions(_ context.Context, in *sfn.ListExecutionsInput, _ ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error) {
	var out []sfntypes.ExecutionListItem
	if at := f.w.sc.detectorStarts; at > 0 && f.w.elapsed() >= at {
		start := f.w.start.Add(at)
		out = append(out, sfntypes.ExecutionListItem{ExecutionArn: aws.String("arn:aws:states:" + f.region + ":123456789012:execution:runbook:detector"), StartDate: &start})
	}
	old := f.w.start.Add(-48 * time.Hour)
	out = append(out, sfntypes.ExecutionListItem{ExecutionArn: aws.String("arn:aws:states:" + f.region + ":123456789012:execution:runbook:last-week"), StartDate: &old})
	return &sfn.ListExecutionsOutput{Executions: out}, nil
}
