package observability

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Dashboard is a CloudWatch dashboard body.
type Dashboard struct {
	Widgets []Widget `json:"widgets"`
}

// Widget is one tile on the 24-column grid.
type Widget struct {
	Type       string           `json:"type"` // "metric" or "text"
	X          int              `json:"x"`
	Y          int              `json:"y"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Properties WidgetProperties `json:"properties"`
}

// WidgetProperties of metric and text widgets. Metric widgets always carry their own Region, so
// one dashboard shows both regions and the edge.
type WidgetProperties struct {
	Markdown    string       `json:"markdown,omitempty"`
	Title       string       `json:"title,omitempty"`
	Region      string       `json:"region,omitempty"`
	View        string       `json:"view,omitempty"`
	Stacked     bool         `json:"stacked,omitempty"`
	Period      int          `json:"period,omitempty"`
	Stat        string       `json:"stat,omitempty"`
	Metrics     []Metric     `json:"metrics,omitempty"`
	Annotations *Annotations `json:"annotations,omitempty"`
}

// Metric is the console's array form: namespace, name, dimension pairs..., options.
type Metric []any

// MetricOptions is the trailing object of a Metric (or the only element of an expression).
type MetricOptions struct {
	Expression string `json:"expression,omitempty"`
	ID         string `json:"id,omitempty"`
	Label      string `json:"label,omitempty"`
	Stat       string `json:"stat,omitempty"`
	YAxis      string `json:"yAxis,omitempty"`
	Visible    *bool  `json:"visible,omitempty"`
}

// Annotations draw thresholds on a graph.
type Annotations struct {
	Horizontal []Annotation `json:"horizontal"`
}

// Annotation is one horizontal line.
type Annotation struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

// metric builds a Metric: namespace, name, dimension name/value pairs, options.
func metric(namespace, name string, opts MetricOptions, dims ...string) Metric {
	m := Metric{namespace, name}
	for _, d := range dims {
		m = append(m, d)
	}
	return append(m, opts)
}

func expression(id, expr, label string) Metric {
	return Metric{MetricOptions{ID: id, Expression: expr, Label: label}}
}

var hidden = false

// DashboardRegion is what the dashboard shows of one application region (resolved values).
type DashboardRegion struct {
	Region, Role                       string // Role is "home" or "standby" (config), for titles only
	Alb, TargetGroup, AutoScalingGroup string
	Cluster                            string
	// SourceRegion is the region this region's cluster replicates from while it is the secondary
	// (the other region): Aurora publishes the global lag with it.
	SourceRegion     string
	ReplicationLagMs int
}

// RoutingCheckLabel labels the PRIMARY record's check on the dashboards.
const RoutingCheckLabel = "PRIMARY record (home serves)"

// DashboardEdge is what it shows of the edge; empty values leave their widgets out.
type DashboardEdge struct {
	DistributionId, WebAcl string
	// HealthChecks maps a key (the alarm's) to a Route 53 health check id.
	HealthChecks map[string]string
	// RoutingCheck is the PRIMARY failover record's health check (graphed, never alarmed: 1 while
	// Route 53 answers the home region, 0 while it answers the standby).
	RoutingCheck string
}

const (
	elbNamespace = "AWS/ApplicationELB"
	rdsNamespace = "AWS/RDS"
	rowHeight    = 6
)

// dashboardBody lays out both regions side by side (the primary left), one row per concern, and
// the edge (us-east-1) underneath across the full width.
func dashboardBody(regions []DashboardRegion, edge DashboardEdge) Dashboard {
	var d Dashboard
	width := 24 / len(regions)
	for col, r := range regions {
		x := col * width
		lb := []string{"LoadBalancer", r.Alb}
		db := []string{"DBClusterIdentifier", r.Cluster}
		// Which cluster writes is runtime state: the body must not change when it moves, so the
		// title says where to read it instead of naming it.
		d.Widgets = append(d.Widgets, Widget{Type: "text", X: x, Y: 0, Width: width, Height: 2, Properties: WidgetProperties{
			Markdown: fmt.Sprintf("## %s (%s region)\nAurora: the secondary is the region that reports replication lag; the writer is the other.", r.Region, r.Role),
		}})
		rows := []WidgetProperties{
			{Title: "Traffic: requests", Stat: "Sum", Metrics: []Metric{
				metric(elbNamespace, "RequestCount", MetricOptions{Label: "Requests"}, lb...),
			}},
			{Title: "Errors: 5xx", Stat: "Sum", Metrics: []Metric{
				metric(elbNamespace, "HTTPCode_ELB_5XX_Count", MetricOptions{ID: "elb5xx", Label: "ELB 5xx"}, lb...),
				metric(elbNamespace, "HTTPCode_Target_5XX_Count", MetricOptions{ID: "target5xx", Label: "Target 5xx"}, lb...),
				metric(elbNamespace, "RequestCount", MetricOptions{ID: "requests", Visible: &hidden}, lb...),
				{MetricOptions{ID: "rate", Expression: "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0))", Label: "5xx % of requests", YAxis: "right"}},
			}},
			{Title: "Latency: target response time (s)", Metrics: []Metric{
				metric(elbNamespace, "TargetResponseTime", MetricOptions{Stat: "p50", Label: "p50"}, lb...),
				metric(elbNamespace, "TargetResponseTime", MetricOptions{Stat: "p99", Label: "p99"}, lb...),
			}, Annotations: &Annotations{Horizontal: []Annotation{{Label: "p99 alarm", Value: 2}}}},
			{Title: "Capacity: instances and targets", Stat: "Minimum", Metrics: []Metric{
				metric("AWS/AutoScaling", "GroupInServiceInstances", MetricOptions{Label: "In service"}, "AutoScalingGroupName", r.AutoScalingGroup),
				metric(elbNamespace, "HealthyHostCount", MetricOptions{Label: "Healthy targets"}, "TargetGroup", r.TargetGroup, "LoadBalancer", r.Alb),
				metric(elbNamespace, "UnHealthyHostCount", MetricOptions{Label: "Unhealthy targets", Stat: "Maximum"}, "TargetGroup", r.TargetGroup, "LoadBalancer", r.Alb),
			}},
			{Title: "Database health", Stat: "Average", Metrics: []Metric{
				metric(rdsNamespace, "CPUUtilization", MetricOptions{Label: "CPU %"}, db...),
				metric(rdsNamespace, "DatabaseConnections", MetricOptions{Label: "Connections", Stat: "Maximum"}, db...),
				metric(rdsNamespace, "FreeableMemory", MetricOptions{Label: "Freeable memory (bytes)", Stat: "Minimum", YAxis: "right"}, db...),
			}},
			{Title: "Replication lag (ms): Aurora global", Stat: "Maximum", Metrics: []Metric{
				metric(rdsNamespace, "AuroraGlobalDBReplicationLag", MetricOptions{Label: "Lag to this region"}, "DBClusterIdentifier", r.Cluster, "SourceRegion", r.SourceRegion),
			}, Annotations: &Annotations{Horizontal: []Annotation{{Label: "RPO alarm", Value: float64(r.ReplicationLagMs)}}}},
		}
		for i, p := range rows {
			p.Region, p.View, p.Period = r.Region, "timeSeries", 60
			p.Title = fmt.Sprintf("%s: %s", r.Region, p.Title)
			d.Widgets = append(d.Widgets, Widget{Type: "metric", X: x, Y: 2 + i*rowHeight, Width: width, Height: rowHeight, Properties: p})
		}
	}

	y := 2 + 6*rowHeight
	var edgeRow []WidgetProperties
	if edge.DistributionId != "" {
		cf := []string{"DistributionId", edge.DistributionId, "Region", "Global"}
		edgeRow = append(edgeRow, WidgetProperties{Title: "Edge: CloudFront", Metrics: []Metric{
			metric("AWS/CloudFront", "Requests", MetricOptions{Label: "Requests", Stat: "Sum"}, cf...),
			metric("AWS/CloudFront", "5xxErrorRate", MetricOptions{Label: "5xx %", Stat: "Average", YAxis: "right"}, cf...),
			metric("AWS/CloudFront", "4xxErrorRate", MetricOptions{Label: "4xx %", Stat: "Average", YAxis: "right"}, cf...),
		}})
	}
	if edge.WebAcl != "" {
		waf := []string{"WebACL", edge.WebAcl, "Rule", "ALL"}
		edgeRow = append(edgeRow, WidgetProperties{Title: "Edge: WAF", Stat: "Sum", Metrics: []Metric{
			metric("AWS/WAFV2", "AllowedRequests", MetricOptions{Label: "Allowed"}, waf...),
			metric("AWS/WAFV2", "BlockedRequests", MetricOptions{Label: "Blocked"}, waf...),
		}})
	}
	if len(edge.HealthChecks) > 0 {
		keys := make([]string, 0, len(edge.HealthChecks))
		for k := range edge.HealthChecks {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var checks []Metric
		for _, k := range keys {
			checks = append(checks, metric("AWS/Route53", "HealthCheckStatus", MetricOptions{Label: k}, "HealthCheckId", edge.HealthChecks[k]))
		}
		title := "Edge: Route 53 liveness checks (1 = healthy)"
		if edge.RoutingCheck != "" {
			checks = append(checks, metric("AWS/Route53", "HealthCheckStatus", MetricOptions{Label: RoutingCheckLabel}, "HealthCheckId", edge.RoutingCheck))
			title = "Edge: Route 53 liveness (1 = healthy) and PRIMARY record (1 = home answers, 0 = standby)"
		}
		edgeRow = append(edgeRow, WidgetProperties{Title: title, Stat: "Minimum", Metrics: checks})
	}
	if len(edgeRow) > 0 {
		d.Widgets = append(d.Widgets, Widget{Type: "text", X: 0, Y: y, Width: 24, Height: 1, Properties: WidgetProperties{
			Markdown: "## Edge (" + EdgeRegion + ": CloudFront, WAF, Route 53)",
		}})
		w := 24 / len(edgeRow)
		for i, p := range edgeRow {
			p.Region, p.View, p.Period = EdgeRegion, "timeSeries", 60
			d.Widgets = append(d.Widgets, Widget{Type: "metric", X: i * w, Y: y + 1, Width: w, Height: rowHeight, Properties: p})
		}
	}
	return d
}

// JSON renders the body. Plain Go values cannot fail to marshal.
func (d Dashboard) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic("observability: dashboard: " + err.Error())
	}
	return string(b)
}

var dashboardNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// dashboardName is the configured name or <name>-<stack>, with what CloudWatch refuses replaced.
func dashboardName(configured, name, stack string) string {
	if configured == "" {
		configured = name + "-" + stack
	}
	return dashboardNameUnsafe.ReplaceAllString(configured, "-")
}

// dashboardURL opens the dashboard in the console of the region it lives in.
func dashboardURL(region, name string) string {
	return fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s", region, region, name)
}

// orEmpty resolves an optional input to "" when unset.
func orEmpty(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
}

// newDashboards builds one dashboard per application region, each in its own region and each
// showing both regions and the edge: the dashboard of the region that survives an outage is there.
// Both have the same body; neither depends on which region writes.
func (o *Observability) newDashboards(ctx *pulumi.Context, name string, sites []*regional, args *Args) error {
	base := dashboardName(args.DashboardName, name, ctx.Stack())
	p, s := args.Primary, args.Secondary
	keys := sortedHealthCheckKeys(args.HealthCheckIds)
	inputs := []any{
		p.AlbArnSuffix, p.TargetGroupArnSuffix, p.AutoScalingGroupName, p.ClusterIdentifier,
		s.AlbArnSuffix, s.TargetGroupArnSuffix, s.AutoScalingGroupName, s.ClusterIdentifier,
		orEmpty(args.DistributionId), orEmpty(args.WebAclName),
	}
	for _, k := range keys {
		inputs = append(inputs, args.HealthCheckIds[k])
	}
	inputs = append(inputs, orEmpty(args.RoutingHealthCheckId))
	body := pulumi.All(inputs...).ApplyT(func(v []any) string {
		str := func(i int) string { return v[i].(string) }
		checks := map[string]string{}
		for i, k := range keys {
			checks[k] = str(10 + i)
		}
		return dashboardBody([]DashboardRegion{
			{Region: p.Region, Role: "home", Alb: str(0), TargetGroup: str(1), AutoScalingGroup: str(2), Cluster: str(3), SourceRegion: s.Region, ReplicationLagMs: args.ReplicationLagAlarmMs},
			{Region: s.Region, Role: "standby", Alb: str(4), TargetGroup: str(5), AutoScalingGroup: str(6), Cluster: str(7), SourceRegion: p.Region, ReplicationLagMs: args.ReplicationLagAlarmMs},
		}, DashboardEdge{DistributionId: str(8), WebAcl: str(9), HealthChecks: checks, RoutingCheck: str(10 + len(keys))}).JSON()
	}).(pulumi.StringOutput)
	urls := pulumi.StringMap{}
	for i, r := range sites {
		region := r.region
		dash, err := cloudwatch.NewDashboard(ctx, name+"-"+region+"-dashboard", &cloudwatch.DashboardArgs{
			DashboardName: pulumi.String(dashboardNameUnsafe.ReplaceAllString(base+"-"+region, "-")),
			DashboardBody: body,
		}, o.opts(r.site)...)
		if err != nil {
			return err
		}
		url := dash.DashboardName.ApplyT(func(n string) string { return dashboardURL(region, n) }).(pulumi.StringOutput)
		urls[region] = url
		if i == 0 {
			o.DashboardName = dash.DashboardName
			o.DashboardUrl = url
		}
	}
	o.DashboardUrls = urls.ToStringMapOutput()
	return nil
}
