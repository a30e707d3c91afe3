package edge

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each region has a probe path that reaches only its own origin, GET/HEAD, uncached, rewritten to
// the liveness path by a function on the us-east-1 provider.
func TestProbeBehavioursArePinnedToOneRegionEach(t *testing.T) {
	args := edgeArgs(regionA, regionB)
	args.ProbePath = "/health"
	m, _ := runEdge(t, args)
	dist := only(t, m, distributionType)
	fn := only(t, m, "aws:cloudfront/function:Function")
	assert.Equal(t, edgeRegion, fn.Region)
	assert.Equal(t, "cloudfront-js-2.0", fn.Str("runtime"))
	assert.True(t, fn.Bool("publish"))
	assert.Equal(t, ProbeRewriteCode("/health"), fn.Str("code"))
	assert.Contains(t, fn.Str("code"), `request.uri = "/health"`)

	pinned := map[string]string{}
	for i := 0; i < dist.Len("orderedCacheBehaviors"); i++ {
		b := fmt.Sprintf("orderedCacheBehaviors[%d].", i)
		pattern := dist.Str(b + "pathPattern")
		if pattern == StaticPathPattern {
			continue
		}
		pinned[pattern] = dist.Str(b + "targetOriginId")
		assert.Equal(t, readMethods, dist.Strings(b+"allowedMethods"), pattern)
		assert.Equal(t, CachingDisabledPolicyID, dist.Str(b+"cachePolicyId"), pattern)
		assert.Equal(t, "viewer-request", dist.Str(b+"functionAssociations[0].eventType"), pattern)
		assert.Equal(t, fn.Outputs["arn"].StringValue(), dist.Str(b+"functionAssociations[0].functionArn"), pattern)
	}
	assert.Equal(t, map[string]string{"/_probe/" + regionA + "/*": regionA, "/_probe/" + regionB + "/*": regionB}, pinned,
		"one behaviour per region, each on that region's origin (never the failover origin or the group)")
	require.Equal(t, 3, dist.Len("orderedCacheBehaviors"))
	assert.Equal(t, StaticPathPattern, dist.Str("orderedCacheBehaviors[0].pathPattern"), "the static behaviour stays first")
	assert.Equal(t, "https://app.example.com/_probe/eu-west-1/health", ProbeURL(testNames.Viewer(), regionA, "/health"))
}

func TestNoProbeBehavioursWithoutAProbePath(t *testing.T) {
	m, _ := runEdge(t, edgeArgs(regionA, regionB))
	assert.Empty(t, m.OfType("aws:cloudfront/function:Function"))
	assert.Equal(t, 1.0, float64(only(t, m, distributionType).Len("orderedCacheBehaviors")))
}
