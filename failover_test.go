package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
	"github.com/multi-region-ha/multi-region-ha/pkg/database"
	"github.com/multi-region-ha/multi-region-ha/pkg/failover"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// The writer is runtime state. A switchover, failover or failback changes the global database's
// topology and the promoted region's desired capacity, never the config: no key names the writer
// (database.writerRegion is refused). So after any of them `pulumi preview` with unchanged config
// runs the very program it ran before, and it plans nothing when two runs are identical in URNs,
// providers and inputs, and when every attribute the runbook or AWS changes at runtime is in the
// matching resource's ignoreChanges (ignoredAtRuntime below), and nothing else is.

// ignoredAtRuntime is the whole program's ignoreChanges, by resource type, each attribute with the
// runtime change (by AWS or the runbook) it absorbs. A type absent here ignores nothing.
var ignoredAtRuntime = map[string]map[string]string{
	"aws:rds/cluster:Cluster": database.ClusterIgnoredChangeReasons,
	"aws:autoscaling/group:Group": {
		"desiredCapacity": "the runbook raises the promoted region's desired capacity at failover, and target tracking moves it with traffic",
	},
	// Not a failover attribute: AWS moves every subnet whose NACL is replaced onto the default NACL
	// (network component); listed so that the table is the program's complete ignore list.
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": {
		"subnetIds": "AWS associates subnets with the default NACL when their own NACL association goes (not a failover change)",
	},
}

// runTwice runs the program twice with the same config: the run before a failover and the one a
// `pulumi preview` makes after it.
func runTwice(t *testing.T, stack string, cfg map[string]string) (before, after *offline.Mocks) {
	t.Helper()
	return offlinetest.MustRun(t, stack, cfg, run), offlinetest.MustRun(t, stack, cfg, run)
}

func byURN(m *offline.Mocks) map[string]*offline.Resource {
	out := map[string]*offline.Resource{}
	for _, r := range m.Resources() {
		out[r.URN] = r
	}
	return out
}

func TestAPreviewAfterAFailoverPlansNothing(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			before, after := runTwice(t, tc.stack, tc.config(t))
			b, a := byURN(before), byURN(after)
			require.Equal(t, len(b), len(a), "the same number of resources")
			for urn, old := range b {
				now := a[urn]
				require.NotNil(t, now, "%s is registered again", urn)
				assert.Equal(t, old.ProviderName, now.ProviderName, "%s keeps its provider (a provider change replaces)", urn)
				assert.Equal(t, old.Region, now.Region, urn)
				assert.Equal(t, old.Parent, now.Parent, urn)
				assert.Equal(t, old.Protect, now.Protect, urn)
				assert.Equal(t, old.IgnoreChanges, now.IgnoreChanges, urn)
				keys := map[string]bool{}
				for k := range old.Inputs {
					keys[string(k)] = true
				}
				for k := range now.Inputs {
					keys[string(k)] = true
				}
				for k := range keys {
					assert.True(t, old.Prop(k).DeepEquals(now.Prop(k)), "%s %s: input %s differs between two runs", old.Type, old.Name, k)
				}
			}
		})
	}
}

func TestIgnoreChangesAreExactlyWhatChangesAtRuntime(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			seen := map[string]bool{}
			for _, r := range m.Resources() {
				want := []string{}
				for attr, reason := range ignoredAtRuntime[r.Type] {
					require.NotEmpty(t, reason, "%s %s needs its reason", r.Type, attr)
					want = append(want, attr)
				}
				sort.Strings(want)
				got := append([]string{}, r.IgnoreChanges...)
				sort.Strings(got)
				if len(got) == 0 {
					got = []string{}
				}
				assert.Equal(t, want, got, "%s %s", r.Type, r.Name)
				seen[r.Type] = true
			}
			for typ := range ignoredAtRuntime {
				assert.True(t, seen[typ], "%s is in the program", typ)
			}
		})
	}
	// The review's case: a cluster that left the global database must show in the preview.
	assert.NotContains(t, ignoredAtRuntime["aws:rds/cluster:Cluster"], "globalClusterIdentifier")
	assert.Equal(t, compute.GroupIgnoredChanges, []string{"desiredCapacity"}, "the runbook changes desired only, never min or max")
}

func TestAStackFileThatNamesTheWriterIsRefused(t *testing.T) {
	cfg := stackConfig(t, "prod")
	cfg["multi-region-ha:database"] = `{"writerRegion":"us-west-2"}`
	m, err := offlinetest.Run(t, "prod", cfg, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:database.writerRegion")
	assert.Contains(t, err.Error(), "the writer is found at runtime")
	for _, r := range m.Resources() {
		assert.True(t, strings.HasPrefix(r.Type, "pulumi:"), "no resource before the config is valid: %s %s", r.Type, r.Name)
	}
}

// Every region carries the same regional resources from the same components: the same types and
// counts under names that differ only by the region code (the home region adds the global cluster
// and the secret; the extra database instances follow primaryInstances/secondaryInstances).
func TestEveryRegionCarriesTheSameRegionalResources(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			names := func(region string) []string {
				var out []string
				for _, r := range m.Resources() {
					if r.Region != region || r.Type == "aws:rds/clusterInstance:ClusterInstance" || usEast1Only(r.Name) {
						continue
					}
					for _, component := range []string{"compute-", "database-", "observability-", "failover-"} {
						if strings.HasPrefix(r.Name, component+region) {
							out = append(out, r.Type+" "+strings.ReplaceAll(r.Name, region, "<region>"))
						}
					}
				}
				sort.Strings(out)
				return out
			}
			home, standby := names(tc.primary), names(tc.secondary)
			assert.Equal(t, home, standby)
			for _, want := range []string{
				"aws:cloudwatch/compositeAlarm:CompositeAlarm observability-<region>-region-unhealthy",
				"aws:cloudwatch/dashboard:Dashboard observability-<region>-dashboard",
				"aws:cloudwatch/metricAlarm:MetricAlarm observability-<region>-replication-lag",
				"aws:backup/selection:Selection observability-<region>-backup-selection",
				"aws:sfn/stateMachine:StateMachine failover-<region>",
				"aws:lambda/function:Function failover-<region>-relay",
				"aws:autoscaling/policy:Policy compute-<region>-requests-target",
			} {
				assert.Contains(t, home, want)
			}
			// Global resources are on the us-east-1 provider, whatever the region pair.
			for _, typ := range []string{"aws:budgets/budget:Budget", "aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl"} {
				for _, r := range m.OfType(typ) {
					assert.Equal(t, "us-east-1", r.Region, "%s %s", typ, r.Name)
				}
			}
			// Route 53 publishes health-check metrics only in us-east-1: their alarms live there.
			for _, a := range m.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
				if a.Str("namespace") == "AWS/Route53" {
					assert.Equal(t, "us-east-1", a.Region, a.Name)
				}
			}
		})
	}
}

// usEast1Only are the children that watch or check what exists only in us-east-1 (Route 53
// health-check, CloudFront and WAF metrics, the CloudFront Config rule): they live in us-east-1
// whichever region pair the stack uses, with the global resources.
func usEast1Only(name string) bool {
	for _, s := range []string{"-health-check-", "-cloudfront-", "-waf-"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// Sizes go by home and standby region, and both regions share the maximum; the runbook raises the
// promoted region to the configured serving capacity.
func TestCapacityGoesByHomeRegionAndTheRunbookRaisesDesiredOnly(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	maxes := map[float64]bool{}
	for _, g := range m.OfType("aws:autoscaling/group:Group") {
		maxes[g.Num("maxSize")] = true
		assert.Equal(t, []string{"desiredCapacity"}, g.IgnoreChanges, g.Name)
	}
	assert.Equal(t, map[float64]bool{6: true}, maxes, "the same maxSize in both regions")
	for _, region := range []string{"us-east-1", "us-west-2"} {
		sm := m.Named("aws:sfn/stateMachine:StateMachine", "failover-"+region)
		require.NotNil(t, sm, region)
		var def failover.StateMachine
		require.NoError(t, json.Unmarshal([]byte(sm.Str("definition")), &def))
		require.NoError(t, def.Validate())
		asg := m.InRegion("aws:autoscaling/group:Group", region)[0]
		raise := def.States[failover.StRaiseCapacity]
		assert.Equal(t, asg.Outputs["name"].StringValue(), raise.Arguments["AutoScalingGroupName"], "%s raises its own group", region)
		assert.NotContains(t, raise.Arguments, "MaxSize")
		assert.NotContains(t, raise.Arguments, "MinSize")
		assert.Contains(t, def.States[failover.StReadCapacity].Output, "$max([$d, 3])", "%s: the configured desiredCapacity, never lower than it runs", region)

		policy := m.Named("aws:autoscaling/policy:Policy", "compute-"+region+"-requests-target")
		require.NotNil(t, policy, region)
		alb := m.InRegion("aws:lb/loadBalancer:LoadBalancer", region)[0]
		assert.True(t, strings.HasPrefix(policy.Str("targetTrackingConfiguration.predefinedMetricSpecification.resourceLabel"), alb.Outputs["arnSuffix"].StringValue()+"/"))
	}
}

// Each region's runbook promotes only its own region's cluster, calls only its own region, and
// names the other region's cluster only to check it is still a member (and to rejoin it).
func TestEachRunbookPromotesOnlyItsOwnRegion(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			for _, region := range []string{tc.primary, tc.secondary} {
				other := tc.secondary
				if region == tc.secondary {
					other = tc.primary
				}
				sm := m.Named("aws:sfn/stateMachine:StateMachine", "failover-"+region)
				require.NotNil(t, sm, region)
				assert.Equal(t, region, sm.Region)
				var def failover.StateMachine
				require.NoError(t, json.Unmarshal([]byte(sm.Str("definition")), &def))
				mine := m.Named("aws:rds/cluster:Cluster", "database-"+region+"-cluster")
				peer := m.Named("aws:rds/cluster:Cluster", "database-"+other+"-cluster")
				assert.Equal(t, mine.Outputs["arn"].StringValue(), def.States[failover.StFailover].Parameters["TargetDbClusterIdentifier"], "%s fails over onto itself, from its own region", region)
				// The switchover is made from the current primary's (the other) region by this
				// region's relay, which can only switch over onto this region's cluster.
				relay := m.Named("aws:lambda/function:Function", "failover-"+region+"-relay")
				require.NotNil(t, relay, region)
				assert.Equal(t, region, relay.Region)
				assert.Equal(t, relay.Outputs["arn"].StringValue(), def.States[failover.StSwitchover].Arguments["FunctionName"])
				assert.Equal(t, other, relay.Str("environment.variables.PRIMARY_REGION"))
				assert.Equal(t, mine.Outputs["arn"].StringValue(), relay.Str("environment.variables.TARGET_CLUSTER_ARN"), "%s's relay switches over onto itself", region)
				msg := def.States[failover.StNotifySuccess].Arguments["Message"].(string)
				assert.Contains(t, msg, "aws rds create-db-cluster --region "+other+" --db-cluster-identifier "+peer.Outputs["clusterIdentifier"].StringValue())
				assert.Contains(t, def.States[failover.StDescribeFinal].Output, peer.Outputs["arn"].StringValue())
				for name, s := range def.States {
					if s.Type == failover.TypeTask {
						assert.True(t, strings.HasPrefix(s.Resource, "arn:aws:states:::"), "%s: %s calls through its own region's integration", region, name)
					}
				}
			}
		})
	}
}

func TestDatabasePasswordNeverLeavesSecrets(t *testing.T) {
	o := watchExports(t)
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	var password string
	for _, p := range m.OfType("random:index/randomPassword:RandomPassword") {
		if p.Name == "database-master-password" {
			password = p.Outputs["result"].SecretValue().Element.StringValue()
		}
	}
	require.NotEmpty(t, password)
	for _, c := range m.OfType("aws:rds/cluster:Cluster") {
		if c.Has("masterPassword") {
			assert.True(t, c.IsSecret("masterPassword"), "%s gets the password as a secret", c.Name)
		}
	}
	for name := range o.values {
		assert.NotContains(t, toJSON(t, o.resolve(t, name)), password, "stack output %s carries the database password", name)
	}
}
