package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// AWS managed CloudFront policies (IDs are global and fixed; see the CloudFront Developer Guide,
// "Use managed cache/origin request/response headers policies").
const (
	CachingDisabledPolicyID           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	CachingOptimizedPolicyID          = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	AllViewerExceptHostHeaderPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	SecurityHeadersPolicyID           = "67f7725c-6f97-4210-82d7-5512b31e9d03" // HSTS, nosniff, frame options, referrer policy, XSS
)

// StaticPathPattern is the cacheable path served by the static origin group.
const StaticPathPattern = "/static/*"

// OriginFailoverStatusCodes make CloudFront retry a cacheable request at the secondary origin.
var OriginFailoverStatusCodes = []int{500, 502, 503, 504}

// Origin IDs inside the distribution.
const (
	failoverOriginID = "failover"
	originGroupID    = "regions"
)

// StaticOriginGroupMembers are the static origin group's members in order (primary first): the
// failover origin name (Route 53's answer), then the standby's regional origin. CloudFront origin
// groups hold exactly two members, each an origin id of the same distribution (not a group), and
// fail over on the configured status codes and on connection failures and timeouts (CloudFront
// Developer Guide, "Optimize high availability with CloudFront origin failover").
func StaticOriginGroupMembers(standbyOriginID string) []string {
	return []string{failoverOriginID, standbyOriginID}
}

func staticGroupMembers(ids []string) cloudfront.DistributionOriginGroupMemberArray {
	out := cloudfront.DistributionOriginGroupMemberArray{}
	for _, id := range ids {
		out = append(out, &cloudfront.DistributionOriginGroupMemberArgs{OriginId: pulumi.String(id)})
	}
	return out
}

var (
	allMethods           = []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
	readMethods          = []string{"GET", "HEAD"}
	originTLS            = []string{"TLSv1.2"}
	viewerTLS            = "TLSv1.2_2021"
	viewerProtocolPolicy = "redirect-to-https"
)

// origin is a custom origin reached over HTTPS with TLS 1.2 only, carrying the origin secret. Its
// OriginKeepaliveTimeout (5 s idle) is CloudFront's side; the ALB's client keep-alive bounds a busy
// connection's life.
func origin(id, domain string, secret pulumi.StringInput) *cloudfront.DistributionOriginArgs {
	return &cloudfront.DistributionOriginArgs{
		OriginId:   pulumi.String(id),
		DomainName: pulumi.String(domain),
		// Give up on an unreachable region in seconds (1 x 5 s to connect, 10 s to answer), not
		// CloudFront's default 3 x 10 s and 3 x 30 s: an origin group then tries its next member,
		// and the traffic budget and its bound count this wait (edgecalc.ReadsBound).
		ConnectionAttempts: pulumi.Int(edgecalc.OriginConnectionAttempts),
		ConnectionTimeout:  pulumi.Int(edgecalc.OriginConnectionTimeoutSeconds),
		CustomOriginConfig: &cloudfront.DistributionOriginCustomOriginConfigArgs{
			HttpPort:               pulumi.Int(80), // required by the API, never used: https-only
			HttpsPort:              pulumi.Int(443),
			OriginProtocolPolicy:   pulumi.String("https-only"),
			OriginSslProtocols:     pulumi.ToStringArray(originTLS),
			OriginReadTimeout:      pulumi.Int(edgecalc.OriginReadTimeoutSeconds),
			OriginKeepaliveTimeout: pulumi.Int(5),
		},
		CustomHeaders: cloudfront.DistributionOriginCustomHeaderArray{&cloudfront.DistributionOriginCustomHeaderArgs{
			Name:  pulumi.String(OriginVerifyHeader),
			Value: secret,
		}},
	}
}

// newDistribution builds the distribution: every request to the failover origin name (Route 53
// picks the region), cacheable static GET/HEAD through an origin group that fails over per request,
// the WebACL attached, access logs to S3.
//
// The static origin group's primary member is the failover origin name, its secondary the
// standby's regional origin (StaticOriginGroupMembers): a miss follows Route 53 like every other
// request, so once DNS has moved it goes straight to the serving region instead of waiting for a
// dark home ALB on every miss for the whole outage; before DNS moves (or while the standby serves
// on its own), the standby's regional origin answers the miss.
func (e *Edge) newDistribution(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, waf *wafv2.WebAcl, origins *originRecords) (*cloudfront.Distribution, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)}
	logs, err := e.newAccessLogBucket(ctx, name, args, acct, opts...)
	if err != nil {
		return nil, err
	}
	secret := pulumi.ToSecret(args.OriginVerifySecret.ToStringOutput()).(pulumi.StringOutput)
	n := args.Names
	primaryID, secondaryID := args.Primary.Region, args.Secondary.Region
	probe, err := e.newProbeFunction(ctx, name, args)
	if err != nil {
		return nil, err
	}

	dist, err := cloudfront.NewDistribution(ctx, name+"-cdn", &cloudfront.DistributionArgs{
		Enabled:       pulumi.Bool(true),
		Comment:       pulumi.String(n.Viewer() + " (multi-region-ha)"),
		Aliases:       pulumi.StringArray{pulumi.String(n.Viewer())},
		HttpVersion:   pulumi.String("http2and3"),
		IsIpv6Enabled: pulumi.Bool(true),
		PriceClass:    pulumi.String(args.PriceClass),
		WebAclId:      waf.Arn, // WAFv2 WebACLs attach by ARN
		ViewerCertificate: &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      args.ViewerCertificateArn,
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String(viewerTLS),
		},
		Origins: cloudfront.DistributionOriginArray{
			origin(failoverOriginID, n.FailoverOrigin(), secret),
			origin(primaryID, n.Regional(args.Primary.Region), secret),
			origin(secondaryID, n.Regional(args.Secondary.Region), secret),
		},
		OriginGroups: cloudfront.DistributionOriginGroupArray{&cloudfront.DistributionOriginGroupArgs{
			OriginId: pulumi.String(originGroupID),
			FailoverCriteria: &cloudfront.DistributionOriginGroupFailoverCriteriaArgs{
				StatusCodes: pulumi.ToIntArray(OriginFailoverStatusCodes),
			},
			Members: staticGroupMembers(StaticOriginGroupMembers(secondaryID)),
		}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:          pulumi.String(failoverOriginID),
			ViewerProtocolPolicy:    pulumi.String(viewerProtocolPolicy),
			AllowedMethods:          pulumi.ToStringArray(allMethods),
			CachedMethods:           pulumi.ToStringArray(readMethods),
			CachePolicyId:           pulumi.String(CachingDisabledPolicyID),
			OriginRequestPolicyId:   pulumi.String(AllViewerExceptHostHeaderPolicyID),
			ResponseHeadersPolicyId: pulumi.String(SecurityHeadersPolicyID),
			Compress:                pulumi.Bool(false), // CachingDisabled does not cache compressed objects
		},
		// Origin groups fail over only GET/HEAD/OPTIONS, and CloudFront refuses an origin group on a
		// behaviour allowing other methods: static content is read-only.
		OrderedCacheBehaviors: append(cloudfront.DistributionOrderedCacheBehaviorArray{&cloudfront.DistributionOrderedCacheBehaviorArgs{
			PathPattern:             pulumi.String(StaticPathPattern),
			TargetOriginId:          pulumi.String(originGroupID),
			ViewerProtocolPolicy:    pulumi.String(viewerProtocolPolicy),
			AllowedMethods:          pulumi.ToStringArray(readMethods),
			CachedMethods:           pulumi.ToStringArray(readMethods),
			CachePolicyId:           pulumi.String(CachingOptimizedPolicyID),
			ResponseHeadersPolicyId: pulumi.String(SecurityHeadersPolicyID),
			Compress:                pulumi.Bool(true),
		}}, probeBehaviors(probe, primaryID, secondaryID)...),
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")},
		},
		LoggingConfig: &cloudfront.DistributionLoggingConfigArgs{
			Bucket:         logs.bucket.BucketDomainName,
			Prefix:         pulumi.String("cloudfront/"),
			IncludeCookies: pulumi.Bool(false),
		},
		Tags: nameTag(name + "-cdn"),
	}, append(opts, pulumi.DependsOn(append(logs.ready, origins.dependsOn...)))...)
	if err != nil {
		return nil, err
	}
	return dist, nil
}
