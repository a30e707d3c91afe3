package observability

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

func dashRegions() []DashboardRegion {
	return []DashboardRegion{
		{Region: "us-east-1", Role: "home", Alb: "app/a/1", TargetGroup: "targetgroup/a/1", AutoScalingGroup: "asg-a", Cluster: "db-a", SourceRegion: "us-west-2", ReplicationLagMs: 1000},
		{Region: "us-west-2", Role: "standby", Alb: "app/b/2", TargetGroup: "targetgroup/b/2", AutoScalingGroup: "asg-b", Cluster: "db-b", SourceRegion: "us-east-1", ReplicationLagMs: 1000},
	}
}

// dimensionsOf returns the dimension name/value pairs of a console metric array.
func dimensionsOf(m Metric) map[string]string {
	out := map[string]string{}
	if len(m) < 3 {
		return out
	}
	for i := 2; i+1 < len(m); i += 2 {
		k, ok1 := m[i].(string)
		v, ok2 := m[i+1].(string)
		if ok1 && ok2 {
			out[k] = v
		}
	}
	return out
}

func TestDashboardBody(t *testing.T) {
	full := DashboardEdge{DistributionId: "E1", WebAcl: "acl", HealthChecks: map[string]string{"primary": "hc"}}
	cases := []struct {
		name      string
		edge      DashboardEdge
		edgeCount int
	}{
		{"full edge", full, 3},
		{"no waf", DashboardEdge{DistributionId: "E1", HealthChecks: map[string]string{"primary": "hc"}}, 2},
		{"no edge", DashboardEdge{}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := dashboardBody(dashRegions(), tc.edge)
			perRegion := map[string]int{}
			own := map[string]DashboardRegion{"us-east-1": dashRegions()[0], "us-west-2": dashRegions()[1]}
			for _, w := range d.Widgets {
				assert.LessOrEqual(t, w.X+w.Width, 24, "fits the grid")
				if w.Type == "text" {
					continue
				}
				require.Equal(t, "metric", w.Type)
				require.NotEmpty(t, w.Properties.Region, "%s sets its own region", w.Properties.Title)
				perRegion[w.Properties.Region]++
				for _, m := range w.Properties.Metrics {
					for k, v := range dimensionsOf(m) {
						switch k {
						case "LoadBalancer":
							assert.Equal(t, own[w.Properties.Region].Alb, v, w.Properties.Title)
						case "TargetGroup":
							assert.Equal(t, own[w.Properties.Region].TargetGroup, v)
						case "AutoScalingGroupName":
							assert.Equal(t, own[w.Properties.Region].AutoScalingGroup, v)
						case "DBClusterIdentifier":
							assert.Equal(t, own[w.Properties.Region].Cluster, v)
						case "SourceRegion":
							assert.Equal(t, own[w.Properties.Region].SourceRegion, v, "lag of this region's cluster, replicating from the other")
							assert.NotEqual(t, w.Properties.Region, v)
						}
					}
				}
			}
			// us-east-1 is also the edge region here: 6 regional rows plus the edge widgets.
			assert.Equal(t, map[string]int{"us-east-1": 6 + tc.edgeCount, "us-west-2": 6}, perRegion)
		})
	}
}

func TestDashboardPutsRegionsSideBySide(t *testing.T) {
	d := dashboardBody(dashRegions(), DashboardEdge{DistributionId: "E1"})
	xs := map[string]map[int]bool{}
	for _, w := range d.Widgets {
		if w.Type != "metric" || w.Properties.Title == "Edge: CloudFront" {
			continue
		}
		if xs[w.Properties.Region] == nil {
			xs[w.Properties.Region] = map[int]bool{}
		}
		xs[w.Properties.Region][w.X] = true
		assert.Equal(t, 12, w.Width)
	}
	assert.Equal(t, map[int]bool{0: true}, xs["us-east-1"], "primary on the left")
	assert.Equal(t, map[int]bool{12: true}, xs["us-west-2"], "secondary on the right")
}

func TestDashboardJSONShape(t *testing.T) {
	body := dashboardBody(dashRegions(), DashboardEdge{WebAcl: "acl"}).JSON()
	var parsed struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &parsed))
	var titles []string
	for _, w := range parsed.Widgets {
		if w.Type == "metric" {
			titles = append(titles, w.Properties["title"].(string))
			assert.Equal(t, "timeSeries", w.Properties["view"])
			assert.Equal(t, 60.0, w.Properties["period"])
		}
	}
	for _, want := range []string{
		"us-east-1: Traffic: requests", "us-west-2: Errors: 5xx", "us-west-2: Latency: target response time (s)",
		"us-east-1: Capacity: instances and targets", "us-west-2: Database health", "us-west-2: Replication lag (ms): Aurora global",
		"Edge: WAF",
	} {
		assert.Contains(t, titles, want)
	}
	assert.Contains(t, body, `["AWS/WAFV2","BlockedRequests","WebACL","acl","Rule","ALL",{"label":"Blocked"}]`)
	assert.Contains(t, body, `{"label":"RPO alarm","value":1000}`)
}

func TestDashboardNameAndURL(t *testing.T) {
	for _, tc := range []struct{ configured, name, stack, want string }{
		{"", "observability", "prod", "observability-prod"},
		{"", "observability", "org/prod.eu", "observability-org-prod-eu"},
		{"ops_board", "observability", "prod", "ops_board"},
	} {
		assert.Equal(t, tc.want, dashboardName(tc.configured, tc.name, tc.stack))
	}
	assert.Equal(t, "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/x", dashboardURL("eu-west-1", "x"))
}

// TestDashboardMetricsAreReal: every graphed metric is [namespace, name, dimension pairs..., options]
// naming a metric CloudWatch publishes with exactly those dimensions, and every expression names
// only ids of its own widget (CloudWatch rejects the dashboard otherwise, or graphs nothing).
func TestDashboardMetricsAreReal(t *testing.T) {
	d := dashboardBody(dashRegions(), DashboardEdge{DistributionId: "E1", WebAcl: "acl", HealthChecks: map[string]string{"primary": "hc"}})
	graphed := 0
	for _, w := range d.Widgets {
		if w.Type != "metric" {
			continue
		}
		ids := map[string]bool{}
		var exprs []string
		for _, m := range w.Properties.Metrics {
			require.NotEmpty(t, m)
			opts, ok := m[len(m)-1].(MetricOptions)
			require.True(t, ok, "%s: a metric ends with its options", w.Properties.Title)
			if opts.ID != "" {
				assert.Regexp(t, `^[a-z][a-zA-Z0-9_]*$`, opts.ID)
				ids[opts.ID] = true
			}
			if len(m) == 1 {
				require.NotEmpty(t, opts.Expression, "%s: a lone options object is an expression", w.Properties.Title)
				exprs = append(exprs, opts.Expression)
				continue
			}
			require.Equal(t, 0, (len(m)-3)%2, "%s: namespace, name, dimension pairs, options: %v", w.Properties.Title, m)
			ns, name := m[0].(string), m[1].(string)
			assert.NoError(t, offline.CheckMetric(ns, name, keys(dimensionsOf(m))), w.Properties.Title)
			graphed++
		}
		for _, e := range exprs {
			for _, ref := range regexpIDs.FindAllString(e, -1) {
				assert.True(t, ids[ref], "%s: %q names %s, not an id of this widget", w.Properties.Title, e, ref)
			}
		}
	}
	assert.Greater(t, graphed, 30)
}

// The PRIMARY record's check is graphed beside the liveness checks (never alarmed), labelled so a
// 0 reads as "the standby answers", not as an outage.
func TestDashboardGraphsTheRoutingCheck(t *testing.T) {
	with := dashboardBody(dashRegions(), DashboardEdge{HealthChecks: map[string]string{"us-east-1-live": "hc-e", "us-west-2-live": "hc-w"}, RoutingCheck: "hc-serves"})
	without := dashboardBody(dashRegions(), DashboardEdge{HealthChecks: map[string]string{"us-east-1-live": "hc-e", "us-west-2-live": "hc-w"}})
	find := func(d Dashboard) *WidgetProperties {
		for i, w := range d.Widgets {
			if strings.HasPrefix(w.Properties.Title, "Edge: Route 53") {
				return &d.Widgets[i].Properties
			}
		}
		return nil
	}
	w, wo := find(with), find(without)
	require.NotNil(t, w)
	require.NotNil(t, wo)
	assert.Len(t, wo.Metrics, 2)
	require.Len(t, w.Metrics, 3)
	last := w.Metrics[2]
	assert.Equal(t, []any{"AWS/Route53", "HealthCheckStatus", "HealthCheckId", "hc-serves"}, []any(last[:4]))
	assert.Equal(t, RoutingCheckLabel, last[4].(MetricOptions).Label)
	assert.Contains(t, w.Title, "0 = standby")
	assert.Equal(t, "Edge: Route 53 liveness checks (1 = healthy)", wo.Title)
}

func TestLivenessAlarmSaysWhichRegion(t *testing.T) {
	d := healthCheckDescription("us-west-2-live")
	assert.Contains(t, d, "us-west-2's liveness path")
	assert.Contains(t, d, "whichever region writes")
	assert.Contains(t, healthCheckDescription("other"), "The Route 53 health check other fails")
}
