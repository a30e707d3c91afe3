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
	// HealthCheckId is the Route 53 health check of the PRIMARY failover record (the calculated
	// "<home>-serves" check); SecondaryHealthCheckId the SECONDARY's (the standby's liveness).
	HealthCheckId          pulumi.StringOutput `pulumi:"healthCheckId"`
	SecondaryHealthCheckId pulumi.StringOutput `pulumi:"secondaryHealthCheckId"`
	// HealthCheckIds are all health checks by key: "<region>-live", "<region>-primary" (the
	// standby's is inverted) and "<home>-serves". Their HealthCheckStatus metrics live in us-east-1.
	HealthCheckIds pulumi.StringMapOutput `pulumi:"healthCheckIds"`
	ZoneId         pulumi.StringOutput    `pulumi:"zoneId"`
	// FailoverRecordName is the failover origin name (origin.<viewer>).
	FailoverRecordName pulumi.StringOutput `pulumi:"failoverRecordName"`
}

// NewEdge builds the edge. Every child uses Args.EdgeProvider (us-east-1): CloudFront, WAF and Route 53
// are global, controlled from us-east-1, and nothing of the edge moves when the writer does.
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
		"secondaryHealthCheckId": e.SecondaryHealthCheckId,
		"healthCheckIds":         e.HealthCheckIds,
		"zoneId":                 e.ZoneId,
		"failoverRecordName":     e.FailoverRecordName,
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
	e.HealthCheckId = origins.primaryCheck.ID().ToStringOutput()
	e.SecondaryHealthCheckId = origins.secondaryCheck.ID().ToStringOutput()
	ids := pulumi.StringMap{}
	for key, c := range origins.checks {
		ids[key] = c.ID().ToStringOutput()
	}
	e.HealthCheckIds = ids.ToStringMapOutput()
	e.ZoneId = args.ZoneId.ToStringOutput()
	e.FailoverRecordName = origins.failover.Name
	return nil
}
