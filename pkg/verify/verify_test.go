package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// account is the fake AWS side of a deployed stack.
type account struct {
	writers     []string // regions whose cluster claims to write
	primaryOK   bool     // the PRIMARY record's health check
	calculated  bool     // GetHealthCheckStatus refuses (a calculated check)
	lag         *float64
	missingSFN  bool
	alarmExists bool
	rdsErr      error
}

func (a *account) FIS(string) liveops.FIS                     { return nil }
func (a *account) RDS(string) liveops.RDS                     { return fakeRDS{a} }
func (a *account) Route53() liveops.Route53                   { return fakeR53{a} }
func (a *account) CloudWatch(string) liveops.CloudWatch       { return fakeCW{a} }
func (a *account) ELB(string) liveops.ELB                     { return nil }
func (a *account) StepFunctions(string) liveops.StepFunctions { return fakeSFN{a} }
func (a *account) Backup(string) liveops.Backup               { return fakeBackup{} }

type fakeRDS struct{ a *account }

func (f fakeRDS) DescribeGlobalClusters(context.Context, *rds.DescribeGlobalClustersInput, ...func(*rds.Options)) (*rds.DescribeGlobalClustersOutput, error) {
	if f.a.rdsErr != nil {
		return nil, f.a.rdsErr
	}
	var m []rdstypes.GlobalClusterMember
	for _, r := range []string{"us-east-1", "us-west-2"} {
		w := false
		for _, x := range f.a.writers {
			w = w || x == r
		}
		m = append(m, rdstypes.GlobalClusterMember{DBClusterArn: aws.String("arn:aws:rds:" + r + ":123456789012:cluster:c"), IsWriter: aws.Bool(w)})
	}
	return &rds.DescribeGlobalClustersOutput{GlobalClusters: []rdstypes.GlobalCluster{{GlobalClusterMembers: m}}}, nil
}

func (fakeRDS) DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	panic("not used by verify")
}

type fakeR53 struct{ a *account }

func (f fakeR53) GetHealthCheckStatus(context.Context, *route53.GetHealthCheckStatusInput, ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error) {
	if f.a.calculated {
		return nil, errors.New("InvalidInput: calculated health checks have no status report")
	}
	s := "Failure: Connection timed out"
	if f.a.primaryOK {
		s = "Success: HTTP Status Code 200"
	}
	return &route53.GetHealthCheckStatusOutput{HealthCheckObservations: []r53types.HealthCheckObservation{{StatusReport: &r53types.StatusReport{Status: aws.String(s)}}}}, nil
}

type fakeCW struct{ a *account }

func (f fakeCW) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	metric := aws.ToString(in.MetricDataQueries[0].MetricStat.Metric.MetricName)
	var values []float64
	switch {
	case metric == "HealthCheckStatus":
		values = []float64{map[bool]float64{true: 1, false: 0}[f.a.primaryOK]}
	case f.a.lag != nil:
		values = []float64{*f.a.lag}
	}
	return &cloudwatch.GetMetricDataOutput{MetricDataResults: []cwtypes.MetricDataResult{{Values: values}}}, nil
}

func (f fakeCW) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if !f.a.alarmExists {
		return &cloudwatch.DescribeAlarmsOutput{}, nil
	}
	return &cloudwatch.DescribeAlarmsOutput{CompositeAlarms: []cwtypes.CompositeAlarm{{AlarmName: aws.String(in.AlarmNames[0]), StateValue: cwtypes.StateValueOk}}}, nil
}

type fakeSFN struct{ a *account }

func (fakeSFN) StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	panic("verify is read-only")
}
func (fakeSFN) DescribeExecution(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	panic("not used")
}
func (f fakeSFN) DescribeStateMachine(_ context.Context, in *sfn.DescribeStateMachineInput, _ ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error) {
	if f.a.missingSFN {
		return nil, errors.New("StateMachineDoesNotExist: " + aws.ToString(in.StateMachineArn))
	}
	return &sfn.DescribeStateMachineOutput{Name: aws.String("failover"), Status: sfntypes.StateMachineStatusActive}, nil
}

type fakeBackup struct{}

func (fakeBackup) DescribeBackupVault(_ context.Context, in *backup.DescribeBackupVaultInput, _ ...func(*backup.Options)) (*backup.DescribeBackupVaultOutput, error) {
	return &backup.DescribeBackupVaultOutput{BackupVaultName: in.BackupVaultName, NumberOfRecoveryPoints: 3}, nil
}

type staticOutputs liveops.Outputs

func (s staticOutputs) Outputs(context.Context, string) (liveops.Outputs, error) {
	return liveops.Outputs(s), nil
}

// viewer is a TLS server that answers like CloudFront with the managed security headers policy.
func viewer(t *testing.T, minTLS uint16, headers bool) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if headers {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("X-Frame-Options", "SAMEORIGIN")
			w.Header().Set("Referrer-Policy", "strict-origin-when-cross-origin")
		}
		w.Write([]byte(`{"region":"us-east-1"}`))
	}))
	srv.TLS = &tls.Config{MinVersion: minTLS}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// ALB names as the stack exports them, and the addresses the fake resolver gives them.
const albEast, albWest = "alb-east-123.us-east-1.elb.amazonaws.com", "alb-west-456.us-west-2.elb.amazonaws.com"

var albAddresses = map[string]string{albEast: "192.0.2.10", albWest: "192.0.2.20"}

// closedNet resolves the two ALB names and refuses every connection, except the addresses (ip:port)
// in open, which dial the given behaviour instead.
func closedNet(open map[string]func(ctx context.Context) (net.Conn, error)) DirectNet {
	return DirectNet{
		Resolve: func(_ context.Context, host string) ([]string, error) {
			if ip, ok := albAddresses[host]; ok {
				return []string{ip}, nil
			}
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		},
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if f, ok := open[addr]; ok {
				return f(ctx)
			}
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		},
	}
}

// dialTo dials a real local address (a test server) in place of the ALB's.
func dialTo(addr string) func(ctx context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
}

// closedAddress is a local port nothing listens on: connections are refused.
func closedAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	return addr
}

func outputs(viewerURL, albEast, albWest string) staticOutputs {
	return staticOutputs{
		"url": viewerURL, "globalClusterId": "database-global", "healthCheckId": "hc-1",
		"albDnsNames":               map[string]any{"us-east-1": albEast, "us-west-2": albWest},
		"databaseClusterIds":        map[string]any{"us-east-1": "database-us-east-1", "us-west-2": "database-us-west-2"},
		"failoverStateMachineArns":  map[string]any{"us-east-1": "arn:aws:states:us-east-1:1:stateMachine:f1", "us-west-2": "arn:aws:states:us-west-2:1:stateMachine:f2"},
		"regionUnhealthyAlarmNames": map[string]any{"us-east-1": "observability-staging-us-east-1-region-unhealthy", "us-west-2": "observability-staging-us-west-2-region-unhealthy"},
		"backupVaultArns":           map[string]any{"us-east-1": "arn:aws:backup:us-east-1:1:backup-vault:observability-us-east-1-vault", "us-west-2": "arn:aws:backup:us-west-2:1:backup-vault:observability-us-west-2-vault"},
	}
}

func verifyWith(t *testing.T, outs staticOutputs, a *account, trust *httptest.Server, direct ...DirectNet) (int, *Report, string) {
	pool := x509.NewCertPool()
	pool.AddCert(trust.Certificate())
	deps := &Deps{Outputs: outs, Clients: a, TLS: &tls.Config{RootCAs: pool},
		Config: func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) },
		Direct: closedNet(nil)}
	if len(direct) > 0 {
		deps.Direct = direct[0]
	}
	var out, errOut bytes.Buffer
	code := runMain([]string{"--stack", "staging", "--format", "json", "--request-timeout", "2s"}, &out, &errOut, deps)
	if out.Len() == 0 {
		return code, nil, errOut.String()
	}
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	return code, &r, errOut.String()
}

func statuses(r *Report) map[string]string {
	out := map[string]string{}
	for _, c := range r.Checks {
		out[c.ID] = c.Status
	}
	return out
}

func lag(ms float64) *float64 { return &ms }

func TestHealthyStackPasses(t *testing.T) {
	good := viewer(t, tls.VersionTLS12, true)
	a := &account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(120), alarmExists: true}
	code, r, stderr := verifyWith(t, outputs(good.URL, albEast, albWest), a, good)
	require.NotNil(t, r, stderr)
	assert.Equal(t, ExitPassed, code, r.Checks)
	assert.Equal(t, map[string]string{
		"viewer-https": Pass, "viewer-security-headers": Pass,
		"alb-direct-us-east-1": Pass, "alb-direct-us-west-2": Pass,
		"single-global-primary": Pass, "primary-path": Skip, "region-probe": Skip, "health-check-primary": Pass,
		"replication-lag": Pass, "runbook-us-east-1": Pass, "runbook-us-west-2": Pass,
		"alarms-us-east-1": Pass, "alarms-us-west-2": Pass, "backups-us-east-1": Pass, "backups-us-west-2": Pass,
	}, statuses(r))
	assert.Contains(t, stderr, "verify: pass viewer-https", "progress while it works")
}

func TestEachFaultFailsItsCheck(t *testing.T) {
	good := viewer(t, tls.VersionTLS12, true)
	cases := []struct {
		name    string
		viewer  *httptest.Server
		direct  map[string]func(ctx context.Context) (net.Conn, error)
		account account
		fails   []string
	}{
		{"TLS 1.1 accepted", viewer(t, tls.VersionTLS10, true), nil, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1), alarmExists: true}, []string{"viewer-https"}},
		{"no security headers", viewer(t, tls.VersionTLS12, false), nil, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1), alarmExists: true}, []string{"viewer-security-headers"}},
		{"ALB answers directly", good, map[string]func(ctx context.Context) (net.Conn, error){"192.0.2.20:443": dialTo(good.Listener.Addr().String())}, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1), alarmExists: true}, []string{"alb-direct-us-west-2"}},
		{"two writers", good, nil, account{writers: []string{"us-east-1", "us-west-2"}, primaryOK: true, lag: lag(1), alarmExists: true}, []string{"single-global-primary"}},
		{"PRIMARY unhealthy while home writes", good, nil, account{writers: []string{"us-east-1"}, primaryOK: false, lag: lag(1), alarmExists: true}, []string{"health-check-primary"}},
		{"PRIMARY healthy after a failover", good, nil, account{writers: []string{"us-west-2"}, primaryOK: true, lag: lag(1), alarmExists: true}, []string{"health-check-primary"}},
		{"lag over threshold", good, nil, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1500), alarmExists: true}, []string{"replication-lag"}},
		{"no lag data", good, nil, account{writers: []string{"us-east-1"}, primaryOK: true, alarmExists: true}, []string{"replication-lag"}},
		{"runbooks missing", good, nil, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1), alarmExists: true, missingSFN: true}, []string{"runbook-us-east-1", "runbook-us-west-2"}},
		{"alarms missing", good, nil, account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(1)}, []string{"alarms-us-east-1", "alarms-us-west-2"}},
		{"RDS API error", good, nil, account{rdsErr: errors.New("AccessDenied: rds:DescribeGlobalClusters"), primaryOK: true, alarmExists: true}, []string{"single-global-primary"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.account
			code, r, stderr := verifyWith(t, outputs(tc.viewer.URL, albEast, albWest), &a, tc.viewer, closedNet(tc.direct))
			require.NotNil(t, r, stderr)
			assert.Equal(t, ExitFailed, code)
			var failed []string
			for _, c := range r.Checks {
				if c.Status == Fail {
					failed = append(failed, c.ID)
				}
			}
			assert.Equal(t, tc.fails, failed)
		})
	}
}

func TestCalculatedHealthChecksAreReadFromTheirMetric(t *testing.T) {
	good := viewer(t, tls.VersionTLS12, true)
	outs := outputs(good.URL, albEast, albWest)
	delete(outs, "healthCheckId")
	outs["healthCheckIds"] = map[string]any{"primary": "hc-calc", "us-west-2-liveness": "hc-live"}
	outs["regionProbeUrls"] = map[string]any{"us-east-1": good.URL + "/_probe/us-east-1/health", "us-west-2": good.URL + "/_probe/us-west-2/health"}
	a := &account{writers: []string{"us-east-1"}, primaryOK: true, calculated: true, lag: lag(5), alarmExists: true}
	code, r, _ := verifyWith(t, outs, a, good)
	require.NotNil(t, r)
	assert.Equal(t, ExitPassed, code, r.Checks)
	st := statuses(r)
	assert.Equal(t, Pass, st["health-check-primary"])
	assert.Equal(t, Pass, st["health-check-us-west-2-liveness"])
	assert.Equal(t, Pass, st["region-probe-us-east-1"])
	assert.Equal(t, Pass, st["region-probe-us-west-2"])
	assert.Equal(t, Skip, st["primary-path"], "no URL reaches the global-primary path from outside")

	// A region whose pinned probe gets no answer fails its own check only.
	outs["regionProbeUrls"] = map[string]any{"us-east-1": good.URL + "/_probe/us-east-1/health", "us-west-2": closedURL(t)}
	code, r, _ = verifyWith(t, outs, a, good)
	require.NotNil(t, r)
	assert.Equal(t, ExitFailed, code)
	st = statuses(r)
	assert.Equal(t, Pass, st["region-probe-us-east-1"])
	assert.Equal(t, Fail, st["region-probe-us-west-2"])
	for _, c := range r.Checks {
		if c.ID == "health-check-primary" {
			assert.Contains(t, c.Detail, "HealthCheckStatus metric")
		}
	}
}

// The state each exported check must be in, by who writes: the keys are the ones main.go exports
// (pkg/stackoutputs); the standby's global-primary check is inverted.
func TestExpectedHealthByWriter(t *testing.T) {
	const home, standby = "us-east-1", "us-west-2"
	keys := []string{stackoutputs.PrimaryRecordCheck, stackoutputs.LivenessCheck(home), stackoutputs.LivenessCheck(standby),
		stackoutputs.GlobalPrimaryCheck(home), stackoutputs.GlobalPrimaryCheck(standby)}
	cases := []struct {
		writer string
		want   []bool // in keys' order
	}{
		{home, []bool{true, true, true, true, true}},
		{standby, []bool{false, true, true, false, false}},
		{"", []bool{true, true, true, true, true}},
	}
	for _, tc := range cases {
		for i, key := range keys {
			got, why := ExpectedHealth(key, home, standby, tc.writer)
			assert.Equal(t, tc.want[i], got, "%s while %q writes (%s)", key, tc.writer, why)
		}
	}
}

func closedURL(t *testing.T) string { return "https://" + closedAddress(t) + "/primary" }

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitUsage, runMain(nil, &out, &errOut, &Deps{}))
	assert.Contains(t, errOut.String(), "--stack is required")
	assert.Equal(t, ExitUsage, runMain([]string{"--stack", "s", "--format", "yaml"}, &out, &errOut, &Deps{}))
	errOut.Reset()
	out.Reset()
	assert.Equal(t, ExitPassed, Main([]string{"--help"}, &out, &errOut))
	assert.Contains(t, out.String(), "usage: go run . verify --stack S")
}
