package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge"
)

type edgeStep struct {
	certificates *edge.Certificates
	edge         *edge.Edge
}

// newCertificates looks up (or creates) the hosted zone and issues the ALB certificates of both
// regions and CloudFront's viewer certificate in us-east-1. It runs before compute, whose
// listeners need their region's certificate.
func (d *deployment) newCertificates(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	certs, err := edge.NewCertificates(ctx, "certificates", &edge.CertificatesArgs{
		DomainName:        e.DomainName,
		CreateHostedZone:  e.CreateHostedZone,
		Names:             e.Names(),
		Regions:           d.cfg.Regions(),
		RegionalProviders: d.providers,
		EdgeProvider:      d.edgeProvider(),
		Protect:           d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.certificates = certs
	if e.CreateHostedZone {
		export(ctx, "nameServers", certs.NameServers)
	}
	return nil
}

// newEdge puts CloudFront, WAF and the Route 53 failover records in front of both regions. The
// active region's ALB is the PRIMARY record.
func (d *deployment) newEdge(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	origin := func(region string) edge.RegionOrigin {
		c := d.computes[region]
		return edge.RegionOrigin{
			Region:               region,
			Provider:             d.provider(region),
			AlbDnsName:           c.AlbDnsName,
			AlbZoneId:            c.AlbZoneId,
			AlbArnSuffix:         c.AlbArnSuffix,
			TargetGroupArnSuffix: c.TargetGroupArnSuffix,
		}
	}
	ed, err := edge.NewEdge(ctx, "edge", &edge.Args{
		EdgeProvider:                d.edgeProvider(),
		Names:                       e.Names(),
		ZoneId:                      d.certificates.ZoneId,
		ViewerCertificateArn:        d.certificates.ViewerCertificateArn,
		OriginVerifySecret:          d.originSecret,
		Primary:                     origin(d.activeRegion()),
		Secondary:                   origin(d.standbyRegion()),
		PriceClass:                  e.PriceClass,
		WafRateLimit:                e.WafRateLimit,
		HealthCheckIntervalSeconds:  e.HealthCheckIntervalSeconds,
		HealthCheckFailureThreshold: e.HealthCheckFailureThreshold,
		LogRetentionDays:            e.LogRetentionDays,
		Protect:                     d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.edge = ed
	export(ctx, "url", ed.Url)
	export(ctx, "distributionId", ed.DistributionId)
	export(ctx, "failoverRecordName", ed.FailoverRecordName)
	export(ctx, "healthCheckId", ed.HealthCheckId)
	return nil
}
