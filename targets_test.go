package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/targets"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// `targets` checked against whole-program runs: for each stack and surviving region it selects
// every resource of that region and, while us-east-1 is up, the global control planes (IAM, Route 53,
// CloudFront, CloudFront's certificate, CLOUDFRONT-scope WAF, Budgets) and the edge's us-east-1
// resources; nothing of the dark region; and with us-east-1 dark none of the global ones.
func TestTargetsSelectWhatIsReachable(t *testing.T) {
	global := []string{"aws:iam/", "aws:route53/", "aws:cloudfront/", "aws:budgets/"}
	type direction struct {
		surviving string
		edgeDark  bool // us-east-1 dark too (the EU pair's worst case)
	}
	for _, tc := range programCases {
		directions := []direction{{tc.primary, false}, {tc.secondary, false}}
		if tc.primary != targets.EdgeRegion && tc.secondary != targets.EdgeRegion {
			directions = append(directions, direction{tc.primary, true})
		}
		for _, d := range directions {
			t.Run(fmt.Sprintf("%s %s us-east-1-dark=%v", tc.name, d.surviving, d.edgeDark), func(t *testing.T) {
				m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
				dark := targets.DarkRegions(&stacks.Config{PrimaryRegion: tc.primary, SecondaryRegion: tc.secondary}, d.surviving, d.edgeDark)
				edgeUp := true
				for _, r := range dark {
					edgeUp = edgeUp && r != targets.EdgeRegion
				}
				reachable := func(region string) bool { return region == d.surviving || (edgeUp && region == targets.EdgeRegion) }
				sel := targets.Select(m.Resources(), d.surviving, dark)
				selected := map[string]bool{}
				for _, urn := range sel.Targets {
					selected[urn] = true
				}
				types := map[string]bool{}
				for _, r := range m.OfType("pulumi:providers:aws") {
					assert.Equal(t, reachable(r.Str("region")), selected[r.URN], "provider %s: only the reachable regions' are targeted", r.Name)
				}
				globals := 0
				for _, r := range m.Resources() {
					if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
						continue
					}
					isGlobal := strings.HasPrefix(r.Name, "certificates-viewer") || strings.HasPrefix(r.Type, "aws:wafv2/") // the only WebACL is the CLOUDFRONT one
					for _, p := range global {
						isGlobal = isGlobal || strings.HasPrefix(r.Type, p)
					}
					want := reachable(r.Region) && (!isGlobal || edgeUp)
					assert.Equal(t, want, selected[r.URN], "%s %s in %q", r.Type, r.Name, r.Region)
					if selected[r.URN] {
						types[r.Type] = true
						if isGlobal {
							globals++
						}
					}
				}
				for _, typ := range []string{"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group",
					"aws:lb/loadBalancer:LoadBalancer", "aws:lb/listener:Listener", "aws:acm/certificate:Certificate", "aws:rds/cluster:Cluster",
					"aws:rds/clusterInstance:ClusterInstance", "aws:sfn/stateMachine:StateMachine", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:kms/key:Key"} {
					assert.True(t, types[typ], "%s of %s is selected", typ, d.surviving)
				}
				wantGlobal := []string{"aws:iam/role:Role", "aws:route53/record:Record", "aws:route53/healthCheck:HealthCheck",
					"aws:cloudfront/distribution:Distribution", "aws:budgets/budget:Budget", "aws:wafv2/webAcl:WebAcl"}
				for _, typ := range wantGlobal {
					assert.Equal(t, edgeUp, types[typ], "%s is selected exactly while us-east-1 is up", typ)
				}
				if edgeUp {
					assert.Empty(t, sel.GlobalLeftOut)
					assert.True(t, selected[m.Named("aws:acm/certificate:Certificate", "certificates-viewer").URN], "the viewer certificate while us-east-1 is up")
				} else {
					assert.Zero(t, globals)
					assert.Equal(t, []string{"Budgets", "CloudFront", "CloudFront's viewer certificate", "IAM", "Route 53", "WAF of CLOUDFRONT scope"}, sel.GlobalLeftOut)
				}
				require.NotNil(t, m.Named("aws:acm/certificate:Certificate", "certificates-"+d.surviving))
				assert.True(t, selected[m.Named("aws:acm/certificate:Certificate", "certificates-"+d.surviving).URN], "the ALB's own certificate is regional")
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
	assert.Contains(t, errOut.String(), "IAM, Route 53, WAF", "says which global services it leaves out")
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
	assert.Equal(t, targets.ExitUsage, targets.Main([]string{"--stack", "prod", "--region", "us-west-2", "--us-east-1-dark"}, run, &out, &errOut), "us-east-1 is one of prod's regions")

	// With us-west-2 dark, us-east-1 is up: the operator can change an origin, a health check, a role.
	out.Reset()
	errOut.Reset()
	require.Equal(t, targets.ExitOK, targets.Main([]string{"--stack", "prod", "--region", "us-east-1"}, run, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "--target=urn:pulumi:prod::multi-region-ha::multi-region-ha:edge:Edge$aws:cloudfront/distribution:Distribution::edge-cdn")
	assert.Contains(t, out.String(), "aws:route53/healthCheck:HealthCheck::")
	assert.Contains(t, out.String(), "aws:iam/role:Role::")
	assert.NotContains(t, out.String(), "aws-us-west-2", "never the dark region's provider")
	assert.Contains(t, errOut.String(), "the global services, whose control planes in us-east-1 are up")
}
