package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Regenerate the golden files after a change to the program, its config or the plan:
//
//	go test ./pkg/plan -update
//
// and review the diff of pkg/plan/testdata/ like any other change.
var update = flag.Bool("update", false, "rewrite pkg/plan/testdata/*.golden from the program's output")

// projectRoot is the repository root, where Pulumi.yaml and the program live.
const projectRoot = "../.."

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// programBinary builds the program once per test run (`go build` of the repository root, or of
// PLAN_MAIN_PKG when set) and returns its path. The golden files describe exactly what
// `go run . plan` prints.
func programBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "plan-test-bin")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "multi-region-ha")
		pkg := os.Getenv("PLAN_MAIN_PKG")
		if pkg == "" {
			pkg = "."
		}
		cmd := exec.Command("go", "build", "-o", binary, pkg)
		cmd.Dir = projectRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	require.NoError(t, buildErr)
	return binary
}

// plan runs `<program> plan args...` in the project root and returns stdout, stderr and the exit code.
func plan(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(programBinary(t), append([]string{"plan"}, args...)...)
	cmd.Dir = projectRoot
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return stdout.String(), stderr.String(), code
}

// mustPlan is plan for a run that has to succeed.
func mustPlan(t *testing.T, args ...string) (string, string) {
	t.Helper()
	stdout, stderr, code := plan(t, args...)
	require.Equal(t, 0, code, "plan %v failed (is `plan` dispatched to plan.Main in main.go?):\n%s", args, stderr)
	return stdout, stderr
}

// TestGoldenPlans keeps one small golden file per section of each format
// (testdata/<stack>/<format>/<section>.golden), so a diff says which part of the plan changed.
func TestGoldenPlans(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		for _, format := range Formats {
			t.Run(stack+"/"+format, func(t *testing.T) {
				got, _ := mustPlan(t, "--stack", stack, "--format", format)
				dir := filepath.Join("testdata", stack, format)
				sections := goldenSections(t, format, got)
				if *update {
					require.NoError(t, os.RemoveAll(dir))
					require.NoError(t, os.MkdirAll(dir, 0o755))
					for name, body := range sections {
						require.NoError(t, os.WriteFile(filepath.Join(dir, name+".golden"), []byte(body), 0o644))
					}
					return
				}
				files, err := filepath.Glob(filepath.Join(dir, "*.golden"))
				require.NoError(t, err)
				require.NotEmpty(t, files, "no golden files: run go test ./pkg/plan -update")
				assert.Len(t, sections, len(files), "sections of %s/%s", stack, format)
				for _, file := range files {
					want, err := os.ReadFile(file)
					require.NoError(t, err)
					name := strings.TrimSuffix(filepath.Base(file), ".golden")
					assert.Equal(t, string(want), sections[name], "the plan changed: run go test ./pkg/plan -update and review the diff of %s", file)
				}
			})
		}
	}
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// goldenSections splits one output into its sections: text at its capitalised headings, markdown
// at its ### headings, JSON by top-level field; the mermaid diagram is one section.
func goldenSections(t *testing.T, format, out string) map[string]string {
	t.Helper()
	sections := map[string]string{}
	switch format {
	case "json":
		var fields map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(out), &fields))
		for k, raw := range fields {
			var indented bytes.Buffer
			require.NoError(t, json.Indent(&indented, raw, "", "  "))
			sections[k] = indented.String() + "\n"
		}
		return sections
	case "mermaid":
		return map[string]string{"diagram": out}
	}
	name := "header"
	for _, line := range strings.SplitAfter(out, "\n") {
		heading := ""
		if format == "text" && line != "" && line[0] >= 'A' && line[0] <= 'Z' && strings.ToUpper(strings.SplitN(line, ":", 2)[0]) == strings.SplitN(line, ":", 2)[0] {
			heading = strings.SplitN(line, ":", 2)[0]
		}
		if format == "markdown" && strings.HasPrefix(line, "### ") {
			heading = strings.SplitN(strings.TrimPrefix(line, "### "), ":", 2)[0]
		}
		if heading != "" {
			name = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(heading), "-"), "-")
		}
		sections[name] += line
	}
	return sections
}

// The text plans of both stacks fit TextWidth, every line.
func TestTextPlansFitTheWidth(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		for _, args := range [][]string{{}, {"--verbose"}} {
			out, _ := mustPlan(t, append([]string{"--stack", stack}, args...)...)
			for i, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, len([]rune(line)), TextWidth, "%s %v line %d: %q", stack, args, i+1, line)
			}
			assert.NotContains(t, out, "1 instances")
		}
	}
}

// `plan --compare OLD.json` against its own saved JSON says nothing changed; against a stack with
// other settings it names the changes. --all-edges draws today's full graph.
func TestCompareAgainstASavedPlan(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "staging.json")
	out, _ := mustPlan(t, "--stack", "staging", "--format", "json")
	require.NoError(t, os.WriteFile(saved, []byte(out), 0o644))
	same, _ := mustPlan(t, "--stack", "staging", "--compare", saved)
	assert.Contains(t, same, "No change")
	against, _ := mustPlan(t, "--stack", "prod", "--compare", saved, "--format", "markdown")
	assert.Contains(t, against, "| Monthly cost |")
	assert.Contains(t, against, "### Resources added and removed")
	_, stderr, code := plan(t, "--stack", "staging", "--compare", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr, "missing.json")

	paths, _ := mustPlan(t, "--stack", "prod", "--format", "mermaid")
	all, _ := mustPlan(t, "--stack", "prod", "--format", "mermaid", "--all-edges")
	assert.NotContains(t, paths, "-.->")
	assert.Contains(t, all, "-.->")
	assert.Greater(t, strings.Count(all, "\n"), strings.Count(paths, "\n"))
}

func TestJSONHasTheDocumentedShape(t *testing.T) {
	out, _ := mustPlan(t, "--stack", "prod", "--format", "json")
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var r Report
	require.NoError(t, dec.Decode(&r))
	assert.Equal(t, SchemaVersion, r.SchemaVersion)
	assert.Equal(t, "prod", r.Stack)
	assert.Positive(t, r.Inventory.Total)
	assert.Positive(t, r.Cost.MonthlyTotal)
	assert.True(t, strings.HasPrefix(r.Diagram, "flowchart LR\n"))
	var perRegion float64
	for _, rc := range r.Cost.Regions {
		perRegion += rc.Monthly
	}
	assert.InDelta(t, r.Cost.MonthlyTotal, perRegion, 0.001, "regions add up to the total")
	var items float64
	for _, it := range r.Cost.Items {
		items += it.Monthly
	}
	assert.InDelta(t, r.Cost.MonthlyTotal, items, 0.001, "items add up to the total")
	sum := 0
	for _, c := range r.Inventory.Components {
		sum += c.Resources
	}
	assert.Equal(t, r.Inventory.Total, sum, "components add up to the total")

	// The traffic budget, from the settings the program really registers: prod typically 105 s, at
	// most 114 s for a dark region (issue 22 case 8: the bound stays within 120 s).
	tr := r.Failover.Traffic
	require.True(t, tr.Available)
	assert.Equal(t, 105, tr.TotalSeconds, "prod traffic budget: %+v", tr)
	assert.Equal(t, tr.TotalSeconds, tr.TypicalSeconds)
	assert.Equal(t, 114, tr.BoundSeconds, "prod dark-region bound: %+v", tr.Bound)
	assert.LessOrEqual(t, tr.BoundSeconds, 120)
	assert.Equal(t, tr.Bound.DetectionSeconds+tr.Bound.EvaluationSeconds+tr.Bound.DNSSeconds+tr.Bound.InFlightSeconds, tr.BoundSeconds)
	assert.Equal(t, 10*3+4, tr.Bound.DetectionSeconds, "interval x threshold + the checkers' 4 s connect timeout")
	assert.Equal(t, 10, tr.Bound.InFlightSeconds, "1 attempt x the 10 s read timeout")
	assert.Equal(t, 10, tr.IntervalSeconds)
	assert.Equal(t, 3, tr.FailureThreshold)
	assert.Equal(t, 60, tr.DNSSeconds, "alias records to an ALB: 60 s")
	assert.Equal(t, 60, tr.ClientKeepAliveSeconds, "read from the ALBs")
	assert.Equal(t, 1, tr.OriginConnectionAttempts, "read from CloudFront's origins")
	assert.Equal(t, 5, tr.OriginConnectionTimeoutSeconds)
	assert.Equal(t, 10, tr.OriginReadTimeoutSeconds)
	// Writes with prod's notify: a person starts the runbook; the detector pages within 6.5 min
	// (FreshSeconds + the stall threshold for a silent metric, then (N+1) min).
	w := r.Failover.Writes
	assert.Equal(t, "notify", w.Mode)
	assert.True(t, w.AfterPerson)
	assert.Equal(t, 240, w.DetectionSeconds)
	assert.Equal(t, 390, w.DetectionBoundSeconds)
	assert.Equal(t, 150, w.BoundSeconds)
	assert.Equal(t, "2.5 min after a person starts the runbook (the detector pages in 4 min, at most 6.5 min)", w.Summary)
	assert.Equal(t, tr.DetectionSeconds+tr.EvaluationSeconds+max(tr.DNSSeconds, tr.ConnectionsSeconds)+tr.OriginAttemptsSeconds, tr.TotalSeconds)
	assert.Contains(t, tr.BoundedBy, "alias TTL")
}

func TestTextPrintsProgressOnStderrOnly(t *testing.T) {
	stdout, stderr := mustPlan(t, "--stack", "staging")
	assert.Contains(t, stderr, "plan: running the program for stack staging under the offline model")
	assert.Contains(t, stdout, "Plan of stack staging")
	assert.NotContains(t, stdout, "plan: running")

	_, stderr = mustPlan(t, "--stack", "staging", "--format", "json")
	assert.Empty(t, stderr, "machine formats keep stderr quiet")
}

// --stack is required, as for every command: a plan of the wrong stack pasted into a review is
// worse than an error that lists the stacks.
func TestStackIsRequired(t *testing.T) {
	stdout, stderr, code := plan(t, "--format", "json")
	assert.Equal(t, ExitUsage, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "--stack is required: one of prod, staging")
}

func TestUsageFlagsChangeTheEstimate(t *testing.T) {
	base, _ := mustPlan(t, "--stack", "prod", "--format", "json")
	more, _ := mustPlan(t, "--stack", "prod", "--format", "json", "--log-gb", "100", "--nat-gb", "1000")
	var a, b Report
	require.NoError(t, json.Unmarshal([]byte(base), &a))
	require.NoError(t, json.Unmarshal([]byte(more), &b))
	assert.Greater(t, b.Cost.MonthlyTotal, a.Cost.MonthlyTotal)
	assert.Contains(t, b.Cost.Assumptions, Assumption{Flag: "--log-gb", Value: 100, Unit: "GB/month", Meaning: "ingested per CloudWatch log group (stored for its retention)"})
}

func TestProdPlanIsFast(t *testing.T) {
	programBinary(t) // compile first: the budget is for a compiled program
	started := time.Now()
	mustPlan(t, "--stack", "prod")
	assert.Less(t, time.Since(started), 2*time.Second, "the prod plan must run in under 2 s once compiled")
}

func TestBadInput(t *testing.T) {
	brokenDir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	staging, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(staging), "natGateways: single")
	require.NoError(t, os.WriteFile(filepath.Join(brokenDir, "Pulumi.yaml"), project, 0o644))
	broken := strings.Replace(string(staging), "natGateways: single", "natGateways: lots", 1)
	require.NoError(t, os.WriteFile(filepath.Join(brokenDir, "Pulumi.broken.yaml"), []byte(broken), 0o644))

	cases := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"unknown stack", []string{"--stack", "nosuch"}, ExitFailed, []string{`unknown stack "nosuch"`, "no Pulumi.nosuch.yaml", "stacks: prod, staging"}},
		{"unknown format", []string{"--stack", "staging", "--format", "yaml"}, ExitUsage, []string{`unknown format "yaml"; allowed: text, json, markdown, mermaid`}},
		{"negative usage", []string{"--stack", "staging", "--gb-out", "-1"}, ExitUsage, []string{"--gb-out must not be negative"}},
		{"unknown flag", []string{"--colour"}, ExitUsage, []string{"flag provided but not defined: -colour"}},
		{"stray argument", []string{"prod"}, ExitUsage, []string{`unexpected argument "prod"`}},
		{"config error", []string{"--stack", "broken", "--dir", brokenDir}, ExitFailed, []string{"plan: stack broken: invalid stack configuration", "network.natGateways: is \"lots\"; allowed: perAz, single, none"}},
		{"no project", []string{"--stack", "staging", "--dir", t.TempDir()}, ExitFailed, []string{"no Pulumi.yaml in"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := plan(t, tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			for _, s := range tc.stderr {
				assert.Contains(t, stderr, s)
			}
			assert.Empty(t, stdout, "nothing on stdout when the plan fails")
		})
	}
}

// The price table covers the EU pair the program's own tests use (and us-east-1 for the edge).
func TestEURegionPairIsFullyPriced(t *testing.T) {
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	prod, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.prod.yaml"))
	require.NoError(t, err)
	// Every region code moves, with the values pinned per region (zones, images, prefix lists).
	eu := strings.NewReplacer("us-east-1", "eu-west-1", "us-west-2", "eu-central-1").Replace(string(prod))
	require.NotEqual(t, string(prod), eu)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.eu.yaml"), []byte(eu), 0o644))

	out, _ := mustPlan(t, "--stack", "eu", "--dir", dir, "--format", "json")
	var r Report
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.GreaterOrEqual(t, len(r.Cost.Regions), 2)
	assert.Equal(t, "eu-west-1", r.Cost.Regions[0].Region, "primary first")
	assert.Equal(t, "eu-central-1", r.Cost.Regions[1].Region, "secondary second")
	for _, u := range r.Cost.Unpriced {
		assert.NotContains(t, u.Reason, "no list price", "%s in %s", u.Type, u.Region)
	}
}
