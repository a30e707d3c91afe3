package edgecalc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func settings() HealthSettings {
	return HealthSettings{IntervalSeconds: 10, FailureThreshold: 1, LivenessPath: "/health", PrimaryPath: DefaultPrimaryPath}
}

func TestHealthChecksPlan(t *testing.T) {
	plan, err := HealthChecks("us-east-1", "us-west-2", settings())
	require.NoError(t, err)
	byKey := map[string]HealthCheckSpec{}
	for _, c := range plan {
		byKey[c.Key] = c
	}
	require.Len(t, byKey, 5)
	for _, key := range []string{"us-east-1-live", "us-east-1-primary", "us-west-2-live", "us-west-2-primary"} {
		c := byKey[key]
		assert.Equal(t, HealthCheckTypeHTTPS, c.Type, key)
		assert.Equal(t, 10, c.IntervalSeconds, key)
		assert.Equal(t, 1, c.FailureThreshold, key)
	}
	assert.Equal(t, "/health", byKey["us-east-1-live"].Path)
	assert.Equal(t, DefaultPrimaryPath, byKey["us-west-2-primary"].Path)
	// Only the standby's primary check is inverted.
	for key, c := range byKey {
		assert.Equal(t, key == "us-west-2-primary", c.Inverted, key)
	}
	serves := byKey["us-east-1-serves"]
	assert.Equal(t, HealthCheckTypeCalculated, serves.Type)
	assert.Equal(t, []string{"us-east-1-live", "us-east-1-primary", "us-west-2-primary"}, serves.Children)
	assert.Equal(t, 3, serves.ChildHealthThreshold, "AND of all three")
	assert.Equal(t, "us-east-1-serves", plan[len(plan)-1].Key, "children come first")
}

func TestFailoverRecordsDependOnlyOnHome(t *testing.T) {
	recs := FailoverRecords("eu-west-1", "eu-central-1")
	assert.Equal(t, []FailoverRecordSpec{
		{Key: "home", Failover: FailoverPrimary, Region: "eu-west-1", HealthCheck: "eu-west-1-serves"},
		{Key: "standby", Failover: FailoverSecondary, Region: "eu-central-1", HealthCheck: "eu-central-1-live"},
	}, recs)
	// Swapping the regions in config changes targets and checks, never a key (name, set identifier) or type.
	swapped := FailoverRecords("eu-central-1", "eu-west-1")
	for i := range recs {
		assert.Equal(t, recs[i].Key, swapped[i].Key)
		assert.Equal(t, recs[i].Failover, swapped[i].Failover)
	}
}

func TestHealthSettingsRejected(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*HealthSettings)
		want   string
	}{
		{"interval 20", func(s *HealthSettings) { s.IntervalSeconds = 20 }, "only 10 or 30"},
		{"threshold 0", func(s *HealthSettings) { s.FailureThreshold = 0 }, "1 to 10"},
		{"threshold 11", func(s *HealthSettings) { s.FailureThreshold = 11 }, "1 to 10"},
		{"relative path", func(s *HealthSettings) { s.LivenessPath = "health" }, "starts with /"},
		{"query", func(s *HealthSettings) { s.PrimaryPath = "/p?x=1" }, "no query"},
		{"same paths", func(s *HealthSettings) { s.PrimaryPath = s.LivenessPath }, "both"},
		{"two checker regions", func(s *HealthSettings) { s.CheckerRegions = []string{"us-east-1", "eu-west-1"} }, "at least 3"},
	}
	for _, tc := range cases {
		s := settings()
		tc.modify(&s)
		_, err := HealthChecks("us-east-1", "us-west-2", s)
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}
	s := settings()
	s.CheckerRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-1"}
	_, err := HealthChecks("us-east-1", "us-west-2", s)
	assert.NoError(t, err)
	_, err = HealthChecks("us-east-1", "us-east-1", settings())
	assert.Error(t, err)
}

func TestValidatePlanRoute53Rules(t *testing.T) {
	https := HealthCheckSpec{Key: "a", Type: HealthCheckTypeHTTPS, Path: "/", IntervalSeconds: 10, FailureThreshold: 1}
	b := https
	b.Key = "b"
	calc := func(threshold int, children ...string) HealthCheckSpec {
		return HealthCheckSpec{Key: "c", Type: HealthCheckTypeCalculated, Children: children, ChildHealthThreshold: threshold}
	}
	assert.NoError(t, ValidatePlan([]HealthCheckSpec{https, b, calc(2, "a", "b")}))
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{https, b, calc(0, "a", "b")}), "always healthy")
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{https, b, calc(3, "a", "b")}), "always unhealthy")
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{calc(1, "a"), https}), "not declared before")
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{https, https}), "twice")
	nested := calc(1, "a")
	outer := HealthCheckSpec{Key: "d", Type: HealthCheckTypeCalculated, Children: []string{"c"}, ChildHealthThreshold: 1}
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{https, nested, outer}), "nests")
	many := make([]string, MaxCalculatedChildren+1)
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{calc(1, many...)}), "1 to 256")
	assert.ErrorContains(t, ValidatePlan([]HealthCheckSpec{{Key: "x", Type: "HTTP"}}), "unknown type")
}
