package liveops

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCLIReadsOutputsAsJSON(t *testing.T) {
	var got []string
	cli := CLI{Dir: "/proj", Run: func(_ context.Context, dir, name string, args ...string) ([]byte, error) {
		got = append([]string{dir, name}, args...)
		return []byte(`{"url":"https://app.example.com","albDnsNames":{"us-east-1":"a","us-west-2":"b"},"drillTemplateIds":{"us-east-1":{"instance":"EXT1"}},"secret":"[secret]"}`), nil
	}}
	out, err := cli.Outputs(context.Background(), "staging")
	require.NoError(t, err)
	assert.Equal(t, []string{"/proj", "pulumi", "stack", "output", "--json", "--stack", "staging"}, got, "never --show-secrets")
	url, err := out.String("url")
	require.NoError(t, err)
	assert.Equal(t, "https://app.example.com", url)
	albs, err := out.Map("albDnsNames")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"us-east-1": "a", "us-west-2": "b"}, albs)
	ids, err := out.Nested("drillTemplateIds")
	require.NoError(t, err)
	assert.Equal(t, "EXT1", ids["us-east-1"]["instance"])
	_, err = out.String("nope")
	assert.ErrorIs(t, err, ErrMissing)
	_, err = out.Map("url")
	assert.ErrorIs(t, err, ErrMissing)

	failing := CLI{Run: func(context.Context, string, string, ...string) ([]byte, error) {
		return nil, errors.New("error: no stack named 'staging' found")
	}}
	_, err = failing.Outputs(context.Background(), "staging")
	assert.ErrorContains(t, err, "reading the outputs of stack staging: error: no stack named")
	garbage := CLI{Run: func(context.Context, string, string, ...string) ([]byte, error) {
		return []byte("Current stack outputs"), nil
	}}
	_, err = garbage.Outputs(context.Background(), "staging")
	assert.ErrorContains(t, err, "not JSON")
}

func TestProbeReadsTheAnsweringRegion(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "no-cache", r.Header.Get("Cache-Control"), "the probe asks past caches")
		switch r.URL.Path {
		case "/header":
			w.Header().Set(RegionHeader, "us-west-2")
			w.Write([]byte(`{"region":"ignored"}`))
		case "/body":
			w.Write([]byte(`{"message":"hello from us-east-1","region":"us-east-1"}`))
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	p := ProbeURL(ctx, srv.Client(), srv.URL+"/header", time.Second, time.Now)
	assert.True(t, p.OK())
	assert.Equal(t, "us-west-2", p.Region)
	p = ProbeURL(ctx, srv.Client(), srv.URL+"/body", time.Second, time.Now)
	assert.Equal(t, "us-east-1", p.Region, "the default application's JSON body")
	p = ProbeURL(ctx, srv.Client(), srv.URL+"/down", time.Second, time.Now)
	assert.False(t, p.OK())
	assert.Equal(t, 503, p.Status)
	p = ProbeURL(ctx, srv.Client(), "http://127.0.0.1:1/", 200*time.Millisecond, time.Now)
	assert.Equal(t, 0, p.Status)
	assert.NotEmpty(t, p.Error)
}

type r53 struct{ ok, total int }

func (f r53) GetHealthCheckStatus(context.Context, *route53.GetHealthCheckStatusInput, ...func(*route53.Options)) (*route53.GetHealthCheckStatusOutput, error) {
	var obs []r53types.HealthCheckObservation
	for i := 0; i < f.total; i++ {
		s := "Failure: Connection timed out"
		if i < f.ok {
			s = "Success: HTTP Status Code 200, OK"
		}
		obs = append(obs, r53types.HealthCheckObservation{StatusReport: &r53types.StatusReport{Status: aws.String(s)}})
	}
	return &route53.GetHealthCheckStatusOutput{HealthCheckObservations: obs}, nil
}

// Route 53 counts an endpoint healthy when more than 18% of its checkers see it healthy.
func TestHealthIsMoreThan18PercentOfCheckers(t *testing.T) {
	cases := []struct {
		ok, total int
		healthy   bool
	}{{0, 16, false}, {2, 16, false}, {3, 16, true}, {16, 16, true}, {1, 5, true}, {9, 50, false}, {10, 50, true}}
	for _, tc := range cases {
		got, err := HealthCheckHealthy(context.Background(), r53{tc.ok, tc.total}, "hc")
		require.NoError(t, err)
		assert.Equal(t, tc.healthy, got, "%d of %d", tc.ok, tc.total)
	}
	_, err := HealthCheckHealthy(context.Background(), r53{0, 0}, "hc")
	assert.Error(t, err, "no observations is not healthy")
}

func TestRegionOfArn(t *testing.T) {
	assert.Equal(t, "us-west-2", RegionOfArn("arn:aws:rds:us-west-2:123456789012:cluster:c"))
	assert.Equal(t, "", RegionOfArn("nonsense"))
}

func TestLoadConfigReadsTheCommittedStack(t *testing.T) {
	cfg, err := LoadConfig("../..", "staging")
	require.NoError(t, err)
	assert.Equal(t, "staging", cfg.Environment)
	assert.True(t, cfg.Drills.Enabled)
	_, err = LoadConfig("../..", "nonexistent")
	assert.Error(t, err)
}
