package main

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// After an Aurora switchover or failover the operator records the new writer with
// `pulumi config set --path multi-region-ha:database.writerRegion <region>`. These tests prove that the
// next `pulumi up` then describes the new topology (capacity, DNS PRIMARY, alarms follow the writer)
// without replacing either cluster, the global cluster, their keys or the credentials.

func afterFailover(t *testing.T) (before, after *offline.Mocks) {
	t.Helper()
	cfg := stackConfig(t, "prod")
	before = offlinetest.MustRun(t, "prod", cfg, run)
	swapped := stackConfig(t, "prod")
	swapped["multi-region-ha:database"] = `{"writerRegion":"us-west-2"}`
	after = offlinetest.MustRun(t, "prod", swapped, run)
	return before, after
}

func TestRecordingAFailoverKeepsEveryStatefulResource(t *testing.T) {
	before, after := afterFailover(t)
	urns := func(m *offline.Mocks) map[string]*offline.Resource {
		out := map[string]*offline.Resource{}
		for _, r := range m.Resources() {
			out[r.URN] = r
		}
		return out
	}
	b, a := urns(before), urns(after)

	// Only what follows the writer may come and go, and all of it is stateless or a replica: the
	// writer's extra DB instance, the health alarm and Route 53 health check that watch the active
	// region, and the replication-lag alarm that watches the secondary.
	var gone, added []string
	for urn, r := range b {
		if _, ok := a[urn]; !ok {
			gone = append(gone, r.Type+" "+r.Name)
		}
	}
	for urn, r := range a {
		if _, ok := b[urn]; !ok {
			added = append(added, r.Type+" "+r.Name)
		}
	}
	sort.Strings(gone)
	sort.Strings(added)
	assert.Equal(t, []string{
		"aws:cloudwatch/metricAlarm:MetricAlarm edge-us-east-1-no-healthy-hosts",
		"aws:cloudwatch/metricAlarm:MetricAlarm observability-us-west-2-replication-lag",
		"aws:rds/clusterInstance:ClusterInstance database-us-east-1-2",
		"aws:route53/healthCheck:HealthCheck edge-us-east-1-health",
	}, gone)
	assert.Equal(t, []string{
		"aws:cloudwatch/metricAlarm:MetricAlarm edge-us-west-2-no-healthy-hosts",
		"aws:cloudwatch/metricAlarm:MetricAlarm observability-us-east-1-replication-lag",
		"aws:rds/clusterInstance:ClusterInstance database-us-west-2-2",
		"aws:route53/healthCheck:HealthCheck edge-us-west-2-health",
	}, added)

	// Every input that differs on a stateful resource must be one the resource ignores.
	stateful := map[string]bool{
		"aws:rds/cluster:Cluster":             true,
		"aws:rds/globalCluster:GlobalCluster": true,
		"aws:kms/key:Key":                     true,
		"aws:secretsmanager/secret:Secret":    true,
		"aws:backup/vault:Vault":              true,
		"aws:route53/zone:Zone":               true,
	}
	checked := 0
	for urn, old := range b {
		if !stateful[old.Type] {
			continue
		}
		now := a[urn]
		require.NotNil(t, now, urn)
		checked++
		keys := map[string]bool{}
		for k := range old.Inputs {
			keys[string(k)] = true
		}
		for k := range now.Inputs {
			keys[string(k)] = true
		}
		for k := range keys {
			if old.Prop(k).DeepEquals(now.Prop(k)) {
				continue
			}
			assert.True(t, now.Ignores(k), "%s %s: %q changes after recording the failover and is not ignored", old.Type, old.Name, k)
		}
	}
	assert.GreaterOrEqual(t, checked, 10)
}

func TestRecordingAFailoverMovesTrafficCapacityAndAlarmsToTheNewWriter(t *testing.T) {
	_, after := afterFailover(t)
	east := after.InRegion("aws:autoscaling/group:Group", "us-east-1")[0]
	west := after.InRegion("aws:autoscaling/group:Group", "us-west-2")[0]
	assert.Equal(t, 3.0, west.Num("desiredCapacity"), "the new writer's region runs the full capacity")
	assert.Equal(t, 2.0, east.Num("desiredCapacity"), "the old primary becomes the warm standby")

	var primary *offline.Resource
	for _, r := range after.OfType("aws:route53/record:Record") {
		if r.Str("failoverRoutingPolicies[0].type") == "PRIMARY" {
			primary = r
		}
	}
	require.NotNil(t, primary)
	westAlb := after.InRegion("aws:lb/loadBalancer:LoadBalancer", "us-west-2")[0]
	assert.Equal(t, westAlb.Outputs["dnsName"].StringValue(), primary.Str("aliases[0].name"), "DNS PRIMARY follows the writer")

	writer := map[string]string{}
	for _, c := range after.OfType("aws:rds/cluster:Cluster") {
		if c.Has("masterPassword") {
			writer[c.Region] = c.Name
		}
	}
	assert.Equal(t, map[string]string{"us-west-2": "database-us-west-2-cluster"}, writer, "credentials now belong to the new writer")

	lag := 0
	for _, alarm := range after.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		if alarm.Str("metricName") == "AuroraGlobalDBReplicationLag" {
			lag++
			assert.Equal(t, "us-east-1", alarm.Region, "the RPO alarm watches the new secondary")
		}
	}
	assert.Equal(t, 1, lag)
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
