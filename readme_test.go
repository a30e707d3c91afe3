package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/multi-region-ha/multi-region-ha/pkg/drill"
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/pkg/verify"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// The README's architecture diagram is what the program registers: regenerate it with
// `go run . plan --stack prod --format mermaid` when this fails.
func TestReadmeDiagramIsThePlanDiagram(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	got, ok := plan.MermaidBlock(string(readme))
	require.True(t, ok, "README has no mermaid block")
	want, err := plan.Diagram(".", "prod", run)
	require.NoError(t, err)
	assert.Equal(t, want, got, "paste `go run . plan --stack prod --format mermaid` into README.md")
}

// The README's failover headline is the prod plan's own numbers (issue 22 case 8): regenerate it
// from `go run . plan --stack prod --format json` (failover.traffic, failover.writes) when this fails.
func TestReadmeHeadlineIsThePlans(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	r, err := plan.Build(plan.Options{Dir: ".", Stack: "prod"}, run)
	require.NoError(t, err)
	var lines []string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.Contains(line, "reads in ") {
			lines = append(lines, line)
		}
	}
	require.Len(t, lines, 1, "one headline line says \"reads in ..., writes in ...\"")
	assert.Contains(t, lines[0], plan.Headline(r.Failover), "the headline's numbers are the plan's")
}

// The README's traffic budget paragraph states each stack's typical figure and bound as the plan
// computes them (the paragraph had kept 90/190 s after the settings changed).
func TestReadmeTrafficBudgetsAreThePlans(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	drills, err := os.ReadFile("docs/drills.md")
	require.NoError(t, err)
	bound := map[string]int{}
	for _, stack := range []string{"prod", "staging"} {
		r, err := plan.Build(plan.Options{Dir: ".", Stack: stack}, run)
		require.NoError(t, err)
		tr := r.Failover.Traffic
		text := strings.Join(strings.Fields(string(readme)), " ")
		assert.Contains(t, text, fmt.Sprintf("**%d s for %s**", tr.TypicalSeconds, stack), "typical")
		assert.Contains(t, text, fmt.Sprintf("**%d s for %s**", tr.BoundSeconds, stack), "bound")
		bound[stack] = tr.BoundSeconds
	}
	assert.Contains(t, strings.Join(strings.Fields(string(drills)), " "),
		fmt.Sprintf("%d s for prod, %d s for staging", bound["prod"], bound["staging"]), "docs/drills.md states the bounds the drills hold")
}

// Every config key the program reads is in the README's configuration reference.
func TestReadmeDocumentsEveryConfigKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, key := range stacks.DocumentedKeys() {
		assert.True(t, strings.Contains(string(readme), "| `"+key+"`"), "README's configuration reference lacks %s", key)
	}
}

// pendingReadmeKeys are config keys the README names that a parallel change adds; each says which.
// Remove an entry once the key is in Pulumi.yaml and stacks (the test then checks it like any other).
var pendingReadmeKeys = map[string]string{
	"edge.hostedZoneId": "issue #13 (static stability) adds it",
}

// configKeyRe matches a backticked config key: an optional project namespace, then dotted names
// (`network.<role>.cidr`, `observability.alarmEmails[0]` and `multi-region-ha:edge.domainName` too).
var configKeyRe = regexp.MustCompile("`(?:'?multi-region-ha:)?([a-z][A-Za-z0-9]*(?:\\.[A-Za-z0-9<>]+)*)(?:\\[[0-9]+\\])?'?`")

// declaredConfig reads Pulumi.yaml's config block: top-level key to its description.
func declaredConfig(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("Pulumi.yaml")
	require.NoError(t, err)
	var project struct {
		Config map[string]struct {
			Description string `yaml:"description"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &project))
	out := map[string]string{}
	for k, v := range project.Config {
		out[k] = v.Description
	}
	return out
}

// Every config key the README names exists: its top-level key is declared in Pulumi.yaml, whose
// description of an object lists the nested key, and stacks reads it. A newcomer who copies a key
// from the README gets a key the program knows.
func TestReadmeNamesOnlyRealConfigKeys(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	declared := declaredConfig(t)
	documented := map[string]bool{}
	for _, k := range stacks.DocumentedKeys() {
		parts := strings.Split(k, ".")
		for i := range parts {
			documented[strings.Join(parts[:i+1], ".")] = true // the key and the objects above it
		}
	}
	checked := 0
	for _, m := range configKeyRe.FindAllStringSubmatch(string(readme), -1) {
		key := m[1]
		top, rest, nested := strings.Cut(key, ".")
		if _, ok := declared[top]; !ok {
			continue // not a config key (a package, a type, a word)
		}
		if top == "tags" {
			continue // a free-form map: any tag key
		}
		checked++
		if reason, pending := pendingReadmeKeys[key]; pending {
			t.Logf("README names %s, pending: %s", key, reason)
			continue
		}
		norm := key
		if top == "network" {
			for _, role := range []string{"primary", "secondary"} {
				norm = strings.Replace(norm, "network."+role, "network.<role>", 1)
			}
		}
		assert.True(t, documented[norm], "README names %s, which stacks does not read", key)
		if first, _, _ := strings.Cut(rest, "."); nested && first != "<role>" {
			assert.Contains(t, declared[top], first, "README names %s: Pulumi.yaml's description of %s does not list %s", key, top, first)
		}
	}
	assert.Greater(t, checked, 50, "the README's keys were found")
}

// dispatchedCommands are the subcommands main.go dispatches (its commands table).
func dispatchedCommands(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, e := range commands() {
		out[e.Name] = true
	}
	return out
}

// Every `go run . <command>` the README and the docs name is dispatched by main.go (and the
// deployment settings' pre-run commands too).
func TestReadmeCommandsAreDispatched(t *testing.T) {
	commands := dispatchedCommands(t)
	require.True(t, commands["plan"], "main.go's dispatch was found")
	files, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	files = append(files, "README.md", "stacks/prod.deployment.yaml", "stacks/staging.deployment.yaml")
	re := regexp.MustCompile(`go run \. ([a-z][a-z-]*)`)
	named := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			named++
			assert.True(t, commands[m[1]], "%s runs `go run . %s`, which main.go does not dispatch", file, m[1])
		}
	}
	assert.Greater(t, named, 5)
	for _, cmd := range []string{"plan", "guardrails", "deployment-settings"} {
		assert.True(t, commands[cmd], "main.go dispatches %s", cmd)
	}
}

// readmeCostRe reads a row of the README's cost table: stack, monthly, failed over, default budget.
var readmeCostRe = regexp.MustCompile("(?m)^\\| `([a-z]+)` \\| about \\$([0-9,]+) \\| about \\$([0-9,]+) \\| \\$([0-9,]+) \\|")

// The README's monthly costs and default budgets are the plan's, within the rounding of "about".
func TestReadmeCostsAreThePlans(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	rows := readmeCostRe.FindAllStringSubmatch(string(readme), -1)
	require.Len(t, rows, 2, "the README's cost table has a row per stack")
	dollars := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		require.NoError(t, err)
		return v
	}
	for _, row := range rows {
		r, err := plan.Build(plan.Options{Dir: ".", Stack: row[1]}, run)
		require.NoError(t, err)
		c := r.Cost
		assert.InEpsilon(t, c.MonthlyTotal, dollars(row[2]), 0.05, "%s monthly: README says $%s, the plan %v (update the README's cost table)", row[1], row[2], c.MonthlyTotal)
		assert.InEpsilon(t, c.FailedOver.MonthlyTotal, dollars(row[3]), 0.05, "%s failed over: README says $%s, the plan %v", row[1], row[3], c.FailedOver.MonthlyTotal)
		assert.Equal(t, c.BudgetUsd, dollars(row[4]), "%s default budget", row[1])
	}
}

// Every `go run . drill|verify` command the README shows uses a drill kind and flags the commands
// define (their --help lists them).
func TestReadmeOperatorCommandsExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	help := map[string]string{}
	for name, m := range map[string]func([]string, io.Writer, io.Writer) int{"drill": drill.Main, "verify": verify.Main} {
		var out, errOut bytes.Buffer
		require.Equal(t, 0, m([]string{"--help"}, &out, &errOut))
		help[name] = out.String()
	}
	seen := 0
	for _, line := range strings.Split(string(readme), "\n") {
		_, rest, ok := strings.Cut(line, "go run . ")
		if !ok {
			continue
		}
		fields := strings.Fields(strings.Split(rest, "#")[0])
		if len(fields) == 0 || help[fields[0]] == "" {
			continue
		}
		seen++
		if fields[0] == "drill" {
			assert.Contains(t, drills.Kinds, fields[1], line)
		}
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "--") {
				assert.Contains(t, help[fields[0]], "  "+f+" ", "README line %q: %s is not a flag of %s", line, f, fields[0])
			}
		}
	}
	assert.GreaterOrEqual(t, seen, 6, "the README shows the drill and verify commands")
}

// No document promises that a failed instance refresh rolls itself back: the provider moves the
// group to the new template version before the refresh starts (terraform-provider-aws#34189), so
// AWS's rollback would relaunch the bad version, and the program leaves autoRollback off.
func TestDocsPromiseNoAutomaticRollbackOfARefresh(t *testing.T) {
	files := []string{"README.md"}
	docs, err := os.ReadDir("docs")
	require.NoError(t, err)
	for _, d := range docs {
		files = append(files, "docs/"+d.Name())
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		text := strings.Join(strings.Fields(strings.ToLower(string(b))), " ")
		claims := strings.Count(text, "automatic rollback") - strings.Count(text, "no automatic rollback")
		assert.Zero(t, claims, "%s promises an automatic rollback", f)
		assert.NotContains(t, text, "the refresh rolls back", f)
	}
}
