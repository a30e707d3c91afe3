package edge

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// originRecords are the DNS names CloudFront reaches the regions by, and what decides between them.
type originRecords struct {
	// checks holds every health check by its plan key (edgecalc.HealthCheckSpec.Key).
	checks map[string]*route53.HealthCheck
	// primaryCheck is the PRIMARY record's (calculated) check, secondaryCheck the SECONDARY's.
	primaryCheck, secondaryCheck *route53.HealthCheck
	failover                     *route53.Record // the PRIMARY record of the failover origin name
	dependsOn                    []pulumi.Resource
}

// Plan returns the health checks and failover records NewEdge builds for args: the one plan the
// component and the failover model (pkg/edge/trafficmodel) share.
func Plan(args *Args) ([]edgecalc.HealthCheckSpec, []edgecalc.FailoverRecordSpec, error) {
	checks, err := edgecalc.HealthChecks(args.Primary.Region, args.Secondary.Region, args.HealthSettings())
	if err != nil {
		return nil, nil, err
	}
	return checks, edgecalc.FailoverRecords(args.Primary.Region, args.Secondary.Region), nil
}

// HealthSettings are the Route 53 endpoint check settings of args.
func (a *Args) HealthSettings() edgecalc.HealthSettings {
	return edgecalc.HealthSettings{
		IntervalSeconds:  a.HealthCheckIntervalSeconds,
		FailureThreshold: a.HealthCheckFailureThreshold,
		LivenessPath:     a.LivenessPath,
		PrimaryPath:      a.primaryPath(),
		CheckerRegions:   a.HealthCheckerRegions,
	}
}

func (a *Args) primaryPath() string {
	if a.PrimaryPath == "" {
		return edgecalc.DefaultPrimaryPath
	}
	return a.PrimaryPath
}

// newOriginRecords builds, in the hosted zone: one alias per region to its ALB; the Route 53 health
// checks of the plan (HTTPS checks of each region's liveness and global-primary paths through its
// regional name, and the PRIMARY record's calculated check); the failover origin name as a fixed
// PRIMARY (home) / SECONDARY (standby) alias pair. Nothing here depends on which region writes.
func (e *Edge) newOriginRecords(ctx *pulumi.Context, name string, args *Args) (*originRecords, error) {
	dns := []pulumi.ResourceOption{pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)}
	checks, records, err := Plan(args)
	if err != nil {
		return nil, err
	}
	out := &originRecords{checks: map[string]*route53.HealthCheck{}}
	for _, spec := range checks {
		check, err := route53.NewHealthCheck(ctx, name+"-"+spec.Key, healthCheckArgs(name, spec, args, out.checks), dns...)
		if err != nil {
			return nil, err
		}
		out.checks[spec.Key] = check
	}

	origins := map[string]RegionOrigin{args.Primary.Region: args.Primary, args.Secondary.Region: args.Secondary}
	alias := func(o RegionOrigin) route53.RecordAliasArray {
		return route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name:                 o.AlbDnsName,
			ZoneId:               o.AlbZoneId,
			EvaluateTargetHealth: pulumi.Bool(true),
		}}
	}
	for _, o := range []RegionOrigin{args.Primary, args.Secondary} {
		regional, err := route53.NewRecord(ctx, name+"-origin-"+o.Region, &route53.RecordArgs{
			ZoneId:  args.ZoneId,
			Name:    pulumi.String(args.Names.Regional(o.Region)),
			Type:    pulumi.String("A"),
			Aliases: alias(o),
		}, dns...)
		if err != nil {
			return nil, err
		}
		out.dependsOn = append(out.dependsOn, regional)
	}
	for _, spec := range records {
		check := out.checks[spec.HealthCheck]
		rec, err := route53.NewRecord(ctx, name+"-failover-"+spec.Key, &route53.RecordArgs{
			ZoneId:                  args.ZoneId,
			Name:                    pulumi.String(args.Names.FailoverOrigin()),
			Type:                    pulumi.String("A"),
			SetIdentifier:           pulumi.String(spec.Key),
			FailoverRoutingPolicies: route53.RecordFailoverRoutingPolicyArray{&route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(spec.Failover)}},
			HealthCheckId:           check.ID(),
			Aliases:                 alias(origins[spec.Region]),
		}, dns...)
		if err != nil {
			return nil, err
		}
		if spec.Failover == edgecalc.FailoverPrimary {
			out.failover, out.primaryCheck = rec, check
		} else {
			out.secondaryCheck = check
		}
		out.dependsOn = append(out.dependsOn, rec)
	}
	return out, nil
}

// healthCheckArgs turns one planned check into the provider's arguments. HTTPS checks ask the
// region's own origin name (the ALB certificate covers it; Route 53 sends it as SNI and Host and does
// not validate the certificate) on 443, where the ALB admits the route53-healthchecks prefix list
// and forwards exactly the two paths without the origin secret.
func healthCheckArgs(name string, spec edgecalc.HealthCheckSpec, args *Args, built map[string]*route53.HealthCheck) *route53.HealthCheckArgs {
	tags := pulumi.StringMap{
		"Name":   pulumi.String(name + "-" + spec.Key),
		"Region": pulumi.String(spec.Region),
		"Check":  pulumi.String(spec.Kind),
	}
	if spec.Type == edgecalc.HealthCheckTypeCalculated {
		children := pulumi.StringArray{}
		for _, k := range spec.Children {
			children = append(children, built[k].ID().ToStringOutput())
		}
		return &route53.HealthCheckArgs{
			Type:                 pulumi.String(spec.Type),
			ChildHealthchecks:    children,
			ChildHealthThreshold: pulumi.Int(spec.ChildHealthThreshold),
			InvertHealthcheck:    pulumi.Bool(spec.Inverted),
			Tags:                 tags,
		}
	}
	hc := &route53.HealthCheckArgs{
		Type:              pulumi.String(spec.Type),
		Fqdn:              pulumi.String(args.Names.Regional(spec.Region)),
		Port:              pulumi.Int(edgecalc.HTTPSPort),
		ResourcePath:      pulumi.String(spec.Path),
		EnableSni:         pulumi.Bool(true),
		RequestInterval:   pulumi.Int(spec.IntervalSeconds),
		FailureThreshold:  pulumi.Int(spec.FailureThreshold),
		InvertHealthcheck: pulumi.Bool(spec.Inverted),
		MeasureLatency:    pulumi.Bool(false), // fixed at creation; latency graphs are not needed to fail over
		Tags:              tags,
	}
	if len(spec.CheckerRegions) > 0 {
		hc.Regions = pulumi.ToStringArray(spec.CheckerRegions)
	}
	return hc
}

// newViewerRecords points the viewer name (A and AAAA: the distribution serves IPv6) at CloudFront.
func (e *Edge) newViewerRecords(ctx *pulumi.Context, name string, args *Args, dist *cloudfront.Distribution) error {
	for _, typ := range []string{"A", "AAAA"} {
		if _, err := route53.NewRecord(ctx, name+"-viewer-"+strings.ToLower(typ), &route53.RecordArgs{
			ZoneId: args.ZoneId,
			Name:   pulumi.String(args.Names.Viewer()),
			Type:   pulumi.String(typ),
			Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
				Name:                 dist.DomainName,
				ZoneId:               dist.HostedZoneId,
				EvaluateTargetHealth: pulumi.Bool(false), // CloudFront aliases do not support target health
			}},
		}, pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)); err != nil {
			return fmt.Errorf("viewer record %s: %w", typ, err)
		}
	}
	return nil
}
