package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/trafficmodel"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Whole-program tests of the traffic half of issue #12: the failover pair depends only on
// primaryRegion, two runs are identical, and the health checks the program registers are wired as the
// design says and steer traffic as the scenario table expects.

const (
	recordType      = "aws:route53/record:Record"
	healthCheckType = "aws:route53/healthCheck:HealthCheck"
)

// failoverRecords returns the failover pair by set identifier.
func failoverRecords(t *testing.T, m *offline.Mocks) map[string]*offline.Resource {
	t.Helper()
	out := map[string]*offline.Resource{}
	for _, r := range m.OfType(recordType) {
		if r.Has("failoverRoutingPolicies") {
			out[r.Str("setIdentifier")] = r
		}
	}
	require.Len(t, out, 2)
	return out
}

func albDNS(m *offline.Mocks, region string) string {
	return m.InRegion("aws:lb/loadBalancer:LoadBalancer", region)[0].Outputs["dnsName"].StringValue()
}

// No config change moves a record's name, type or set identifier; PRIMARY is always primaryRegion.
func TestFailoverTypeDependsOnlyOnPrimaryRegion(t *testing.T) {
	variants := map[string]func(*testing.T, map[string]string){
		"prod as committed": func(*testing.T, map[string]string) {},
		"other health check settings": func(t *testing.T, c map[string]string) {
			patchObject(t, c, "edge", map[string]any{"healthCheckIntervalSeconds": 30, "healthCheckFailureThreshold": 5})
		},
		"other capacity": func(t *testing.T, c map[string]string) {
			patchObject(t, c, "compute", map[string]any{"minSize": 3, "maxSize": 9, "desiredCapacity": 4, "standbyMinSize": 0, "standbyDesiredCapacity": 0})
		},
		"automatic failover on": func(t *testing.T, c map[string]string) {
			patchObject(t, c, "database", map[string]any{"autoFailover": "auto"})
		},
		"regions swapped": func(t *testing.T, c map[string]string) {
			c["multi-region-ha:primaryRegion"], c["multi-region-ha:secondaryRegion"] = "us-west-2", "us-east-1"
			network := map[string]any{}
			require.NoError(t, json.Unmarshal([]byte(c["multi-region-ha:network"]), &network))
			network["primary"], network["secondary"] = network["secondary"], network["primary"]
			b, err := json.Marshal(network)
			require.NoError(t, err)
			c["multi-region-ha:network"] = string(b)
		},
		"eu region pair": func(t *testing.T, c map[string]string) {
			for k := range c {
				delete(c, k)
			}
			for k, v := range euConfig(t) {
				c[k] = v
			}
		},
	}
	var baseline map[string]*offline.Resource
	for name, change := range variants {
		t.Run(name, func(t *testing.T) {
			cfg := stackConfig(t, "prod")
			change(t, cfg)
			m := offlinetest.MustRun(t, "prod", cfg, run)
			recs := failoverRecords(t, m)
			home, standby := cfg["multi-region-ha:primaryRegion"], cfg["multi-region-ha:secondaryRegion"]
			if home == "" {
				home, standby = "us-east-1", "us-west-2"
			}
			assert.Equal(t, "PRIMARY", recs["home"].Str("failoverRoutingPolicies[0].type"))
			assert.Equal(t, "SECONDARY", recs["standby"].Str("failoverRoutingPolicies[0].type"))
			assert.Equal(t, albDNS(m, home), recs["home"].Str("aliases[0].name"), "PRIMARY is primaryRegion's ALB")
			assert.Equal(t, albDNS(m, standby), recs["standby"].Str("aliases[0].name"))
			for key, r := range recs {
				assert.Equal(t, "edge-failover-"+key, r.Name, "the logical name never changes")
				assert.Equal(t, edgeRegion, r.Region)
				if baseline != nil {
					assert.Equal(t, baseline[key].URN, r.URN)
					assert.Equal(t, baseline[key].Str("type"), r.Str("type"))
				}
			}
			if baseline == nil {
				baseline = recs
			}
		})
	}
}

// Two runs with the same config register the same URNs, providers and inputs.
func TestTwoRunsAreIdentical(t *testing.T) {
	cfg := stackConfig(t, "prod")
	a := offlinetest.MustRun(t, "prod", cfg, run)
	b := offlinetest.MustRun(t, "prod", cfg, run)
	index := func(m *offline.Mocks) map[string]*offline.Resource {
		out := map[string]*offline.Resource{}
		for _, r := range m.Resources() {
			out[r.URN] = r
		}
		return out
	}
	ia, ib := index(a), index(b)
	require.Equal(t, len(ia), len(ib))
	for urn, ra := range ia {
		rb, ok := ib[urn]
		if !assert.True(t, ok, urn) {
			continue
		}
		assert.Equal(t, ra.ProviderName, rb.ProviderName, urn)
		assert.Equal(t, ra.Region, rb.Region, urn)
		assert.True(t, ra.Inputs.DeepEquals(rb.Inputs), "%s: inputs differ between two runs", urn)
	}
}

// recordedPlan turns the Route 53 health checks and failover records the program registered back
// into the plan's values, so the failover model runs on what AWS would receive.
func recordedPlan(t *testing.T, m *offline.Mocks, home, standby string) ([]edgecalc.HealthCheckSpec, []edgecalc.FailoverRecordSpec) {
	t.Helper()
	byID := map[string]string{}
	var checks []edgecalc.HealthCheckSpec
	for _, hc := range m.OfType(healthCheckType) {
		key := strings.TrimPrefix(hc.Name, "edge-")
		byID[hc.ID] = key
		spec := edgecalc.HealthCheckSpec{Key: key, Region: hc.Str("tags.Region"), Kind: hc.Str("tags.Check"), Type: hc.Str("type"),
			Inverted: hc.Bool("invertHealthcheck")}
		if spec.Type == edgecalc.HealthCheckTypeHTTPS {
			spec.Path = hc.Str("resourcePath")
			spec.IntervalSeconds, spec.FailureThreshold = int(hc.Num("requestInterval")), int(hc.Num("failureThreshold"))
			// The check asks the region its fqdn names, on the listener the checkers are admitted to.
			assert.Equal(t, spec.Region+".origin.app."+domainOf("prod"), hc.Str("fqdn"), key)
			assert.Equal(t, float64(edgecalc.HTTPSPort), hc.Num("port"), key)
			assert.True(t, hc.Bool("enableSni"), key)
		}
		checks = append(checks, spec)
	}
	// Calculated children by id, in the order the program lists them; children first.
	var ordered []edgecalc.HealthCheckSpec
	var calculated []edgecalc.HealthCheckSpec
	for i, hc := range m.OfType(healthCheckType) {
		if checks[i].Type != edgecalc.HealthCheckTypeCalculated {
			ordered = append(ordered, checks[i])
			continue
		}
		c := checks[i]
		for _, id := range hc.Strings("childHealthchecks") {
			c.Children = append(c.Children, byID[id])
		}
		c.ChildHealthThreshold = int(hc.Num("childHealthThreshold"))
		calculated = append(calculated, c)
	}
	ordered = append(ordered, calculated...)
	var records []edgecalc.FailoverRecordSpec
	for key, r := range failoverRecords(t, m) {
		region := home
		if r.Str("aliases[0].name") == albDNS(m, standby) {
			region = standby
		}
		records = append(records, edgecalc.FailoverRecordSpec{Key: key, Failover: r.Str("failoverRoutingPolicies[0].type"),
			Region: region, HealthCheck: byID[r.Str("healthCheckId")]})
	}
	return ordered, records
}

// The registered checks are the design: PRIMARY = home live AND home primary AND NOT standby
// primary; SECONDARY = standby live; and the failover model, run on them, answers every scenario.
func TestHealthCheckWiringOnTheRealInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*testing.T) map[string]string
	}{{"prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }}, {"eu regions", euConfig}} {
		t.Run(tc.name, func(t *testing.T) {
			raw := tc.cfg(t)
			m := offlinetest.MustRun(t, "prod", raw, run)
			values := map[string]string{}
			for k, v := range raw {
				if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
					values[name] = v
				}
			}
			cfg, err := stacks.Parse("prod", values, nil)
			require.NoError(t, err)
			home, standby := cfg.PrimaryRegion, cfg.SecondaryRegion

			checks, records := recordedPlan(t, m, home, standby)
			require.NoError(t, edgecalc.ValidatePlan(checks), "Route 53 would accept the registered checks")
			byKey := map[string]edgecalc.HealthCheckSpec{}
			for _, c := range checks {
				byKey[c.Key] = c
				assert.Equal(t, edgeRegion, m.Named(healthCheckType, "edge-"+c.Key).Region, "health checks on the us-east-1 provider")
			}
			serves := byKey[home+"-serves"]
			assert.Equal(t, edgecalc.HealthCheckTypeCalculated, serves.Type)
			assert.Equal(t, []string{home + "-live", home + "-primary", standby + "-primary"}, serves.Children)
			assert.Equal(t, 3, serves.ChildHealthThreshold)
			assert.True(t, byKey[standby+"-primary"].Inverted)
			assert.False(t, byKey[home+"-primary"].Inverted)
			assert.Equal(t, cfg.Compute.HealthCheckPath, byKey[home+"-live"].Path, "liveness = the target group's health check path")
			assert.Equal(t, compute.PrimaryPath, byKey[standby+"-primary"].Path)
			assert.Equal(t, cfg.Edge.HealthCheckIntervalSeconds, byKey[home+"-live"].IntervalSeconds)
			assert.Equal(t, cfg.Edge.HealthCheckFailureThreshold, byKey[home+"-live"].FailureThreshold)

			// Both paths pass the listener without the secret, in both regions.
			for _, r := range []string{home, standby} {
				rule := m.Named("aws:lb/listenerRule:ListenerRule", "compute-"+r+"-health-paths")
				require.NotNil(t, rule, r)
				assert.ElementsMatch(t, []string{byKey[r+"-live"].Path, byKey[r+"-primary"].Path}, rule.Strings("conditions[0].pathPattern.values"))
				// Only Route 53's checks of this stack: the Host they send is the checks' own name.
				assert.Equal(t, []string{m.Named(healthCheckType, "edge-"+r+"-live").Str("fqdn")}, rule.Strings("conditions[2].hostHeader.values"),
					"the health paths admit only the Host this stack's checks send")
				values := 0
				for i := 0; i < rule.Len("conditions"); i++ {
					for _, k := range []string{"pathPattern", "httpRequestMethod", "hostHeader"} {
						values += len(rule.Strings(fmt.Sprintf("conditions[%d].%s.values", i, k)))
					}
				}
				assert.LessOrEqual(t, values, 5, "an ALB rule takes at most five condition values")
				hc := m.Named("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "compute-"+r+"-alb-in-https-route53")
				require.NotNil(t, hc, r)
				assert.Equal(t, cfg.PrefixLists(r).HealthCheck, hc.Str("prefixListId"), "the region's own route53-healthchecks list")
			}

			c := cfg.Compute
			// The target health the model reads is the one registered on the home region's target group.
			var tg *offline.Resource
			for _, g := range m.InRegion("aws:lb/targetGroup:TargetGroup", home) {
				tg = g
			}
			require.NotNil(t, tg)
			s := trafficmodel.Settings{Home: home, Standby: standby, Checks: checks, Records: records,
				Capacity:     trafficmodel.Capacity{HomeMin: c.MinSize, StandbyMin: c.StandbyMinSize, Serving: c.DesiredCapacity, Max: c.MaxSize},
				TargetHealth: trafficmodel.TargetHealth{IntervalSeconds: int(tg.Num("healthCheck.interval")), UnhealthyThreshold: int(tg.Num("healthCheck.unhealthyThreshold"))}}
			for _, sc := range trafficmodel.Scenarios(home, standby) {
				a, err := trafficmodel.Evaluate(s, sc.World)
				require.NoError(t, err, sc.Name)
				assert.Equal(t, sc.Serves, a.Serves, "%s: %s", sc.Name, sc.Why)
				assert.Equal(t, sc.Writer, a.Writer, sc.Name)
				assert.Equal(t, sc.ViewerWritesSucceed, a.ViewerWritesSucceed, sc.Name)
				assert.Equal(t, sc.ForcedPrimary, a.ForcedPrimary, sc.Name)
			}
		})
	}
}

// The default application finds the database by the names the database component really uses.
func TestDefaultApplicationFindsTheRegisteredDatabase(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), run)
	global := m.OfType("aws:rds/globalCluster:GlobalCluster")
	require.Len(t, global, 1)
	secret := m.OfType("aws:secretsmanager/secret:Secret")
	require.Len(t, secret, 1)
	assert.Equal(t, databaseName+"-credentials", secret[0].Name, "Pulumi auto-names it with this prefix")
	for _, lt := range m.OfType("aws:ec2/launchTemplate:LaunchTemplate") {
		raw, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
		require.NoError(t, err)
		script := string(raw)
		assert.Contains(t, script, "GLOBAL_CLUSTER_ID="+global[0].Str("globalClusterIdentifier")+"\n", lt.Region)
		assert.Contains(t, script, "DB_SECRET_PREFIX="+secret[0].Name+"-\n", lt.Region)
		assert.Contains(t, script, "STACK=prod\n", "the secret carries the provider's Stack tag")
	}
}

// patchObject sets keys inside the config object key (e.g. "edge"), keeping its other keys.
func patchObject(t *testing.T, cfg map[string]string, key string, patch map[string]any) {
	t.Helper()
	full := "multi-region-ha:" + key
	obj := map[string]any{}
	if raw, ok := cfg[full]; ok {
		require.NoError(t, json.Unmarshal([]byte(raw), &obj))
	}
	for k, v := range patch {
		obj[k] = v
	}
	b, err := json.Marshal(obj)
	require.NoError(t, err)
	cfg[full] = string(b)
}
