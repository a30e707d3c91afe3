package compute

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	region = "eu-west-1"
	secret = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
	amiX86 = "ami-0123456789abcdef0"
	cfPl   = "pl-4fa04526"
	cert   = "arn:aws:acm:eu-west-1:123456789012:certificate/regional"
	// hcPrefixList stands in for the id of com.amazonaws.eu-west-1.route53-healthchecks.
	hcPrefixList = "pl-route53-healthchecks-eu-west-1"
)

var (
	publicSubnets  = []string{"subnet-public-a", "subnet-public-b", "subnet-public-c"}
	privateSubnets = []string{"subnet-private-a", "subnet-private-b", "subnet-private-c"}
	dbCidrs        = []string{"10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"}
)

func testArgs(prod bool) *Args {
	return &Args{
		VpcId:                   pulumi.String("vpc-test"),
		PublicSubnetIds:         pulumi.ToStringArray(publicSubnets),
		PrivateSubnetIds:        pulumi.ToStringArray(privateSubnets),
		DatabaseSubnetCidrs:     dbCidrs,
		DatabasePort:            5432,
		CertificateArn:          pulumi.String(cert),
		OriginVerifySecret:      pulumi.ToSecret(pulumi.String(secret)).(pulumi.StringOutput),
		Role:                    RolePrimary,
		InstanceType:            "m7i.large",
		AmiId:                   amiX86,
		AccountId:               offline.AccountID,
		Region:                  region,
		CloudFrontPrefixListId:  cfPl,
		ElbAccountId:            "156460612806",
		MinSize:                 2,
		MaxSize:                 6,
		DesiredCapacity:         3,
		AppPort:                 8080,
		HealthCheckPath:         "/health",
		DeletionProtection:      prod,
		AccessLogRetentionDays:  90,
		Tags:                    map[string]string{"Application": "web"},
		HealthCheckPrefixListId: pulumi.String(hcPrefixList),
		Database:                DatabaseDiscovery{GlobalClusterIdentifier: "multi-region-ha-test-database", SecretNamePrefix: "database-credentials-"},
	}
}

// runCompute builds one Compute on an explicit provider of rgn under mocks and returns the recorder
// and the component.
func runCompute(t *testing.T, rgn string, args *Args) (*offline.Mocks, *Compute) {
	t.Helper()
	var c *Compute
	// Wire the region's table values the way main.go does.
	args.Region = rgn
	args.ElbAccountId, _ = awsenv.ElbAccount(rgn)
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+rgn, &aws.ProviderArgs{Region: pulumi.String(rgn)})
		if err != nil {
			return err
		}
		c, err = NewCompute(ctx, "compute-"+rgn, args, pulumi.Provider(p))
		return err
	})
	return m, c
}

func one(t *testing.T, m *offline.Mocks, typ string) *offline.Resource {
	t.Helper()
	rs := m.OfType(typ)
	require.Len(t, rs, 1, typ)
	return rs[0]
}

func TestEveryChildIsParentedAndOnTheRegionsProvider(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	comp := one(t, m, "multi-region-ha:compute:Compute")
	descendants := m.Descendants(comp.URN)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || r.Type == "pulumi:providers:aws" {
			continue
		}
		custom++
		assert.Equal(t, region, r.Region, "%s %s", r.Type, r.Name)
		assert.Contains(t, descendants, r, "%s %s is not under the component", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "compute-"+region+"-"), "%s derives its name from the component", r.Name)
	}
	assert.Greater(t, custom, 20)
	for _, inv := range m.Invokes() {
		assert.Equal(t, region, inv.Region, "invoke %s", inv.Token)
	}
}

func TestAlbIsInternetFacingHardenedAndLogged(t *testing.T) {
	for _, prod := range []bool{true, false} {
		m, _ := runCompute(t, region, testArgs(prod))
		alb := one(t, m, "aws:lb/loadBalancer:LoadBalancer")
		bucket := one(t, m, "aws:s3/bucketV2:BucketV2")
		assert.Equal(t, "application", alb.Str("loadBalancerType"))
		assert.False(t, alb.Bool("internal"))
		assert.Equal(t, publicSubnets, alb.Strings("subnets"))
		assert.True(t, alb.Bool("dropInvalidHeaderFields"))
		assert.Contains(t, []string{"defensive", "strictest"}, alb.Str("desyncMitigationMode"))
		assert.True(t, alb.Bool("enableHttp2"))
		assert.Equal(t, prod, alb.Bool("enableDeletionProtection"), "deletion protection follows prod")
		assert.Equal(t, bucket.Outputs["bucket"].StringValue(), alb.Str("accessLogs.bucket"))
		assert.True(t, alb.Bool("accessLogs.enabled"))
		assert.True(t, alb.DependsOn(one(t, m, "aws:s3/bucketPolicy:BucketPolicy")), "ELB checks the bucket policy when logs are enabled")
		assert.Equal(t, []string{"compute-" + region + "-alb-sg-id", "compute-" + region + "-alb-hc-sg-id"}, alb.Strings("securityGroups"),
			"CloudFront's group and the health checkers' group, each holding its prefix list alone")
		assert.Equal(t, 60.0, alb.Num("clientKeepAlive"), "set explicitly: the traffic budget counts it")
		assert.LessOrEqual(t, len(alb.Str("namePrefix")), 6, "AWS allows a 6-character name prefix")
		assert.Equal(t, "compute-"+region+"-alb", alb.Tags()["Name"])
		assert.Equal(t, RolePrimary, alb.Tags()["Role"])
	}
}

func TestAccessLogBucket(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	bucket := one(t, m, "aws:s3/bucketV2:BucketV2")
	name := bucket.Outputs["bucket"].StringValue()
	assert.False(t, bucket.Bool("forceDestroy"), "prod keeps its logs")

	sse := one(t, m, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	assert.Equal(t, name, sse.Str("bucket"))
	assert.Equal(t, "AES256", sse.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"), "ALB logs accept SSE-S3 only")
	assert.False(t, sse.Has("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"))

	own := one(t, m, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
	assert.Equal(t, "BucketOwnerEnforced", own.Str("rule.objectOwnership"))
	pab := one(t, m, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab.Bool(k), k)
	}
	ver := one(t, m, "aws:s3/bucketVersioningV2:BucketVersioningV2")
	assert.Equal(t, "Enabled", ver.Str("versioningConfiguration.status"))
	lc := one(t, m, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	assert.Equal(t, 90.0, lc.Num("rules[0].expiration.days"))
	assert.Equal(t, "Enabled", lc.Str("rules[0].status"))
	assert.True(t, lc.Has("rules[0].noncurrentVersionExpiration.noncurrentDays"))
	assert.True(t, lc.DependsOn(ver))

	policy := one(t, m, "aws:s3/bucketPolicy:BucketPolicy")
	assert.True(t, policy.DependsOn(pab))
	doc := policy.JSON("policy")
	require.NotNil(t, doc)
	statements := doc["Statement"].([]any)
	require.Len(t, statements, 2)
	deny := statements[1].(map[string]any)
	assert.Equal(t, "Deny", deny["Effect"])
	assert.Equal(t, map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}, deny["Condition"])

	staging, _ := runCompute(t, region, testArgs(false))
	assert.True(t, one(t, staging, "aws:s3/bucketV2:BucketV2").Bool("forceDestroy"), "staging can be destroyed with its logs")
}

func TestAccessLogDeliveryPrincipalDependsOnRegion(t *testing.T) {
	cases := []struct {
		region    string
		principal map[string]any
	}{
		{"us-east-1", map[string]any{"AWS": []any{"arn:aws:iam::127311923021:root"}}},
		{"eu-west-1", map[string]any{"AWS": []any{"arn:aws:iam::156460612806:root"}}},
		{"eu-central-2", map[string]any{"Service": []any{ElbLogDeliveryService}}},
		{"ap-southeast-4", map[string]any{"Service": []any{ElbLogDeliveryService}}},
	}
	for _, tc := range cases {
		t.Run(tc.region, func(t *testing.T) {
			m, _ := runCompute(t, tc.region, testArgs(false))
			bucket := one(t, m, "aws:s3/bucketV2:BucketV2")
			doc := one(t, m, "aws:s3/bucketPolicy:BucketPolicy").JSON("policy")
			allow := doc["Statement"].([]any)[0].(map[string]any)
			assert.Equal(t, "Allow", allow["Effect"])
			assert.Equal(t, tc.principal, allow["Principal"])
			assert.Equal(t, []any{"s3:PutObject"}, allow["Action"])
			assert.Equal(t, []any{bucket.Outputs["arn"].StringValue() + "/AWSLogs/" + offline.AccountID + "/*"}, allow["Resource"])
			assert.Empty(t, m.Invokes(), "the principal comes from the table, not a lookup")
		})
	}
}

func TestHttpsOnlyListener(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	l := one(t, m, "aws:lb/listener:Listener")
	assert.Equal(t, 443.0, l.Num("port"))
	assert.Equal(t, "HTTPS", l.Str("protocol"))
	assert.Equal(t, "ELBSecurityPolicy-TLS13-1-2-2021-06", l.Str("sslPolicy"))
	// Route 53's HTTPS health checks need TLS 1.0, 1.1 or 1.2 from the endpoint: the policy keeps 1.2.
	assert.Contains(t, l.Str("sslPolicy"), "TLS13-1-2", "TLS 1.3 and 1.2")
	assert.Equal(t, cert, l.Str("certificateArn"))
	assert.Equal(t, one(t, m, "aws:lb/loadBalancer:LoadBalancer").Outputs["arn"].StringValue(), l.Str("loadBalancerArn"))
	require.Equal(t, 1, l.Len("defaultActions"))
	assert.Equal(t, "fixed-response", l.Str("defaultActions[0].type"))
	assert.Equal(t, "403", l.Str("defaultActions[0].fixedResponse.statusCode"))
	assert.False(t, l.Has("defaultActions[0].targetGroupArn"), "nothing reaches the targets by default")
}

func TestListenerRuleForwardsOnlyWithTheOriginHeader(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	rule := m.Named("aws:lb/listenerRule:ListenerRule", "compute-"+region+"-from-cloudfront")
	require.NotNil(t, rule)
	assert.Equal(t, 10.0, rule.Num("priority"))
	tg := one(t, m, "aws:lb/targetGroup:TargetGroup")
	assert.Equal(t, one(t, m, "aws:lb/listener:Listener").Outputs["arn"].StringValue(), rule.Str("listenerArn"))
	require.Equal(t, 1, rule.Len("conditions"))
	assert.Equal(t, "X-Origin-Verify", rule.Str("conditions[0].httpHeader.httpHeaderName"))
	assert.Equal(t, []string{secret}, rule.Strings("conditions[0].httpHeader.values"))
	assert.True(t, rule.IsSecret("conditions[0].httpHeader.values"), "the secret stays secret in state")
	require.Equal(t, 1, rule.Len("actions"))
	assert.Equal(t, "forward", rule.Str("actions[0].type"))
	assert.Equal(t, tg.Outputs["arn"].StringValue(), rule.Str("actions[0].targetGroupArn"))
}

// Route 53's checkers send no origin secret: exactly the liveness and global-primary paths, GET or
// HEAD, reach the targets without it, before the secret rule; everything else gets the 403.
func TestHealthPathsRuleNeedsNoSecret(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	rules := m.OfType("aws:lb/listenerRule:ListenerRule")
	require.Len(t, rules, 2, "the health paths and the origin secret: nothing else reaches the targets")
	hr := m.Named("aws:lb/listenerRule:ListenerRule", "compute-"+region+"-health-paths")
	require.NotNil(t, hr)
	secretRule := m.Named("aws:lb/listenerRule:ListenerRule", "compute-"+region+"-from-cloudfront")
	assert.Less(t, hr.Num("priority"), secretRule.Num("priority"), "evaluated first")
	assert.Equal(t, one(t, m, "aws:lb/listener:Listener").Outputs["arn"].StringValue(), hr.Str("listenerArn"))
	require.Equal(t, 2, hr.Len("conditions"))
	assert.Equal(t, []string{"/health", "/health/global-primary"}, hr.Strings("conditions[0].pathPattern.values"))
	assert.Equal(t, []string{"GET", "HEAD"}, hr.Strings("conditions[1].httpRequestMethod.values"))
	assert.False(t, hr.Has("conditions[0].httpHeader"))
	for _, v := range hr.Strings("conditions[0].pathPattern.values") {
		assert.False(t, strings.ContainsAny(v, "*?"), "exact paths, no ALB wildcards")
	}
	assert.Equal(t, "forward", hr.Str("actions[0].type"))
	assert.Equal(t, one(t, m, "aws:lb/targetGroup:TargetGroup").Outputs["arn"].StringValue(), hr.Str("actions[0].targetGroupArn"))
}

// The default application may find its database; a custom one brings its own configuration and
// gets no extra permission.
func TestDatabaseDiscoveryGrantOnlyForTheDefaultApplication(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	p := m.Named("aws:iam/rolePolicy:RolePolicy", "compute-"+region+"-instance-discover-database")
	require.NotNil(t, p)
	role := one(t, m, "aws:iam/role:Role")
	assert.Equal(t, role.Outputs["name"].StringValue(), p.Str("role"))
	doc := p.JSON("policy")
	require.NotNil(t, doc)
	assert.Contains(t, fmt.Sprint(doc), "arn:aws:rds::"+offline.AccountID+":global-cluster:multi-region-ha-test-database")

	custom := testArgs(true)
	custom.UserData = "#!/bin/bash\necho custom\n"
	m, _ = runCompute(t, region, custom)
	assert.Nil(t, m.Named("aws:iam/rolePolicy:RolePolicy", "compute-"+region+"-instance-discover-database"))
}

func TestOutputs(t *testing.T) {
	var c *Compute
	var got map[string]internals.UnsafeAwaitOutputResult
	offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		if c, err = NewCompute(ctx, "compute-"+region, testArgs(false), pulumi.Provider(p)); err != nil {
			return err
		}
		got = map[string]internals.UnsafeAwaitOutputResult{}
		for k, o := range map[string]pulumi.Output{
			"albArn": c.AlbArn, "albDnsName": c.AlbDnsName, "albZoneId": c.AlbZoneId, "albArnSuffix": c.AlbArnSuffix,
			"tgArn": c.TargetGroupArn, "tgSuffix": c.TargetGroupArnSuffix, "asg": c.AutoScalingGroupName,
			"appSg": c.AppSecurityGroupId, "albSg": c.AlbSecurityGroupId, "secret": c.OriginVerifySecret, "logs": c.AccessLogsBucket,
		} {
			r, err := internals.UnsafeAwaitOutput(context.Background(), o)
			if err != nil {
				return err
			}
			got[k] = r
		}
		return nil
	})
	assert.Equal(t, "compute-"+region+"-app-sg-id", got["appSg"].Value)
	assert.Equal(t, "compute-"+region+"-alb-sg-id", got["albSg"].Value)
	assert.Equal(t, "compute-"+region+"-asg", got["asg"].Value)
	assert.Contains(t, got["albDnsName"].Value, ".eu-west-1.elb.amazonaws.com")
	assert.Contains(t, got["albArnSuffix"].Value, "app/")
	assert.Contains(t, got["tgSuffix"].Value, "targetgroup/")
	assert.NotEmpty(t, got["albZoneId"].Value)
	assert.Equal(t, secret, got["secret"].Value)
	assert.True(t, got["secret"].Secret, "OriginVerifySecret is a secret output")
	for k, r := range got {
		if k != "secret" {
			assert.False(t, r.Secret, k)
		}
	}
}

func TestOriginSecretThatTheAlbWouldReadAsAPatternFails(t *testing.T) {
	for _, bad := range []string{"short", strings.Repeat("a", 31) + "*", strings.Repeat("b", 40) + "?", strings.Repeat("c", 129)} {
		args := testArgs(false)
		args.OriginVerifySecret = pulumi.ToSecret(pulumi.String(bad)).(pulumi.StringOutput)
		_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
			p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return err
			}
			_, err = NewCompute(ctx, "compute-"+region, args, pulumi.Provider(p))
			return err
		})
		require.Error(t, err, "%d characters", len(bad))
		assert.Contains(t, err.Error(), "origin verify secret")
		assert.NotContains(t, err.Error(), bad, "the error must not echo the secret")
	}
}

func TestSecurityGroupRules(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	albSg := m.Named("aws:ec2/securityGroup:SecurityGroup", "compute-"+region+"-alb-sg")
	appSg := m.Named("aws:ec2/securityGroup:SecurityGroup", "compute-"+region+"-app-sg")
	require.NotNil(t, albSg)
	require.NotNil(t, appSg)
	hcSg := m.Named("aws:ec2/securityGroup:SecurityGroup", "compute-"+region+"-alb-hc-sg")
	require.NotNil(t, hcSg)
	require.Len(t, m.OfType("aws:ec2/securityGroup:SecurityGroup"), 3)
	for _, sg := range []*offline.Resource{albSg, hcSg, appSg} {
		assert.Equal(t, "vpc-test", sg.Str("vpcId"))
		assert.False(t, sg.Has("ingress"), "%s: standalone rules only, never inline", sg.Name)
		assert.False(t, sg.Has("egress"), "%s: standalone rules only, never inline", sg.Name)
		assert.NotEmpty(t, sg.Str("description"))
	}
	assert.Empty(t, m.OfType("aws:ec2/securityGroupRule:SecurityGroupRule"), "one rule style only")

	in := "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	out := "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	for _, typ := range []string{in, out} {
		for _, r := range m.OfType(typ) {
			assert.NotEmpty(t, r.Str("description"), "%s has a description", r.Name)
			assert.Equal(t, "tcp", r.Str("ipProtocol"), r.Name)
			assert.Equal(t, r.Num("fromPort"), r.Num("toPort"), "%s opens one port", r.Name)
			assert.False(t, r.Has("cidrIpv6"), r.Name)
		}
	}
	for _, r := range m.OfType(in) {
		assert.False(t, r.Has("cidrIpv4"), "%s: no ingress from a CIDR", r.Name)
	}
	assert.Len(t, m.OfType(in), 3)
	assert.Len(t, m.OfType(out), 5)

	byPort := func(typ, group string) map[float64][]*offline.Resource {
		out := map[float64][]*offline.Resource{}
		for _, r := range m.OfType(typ) {
			if r.Str("securityGroupId") == group {
				out[r.Num("fromPort")] = append(out[r.Num("fromPort")], r)
			}
		}
		return out
	}

	albIn := byPort(in, albSg.ID)
	require.Len(t, albIn, 1)
	require.Len(t, albIn[443], 1, "ALB admits HTTPS only")
	assert.Equal(t, cfPl, albIn[443][0].Str("prefixListId"), "only CloudFront's origin-facing addresses")
	assert.False(t, albIn[443][0].Has("cidrIpv4"))

	// The health checkers' group: 443 from the route53-healthchecks prefix list, nothing else, no egress.
	hcIn := byPort(in, hcSg.ID)
	require.Len(t, hcIn, 1)
	require.Len(t, hcIn[443], 1)
	assert.Equal(t, hcPrefixList, hcIn[443][0].Str("prefixListId"))
	assert.Empty(t, byPort(out, hcSg.ID), "the ALB reaches the instances through the CloudFront group's egress")
	assert.LessOrEqual(t, CloudFrontOriginFacingWeight, DefaultInboundRulesPerGroup)
	assert.Greater(t, CloudFrontOriginFacingWeight+Route53HealthChecksWeight, DefaultInboundRulesPerGroup, "the two lists cannot share a group")
	assert.Equal(t, "com.amazonaws.eu-west-1.route53-healthchecks", Route53HealthChecksPrefixList("eu-west-1"))

	albOut := byPort(out, albSg.ID)
	require.Len(t, albOut, 1)
	require.Len(t, albOut[8080], 1)
	assert.Equal(t, appSg.ID, albOut[8080][0].Str("referencedSecurityGroupId"), "ALB talks only to the instances' app port")

	appIn := byPort(in, appSg.ID)
	require.Len(t, appIn, 1)
	require.Len(t, appIn[8080], 1)
	assert.Equal(t, albSg.ID, appIn[8080][0].Str("referencedSecurityGroupId"), "instances admit only the ALB")

	appOut := byPort(out, appSg.ID)
	require.Len(t, appOut, 2, "HTTPS and the database port only")
	require.Len(t, appOut[443], 1)
	assert.Equal(t, "0.0.0.0/0", appOut[443][0].Str("cidrIpv4"))
	var db []string
	for _, r := range appOut[5432] {
		db = append(db, r.Str("cidrIpv4"))
	}
	assert.ElementsMatch(t, dbCidrs, db, "database egress goes to the database subnets only")

	assert.Empty(t, m.Invokes(), "the prefix list id comes from Args, never a lookup")
}

func TestTargetGroup(t *testing.T) {
	args := testArgs(true)
	args.AppPort, args.HealthCheckPath = 9000, "/healthz"
	m, _ := runCompute(t, region, args)
	tg := one(t, m, "aws:lb/targetGroup:TargetGroup")
	assert.Equal(t, 9000.0, tg.Num("port"))
	assert.Equal(t, "HTTP", tg.Str("protocol"))
	assert.Equal(t, "instance", tg.Str("targetType"))
	assert.Equal(t, "vpc-test", tg.Str("vpcId"))
	assert.Equal(t, "/healthz", tg.Str("healthCheck.path"))
	assert.Equal(t, "traffic-port", tg.Str("healthCheck.port"))
	assert.Equal(t, "200", tg.Str("healthCheck.matcher"))
	assert.LessOrEqual(t, tg.Num("healthCheck.interval"), 10.0)
	assert.LessOrEqual(t, tg.Num("healthCheck.healthyThreshold"), 3.0)
	assert.LessOrEqual(t, tg.Num("healthCheck.unhealthyThreshold"), 3.0)
	assert.Less(t, tg.Num("healthCheck.timeout"), tg.Num("healthCheck.interval"))
	assert.LessOrEqual(t, tg.Num("deregistrationDelay"), 60.0)
	assert.LessOrEqual(t, len(tg.Str("namePrefix")), 6)

	appOut := m.Named("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "compute-"+region+"-alb-out-app")
	assert.Equal(t, 9000.0, appOut.Num("fromPort"), "security groups follow the app port")
}

func TestLaunchTemplate(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	lt := one(t, m, "aws:ec2/launchTemplate:LaunchTemplate")
	key := one(t, m, "aws:kms/key:Key")
	profile := one(t, m, "aws:iam/instanceProfile:InstanceProfile")

	assert.Equal(t, amiX86, lt.Str("imageId"), "the pinned AMI, never a lookup")
	assert.Equal(t, "m7i.large", lt.Str("instanceType"))
	assert.Equal(t, "required", lt.Str("metadataOptions.httpTokens"), "IMDSv2 only")
	assert.Equal(t, 1.0, lt.Num("metadataOptions.httpPutResponseHopLimit"))
	assert.Equal(t, "enabled", lt.Str("metadataOptions.httpEndpoint"))
	assert.True(t, lt.Bool("monitoring.enabled"), "detailed monitoring")
	assert.False(t, lt.Has("keyName"), "no key pair")
	assert.Equal(t, profile.Outputs["arn"].StringValue(), lt.Str("iamInstanceProfile.arn"))

	require.Equal(t, 1, lt.Len("networkInterfaces"))
	assert.Equal(t, "false", lt.Str("networkInterfaces[0].associatePublicIpAddress"), "no public IP")
	assert.Equal(t, []string{"compute-" + region + "-app-sg-id"}, lt.Strings("networkInterfaces[0].securityGroups"))
	assert.False(t, lt.Has("vpcSecurityGroupIds"))

	require.Equal(t, 1, lt.Len("blockDeviceMappings"))
	assert.Equal(t, "/dev/xvda", lt.Str("blockDeviceMappings[0].deviceName"))
	assert.Equal(t, "gp3", lt.Str("blockDeviceMappings[0].ebs.volumeType"))
	assert.Equal(t, "true", lt.Str("blockDeviceMappings[0].ebs.encrypted"))
	assert.Equal(t, key.Outputs["arn"].StringValue(), lt.Str("blockDeviceMappings[0].ebs.kmsKeyId"), "customer-managed key")
	assert.Equal(t, 20.0, lt.Num("blockDeviceMappings[0].ebs.volumeSize"))

	script, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	assert.Contains(t, string(script), "APP_PORT=8080\n")
	assert.Contains(t, string(script), "HEALTH_CHECK_PATH=/health\n")
	assert.Contains(t, string(script), "PRIMARY_PATH=/health/global-primary\n")
	assert.NotContains(t, string(script), "ROLE", "the default service does not bake in the role")
	assert.NotContains(t, string(script), "__")
	assert.NotContains(t, string(script), secret, "no secret in user data")
}

func TestCustomUserDataAndRootVolume(t *testing.T) {
	args := testArgs(false)
	args.Role = RoleSecondary
	args.UserData = "#!/bin/bash\necho serving on __APP_PORT__ as __ROLE__\n"
	args.RootDeviceName, args.RootVolumeSize = "/dev/sda1", 40
	m, _ := runCompute(t, region, args)
	lt := one(t, m, "aws:ec2/launchTemplate:LaunchTemplate")
	script, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	assert.Equal(t, "#!/bin/bash\necho serving on 8080 as secondary\n", string(script))
	assert.Equal(t, "/dev/sda1", lt.Str("blockDeviceMappings[0].deviceName"))
	assert.Equal(t, 40.0, lt.Num("blockDeviceMappings[0].ebs.volumeSize"))
	assert.Equal(t, RoleSecondary, one(t, m, "aws:lb/loadBalancer:LoadBalancer").Tags()["Role"])
}

func TestEbsKey(t *testing.T) {
	for _, prod := range []bool{true, false} {
		m, _ := runCompute(t, region, testArgs(prod))
		key := one(t, m, "aws:kms/key:Key")
		assert.True(t, key.Bool("enableKeyRotation"))
		assert.Equal(t, prod, key.Protect, "the key is protected in prod")
		doc := key.JSON("policy")
		require.NotNil(t, doc)
		slr := "arn:aws:iam::" + offline.AccountID + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
		var use, grant bool
		for _, s := range doc["Statement"].([]any) {
			st := s.(map[string]any)
			p, _ := st["Principal"].(map[string]any)
			assert.NotContains(t, p["AWS"], slr, "naming the service-linked role fails in accounts that never had an Auto Scaling group")
			if p["AWS"] == "*" {
				cond, _ := st["Condition"].(map[string]any)
				require.NotNil(t, cond, "%v: Principal * needs conditions", st["Sid"])
				assert.Equal(t, map[string]any{"aws:PrincipalArn": slr}, cond["ArnEquals"], "%v", st["Sid"])
				assert.Equal(t, map[string]any{"kms:CallerAccount": offline.AccountID}, cond["StringEquals"], "%v", st["Sid"])
				actions := st["Action"].([]any)
				if assert.ObjectsAreEqual([]any{"kms:CreateGrant"}, actions) {
					grant = assert.Equal(t, map[string]any{"kms:GrantIsForAWSResource": true}, cond["Bool"])
				} else {
					use = assert.Subset(t, actions, []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"})
				}
			}
		}
		assert.True(t, use, "the Auto Scaling service-linked role can use the key")
		assert.True(t, grant, "the Auto Scaling service-linked role can attach volumes")
	}
}

func TestInstanceRoleHasOnlySessionManagerAndCloudWatchAgent(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	role := one(t, m, "aws:iam/role:Role")
	trust := role.JSON("assumeRolePolicy")
	st := trust["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"Service": []any{"ec2.amazonaws.com"}}, st["Principal"])
	var arns []string
	for _, a := range m.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		assert.Equal(t, role.Outputs["name"].StringValue(), a.Str("role"))
		arns = append(arns, a.Str("policyArn"))
	}
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
		"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
	}, arns)
	inline := m.OfType("aws:iam/rolePolicy:RolePolicy")
	require.Len(t, inline, 1, "one inline policy of our own: the default application's database discovery")
	assert.Equal(t, "compute-"+region+"-instance-discover-database", inline[0].Name)
	assert.Empty(t, m.OfType("aws:iam/policy:Policy"))
	assert.False(t, role.Has("managedPolicyArns"))
	profile := one(t, m, "aws:iam/instanceProfile:InstanceProfile")
	assert.Equal(t, role.Outputs["name"].StringValue(), profile.Str("role"))
}

func TestAutoScalingGroup(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	asg := one(t, m, "aws:autoscaling/group:Group")
	lt := one(t, m, "aws:ec2/launchTemplate:LaunchTemplate")
	tg := one(t, m, "aws:lb/targetGroup:TargetGroup")

	assert.Equal(t, privateSubnets, asg.Strings("vpcZoneIdentifiers"), "the private subnets of every AZ")
	assert.Equal(t, 2.0, asg.Num("minSize"))
	assert.Equal(t, 6.0, asg.Num("maxSize"))
	assert.Equal(t, 3.0, asg.Num("desiredCapacity"))
	assert.True(t, asg.Ignores("desiredCapacity"), "pulumi up must not undo scaling")
	assert.Equal(t, "ELB", asg.Str("healthCheckType"))
	assert.Equal(t, 300.0, asg.Num("healthCheckGracePeriod"))
	assert.Equal(t, []string{tg.Outputs["arn"].StringValue()}, asg.Strings("targetGroupArns"))
	assert.True(t, asg.Bool("capacityRebalance"))
	assert.True(t, asg.DependsOn(m.Named("aws:lb/listenerRule:ListenerRule", "compute-"+region+"-from-cloudfront")))

	assert.Equal(t, lt.ID, asg.Str("launchTemplate.id"))
	assert.Equal(t, "1", asg.Str("launchTemplate.version"), "an explicit version (latestVersion), never $Latest")

	assert.Equal(t, "Rolling", asg.Str("instanceRefresh.strategy"))
	minHealthy := asg.Num("instanceRefresh.preferences.minHealthyPercentage")
	maxHealthy := asg.Num("instanceRefresh.preferences.maxHealthyPercentage")
	assert.GreaterOrEqual(t, minHealthy, 90.0)
	assert.LessOrEqual(t, minHealthy, 100.0, "AWS range 0-100")
	assert.GreaterOrEqual(t, maxHealthy, 100.0, "AWS range 100-200")
	assert.LessOrEqual(t, maxHealthy, 200.0, "AWS range 100-200")
	assert.LessOrEqual(t, maxHealthy-minHealthy, 100.0, "AWS refuses a refresh whose max and min healthy percentages differ by more than 100")
	assert.Equal(t, 100.0, minHealthy, "launch before terminate: capacity never drops during a rollout")
	// The provider updates the group to the new template version before it starts the refresh
	// (terraform-provider-aws#34189): AWS's rollback restores the group's saved configuration, which is
	// already the new version, so "auto rollback" would relaunch the failing version. It stays off;
	// the way back is the operator runbook in docs/compute.md.
	require.True(t, asg.Has("instanceRefresh.preferences.autoRollback"), "set explicitly, so nobody assumes a rollback")
	assert.False(t, asg.Bool("instanceRefresh.preferences.autoRollback"), "a rollback would redeploy the bad version")
	assert.False(t, strings.HasPrefix(lt.Str("imageId"), "resolve:ssm:"), "the AMI is fixed at deploy time: going back is a visible code change")

	tags := map[string]bool{}
	for _, tag := range asg.Plain("tags").([]any) {
		tm := tag.(map[string]any)
		assert.Equal(t, true, tm["propagateAtLaunch"], "%v", tm["key"])
		tags[tm["key"].(string)+"="+tm["value"].(string)] = true
	}
	assert.True(t, tags["Name=compute-"+region])
	assert.True(t, tags["Role=primary"])
	assert.True(t, tags["Application=web"])
}

func TestTargetTrackingPolicy(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	asg := one(t, m, "aws:autoscaling/group:Group")
	p := m.Named("aws:autoscaling/policy:Policy", "compute-"+region+"-cpu-target")
	require.NotNil(t, p)
	assert.Equal(t, asg.Outputs["name"].StringValue(), p.Str("autoscalingGroupName"))
	assert.Equal(t, "TargetTrackingScaling", p.Str("policyType"))
	assert.Equal(t, "ASGAverageCPUUtilization", p.Str("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType"))
	assert.Equal(t, 50.0, p.Num("targetTrackingConfiguration.targetValue"))
}

// Capacity follows traffic: requests per target, labelled "<alb arn suffix>/<target group arn suffix>".
func TestRequestCountTargetTracking(t *testing.T) {
	m, _ := runCompute(t, region, testArgs(true))
	asg := one(t, m, "aws:autoscaling/group:Group")
	alb := one(t, m, "aws:lb/loadBalancer:LoadBalancer")
	tg := one(t, m, "aws:lb/targetGroup:TargetGroup")
	p := m.Named("aws:autoscaling/policy:Policy", "compute-"+region+"-requests-target")
	require.NotNil(t, p)
	assert.Equal(t, asg.Outputs["name"].StringValue(), p.Str("autoscalingGroupName"))
	assert.Equal(t, "TargetTrackingScaling", p.Str("policyType"))
	spec := "targetTrackingConfiguration.predefinedMetricSpecification."
	assert.Equal(t, "ALBRequestCountPerTarget", p.Str(spec+"predefinedMetricType"))
	label := p.Str(spec + "resourceLabel")
	assert.Equal(t, alb.Outputs["arnSuffix"].StringValue()+"/"+tg.Outputs["arnSuffix"].StringValue(), label)
	assert.Regexp(t, `^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$`, label, "the form AWS requires")
	assert.Equal(t, float64(DefaultTargetRequestsPerInstance), p.Num("targetTrackingConfiguration.targetValue"))
	assert.Equal(t, []string{"desiredCapacity"}, asg.IgnoreChanges, "only what the runbook and scaling change")
}

func TestArgsAreValidated(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *Args)
		want   string
	}{
		{"role", func(a *Args) { a.Role = "active" }, `Role "active" is not primary or secondary`},
		{"vpc", func(a *Args) { a.VpcId = nil }, "VpcId is required"},
		{"secret", func(a *Args) { a.OriginVerifySecret = nil }, "OriginVerifySecret is required"},
		{"certificate", func(a *Args) { a.CertificateArn = nil }, "CertificateArn is required"},
		{"health check prefix list", func(a *Args) { a.HealthCheckPrefixListId = nil }, "HealthCheckPrefixListId is required"},
		{"liveness is the primary path", func(a *Args) { a.HealthCheckPath = PrimaryPath }, "must differ"},
		{"liveness too long for Route 53", func(a *Args) { a.HealthCheckPath = "/" + strings.Repeat("a", 255) }, "255 characters"},
		{"desired above max", func(a *Args) { a.DesiredCapacity = 7 }, "MinSize (2) <= DesiredCapacity (7) <= MaxSize (6)"},
		{"min above desired", func(a *Args) { a.MinSize = 4 }, "MinSize (4) <= DesiredCapacity (3)"},
		{"port", func(a *Args) { a.AppPort = 70000 }, "AppPort 70000 is not a port"},
		{"path", func(a *Args) { a.HealthCheckPath = "health" }, `HealthCheckPath "health" must start with /`},
		{"path with shell", func(a *Args) { a.HealthCheckPath = `/h";reboot;"` }, "must start with / and use only"},
		{"db cidr", func(a *Args) { a.DatabaseSubnetCidrs = []string{"10.0.128.1/21"} }, `"10.0.128.1/21" is not an IPv4 network CIDR`},
		{"db port", func(a *Args) { a.DatabasePort = 0 }, "DatabasePort 0 is not a port"},
		{"ami", func(a *Args) { a.AmiId = "ami-123" }, `AmiId "ami-123" is not an AMI id`},
		{"ami parameter", func(a *Args) { a.AmiId = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" }, "is not an AMI id"},
		{"prefix list", func(a *Args) { a.CloudFrontPrefixListId = "" }, `CloudFrontPrefixListId "" is not a prefix list id`},
		{"account", func(a *Args) { a.AccountId = "1234567890123" }, "12-digit AWS account id"},
		{"retention", func(a *Args) { a.AccessLogRetentionDays = 0 }, "AccessLogRetentionDays must be at least 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := testArgs(false)
			tc.mutate(args)
			_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
				_, err := NewCompute(ctx, "compute-"+region, args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "compute compute-"+region+": ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		_, err := NewCompute(ctx, "compute-x", nil)
		return err
	})
	assert.ErrorContains(t, err, "args are required")
}

func TestTwoInstancesDoNotCollide(t *testing.T) {
	// The mock engine accepts duplicate URNs; the real one refuses them, so count them here.
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		for _, rgn := range []string{"us-east-1", "us-west-2"} {
			p, err := aws.NewProvider(ctx, "aws-"+rgn, &aws.ProviderArgs{Region: pulumi.String(rgn)})
			if err != nil {
				return err
			}
			if _, err := NewCompute(ctx, "compute-"+rgn, testArgs(false), pulumi.Provider(p)); err != nil {
				return err
			}
		}
		return nil
	})
	seen := map[string]bool{}
	perRegion := map[string]int{}
	for _, r := range m.Resources() {
		assert.False(t, seen[r.URN], "duplicate URN %s", r.URN)
		seen[r.URN] = true
		if r.Custom && r.Type != "pulumi:providers:aws" {
			perRegion[r.Region]++
		}
	}
	assert.Equal(t, perRegion["us-east-1"], perRegion["us-west-2"], "each region gets the same tier")
	assert.Greater(t, perRegion["us-east-1"], 20)
}

// TestFailoverDoesNotRollTheDefaultFleet: recording a new writer swaps the regions' roles. With the
// default user data the launch template stays the same, so that `pulumi up` starts no instance
// refresh in the region that has just taken over the traffic.
func TestFailoverDoesNotRollTheDefaultFleet(t *testing.T) {
	templates := map[string]*offline.Resource{}
	for _, role := range []string{RolePrimary, RoleSecondary} {
		args := testArgs(true)
		args.Role = role
		m, _ := runCompute(t, region, args)
		templates[role] = one(t, m, "aws:ec2/launchTemplate:LaunchTemplate")
	}
	assert.Equal(t, templates[RolePrimary].Inputs, templates[RoleSecondary].Inputs, "the role must not reach the launch template")
}
