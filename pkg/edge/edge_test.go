package edge

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	edgeType         = "multi-region-ha:edge:Edge"
	distributionType = "aws:cloudfront/distribution:Distribution"
	webAclType       = "aws:wafv2/webAcl:WebAcl"
	healthCheckType  = "aws:route53/healthCheck:HealthCheck"
	alarmType        = "aws:cloudwatch/metricAlarm:MetricAlarm"
	logGroupType     = "aws:cloudwatch/logGroup:LogGroup"
	bucketType       = "aws:s3/bucketV2:BucketV2"
	secret           = "0123456789abcdef0123456789abcdef"
)

// regionOrigin stands in for one region's compute outputs.
func regionOrigin(region string) RegionOrigin {
	return RegionOrigin{
		Region:     region,
		AlbDnsName: pulumi.String("alb-" + region + ".elb.amazonaws.com"),
		AlbZoneId:  pulumi.String("ZALB-" + region),
	}
}

func edgeArgs(primary, secondary string) *Args {
	return &Args{
		AccountId:                   offline.AccountID,
		Names:                       testNames,
		ZoneId:                      pulumi.String("ZONE1"),
		ViewerCertificateArn:        pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/viewer"),
		OriginVerifySecret:          pulumi.ToSecret(pulumi.String(secret)).(pulumi.StringOutput),
		Primary:                     regionOrigin(primary),
		Secondary:                   regionOrigin(secondary),
		PriceClass:                  "PriceClass_100",
		WafRateLimit:                1500,
		HealthCheckIntervalSeconds:  30,
		HealthCheckFailureThreshold: 3,
		LivenessPath:                "/health",
		LogRetentionDays:            90,
	}
}

// runEdge builds the Edge with explicit providers for both regions and us-east-1.
func runEdge(t *testing.T, args *Args) (*offline.Mocks, *captured) {
	t.Helper()
	out := &captured{}
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		ps, err := providers(ctx, args.Primary.Region, args.Secondary.Region)
		if err != nil {
			return err
		}
		args.EdgeProvider = ps[edgeRegion]
		e, err := NewEdge(ctx, "edge", args)
		if err != nil {
			return err
		}
		for key, o := range map[string]pulumi.Output{
			"url": e.Url, "distributionId": e.DistributionId, "distributionDomainName": e.DistributionDomainName,
			"distributionArn": e.DistributionArn, "webAclArn": e.WebAclArn, "webAclName": e.WebAclName,
			"webAclMetricName": e.WebAclMetricName,
			"healthCheckId":    e.HealthCheckId, "zoneId": e.ZoneId, "failoverRecordName": e.FailoverRecordName,
			"secondaryHealthCheckId": e.SecondaryHealthCheckId, "healthCheckIds": e.HealthCheckIds,
		} {
			out.capture(ctx, key, o)
		}
		return nil
	})
	return m, out
}

func TestEdgeChildrenParentedAndOnTheRightProviders(t *testing.T) {
	m, _ := runEdge(t, edgeArgs(regionA, regionB))
	comp := only(t, m, edgeType)
	descendants := m.Descendants(comp.URN)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || r.Type == "pulumi:providers:aws" {
			continue
		}
		custom++
		assert.Contains(t, descendants, r, "%s %s is not under the component", r.Type, r.Name)
		assert.Equal(t, edgeRegion, r.Region, "%s %s: everything of the edge is global, on us-east-1", r.Type, r.Name)
	}
	assert.Greater(t, custom, 15)
	for _, inv := range m.Invokes() {
		assert.Equal(t, edgeRegion, inv.Region, "invoke %s", inv.Token)
	}
}

func TestWafScopeRulesAndLogging(t *testing.T) {
	args := edgeArgs(regionA, regionB)
	args.Protect = true
	m, out := runEdge(t, args)
	acl := only(t, m, webAclType)
	assert.Equal(t, "CLOUDFRONT", acl.Str("scope"))
	assert.Equal(t, "Protects app.example.com through CloudFront", acl.Str("description"))
	assert.Regexp(t, wafDescriptionPattern, acl.Str("description"), "WAFv2 refuses other characters, e.g. parentheses")
	assert.LessOrEqual(t, len(acl.Str("description")), 256)
	assert.Equal(t, edgeRegion, acl.Region, "CLOUDFRONT-scope WebACLs live in us-east-1")
	assert.True(t, acl.Has("defaultAction.allow"))
	assert.True(t, acl.Bool("visibilityConfig.cloudwatchMetricsEnabled"))
	assert.True(t, acl.Bool("visibilityConfig.sampledRequestsEnabled"))

	rules := acl.Plain("rules").([]any)
	require.Len(t, rules, 1+len(ManagedRuleGroups))
	groups := map[string]bool{}
	priorities := map[float64]bool{}
	for i := range rules {
		p := fmt.Sprintf("rules[%d]", i)
		priorities[acl.Num(p+".priority")] = true
		assert.True(t, acl.Bool(p+".visibilityConfig.cloudwatchMetricsEnabled"), p)
		assert.True(t, acl.Bool(p+".visibilityConfig.sampledRequestsEnabled"), p)
		assert.NotEmpty(t, acl.Str(p+".visibilityConfig.metricName"), p)
		if acl.Has(p + ".statement.rateBasedStatement") {
			assert.Equal(t, 1500.0, acl.Num(p+".statement.rateBasedStatement.limit"))
			assert.Equal(t, "IP", acl.Str(p+".statement.rateBasedStatement.aggregateKeyType"))
			assert.True(t, acl.Has(p+".action.block"))
			continue
		}
		assert.Equal(t, "AWS", acl.Str(p+".statement.managedRuleGroupStatement.vendorName"), p)
		assert.True(t, acl.Has(p+".overrideAction.none"), "%s keeps the group's own actions", p)
		groups[acl.Str(p+".statement.managedRuleGroupStatement.name")] = true
	}
	assert.Len(t, priorities, len(rules), "priorities are unique")
	for _, g := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet",
		"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesAnonymousIpList"} {
		assert.True(t, groups[g], "missing %s", g)
	}

	logging := only(t, m, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
	group := only(t, m, logGroupType)
	key := m.Named("aws:kms/key:Key", "edge-waf-logs-key")
	require.NotNil(t, key)
	assert.Equal(t, acl.Outputs["arn"].StringValue(), logging.Str("resourceArn"))
	assert.Equal(t, []string{group.Outputs["arn"].StringValue()}, logging.Strings("logDestinationConfigs"))
	assert.Regexp(t, `^aws-waf-logs-`, group.Str("namePrefix"))
	assert.Equal(t, edgeRegion, group.Region)
	assert.Equal(t, 90.0, group.Num("retentionInDays"))
	assert.Equal(t, key.Outputs["arn"].StringValue(), group.Str("kmsKeyId"))
	assert.Equal(t, edgeRegion, key.Region)
	assert.True(t, key.Bool("enableKeyRotation"))
	for _, k := range m.OfType("aws:kms/key:Key") {
		assert.True(t, k.Protect, "%s is protected in prod", k.Name)
	}
	assert.Contains(t, key.Str("policy"), `"Service":["logs.us-east-1.amazonaws.com"]`)

	assert.Equal(t, acl.Outputs["arn"].StringValue(), out.get(t, "webAclArn"))
	assert.Equal(t, acl.Str("visibilityConfig.metricName"), out.get(t, "webAclMetricName"),
		"observability alarms on the metric name, the WebACL dimension of AWS/WAFV2")
	// The stack ("test") is part of every metric name: staging and prod in one account must not
	// share the WebACL dimension their alarms watch. WAF allows only A-Z a-z 0-9 - _ (1..128).
	assert.Equal(t, "edge-test-waf", acl.Str("visibilityConfig.metricName"))
	metricNames := map[string]bool{acl.Str("visibilityConfig.metricName"): true}
	for i := range rules {
		n := acl.Str(fmt.Sprintf("rules[%d].visibilityConfig.metricName", i))
		assert.Regexp(t, `^edge-test-[A-Za-z0-9_-]{1,100}$`, n)
		metricNames[n] = true
	}
	assert.Len(t, metricNames, 1+len(rules), "metric names are unique")
}

// TestWafDescriptionPattern pins the pattern to AWS's own examples: the old "(CloudFront)" suffix
// was refused at create time.
func TestWafDescriptionPattern(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"Protects app.example.com through CloudFront", true},
		{"Protects app.example.com (CloudFront)", false},
		{"edge, prod: app-1.example.com", true},
		{"x", false},
		{"quote's", false},
	} {
		assert.Equal(t, tc.ok, wafDescriptionPattern.MatchString(tc.in), tc.in)
	}
	assert.Regexp(t, wafDescriptionPattern, wafDescription(strings.Repeat("a", 63)+".example.com"))
}

func TestWafMetricPrefix(t *testing.T) {
	for _, tc := range []struct{ name, stack, want string }{
		{"edge", "prod", "edge-prod"},
		{"edge", "team.staging", "edge-team-staging"},
		{"edge", "org/proj/dev", "edge-org-proj-dev"},
	} {
		assert.Equal(t, tc.want, wafMetricPrefix(tc.name, tc.stack))
	}
}

func TestDistributionInputs(t *testing.T) {
	m, out := runEdge(t, edgeArgs(regionA, regionB))
	d := only(t, m, distributionType)
	acl := only(t, m, webAclType)
	assert.Equal(t, edgeRegion, d.Region)
	assert.Equal(t, []string{"app.example.com"}, d.Strings("aliases"))
	assert.Equal(t, "arn:aws:acm:us-east-1:123456789012:certificate/viewer", d.Str("viewerCertificate.acmCertificateArn"))
	assert.Equal(t, "sni-only", d.Str("viewerCertificate.sslSupportMethod"))
	assert.Equal(t, "TLSv1.2_2021", d.Str("viewerCertificate.minimumProtocolVersion"))
	assert.Equal(t, "http2and3", d.Str("httpVersion"))
	assert.True(t, d.Bool("isIpv6Enabled"))
	assert.True(t, d.Bool("enabled"))
	assert.Equal(t, "PriceClass_100", d.Str("priceClass"))
	assert.Equal(t, acl.Outputs["arn"].StringValue(), d.Str("webAclId"), "WAFv2 attaches by ARN")

	// Origins: the failover name and one per region, all HTTPS/TLS 1.2 only with the secret header.
	origins := map[string]string{}
	for i := 0; i < d.Len("origins"); i++ {
		p := fmt.Sprintf("origins[%d]", i)
		origins[d.Str(p+".originId")] = d.Str(p + ".domainName")
		assert.Equal(t, "https-only", d.Str(p+".customOriginConfig.originProtocolPolicy"), p)
		assert.Equal(t, []string{"TLSv1.2"}, d.Strings(p+".customOriginConfig.originSslProtocols"), p)
		assert.Equal(t, 443.0, d.Num(p+".customOriginConfig.httpsPort"), p)
		// Fail over in seconds: 1 attempt of 5 s, a 10 s read timeout (CloudFront's defaults are
		// 3 x 10 s and 3 x 30 s against a black-holed origin).
		assert.Equal(t, 1.0, d.Num(p+".connectionAttempts"), p)
		assert.Equal(t, 5.0, d.Num(p+".connectionTimeout"), p)
		assert.Equal(t, 10.0, d.Num(p+".customOriginConfig.originReadTimeout"), p)
		require.Equal(t, 1, d.Len(p+".customHeaders"), p)
		assert.Equal(t, "X-Origin-Verify", d.Str(p+".customHeaders[0].name"), p)
		assert.Equal(t, secret, d.Str(p+".customHeaders[0].value"), p)
	}
	assert.True(t, d.IsSecret("origins"), "the origin secret stays secret in state")
	assert.Equal(t, map[string]string{
		"failover": "origin.app.example.com",
		regionA:    regionA + ".origin.app.example.com",
		regionB:    regionB + ".origin.app.example.com",
	}, origins)

	// The static origin group: the failover name first (a miss follows Route 53, so after DNS moves
	// it never waits for the dark home ALB), the standby's regional origin second, failing over on
	// 5xx (and connection failures). Exactly two members, both origins of this distribution.
	require.Equal(t, 1, d.Len("originGroups"))
	assert.Equal(t, []any{map[string]any{"originId": "failover"}, map[string]any{"originId": regionB}}, d.Plain("originGroups[0].members"))
	for i := 0; i < d.Len("originGroups[0].members"); i++ {
		assert.Contains(t, origins, d.Str(fmt.Sprintf("originGroups[0].members[%d].originId", i)), "a member is an origin of the distribution")
	}
	assert.Equal(t, []any{500.0, 502.0, 503.0, 504.0}, d.Plain("originGroups[0].failoverCriteria.statusCodes"))
	group := d.Str("originGroups[0].originId")

	// Behaviours.
	assert.Equal(t, "failover", d.Str("defaultCacheBehavior.targetOriginId"))
	assert.Equal(t, "redirect-to-https", d.Str("defaultCacheBehavior.viewerProtocolPolicy"))
	assert.ElementsMatch(t, []string{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}, d.Strings("defaultCacheBehavior.allowedMethods"))
	assert.Equal(t, CachingDisabledPolicyID, d.Str("defaultCacheBehavior.cachePolicyId"))
	assert.Equal(t, AllViewerExceptHostHeaderPolicyID, d.Str("defaultCacheBehavior.originRequestPolicyId"))
	assert.Equal(t, SecurityHeadersPolicyID, d.Str("defaultCacheBehavior.responseHeadersPolicyId"))
	require.Equal(t, 1, d.Len("orderedCacheBehaviors"))
	assert.Equal(t, "/static/*", d.Str("orderedCacheBehaviors[0].pathPattern"))
	assert.Equal(t, group, d.Str("orderedCacheBehaviors[0].targetOriginId"))
	assert.Equal(t, []string{"GET", "HEAD"}, d.Strings("orderedCacheBehaviors[0].allowedMethods"), "origin groups refuse write methods")
	assert.Equal(t, "redirect-to-https", d.Str("orderedCacheBehaviors[0].viewerProtocolPolicy"))
	assert.Equal(t, SecurityHeadersPolicyID, d.Str("orderedCacheBehaviors[0].responseHeadersPolicyId"))

	// Access logs to a private, encrypted, expiring bucket with ACLs CloudFront can use.
	bucket := only(t, m, bucketType)
	assert.Equal(t, bucket.Outputs["bucketDomainName"].StringValue(), d.Str("loggingConfig.bucket"))
	assert.Equal(t, edgeRegion, bucket.Region)
	assert.Equal(t, "BucketOwnerPreferred", only(t, m, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").Str("rule.objectOwnership"))
	pab := only(t, m, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab.Bool(k), k)
	}
	enc := only(t, m, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	bucketKey := m.Named("aws:kms/key:Key", "edge-cf-logs-key")
	require.NotNil(t, bucketKey)
	assert.Equal(t, "aws:kms", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	assert.Equal(t, bucketKey.Outputs["arn"].StringValue(), enc.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"), "customer-managed key")
	assert.True(t, enc.Bool("rules[0].bucketKeyEnabled"))
	assert.Equal(t, edgeRegion, bucketKey.Region)
	assert.True(t, bucketKey.Bool("enableKeyRotation"))
	var delivery map[string]any
	for _, st := range bucketKey.JSON("policy")["Statement"].([]any) {
		if st.(map[string]any)["Sid"] == "CloudFrontLogDeliveryEncrypts" {
			delivery = st.(map[string]any)
		}
	}
	require.NotNil(t, delivery, "the key lets CloudFront's log delivery write")
	assert.Equal(t, map[string]any{"Service": []any{"delivery.logs.amazonaws.com"}}, delivery["Principal"])
	assert.Equal(t, []any{"kms:GenerateDataKey*"}, delivery["Action"])
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": offline.AccountID}}, delivery["Condition"],
		"only this account's log deliveries may use the key (confused deputy)")
	life := only(t, m, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	assert.Equal(t, 90.0, life.Num("rules[0].expiration.days"))
	policy := only(t, m, "aws:s3/bucketPolicy:BucketPolicy").JSON("policy")
	require.NotNil(t, policy)
	assert.Equal(t, "DenyInsecureTransport", policy["Statement"].([]any)[0].(map[string]any)["Sid"])
	for _, dep := range []string{"aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPolicy:BucketPolicy"} {
		assert.True(t, d.DependsOn(only(t, m, dep)), "distribution waits for %s", dep)
	}

	assert.Equal(t, "https://app.example.com", out.get(t, "url"))
	assert.Equal(t, d.ID, out.get(t, "distributionId"))
	assert.Equal(t, d.Outputs["domainName"].StringValue(), out.get(t, "distributionDomainName"))
	assert.Equal(t, d.Outputs["arn"].StringValue(), out.get(t, "distributionArn"))
}

func TestFailoverPairAndHealthChecks(t *testing.T) {
	for _, tc := range []struct{ home, standby string }{{regionA, regionB}, {regionB, regionA}} {
		t.Run("home "+tc.home, func(t *testing.T) {
			m, out := runEdge(t, edgeArgs(tc.home, tc.standby))
			assert.Empty(t, m.OfType(alarmType), "no CloudWatch alarm decides traffic any more")
			checks := map[string]*offline.Resource{}
			for _, c := range m.OfType(healthCheckType) {
				checks[c.Name] = c
			}
			require.Len(t, checks, 5)

			// Four HTTPS checks, named by region: each region's liveness and global-primary paths,
			// through its own origin name, on 443, SNI on, 30 s x 3 as configured.
			for _, c := range []struct {
				region, kind, path string
				inverted           bool
			}{
				{tc.home, "live", "/health", false},
				{tc.home, "primary", "/health/global-primary", false},
				{tc.standby, "live", "/health", false},
				{tc.standby, "primary", "/health/global-primary", true},
			} {
				hc := checks["edge-"+c.region+"-"+c.kind]
				require.NotNil(t, hc, c.region+" "+c.kind)
				assert.Equal(t, "HTTPS", hc.Str("type"))
				assert.Equal(t, c.region+".origin.app.example.com", hc.Str("fqdn"))
				assert.Equal(t, 443.0, hc.Num("port"))
				assert.Equal(t, c.path, hc.Str("resourcePath"))
				assert.True(t, hc.Bool("enableSni"))
				assert.Equal(t, 30.0, hc.Num("requestInterval"))
				assert.Equal(t, 3.0, hc.Num("failureThreshold"))
				assert.Equal(t, c.inverted, hc.Bool("invertHealthcheck"), "only the standby's primary check is inverted")
				assert.False(t, hc.Has("regions"), "all checker locations")
				assert.False(t, hc.Has("ipAddress"), "resolved by name, so the check follows the ALB's addresses")
				assert.Equal(t, c.region, hc.Str("tags.Region"))
				assert.Equal(t, edgeRegion, hc.Region)
			}

			// The PRIMARY record's check: home liveness AND home primary AND NOT standby primary.
			serves := checks["edge-"+tc.home+"-serves"]
			require.NotNil(t, serves)
			assert.Equal(t, "CALCULATED", serves.Str("type"))
			assert.Equal(t, []string{
				checks["edge-"+tc.home+"-live"].ID, checks["edge-"+tc.home+"-primary"].ID, checks["edge-"+tc.standby+"-primary"].ID,
			}, serves.Strings("childHealthchecks"))
			assert.Equal(t, 3.0, serves.Num("childHealthThreshold"))
			assert.False(t, serves.Bool("invertHealthcheck"))

			// The pair never changes name, type or set identifier: "home" is PRIMARY, "standby" SECONDARY.
			for _, r := range []struct{ key, region, role, check string }{
				{"home", tc.home, "PRIMARY", serves.ID},
				{"standby", tc.standby, "SECONDARY", checks["edge-"+tc.standby+"-live"].ID},
			} {
				rec := m.Named(recordType, "edge-failover-"+r.key)
				require.NotNil(t, rec, r.key)
				assert.Equal(t, "origin.app.example.com", rec.Str("name"))
				assert.Equal(t, "A", rec.Str("type"))
				assert.Equal(t, "ZONE1", rec.Str("zoneId"))
				assert.Equal(t, r.key, rec.Str("setIdentifier"))
				assert.Equal(t, r.role, rec.Str("failoverRoutingPolicies[0].type"))
				assert.Equal(t, "alb-"+r.region+".elb.amazonaws.com", rec.Str("aliases[0].name"))
				assert.Equal(t, "ZALB-"+r.region, rec.Str("aliases[0].zoneId"))
				assert.True(t, rec.Bool("aliases[0].evaluateTargetHealth"), r.role)
				assert.Equal(t, r.check, rec.Str("healthCheckId"), r.role)

				regional := m.Named(recordType, "edge-origin-"+r.region)
				require.NotNil(t, regional)
				assert.Equal(t, r.region+".origin.app.example.com", regional.Str("name"))
				assert.Equal(t, "alb-"+r.region+".elb.amazonaws.com", regional.Str("aliases[0].name"))
				assert.False(t, regional.Has("setIdentifier"))
			}

			// Viewer records alias the distribution, for IPv4 and IPv6.
			d := only(t, m, distributionType)
			for _, typ := range []string{"a", "aaaa"} {
				v := m.Named(recordType, "edge-viewer-"+typ)
				require.NotNil(t, v, typ)
				assert.Equal(t, "app.example.com", v.Str("name"))
				assert.Equal(t, d.Outputs["domainName"].StringValue(), v.Str("aliases[0].name"))
				assert.Equal(t, "Z2FDTNDATAQYW2", v.Str("aliases[0].zoneId"))
			}
			assert.Len(t, m.OfType(recordType), 6)

			assert.Equal(t, serves.ID, out.get(t, "healthCheckId"))
			assert.Equal(t, checks["edge-"+tc.standby+"-live"].ID, out.get(t, "secondaryHealthCheckId"))
			ids := out.get(t, "healthCheckIds").(map[string]string)
			assert.Len(t, ids, 5)
			assert.Equal(t, serves.ID, ids[tc.home+"-serves"])
			assert.Equal(t, "origin.app.example.com", out.get(t, "failoverRecordName"))
			assert.Equal(t, "ZONE1", out.get(t, "zoneId"))
		})
	}
}

// Swapping the regions in config changes what the records point at, never their names, types or
// set identifiers: Route 53 would refuse the moment with two PRIMARY records.
func TestFailoverRecordsStableAcrossRegionSwap(t *testing.T) {
	a, _ := runEdge(t, edgeArgs(regionA, regionB))
	b, _ := runEdge(t, edgeArgs(regionB, regionA))
	for _, key := range []string{"home", "standby"} {
		ra, rb := a.Named(recordType, "edge-failover-"+key), b.Named(recordType, "edge-failover-"+key)
		require.NotNil(t, ra)
		require.NotNil(t, rb)
		for _, field := range []string{"name", "type", "setIdentifier", "failoverRoutingPolicies[0].type"} {
			assert.Equal(t, ra.Str(field), rb.Str(field), key+" "+field)
		}
	}
}

// The component builds exactly the plan the failover model evaluates.
func TestComponentBuildsThePlan(t *testing.T) {
	args := edgeArgs(regionA, regionB)
	m, _ := runEdge(t, args)
	checks, records, err := Plan(args)
	require.NoError(t, err)
	require.Len(t, m.OfType(healthCheckType), len(checks))
	for _, c := range checks {
		hc := m.Named(healthCheckType, "edge-"+c.Key)
		require.NotNil(t, hc, c.Key)
		assert.Equal(t, c.Type, hc.Str("type"))
		assert.Equal(t, c.Inverted, hc.Bool("invertHealthcheck"))
	}
	for _, r := range records {
		rec := m.Named(recordType, "edge-failover-"+r.Key)
		require.NotNil(t, rec)
		assert.Equal(t, r.Failover, rec.Str("failoverRoutingPolicies[0].type"))
		assert.Equal(t, m.Named(healthCheckType, "edge-"+r.HealthCheck).ID, rec.Str("healthCheckId"))
	}
}

func TestApexNames(t *testing.T) {
	args := edgeArgs(regionA, regionB)
	args.Names = NewNames("", "example.com")
	m, out := runEdge(t, args)
	assert.Equal(t, []string{"example.com"}, only(t, m, distributionType).Strings("aliases"))
	assert.Equal(t, "origin.example.com", m.Named(recordType, "edge-failover-home").Str("name"))
	assert.Equal(t, "https://example.com", out.get(t, "url"))
}

// TestNoCycle wires certificates -> (compute stand-in) -> edge as main does: compute consumes the
// regional certificates, the edge consumes compute and the viewer certificate, and nothing of the
// certificates waits for the edge.
func TestNoCycle(t *testing.T) {
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		ps, err := providers(ctx, regionA, regionB)
		if err != nil {
			return err
		}
		certs, err := NewCertificates(ctx, "certificates", &CertificatesArgs{DomainName: "example.com", Names: testNames, HostedZoneId: testZoneId,
			Regions: []string{regionA, regionB}, RegionalProviders: ps, EdgeProvider: ps[edgeRegion]})
		if err != nil {
			return err
		}
		args := edgeArgs(regionA, regionB)
		for _, o := range []*RegionOrigin{&args.Primary, &args.Secondary} {
			// A listener-like consumer of the regional certificate, standing in for compute.
			listener, err := newStandIn(ctx, "compute-"+o.Region, certs.RegionalCertificateArns.MapIndex(pulumi.String(o.Region)), ps[o.Region])
			if err != nil {
				return err
			}
			o.AlbDnsName = listener
		}
		args.EdgeProvider = ps[edgeRegion]
		args.ZoneId, args.ViewerCertificateArn = certs.ZoneId, certs.ViewerCertificateArn
		_, err = NewEdge(ctx, "edge", args)
		return err
	})
	certComp := only(t, m, "multi-region-ha:edge:Certificates")
	edgeComp := only(t, m, edgeType)
	edgeURNs := map[string]bool{}
	for _, r := range m.Descendants(edgeComp.URN) {
		edgeURNs[r.URN] = true
	}
	for _, r := range m.Descendants(certComp.URN) {
		for _, d := range r.Dependencies {
			assert.False(t, edgeURNs[d], "%s waits for the edge's %s", r.Name, d)
		}
	}
	d := only(t, m, distributionType)
	assert.True(t, d.DependsOn(m.Named(validationType, "certificates-viewer-validation")), "CloudFront waits for the validated viewer certificate")
	standIn := m.Named("aws:ssm/parameter:Parameter", "compute-"+regionA)
	assert.True(t, standIn.DependsOn(m.Named(validationType, "certificates-"+regionA+"-validation")), "compute waits for its validated certificate")
	assert.True(t, m.Named(recordType, "edge-failover-home").DependsOn(standIn), "the edge waits for compute")
}

func TestEdgeArgsRejected(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Args)
		want   string
	}{
		{"no zone", func(a *Args) { a.ZoneId = nil }, "ZoneId is required"},
		{"no secret", func(a *Args) { a.OriginVerifySecret = nil }, "OriginVerifySecret is required"},
		{"same regions", func(a *Args) { a.Secondary = regionOrigin(regionA) }, "both in eu-west-1"},
		{"price class", func(a *Args) { a.PriceClass = "PriceClass_50" }, "PriceClass"},
		{"rate limit", func(a *Args) { a.WafRateLimit = 99 }, "minimum of 100"},
		{"interval", func(a *Args) { a.HealthCheckIntervalSeconds = 20 }, "only 10 or 30"},
		{"threshold", func(a *Args) { a.HealthCheckFailureThreshold = 11 }, "1 to 10"},
		{"no liveness path", func(a *Args) { a.LivenessPath = "" }, "liveness path"},
		{"two checker regions", func(a *Args) { a.HealthCheckerRegions = []string{"us-east-1", "eu-west-1"} }, "at least 3"},
		{"missing alb", func(a *Args) { a.Primary.AlbZoneId = nil }, "Primary needs"},
		{"bad names", func(a *Args) { a.Names = NewNames("app", "") }, "is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := edgeArgs(regionA, regionB)
			tc.mutate(args)
			_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
				ps, err := providers(ctx, regionA, regionB)
				if err != nil {
					return err
				}
				args.EdgeProvider = ps[edgeRegion]
				_, err = NewEdge(ctx, "edge", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error { _, err := NewEdge(ctx, "edge", nil); return err })
	assert.ErrorContains(t, err, "args are required")
}

// CloudFront accepts only these failover status codes on an origin group (CloudFront Developer
// Guide, "Create an origin group"; the API's OriginGroupFailoverCriteria).
func TestOriginFailoverStatusCodesAllowedByCloudFront(t *testing.T) {
	allowed := map[int]bool{400: true, 403: true, 404: true, 416: true, 500: true, 502: true, 503: true, 504: true}
	for _, c := range OriginFailoverStatusCodes {
		assert.True(t, allowed[c], "%d is not a CloudFront origin-group failover code", c)
	}
	members := StaticOriginGroupMembers("us-west-2")
	assert.Len(t, members, 2, "an origin group has exactly two members")
	assert.NotEqual(t, members[0], members[1])
}
