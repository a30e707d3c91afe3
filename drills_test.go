package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const fisTemplate = "aws:fis/experimentTemplate:ExperimentTemplate"

func TestDrillsAreOnForStagingAndOffForProd(t *testing.T) {
	staging := offlinetest.MustRun(t, "staging", stackConfig(t, "staging"), run)
	assert.Len(t, staging.OfType(fisTemplate), 2*(2+2), "instance, region and one per AZ (2) in each region")
	prod := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	assert.Empty(t, prod.OfType(fisTemplate), "prod drills are switched on deliberately")
	assert.Empty(t, prod.OfType("multi-region-ha:drills:Drills"))
}

func drillsOn(t *testing.T, c programCase) map[string]string {
	cfg := c.config(t)
	cfg["multi-region-ha:drills"] = `{"enabled":true,"instancePercent":34,"durationMinutes":15}`
	return cfg
}

// Every template, in every region of every program case: each action's target key and resource type
// are the ones FIS documents, its parameters parse, its targets resolve only the stack's resources in
// its region, its stop conditions are the stack's alarms of that region, it logs (schema 2) to an
// encrypted, retained group of its region, and its role may do what it runs and nothing more.
func TestEveryDrillTemplateFollowsFISRules(t *testing.T) {
	for _, c := range programCases {
		t.Run(c.name, func(t *testing.T) {
			o := watchExports(t)
			m := offlinetest.MustRun(t, c.stack, drillsOn(t, c), run)
			templates := m.OfType(fisTemplate)
			require.Len(t, templates, 2*(2+c.azs))
			kinds := map[string]int{}
			for _, tpl := range templates {
				kind := tpl.Tags()["Drill"]
				kinds[tpl.Region+"/"+kind]++
				comp := m.ByURN(tpl.Parent)
				require.NotNil(t, comp)
				assert.Equal(t, "drills-"+tpl.Region, comp.Name, "%s lives in its region's component", tpl.Name)
				checkTemplate(t, m, c.stack, tpl, kind)
			}
			for _, region := range []string{c.primary, c.secondary} {
				assert.Equal(t, 1, kinds[region+"/instance"])
				assert.Equal(t, 1, kinds[region+"/region"])
				assert.Equal(t, c.azs, kinds[region+"/az"])
			}

			ids := o.resolve(t, "drillTemplateIds").(map[string]any)
			require.Len(t, ids, 2)
			for region, raw := range ids {
				entry := raw.(map[string]any)
				assert.Len(t, entry, 2+c.azs, region)
				assert.Equal(t, m.Named(fisTemplate, "drills-"+region+"-instance").ID, entry["instance"])
				assert.Equal(t, m.Named(fisTemplate, "drills-"+region+"-region").ID, entry["region"])
				assert.Equal(t, m.Named(fisTemplate, "drills-"+region+"-az1").ID, entry[drills.AZKey(region+"a")], "zones are looked up in the mocks as <region>a, b, c")
			}
		})
	}
}

func checkTemplate(t *testing.T, m *offline.Mocks, stack string, tpl *offline.Resource, kind string) {
	t.Helper()
	region := tpl.Region
	targetType := map[string]string{}
	for i := 0; i < tpl.Len("targets"); i++ {
		p := "targets[" + itoa(i) + "]"
		name := tpl.Str(p + ".name")
		rt := tpl.Str(p + ".resourceType")
		targetType[name] = rt
		assert.True(t, drills.ValidSelectionMode(tpl.Str(p+".selectionMode")), "%s %s", tpl.Name, name)
		tags := map[string]string{}
		for j := 0; j < tpl.Len(p+".resourceTags"); j++ {
			q := p + ".resourceTags[" + itoa(j) + "]"
			tags[tpl.Str(q+".key")] = tpl.Str(q + ".value")
		}
		switch rt {
		case drills.ResourceInstance:
			asg := m.Named("aws:autoscaling/group:Group", "compute-"+region+"-asg")
			require.NotNil(t, asg)
			assert.Equal(t, map[string]string{"aws:autoscaling:groupName": asg.Outputs["name"].StringValue()}, tags, "%s: only this region's application instances", tpl.Name)
		case drills.ResourceSubnet, drills.ResourceCluster:
			assert.Equal(t, "multi-region-ha", tags["Project"])
			// The Stack tag reaches subnets and clusters through the provider's default tags.
			assert.Equal(t, stack, tags["Stack"])
		default:
			t.Errorf("%s: unexpected resource type %s", tpl.Name, rt)
		}
		if rt == drills.ResourceSubnet {
			vpc := m.Named("aws:ec2/vpc:Vpc", "network-"+region+"-vpc")
			require.NotNil(t, vpc)
			found := false
			for j := 0; j < tpl.Len(p+".filters"); j++ {
				q := p + ".filters[" + itoa(j) + "]"
				if tpl.Str(q+".path") == "VpcId" {
					found = true
					assert.Equal(t, []string{vpc.ID}, tpl.Strings(q+".values"), "%s: subnets of this region's VPC only", tpl.Name)
				}
			}
			assert.True(t, found, "%s: subnet target filtered by VpcId", tpl.Name)
		}
		for j := 0; j < tpl.Len(p+".filters"); j++ {
			q := p + ".filters[" + itoa(j) + "]"
			assert.Contains(t, drills.FilterPaths[rt], tpl.Str(q+".path"))
			if strings.Contains(tpl.Str(q+".path"), "AvailabilityZone") {
				for _, z := range tpl.Strings(q + ".values") {
					assert.True(t, strings.HasPrefix(z, region), "%s: zone %s of %s", tpl.Name, z, region)
				}
			}
		}
	}
	var actionIDs []string
	for i := 0; i < tpl.Len("actions"); i++ {
		p := "actions[" + itoa(i) + "]"
		id := tpl.Str(p + ".actionId")
		actionIDs = append(actionIDs, id)
		spec, ok := drills.Actions[id]
		require.True(t, ok, "%s: %s", tpl.Name, id)
		assert.Equal(t, spec.TargetKey, tpl.Str(p+".target.key"), "%s %s", tpl.Name, id)
		assert.Equal(t, spec.ResourceType, targetType[tpl.Str(p+".target.value")], "%s %s", tpl.Name, id)
		for j := 0; j < tpl.Len(p+".parameters"); j++ {
			q := p + ".parameters[" + itoa(j) + "]"
			key, value := tpl.Str(q+".key"), tpl.Str(q+".value")
			param, known := spec.Params[key]
			require.True(t, known, "%s %s: parameter %s", tpl.Name, id, key)
			if param.Kind == drills.Duration {
				assert.Equal(t, "PT15M", value, "%s %s: the configured duration in ISO 8601", tpl.Name, key)
			}
			if key == "scope" {
				assert.Equal(t, "all", value)
			}
		}
	}
	sort.Strings(actionIDs)
	want := map[string][]string{
		"instance": {drills.ActionTerminateInstances},
		"az":       {drills.ActionStopInstances, drills.ActionDisruptConnectivity, drills.ActionFailoverDBCluster},
		"region":   {drills.ActionDisruptConnectivity},
	}[kind]
	sort.Strings(want)
	assert.Equal(t, want, actionIDs, tpl.Name)
	if kind == "instance" {
		assert.Equal(t, "PERCENT(34)", tpl.Str("targets[0].selectionMode"))
	}

	// Stop conditions: the stack's own alarms, in the template's region.
	abort := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "drills-"+region+"-abort")
	require.NotNil(t, abort)
	// When the stop condition fires, FIS stops the drill: somebody must be told, and told again when it clears.
	topics := m.InRegion("aws:sns/topic:Topic", region)
	require.Len(t, topics, 1)
	assert.Equal(t, []string{topics[0].Outputs["arn"].StringValue()}, abort.Strings("alarmActions"), "the abort pages its own region's topic")
	assert.Equal(t, []string{topics[0].Outputs["arn"].StringValue()}, abort.Strings("okActions"), "and its recovery")
	composite := m.Named("aws:cloudwatch/compositeAlarm:CompositeAlarm", "observability-"+region+"-region-unhealthy")
	require.NotNil(t, composite)
	var stops []string
	for i := 0; i < tpl.Len("stopConditions"); i++ {
		assert.Equal(t, "aws:cloudwatch:alarm", tpl.Str("stopConditions["+itoa(i)+"].source"))
		stops = append(stops, tpl.Str("stopConditions["+itoa(i)+"].value"))
	}
	if kind == "region" {
		assert.Equal(t, []string{abort.Outputs["arn"].StringValue()}, stops, "the dark region's composite fires by design")
	} else {
		assert.Equal(t, []string{composite.Outputs["arn"].StringValue(), abort.Outputs["arn"].StringValue()}, stops)
	}

	// Logging: schema 2, this region's encrypted, retained group.
	group := m.Named("aws:cloudwatch/logGroup:LogGroup", "drills-"+region+"-logs")
	require.NotNil(t, group)
	assert.Equal(t, float64(drills.LogSchemaVersion), tpl.Num("logConfiguration.logSchemaVersion"))
	assert.Equal(t, group.Outputs["arn"].StringValue()+":*", tpl.Str("logConfiguration.cloudwatchLogsConfiguration.logGroupArn"))
	key := m.Named("aws:kms/key:Key", "drills-"+region+"-logs-key")
	require.NotNil(t, key)
	assert.Equal(t, key.Outputs["arn"].StringValue(), group.Str("kmsKeyId"))
	assert.True(t, key.Bool("enableKeyRotation"))
	assert.Positive(t, group.Num("retentionInDays"))
	assert.Equal(t, region, group.Region)

	// The role: FIS of this account and region only; exactly its template's permissions.
	role := m.Named("aws:iam/role:Role", "drills-"+region+"-"+kind+"-role")
	require.NotNil(t, role)
	assert.Equal(t, role.Outputs["arn"].StringValue(), tpl.Str("roleArn"))
	trust := role.JSON("assumeRolePolicy")
	st := trust["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, offline.AccountID, st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["aws:SourceAccount"])
	assert.Equal(t, "arn:aws:fis:"+region+":"+offline.AccountID+":experiment/*", st["Condition"].(map[string]any)["ArnLike"].(map[string]any)["aws:SourceArn"])
	policy := m.Named("aws:iam/rolePolicy:RolePolicy", "drills-"+region+"-"+kind+"-policy")
	require.NotNil(t, policy)
	assert.True(t, tpl.DependsOn(policy), "%s waits for its role's permissions", tpl.Name)
	granted := map[string]bool{}
	var doc struct {
		Statement []struct {
			Action   []string
			Resource []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(policy.Str("policy")), &doc))
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			granted[a] = true
		}
		for _, r := range s.Resource {
			if r != "*" {
				assert.Contains(t, r, ":"+region+":"+offline.AccountID+":", "%s role stays in its region", tpl.Name)
			}
		}
	}
	for _, id := range actionIDs {
		for _, p := range drills.Actions[id].Permissions {
			assert.True(t, granted[p], "%s role lacks %s for %s", tpl.Name, p, id)
		}
	}
	if kind != "az" {
		assert.False(t, granted["rds:FailoverDBCluster"], "%s role cannot fail the database over", tpl.Name)
	} else {
		clusters := m.InRegion("aws:rds/cluster:Cluster", region)
		require.Len(t, clusters, 1)
		cluster := clusters[0]
		assert.Contains(t, policy.Str("policy"), cluster.Outputs["arn"].StringValue(), "the AZ role fails over this region's cluster only")
	}
	assert.Equal(t, map[string]string{"instance": "fail", "region": "fail", "az": "skip"}[kind], tpl.Str("experimentOptions.emptyTargetResolutionMode"))
}
