package edge

import (
	"errors"
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionOrigin is one region's compute tier as the edge sees it.
type RegionOrigin struct {
	Region string
	// AlbDnsName and AlbZoneId are the ALB's alias target.
	AlbDnsName, AlbZoneId pulumi.StringInput
}

// Args configures the edge.
type Args struct {
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// EdgeProvider is the us-east-1 provider: CloudFront, WAF (CLOUDFRONT scope), WAF logs, Route 53.
	EdgeProvider *aws.Provider
	Names        Names
	ZoneId       pulumi.StringInput
	// ViewerCertificateArn is the validated us-east-1 certificate of Names.Viewer().
	ViewerCertificateArn pulumi.StringInput
	// OriginVerifySecret is the one value both ALBs accept; every origin sends it as X-Origin-Verify.
	OriginVerifySecret pulumi.StringInput
	// Primary is the home region (primaryRegion): its ALB is the PRIMARY record of the failover
	// origin name, always. Secondary is the standby, the SECONDARY record. Which region writes never
	// reaches the edge: traffic follows the writer through the applications' answers to the health
	// checks, not through config.
	Primary, Secondary RegionOrigin
	// PriceClass is PriceClass_100, PriceClass_200 or PriceClass_All.
	PriceClass string
	// WafRateLimit is the requests one IP may send per 5 minutes (at least 100).
	WafRateLimit int
	// HealthCheckIntervalSeconds (10 or 30) and HealthCheckFailureThreshold (1..10) are the Route 53
	// endpoint checks' settings; interval x threshold is the detection of the traffic budget.
	HealthCheckIntervalSeconds, HealthCheckFailureThreshold int
	// LivenessPath is each application's liveness path (the target group's health check path);
	// PrimaryPath its "global primary" path ("" is edgecalc.DefaultPrimaryPath).
	LivenessPath, PrimaryPath string
	// HealthCheckerRegions limits Route 53's checker locations (at least 3); nil uses all of them.
	HealthCheckerRegions []string
	// LogRetentionDays is how long WAF logs and CloudFront access logs are kept.
	LogRetentionDays int
	// Protect (prod) protects the log key and keeps the access log bucket from being emptied on destroy.
	Protect bool
	// ProbePath, when set, is the applications' liveness path: CloudFront then serves
	// /_probe/<region>/* from that region's origin only, rewritten to ProbePath, for the failover
	// detector of the other region (see probe.go). Empty: no probe behaviours. (Added field.)
	ProbePath string
}

// OriginVerifyHeader is the header every origin sends with the shared secret (compute checks it).
const OriginVerifyHeader = "X-Origin-Verify"

var priceClasses = map[string]bool{"PriceClass_100": true, "PriceClass_200": true, "PriceClass_All": true}

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if err := awsenv.AccountIn(a.AccountId, "us-east-1").Validate(); err != nil {
		return err
	}
	if a.EdgeProvider == nil {
		return errors.New("EdgeProvider (us-east-1) is required")
	}
	if err := a.Names.Validate(a.Primary.Region, a.Secondary.Region); err != nil {
		return err
	}
	for _, in := range []struct {
		name string
		set  bool
	}{
		{"ZoneId", a.ZoneId != nil},
		{"ViewerCertificateArn", a.ViewerCertificateArn != nil},
		{"OriginVerifySecret", a.OriginVerifySecret != nil},
	} {
		if !in.set {
			return fmt.Errorf("%s is required", in.name)
		}
	}
	for _, o := range []struct {
		role string
		r    RegionOrigin
	}{{"Primary", a.Primary}, {"Secondary", a.Secondary}} {
		if o.r.Region == "" {
			return fmt.Errorf("%s needs Region", o.role)
		}
		if o.r.AlbDnsName == nil || o.r.AlbZoneId == nil {
			return fmt.Errorf("%s needs AlbDnsName and AlbZoneId", o.role)
		}
	}
	if a.Primary.Region == a.Secondary.Region {
		return fmt.Errorf("Primary and Secondary are both in %s", a.Primary.Region)
	}
	if !priceClasses[a.PriceClass] {
		return fmt.Errorf("PriceClass %q is not PriceClass_100, PriceClass_200 or PriceClass_All", a.PriceClass)
	}
	if a.WafRateLimit < 100 {
		return fmt.Errorf("WafRateLimit %d is below WAF's minimum of 100", a.WafRateLimit)
	}
	if err := a.HealthSettings().Validate(); err != nil {
		return err
	}
	if a.LogRetentionDays < 1 {
		return fmt.Errorf("LogRetentionDays must be at least 1, got %d", a.LogRetentionDays)
	}
	return nil
}
