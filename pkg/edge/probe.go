package edge

// Detector probe behaviours (automatic-failover issue). Kept apart from the distribution's other
// behaviours: /_probe/<region>/* reaches only that region's origin, never the failover origin or
// the origin group, so the other region's detector sees whether THAT region's application answers
// through the same path viewers use (CloudFront, the origin secret, the ALB), without the ALBs
// admitting anything but CloudFront. A viewer-request function rewrites every probe request to the
// liveness path, GET/HEAD only, uncached: the probe path exposes nothing else of either region.

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ProbePrefix starts the pinned probe paths (pkg/detector.ProbePathPrefix is the same text).
const ProbePrefix = "/_probe/"

// ProbePathPattern is the behaviour path pattern pinned to region's origin.
func ProbePathPattern(region string) string { return ProbePrefix + region + "/*" }

// ProbeURL is the URL a detector fetches to see region's application through CloudFront.
func ProbeURL(viewer, region, livenessPath string) string {
	return "https://" + viewer + ProbePrefix + region + livenessPath
}

// ProbeRewriteCode is the CloudFront Function (cloudfront-js-2.0) that sends every probe request
// to the liveness path, without a query string.
func ProbeRewriteCode(livenessPath string) string {
	return fmt.Sprintf(`function handler(event) {
  var request = event.request;
  request.uri = %q;
  request.querystring = {};
  return request;
}
`, livenessPath)
}

// probeFunctionRuntime is the CloudFront Functions runtime (JavaScript 2.0, the current one).
const probeFunctionRuntime = "cloudfront-js-2.0"

// newProbeFunction publishes the rewrite function (a global CloudFront resource: us-east-1 provider).
func (e *Edge) newProbeFunction(ctx *pulumi.Context, name string, args *Args) (*cloudfront.Function, error) {
	if args.ProbePath == "" {
		return nil, nil
	}
	if !strings.HasPrefix(args.ProbePath, "/") {
		return nil, fmt.Errorf("ProbePath %q must start with /", args.ProbePath)
	}
	return cloudfront.NewFunction(ctx, name+"-probe-rewrite", &cloudfront.FunctionArgs{
		Comment: pulumi.String("Failover detector probes: /_probe/<region>/* to the liveness path"),
		Runtime: pulumi.String(probeFunctionRuntime),
		Code:    pulumi.String(ProbeRewriteCode(args.ProbePath)),
		Publish: pulumi.Bool(true),
	}, pulumi.Parent(e), pulumi.Provider(args.EdgeProvider))
}

// probeBehaviors are the ordered behaviours pinned to each region's origin (ids are region codes).
func probeBehaviors(fn *cloudfront.Function, regions ...string) cloudfront.DistributionOrderedCacheBehaviorArray {
	if fn == nil {
		return nil
	}
	var out cloudfront.DistributionOrderedCacheBehaviorArray
	for _, region := range regions {
		out = append(out, &cloudfront.DistributionOrderedCacheBehaviorArgs{
			PathPattern:          pulumi.String(ProbePathPattern(region)),
			TargetOriginId:       pulumi.String(region),
			ViewerProtocolPolicy: pulumi.String("https-only"),
			AllowedMethods:       pulumi.ToStringArray(readMethods),
			CachedMethods:        pulumi.ToStringArray(readMethods),
			CachePolicyId:        pulumi.String(CachingDisabledPolicyID),
			Compress:             pulumi.Bool(false),
			FunctionAssociations: cloudfront.DistributionOrderedCacheBehaviorFunctionAssociationArray{
				&cloudfront.DistributionOrderedCacheBehaviorFunctionAssociationArgs{
					EventType:   pulumi.String("viewer-request"),
					FunctionArn: fn.Arn,
				},
			},
		})
	}
	return out
}
