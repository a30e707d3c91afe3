package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// Whole-program tests of how the components are wired together: each region's tiers on their own
// provider and network, the edge in us-east-1, and nothing that opens a path it should not.

func TestEachRegionHasACompleteComputeTier(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			for _, region := range []string{tc.primary, tc.secondary} {
				comp := m.Named("multi-region-ha:compute:Compute", "compute-"+region)
				require.NotNil(t, comp, region)
				for _, r := range m.Descendants(comp.URN) {
					if r.Custom {
						assert.Equal(t, region, r.Region, "%s %s", r.Type, r.Name)
					}
				}
				asgs := m.InRegion("aws:autoscaling/group:Group", region)
				require.Len(t, asgs, 1, region)
				assert.Equal(t, subnetIDs(m, region, "private"), asgs[0].Strings("vpcZoneIdentifiers"), "ASG in %s spans that region's private subnets", region)
				assert.Equal(t, "ELB", asgs[0].Str("healthCheckType"))
				assert.True(t, asgs[0].Ignores("desiredCapacity"))

				albs := m.InRegion("aws:lb/loadBalancer:LoadBalancer", region)
				require.Len(t, albs, 1, region)
				assert.Equal(t, subnetIDs(m, region, "public"), albs[0].Strings("subnets"))

				listeners := m.InRegion("aws:lb/listener:Listener", region)
				require.Len(t, listeners, 1, region)
				assert.Equal(t, "HTTPS", listeners[0].Str("protocol"))
				assert.Equal(t, validatedCertificateArn(t, m, region), listeners[0].Str("certificateArn"),
					"the listener in %s uses that region's validated certificate", region)
				for _, v := range m.OfType("aws:acm/certificateValidation:CertificateValidation") {
					if v.Name == "certificates-"+region+"-validation" {
						assert.True(t, listeners[0].DependsOn(v), "the listener waits for its certificate")
					} else {
						assert.False(t, listeners[0].DependsOn(v), "the listener in %s waits for %s", region, v.Name)
					}
				}
			}
		})
	}
}

func TestStandbyRegionRunsWarmStandbyCapacity(t *testing.T) {
	cfg := stackConfig(t, "prod")
	m := offlinetest.MustRun(t, "prod", cfg, run)
	primary := m.InRegion("aws:autoscaling/group:Group", "us-east-1")[0]
	standby := m.InRegion("aws:autoscaling/group:Group", "us-west-2")[0]
	assert.Equal(t, []float64{2, 6, 3}, []float64{primary.Num("minSize"), primary.Num("maxSize"), primary.Num("desiredCapacity")})
	assert.Equal(t, []float64{2, 6, 2}, []float64{standby.Num("minSize"), standby.Num("maxSize"), standby.Num("desiredCapacity")},
		"the standby runs its standby sizes and can scale to the primary's maximum")

	s := offlinetest.MustRun(t, "staging", stackConfig(t, "staging"), run)
	st := s.InRegion("aws:autoscaling/group:Group", "us-west-2")[0]
	assert.Equal(t, 1.0, st.Num("desiredCapacity"))
}

func TestNoSecurityGroupAdmitsTheWholeInternet(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			open := func(cidr string) bool { return cidr == "0.0.0.0/0" || cidr == "::/0" }
			for _, r := range m.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
				assert.False(t, open(r.Str("cidrIpv4")) || open(r.Str("cidrIpv6")), "%s admits the internet", r.Name)
			}
			for _, r := range m.OfType("aws:ec2/securityGroupRule:SecurityGroupRule") {
				if r.Str("type") != "ingress" {
					continue
				}
				for _, c := range append(r.Strings("cidrBlocks"), r.Strings("ipv6CidrBlocks")...) {
					assert.False(t, open(c), "%s admits the internet", r.Name)
				}
			}
			for _, sg := range m.OfType("aws:ec2/securityGroup:SecurityGroup") {
				for i := 0; i < sg.Len("ingress"); i++ {
					for _, key := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
						for _, c := range sg.Strings("ingress[" + itoa(i) + "]." + key) {
							assert.False(t, open(c), "%s admits the internet inline", sg.Name)
						}
					}
				}
			}
			// The ALB's only way in is CloudFront's origin-facing prefix list of its own region.
			for _, region := range []string{tc.primary, tc.secondary} {
				albSG := m.Named("aws:ec2/securityGroup:SecurityGroup", "compute-"+region+"-alb-sg")
				require.NotNil(t, albSG, region)
				var ingress []*offline.Resource
				for _, r := range m.InRegion("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", region) {
					if r.Str("securityGroupId") == albSG.ID {
						ingress = append(ingress, r)
					}
				}
				require.Len(t, ingress, 1, region)
				want, ok := awsenv.CloudFrontPrefixList(region)
				require.True(t, ok, "the committed and EU stacks use the table's id")
				assert.Equal(t, want, ingress[0].Str("prefixListId"))
				assert.Equal(t, 443.0, ingress[0].Num("fromPort"))
			}
		})
	}
}

func TestOneOriginSecretServesBothAlbsAndCloudFront(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	secrets := m.OfType("random:index/randomPassword:RandomPassword")
	var origin *offline.Resource
	for _, s := range secrets {
		if s.Name == "origin-verify-secret" {
			origin = s
		}
	}
	require.NotNil(t, origin)
	assert.False(t, origin.Bool("special"), "the ALB reads * and ? in header conditions as wildcards")
	value := origin.Outputs["result"]
	require.True(t, value.ContainsSecrets())

	var rules []*offline.Resource
	for _, r := range m.OfType("aws:lb/listenerRule:ListenerRule") {
		if strings.HasSuffix(r.Name, "-from-cloudfront") {
			rules = append(rules, r)
		}
	}
	require.Len(t, rules, 2)
	var headerValues []string
	for _, r := range rules {
		assert.Equal(t, "X-Origin-Verify", r.Str("conditions[0].httpHeader.httpHeaderName"))
		headerValues = append(headerValues, r.Strings("conditions[0].httpHeader.values")...)
	}
	require.Len(t, headerValues, 2)
	assert.Equal(t, headerValues[0], headerValues[1], "both regions accept the same secret")

	dist := m.OfType("aws:cloudfront/distribution:Distribution")
	require.Len(t, dist, 1)
	origins := dist[0].Plain("origins").([]any)
	require.NotEmpty(t, origins)
	for _, o := range origins {
		headers := o.(map[string]any)["customHeaders"].([]any)
		require.Len(t, headers, 1)
		h := headers[0].(map[string]any)
		assert.Equal(t, "X-Origin-Verify", h["name"])
		assert.Equal(t, headerValues[0], h["value"], "CloudFront sends the value the ALBs check")
	}
}

func TestEdgeRunsInUsEast1WhateverTheRegions(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			for _, typ := range []string{"aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl"} {
				for _, r := range m.OfType(typ) {
					assert.Equal(t, "us-east-1", r.Region, "%s %s", typ, r.Name)
					assert.Equal(t, "aws-us-east-1", r.ProviderName)
				}
			}
			viewer := m.Named("aws:acm/certificate:Certificate", "certificates-viewer")
			require.NotNil(t, viewer)
			assert.Equal(t, "us-east-1", viewer.Region)
			for _, region := range []string{tc.primary, tc.secondary} {
				cert := m.Named("aws:acm/certificate:Certificate", "certificates-"+region)
				require.NotNil(t, cert, region)
				assert.Equal(t, region, cert.Region)
				assert.Contains(t, cert.Strings("subjectAlternativeNames"), region+".origin.app."+domainOf(tc.stack))
			}
			acl := m.OfType("aws:wafv2/webAcl:WebAcl")[0]
			assert.Equal(t, "CLOUDFRONT", acl.Str("scope"))
		})
	}
}

func TestFailoverRecordsPointAtTheActiveRegionFirst(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	var primary, secondary *offline.Resource
	for _, r := range m.OfType("aws:route53/record:Record") {
		switch r.Str("failoverRoutingPolicies[0].type") {
		case "PRIMARY":
			primary = r
		case "SECONDARY":
			secondary = r
		}
	}
	require.NotNil(t, primary)
	require.NotNil(t, secondary)
	assert.Equal(t, "origin.app.example.com", primary.Str("name"))
	assert.Equal(t, m.InRegion("aws:lb/loadBalancer:LoadBalancer", "us-east-1")[0].Outputs["dnsName"].StringValue(), primary.Str("aliases[0].name"))
	assert.Equal(t, m.InRegion("aws:lb/loadBalancer:LoadBalancer", "us-west-2")[0].Outputs["dnsName"].StringValue(), secondary.Str("aliases[0].name"))
	assert.NotEmpty(t, primary.Str("healthCheckId"), "PRIMARY is tied to the health check")
}

func TestOutputsNameTheEntryPoints(t *testing.T) {
	o := watchExports(t)
	offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	assert.Equal(t, "https://app.example.com", o.resolve(t, "url"))
	assert.NotEmpty(t, o.resolve(t, "distributionId"))
	albs := o.resolve(t, "albDnsNames").(map[string]any)
	assert.Len(t, albs, 2)
	asgs := o.resolve(t, "autoScalingGroupNames").(map[string]any)
	assert.Contains(t, asgs, "us-east-1")
	assert.Contains(t, asgs, "us-west-2")
}

// subnetIDs returns the mock ids of region's subnets of tier, in AZ order.
func subnetIDs(m *offline.Mocks, region, tier string) []string {
	var ids []string
	for _, s := range m.InRegion("aws:ec2/subnet:Subnet", region) {
		if s.Tags()["Tier"] == tier {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// validatedCertificateArn is the ARN the regional CertificateValidation of region reports.
func validatedCertificateArn(t *testing.T, m *offline.Mocks, region string) string {
	t.Helper()
	for _, v := range m.InRegion("aws:acm/certificateValidation:CertificateValidation", region) {
		return v.Outputs["certificateArn"].StringValue()
	}
	t.Fatalf("no certificate validation in %s", region)
	return ""
}

func domainOf(stack string) string {
	if stack == "staging" {
		return "staging.example.com"
	}
	return "example.com"
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestInstancesMayReadOnlyTheirRegionsDatabaseSecret(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	for _, region := range []string{"us-east-1", "us-west-2"} {
		role := m.Named("aws:iam/role:Role", "compute-"+region+"-instance-role")
		require.NotNil(t, role, region)
		grant := m.Named("aws:iam/rolePolicy:RolePolicy", "database-"+region+"-client-read")
		require.NotNil(t, grant, region)
		assert.Equal(t, role.Outputs["name"].StringValue(), grant.Str("role"))
		policy := grant.JSON("policy")
		read := policy["Statement"].([]any)[0].(map[string]any)
		resources := read["Resource"].([]any)
		require.Len(t, resources, 1)
		assert.Contains(t, resources[0], "arn:aws:secretsmanager:"+region+":", "the secret replica of the instance's own region")
	}
}
