package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/targets"
)

// `targets` checked against whole-program runs: for each stack and surviving region it selects
// every regional, non-IAM resource of that region and nothing of the dark region or of the global
// control planes (IAM, Route 53, CloudFront, CloudFront's certificate, CLOUDFRONT-scope WAF, Budgets).
func TestTargetsSelectTheSurvivingRegionOnly(t *testing.T) {
	global := []string{"aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:budgets/"}
	for _, tc := range programCases {
		for _, surviving := range []string{tc.primary, tc.secondary} {
			t.Run(tc.name+" "+surviving, func(t *testing.T) {
				m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
				sel := targets.Select(m.Resources(), surviving, nil)
				selected := map[string]bool{}
				for _, urn := range sel.Targets {
					selected[urn] = true
				}
				types := map[string]bool{}
				providers := 0
				for _, r := range m.OfType("pulumi:providers:aws") {
					assert.Equal(t, r.Str("region") == surviving, selected[r.URN], "provider %s: only the surviving region's is targeted", r.Name)
					if selected[r.URN] {
						providers++
					}
				}
				assert.Equal(t, 1, providers, "the surviving region's provider is targeted, so it takes the program's settings")
				for _, r := range m.Resources() {
					if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
						continue
					}
					isGlobal := strings.HasPrefix(r.Name, "certificates-viewer") || strings.HasPrefix(r.Type, "aws:wafv2/") // the only WebACL is the CLOUDFRONT one
					for _, p := range global {
						isGlobal = isGlobal || strings.HasPrefix(r.Type, p)
					}
					want := r.Region == surviving && !isGlobal
					assert.Equal(t, want, selected[r.URN], "%s %s in %q", r.Type, r.Name, r.Region)
					if selected[r.URN] {
						types[r.Type] = true
					}
				}
				for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group",
					"aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener", "aws:acm/certificate:Certificate", "aws:rds/cluster:Cluster",
					"aws:rds/clusterInstance:ClusterInstance", "aws:sfn/stateMachine:StateMachine", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:kms/key:Key"} {
					assert.True(t, types[typ], "%s of %s is selected", typ, surviving)
				}
				require.NotNil(t, m.Named("aws:acm/certificate:Certificate", "certificates-"+surviving))
				assert.True(t, selected[m.Named("aws:acm/certificate:Certificate", "certificates-"+surviving).URN], "the ALB's own certificate is regional")
			})
		}
	}
}

func TestTargetsCommandPrintsFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, targets.ExitOK, targets.Main([]string{"--stack", "prod", "--region", "us-west-2"}, run, &out, &errOut), errOut.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, "--target=urn:pulumi:prod::multi-region-ha::"), l)
		assert.NotContains(t, l, "us-east-1", l)
		assert.NotContains(t, l, "aws:iam/", l)
	}
	assert.Contains(t, errOut.String(), "unavailableRegion us-east-1")
	assert.Contains(t, lines, "--target=urn:pulumi:prod::multi-region-ha::pulumi:providers:aws::aws-us-west-2", "the surviving region's provider takes the program's settings")

	out.Reset()
	errOut.Reset()
	require.Equal(t, targets.ExitOK, targets.Main([]string{"--stack", "prod", "--region", "us-west-2", "--mode", "exclude"}, run, &out, &errOut))
	excludes := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Contains(t, out.String(), "--exclude=urn:pulumi:prod::multi-region-ha::multi-region-ha:edge:Edge$aws:cloudfront/distribution:Distribution::edge-cdn")
	assert.NotContains(t, out.String(), "--target")
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	custom := 0
	for _, r := range m.Resources() {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			custom++
		}
	}
	assert.Equal(t, custom+1, len(lines)+len(excludes), "every resource is either targeted or excluded, and the surviving region's provider is targeted")

	assert.Equal(t, targets.ExitUsage, targets.Main([]string{"--stack", "prod", "--region", "eu-west-1"}, run, &out, &errOut), "a region of no stack")
}
