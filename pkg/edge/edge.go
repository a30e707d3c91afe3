package edge

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Edge is CloudFront with WAF in front of both regions and the Route 53 failover between them.
type Edge struct {
	pulumi.ResourceState

	// Url is https://<viewer name>.
	Url                    pulumi.StringOutput `pulumi:"url"`
	DistributionId         pulumi.StringOutput `pulumi:"distributionId"`
	DistributionDomainName pulumi.StringOutput `pulumi:"distributionDomainName"`
	DistributionArn        pulumi.StringOutput `pulumi:"distributionArn"`
	WebAclArn              pulumi.StringOutput `pulumi:"webAclArn"`
	WebAclName             pulumi.StringOutput `pulumi:"webAclName"`
	// WebAclMetricName is the WebACL's CloudWatch metric name: the WebACL dimension of AWS/WAFV2 metrics.
	WebAclMetricName pulumi.StringOutput `pulumi:"webAclMetricName"`
	// HealthCheckId is the Route 53 health check of the PRIMARY failover record.
	HealthCheckId pulumi.StringOutput `pulumi:"healthCheckId"`
	ZoneId        pulumi.StringOutput `pulumi:"zoneId"`
	// FailoverRecordName is the failover origin name (origin.<viewer>).
	FailoverRecordName pulumi.StringOutput `pulumi:"failoverRecordName"`
	// HealthAlarmName and HealthAlarmArn are the primary region's alarm behind the health check.
	HealthAlarmName pulumi.StringOutput `pulumi:"healthAlarmName"`
	HealthAlarmArn  pulumi.StringOutput `pulumi:"healthAlarmArn"`
}

// NewEdge builds the edge. Providers come from Args: us-east-1 for CloudFront, WAF and Route 53,
// the primary region's for its health alarm.
func NewEdge(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Edge, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("edge %s: %w", name, err)
	}
	e := &Edge{}
	if err := ctx.RegisterComponentResource("multi-region-ha:edge:Edge", name, e, opts...); err != nil {
		return nil, fmt.Errorf("edge %s: %w", name, err)
	}
	if err := e.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("edge %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(e, pulumi.Map{
		"url":                    e.Url,
		"distributionId":         e.DistributionId,
		"distributionDomainName": e.DistributionDomainName,
		"distributionArn":        e.DistributionArn,
		"webAclArn":              e.WebAclArn,
		"webAclName":             e.WebAclName,
		"webAclMetricName":       e.WebAclMetricName,
		"healthCheckId":          e.HealthCheckId,
		"zoneId":                 e.ZoneId,
		"failoverRecordName":     e.FailoverRecordName,
		"healthAlarmName":        e.HealthAlarmName,
		"healthAlarmArn":         e.HealthAlarmArn,
	}); err != nil {
		return nil, fmt.Errorf("edge %s: %w", name, err)
	}
	return e, nil
}

func (e *Edge) build(ctx *pulumi.Context, name string, args *Args) error {
	// The edge's global resources live in us-east-1, whatever the stack's regions.
	acct := awsenv.AccountIn(args.AccountId, "us-east-1")
	waf, err := e.newWaf(ctx, name, args, acct)
	if err != nil {
		return err
	}
	origins, err := e.newOriginRecords(ctx, name, args)
	if err != nil {
		return err
	}
	dist, err := e.newDistribution(ctx, name, args, acct, waf, origins)
	if err != nil {
		return err
	}
	if err := e.newViewerRecords(ctx, name, args, dist); err != nil {
		return err
	}

	e.Url = pulumi.String("https://" + args.Names.Viewer()).ToStringOutput()
	e.DistributionId = dist.ID().ToStringOutput()
	e.DistributionDomainName = dist.DomainName
	e.DistributionArn = dist.Arn
	e.WebAclArn = waf.Arn
	e.WebAclName = waf.Name
	e.WebAclMetricName = waf.VisibilityConfig.MetricName()
	e.HealthCheckId = origins.healthCheck.ID().ToStringOutput()
	e.ZoneId = args.ZoneId.ToStringOutput()
	e.FailoverRecordName = origins.failover.Name
	e.HealthAlarmName = origins.alarm.Name
	e.HealthAlarmArn = origins.alarm.Arn
	return nil
}
