package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// operatorReads are the outputs `go run . drill` and `go run . verify` read (through
// liveops.Outputs' String/Map/Nested), by the pkg/stackoutputs constant's name: the accessor each
// uses, and when the program exports it.
var operatorReads = map[string]struct {
	shape    string // String, Map or Nested: the accessor the commands call
	exported func(*stacks.Config) bool
}{
	"URL":                       {"String", always},
	"GlobalClusterID":           {"String", always},
	"AlbDNSNames":               {"Map", always},
	"TargetGroupArns":           {"Map", always},
	"DatabaseClusterIDs":        {"Map", always},
	"FailoverStateMachineArns":  {"Map", always},
	"FailoverRoleArns":          {"Map", always},
	"RegionUnhealthyAlarmNames": {"Map", always},
	"BackupVaultArns":           {"Map", always},
	"HealthCheckID":             {"String", always},
	"HealthCheckIDs":            {"Map", always},
	"DrillTemplateIDs":          {"Nested", func(c *stacks.Config) bool { return c.Drills.Enabled }},
	"RegionProbeURLs":           {"Map", autoFailoverOn},
	"FailoverDetectors":         {"Nested", autoFailoverOn},
	"AlbArns":                   {"Map", always},
}

func always(*stacks.Config) bool { return true }

func autoFailoverOn(c *stacks.Config) bool { return c.Database.AutoFailover != "off" }

// constantsOf parses pkg/stackoutputs: constant name -> its string value.
func constantsOf(t *testing.T) map[string]string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), filepath.Join("pkg", "stackoutputs"), func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	out := map[string]string{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			inspectConstants(f, out)
		}
	}
	return out
}

// inspectConstants adds the string constants of f to out.
func inspectConstants(f *ast.File, out map[string]string) {
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			for i, name := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out[name.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
		return true
	})
}

// commandReads parses the operator commands' sources for every outs.String/Map/Nested(...) call:
// accessor -> argument, where the argument is a stackoutputs constant's name, or a literal (quoted).
func commandReads(t *testing.T) map[string]string {
	t.Helper()
	reads := map[string]string{}
	for _, dir := range []string{"pkg/drill", "pkg/verify"} {
		pkgs, err := parser.ParseDir(token.NewFileSet(), dir, nil, 0)
		require.NoError(t, err)
		for _, p := range pkgs {
			for name, f := range p.Files {
				if strings.HasSuffix(name, "_test.go") {
					continue
				}
				ast.Inspect(f, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || len(call.Args) != 1 {
						return true
					}
					sel, ok := call.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					recv, ok := sel.X.(*ast.Ident)
					if !ok || recv.Name != "outs" {
						return true
					}
					switch arg := call.Args[0].(type) {
					case *ast.SelectorExpr:
						if pkg, ok := arg.X.(*ast.Ident); ok && pkg.Name == "stackoutputs" {
							reads[arg.Sel.Name] = sel.Sel.Name
							return true
						}
					case *ast.BasicLit:
						reads[arg.Value] = sel.Sel.Name
						return true
					}
					reads["?"+name] = sel.Sel.Name
					return true
				})
			}
		}
	}
	return reads
}

// The commands read outputs only by pkg/stackoutputs' names, each through the accessor the table
// says; and the table lists every one (so the run below checks all the commands read).
func TestOperatorCommandsReadOnlyNamedOutputs(t *testing.T) {
	reads := commandReads(t)
	require.NotEmpty(t, reads)
	var got []string
	for name, accessor := range reads {
		got = append(got, name)
		spec, ok := operatorReads[name]
		if assert.True(t, ok, "a command reads output %s, which the table (and the program test) does not know", name) {
			assert.Equal(t, spec.shape, accessor, name)
		}
	}
	var want []string
	for name := range operatorReads {
		want = append(want, name)
	}
	sort.Strings(got)
	sort.Strings(want)
	assert.Equal(t, want, got, "every listed output is read by a command")
}

// Every output the commands read is exported by the program, in the shape they read it, whenever
// the config says it exists; and the contents mean what the commands take them to mean.
func TestProgramExportsEveryOutputTheOperatorCommandsRead(t *testing.T) {
	names := constantsOf(t)
	cases := []struct {
		name, stack string
		config      func(t *testing.T) map[string]string
	}{
		{"prod (no drills, autoFailover off)", "prod", func(t *testing.T) map[string]string { return stackConfig(t, "prod") }},
		{"staging with drills and autoFailover notify", "staging", func(t *testing.T) map[string]string {
			return withDatabase(stackConfig(t, "staging"), `{"autoFailover":"notify"}`)
		}},
		{"eu regions, autoFailover auto", "prod", func(t *testing.T) map[string]string { return withDatabase(euConfig(t), `{"autoFailover":"auto"}`) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			values := tc.config(t)
			cfg := parsedConfig(t, tc.stack, values)
			exports := watchExports(t)
			m := offlinetest.MustRun(t, tc.stack, values, run)

			outs := liveops.Outputs{}
			for constant, spec := range operatorReads {
				name := names[constant]
				require.NotEmpty(t, name, constant)
				exports.mu.Lock()
				_, ok := exports.values[name]
				exports.mu.Unlock()
				if !spec.exported(cfg) {
					assert.False(t, ok, "%s is exported although its config is off", name)
					continue
				}
				require.True(t, ok, "the commands read %s but the program does not export it", name)
				outs[name] = exports.resolve(t, name)
				var err error
				switch spec.shape {
				case "String":
					_, err = outs.String(name)
				case "Map":
					var got map[string]string
					got, err = outs.Map(name)
					assert.NotEmpty(t, got, name)
				case "Nested":
					var got map[string]map[string]string
					got, err = outs.Nested(name)
					for _, r := range cfg.Regions() {
						assert.NotEmpty(t, got[r], "%s has %s", name, r)
					}
				}
				assert.NoError(t, err, "%s read as %s", name, spec.shape)
			}

			// healthCheckIds: "primary" is the PRIMARY failover record's check; each region's
			// liveness and global-primary checks are the edge's, by region.
			checks, err := outs.Map(stackoutputs.HealthCheckIDs)
			require.NoError(t, err)
			byName := map[string]string{}
			for _, hc := range m.OfType(healthCheckType) {
				byName[hc.Name] = hc.ID
			}
			records := failoverRecords(t, m)
			assert.Equal(t, records["home"].Str("healthCheckId"), checks[stackoutputs.PrimaryRecordCheck], "primary = the PRIMARY record's check")
			assert.Equal(t, "PRIMARY", records["home"].Str("failoverRoutingPolicies[0].type"))
			assert.Equal(t, byName["edge-"+cfg.PrimaryRegion+"-serves"], checks[stackoutputs.PrimaryRecordCheck])
			assert.Equal(t, outs[stackoutputs.HealthCheckID], checks[stackoutputs.PrimaryRecordCheck])
			want := map[string]string{stackoutputs.PrimaryRecordCheck: checks[stackoutputs.PrimaryRecordCheck]}
			for _, r := range cfg.Regions() {
				want[stackoutputs.LivenessCheck(r)] = byName["edge-"+r+"-live"]
				want[stackoutputs.GlobalPrimaryCheck(r)] = byName["edge-"+r+"-primary"]
				assert.NotEmpty(t, byName["edge-"+r+"-live"])
			}
			assert.Equal(t, want, checks)

			if !autoFailoverOn(cfg) {
				return
			}
			// regionProbeUrls: each region's URL is its own pinned probe behaviour's.
			probes, err := outs.Map(stackoutputs.RegionProbeURLs)
			require.NoError(t, err)
			for _, r := range cfg.Regions() {
				assert.Equal(t, "https://"+cfg.Edge.Names().Viewer()+edge.ProbePrefix+r+cfg.Compute.HealthCheckPath, probes[r])
			}
			// failoverDetectors: the drill's page alarm is each region's registered Degraded alarm.
			detectors, err := outs.Nested(stackoutputs.FailoverDetectors)
			require.NoError(t, err)
			for _, r := range cfg.Regions() {
				degraded := m.Named("aws:cloudwatch/metricAlarm:MetricAlarm", "detector-"+r+"-degraded")
				require.NotNil(t, degraded, r)
				assert.Equal(t, "Degraded", degraded.Str("metricName"))
				assert.Equal(t, r, degraded.Region)
				assert.Equal(t, degraded.Outputs["name"].StringValue(), detectors[r][stackoutputs.DetectorDegradedAlarm], r)
			}
		})
	}
}

// parsedConfig is the validated config of a stack's values (as the CLI passes them).
func parsedConfig(t *testing.T, stack string, values map[string]string) *stacks.Config {
	t.Helper()
	own := map[string]string{}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			own[name] = v
		}
	}
	cfg, err := stacks.Parse(stack, own, nil)
	require.NoError(t, err)
	return cfg
}

// The Route 53 alarms (us-east-1) watch each region's liveness check, never the PRIMARY record's
// calculated check, which is unhealthy for as long as the standby legitimately serves after a
// failover; that check is only graphed on the dashboards, beside the liveness checks.
func TestHealthCheckAlarmsWatchEachRegionsLiveness(t *testing.T) {
	for _, tc := range programCases {
		t.Run(tc.name, func(t *testing.T) {
			m := offlinetest.MustRun(t, tc.stack, tc.config(t), run)
			ids := map[string]string{}
			for _, hc := range m.OfType(healthCheckType) {
				ids[hc.Name] = hc.ID
			}
			watched := map[string]string{}
			for _, a := range m.OfType("aws:cloudwatch/metricAlarm:MetricAlarm") {
				if a.Str("namespace") != "AWS/Route53" {
					continue
				}
				assert.Equal(t, "us-east-1", a.Region, a.Name)
				assert.Equal(t, "HealthCheckStatus", a.Str("metricName"), a.Name)
				assert.Equal(t, "breaching", a.Str("treatMissingData"), a.Name)
				watched[a.Name] = a.Str("dimensions.HealthCheckId")
			}
			want := map[string]string{}
			for _, r := range []string{tc.primary, tc.secondary} {
				want["observability-us-east-1-health-check-"+r+"-live"] = ids["edge-"+r+"-live"]
				assert.NotEmpty(t, ids["edge-"+r+"-live"], r)
			}
			assert.Equal(t, want, watched, "one alarm per region's liveness, and none on the PRIMARY record's check")
			for name, id := range watched {
				assert.NotEqual(t, ids["edge-"+tc.primary+"-serves"], id, name)
			}
			for _, d := range m.OfType("aws:cloudwatch/dashboard:Dashboard") {
				body := d.Str("dashboardBody")
				for _, r := range []string{tc.primary, tc.secondary} {
					assert.Contains(t, body, `"HealthCheckId","`+ids["edge-"+r+"-live"]+`"`, "%s graphs %s's liveness", d.Name, r)
				}
				assert.Contains(t, body, `"HealthCheckId","`+ids["edge-"+tc.primary+"-serves"]+`"`, "%s graphs the PRIMARY record's check", d.Name)
			}
		})
	}
}
