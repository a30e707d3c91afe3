package plan

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func renderString(t *testing.T, r *Report, format string, opts RenderOptions) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, RenderWith(&b, r, format, opts))
	return b.String()
}

// The text report answers first: the summary precedes every detail section, and names the cost
// against the budget, both recovery times, the first-deploy range and the guardrails.
func TestTextPutsTheSummaryFirst(t *testing.T) {
	r := fixtureReport(t)
	r.Cost.BudgetUsd = 2000
	out := renderString(t, r, "text", RenderOptions{})
	summary := strings.Index(out, "SUMMARY\n")
	require.GreaterOrEqual(t, summary, 0, out)
	rto := duration(r.Failover.Database.RTOSeconds)
	assert.Contains(t, out, "\nFAILOVER BUDGET: traffic 61 min 10 s (at most 3 min 14 s), database "+rto+" (RPO at most 30 s)\n", "the headline names both recovery times")
	assert.Contains(t, renderString(t, r, "markdown", RenderOptions{}), "### Failover budget: traffic 61 min 10 s (at most 3 min 14 s), database "+rto)
	for _, section := range []string{"INVENTORY:", "MONTHLY COST:", "FAILOVER BUDGET", "FIRST DEPLOY:", "POLICY:"} {
		i := strings.Index(out, section)
		require.GreaterOrEqual(t, i, 0, section)
		assert.Less(t, summary, i, "the summary comes before %s", section)
	}
	head := out[summary:strings.Index(out, "INVENTORY:")]
	assert.Contains(t, head, "Resources:")
	assert.Contains(t, head, "of the "+money(r.Cost.BudgetUsd)+" budget")
	assert.Contains(t, head, "Failed over:")
	assert.Contains(t, head, "Failover:      traffic 61 min 10 s (at most 3 min 14 s), database "+rto+" (RPO at most 30 s)")
	assert.Contains(t, head, "First deploy:  about 31 min (typically 24-47 min; FIRST DEPLOY says what is not counted)")
	assert.Contains(t, head, "Guardrails:")

	assert.NotContains(t, out, "flowchart LR", "the raw Mermaid is behind --verbose")
	assert.NotContains(t, out, "    aws:rds/cluster:Cluster", "the by-type list is behind --verbose")

	verbose := renderString(t, r, "text", RenderOptions{Verbose: true})
	assert.NotContains(t, verbose, "flowchart LR", "raw Mermaid lines do not fit the text width: --format mermaid prints them")
	assert.Contains(t, verbose, "  By type:\n")
	assert.Contains(t, verbose, "aws:rds/cluster:Cluster")

	// The Mermaid stays where it renders.
	assert.Contains(t, renderString(t, r, "markdown", RenderOptions{}), "```mermaid\nflowchart LR")
	assert.Equal(t, r.Diagram, renderString(t, r, "mermaid", RenderOptions{}))
}

func TestSummaryWarnsOverBudget(t *testing.T) {
	r := fixtureReport(t)
	r.Cost.BudgetUsd = r.Cost.MonthlyTotal / 2
	r.Cost.Warnings = budgetWarnings(r.Cost)
	out := renderString(t, r, "text", RenderOptions{})
	assert.Contains(t, out, "(OVER BUDGET)")
	assert.Contains(t, out, "  WARNING: the estimate "+money(r.Cost.MonthlyTotal)+" exceeds the budget")
	assert.Contains(t, renderString(t, r, "markdown", RenderOptions{}), "> **Warning:** the estimate")
}

// Every line of the text report fits TextWidth, plain and verbose, with long notes folded.
func TestTextFitsTheWidth(t *testing.T) {
	r := fixtureReport(t)
	r.Cost.Notes = append(r.Cost.Notes, strings.Repeat("a long note that has to fold ", 12))
	for _, verbose := range []bool{false, true} {
		out := renderString(t, r, "text", RenderOptions{Verbose: verbose})
		assertFits(t, out)
	}
}

func assertFits(t *testing.T, out string) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, len([]rune(line)), TextWidth, "line %d is %d columns: %q", i+1, len([]rune(line)), line)
	}
}

func TestTableAlignsTextLeftAndNumbersRight(t *testing.T) {
	var b strings.Builder
	table(&b, "  ", "lr", [][]string{{"Component", "Resources"}, {"database", "25"}, {"network-us-east-1", "147"}})
	assert.Equal(t, ""+
		"  Component          Resources\n"+
		"  database                  25\n"+
		"  network-us-east-1        147\n", b.String())
}

func TestMoneyHasThousandsSeparators(t *testing.T) {
	for in, want := range map[float64]string{0: "$0.00", 5.5: "$5.50", 999.99: "$999.99", 1319.15: "$1,319.15", 1234567.891: "$1,234,567.89", -2000: "-$2,000.00"} {
		assert.Equal(t, want, money(in), "%v", in)
	}
}

func TestPluralCountsOne(t *testing.T) {
	assert.Equal(t, "1 instance", plural(1, "instance"))
	assert.Equal(t, "3 instances", plural(3, "instance"))
	assert.Equal(t, "0 rules", plural(0, "rule"))
	r := fixtureReport(t)
	r.Cost.FailedOver.DesiredCapacity = 1
	out := renderString(t, r, "text", RenderOptions{})
	assert.Contains(t, out, "serves with 1 instance per Auto Scaling group")
	assert.NotContains(t, out, "1 instances")
	assert.Contains(t, renderString(t, r, "markdown", RenderOptions{}), "(1 instance per Auto Scaling group)")
}

// The summary's figures are the details': one database recovery time, the RTO.
func TestSummaryUsesTheFiguresOfTheDetails(t *testing.T) {
	r := fixtureReport(t)
	out := renderString(t, r, "text", RenderOptions{})
	rto := duration(r.Failover.Database.RTOSeconds)
	assert.Contains(t, out, "    RTO: "+rto+" = detection")
	assert.Contains(t, out, "Failover:      traffic "+duration(r.Failover.Traffic.TotalSeconds)+" (at most "+duration(r.Failover.Traffic.Bound.TotalSeconds)+"), database "+rto)
	assert.NotContains(t, out[:strings.Index(out, "INVENTORY:")], DatabaseRecoveryTime, "the summary gives the budgeted figure, not AWS's typical range")
	assert.Contains(t, out, money(r.Cost.MonthlyTotal)+" a month")
}

// The default diagram is the cross-region and edge paths: labelled arrows only, one line between
// two boxes at most, every box named by what it holds.
func TestDiagramDefaultIsThePathsWithoutTwoWayArrows(t *testing.T) {
	for _, allEdges := range []bool{false, true} {
		d := fixtureDiagram(t, allEdges)
		pairs := map[[2]string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(d), "\n")[1:] {
			f := strings.Fields(line)
			switch {
			case strings.HasPrefix(f[0], "n_") && strings.Contains(line, "[\""):
				label := line[strings.Index(line, "[\"")+2 : strings.LastIndex(line, "\"]")]
				assert.Len(t, strings.Split(label, "<br/>"), 3, "box %s names its component, what it holds and its size", label)
			case strings.HasPrefix(f[0], "n_"):
				from, to := f[0], f[len(f)-1]
				assert.False(t, pairs[[2]string{to, from}], "%s and %s are joined twice: %q", from, to, line)
				pairs[[2]string{from, to}] = true
				if !allEdges {
					assert.NotContains(t, line, "-.-", "the default draws no plain dependencies")
				}
			}
		}
	}
	assert.Contains(t, fixtureDiagram(t, true), "n_network_us_east_1", "--all-edges draws every box")
	assert.NotContains(t, fixtureDiagram(t, false), "n_network_us_east_1", "the default draws only boxes on a path")
}

func TestCommonTypesNameABoxWithoutHeadlines(t *testing.T) {
	assert.Equal(t, []string{"kms key x2", "cloudwatch log group"}, commonTypes(map[string]int{"aws:kms/key:Key": 2, "aws:cloudwatch/logGroup:LogGroup": 1}))
}

// --compare: what a change adds, removes and costs against a saved plan, in text and markdown.
func TestCompareShowsWhatAChangeDoes(t *testing.T) {
	before := fixtureReport(t)
	after := fixtureReport(t)
	require.NotEmpty(t, after.Inventory.Components[1].Types)
	removed := after.Inventory.Components[1]
	gone := removed.Types[0]
	after.Inventory.Components[1].Types = removed.Types[1:]
	after.Inventory.Total -= gone.Count
	after.Inventory.Components = append(after.Inventory.Components, ComponentCount{Component: "drills-us-east-1", Types: []TypeCount{{Type: "aws:fis/experimentTemplate:ExperimentTemplate", Region: "us-east-1", Count: 4}}})
	after.Inventory.Total += 4
	after.Cost.MonthlyTotal += 1234.5
	after.Cost.Regions[0].Monthly += 1234.5
	after.Cost.BudgetUsd = before.Cost.BudgetUsd + 500
	after.Policy.Violations = append(append([]Violation(nil), before.Policy.Violations[1:]...), Violation{Rule: "kms-key-rotation", Type: "aws:kms/key:Key", Name: "k", Message: "rotation off"})

	c := Compare(before, after)
	assert.ElementsMatch(t, []ResourceDiff{
		{Component: removed.Component, Type: gone.Type, Before: gone.Count, After: 0},
		{Component: "drills-us-east-1", Type: "aws:fis/experimentTemplate:ExperimentTemplate", Before: 0, After: 4},
	}, c.Resources)
	assert.InDelta(t, 1234.5, c.MonthlyAfter-c.MonthlyBefore, 0.001)
	assert.Len(t, c.NewViolations, 1)
	assert.Equal(t, before.Policy.Violations[:1], c.FixedViolations)
	assert.False(t, c.Unchanged())

	var text, md bytes.Buffer
	require.NoError(t, RenderComparison(&text, c, "text"))
	require.NoError(t, RenderComparison(&md, c, "markdown"))
	assertFits(t, text.String())
	assert.Contains(t, text.String(), "+4  drills-us-east-1")
	assert.Contains(t, text.String(), "(+$1,234.50)")
	assert.Contains(t, text.String(), "NEW: kms-key-rotation: aws:kms/key:Key k: rotation off")
	assert.Contains(t, md.String(), "| +4 | `drills-us-east-1` | `aws:fis/experimentTemplate:ExperimentTemplate` | 0 | 4 |")
	assert.Contains(t, md.String(), "| new | kms-key-rotation |")
	assert.Contains(t, md.String(), "| fixed | "+before.Policy.Violations[0].Rule+" |")
	assert.Contains(t, md.String(), "+$500.00")

	same := Compare(before, fixtureReport(t))
	assert.True(t, same.Unchanged())
	text.Reset()
	require.NoError(t, RenderComparison(&text, same, "text"))
	assert.Contains(t, text.String(), "No change")
	assert.Error(t, RenderComparison(&text, same, "mermaid"))
}

func TestShortTypeDropsTheRepeatedName(t *testing.T) {
	assert.Equal(t, "aws:s3/bucketV2", shortType("aws:s3/bucketV2:BucketV2"))
	assert.Equal(t, "random:index/randomPassword", shortType("random:index/randomPassword:RandomPassword"))
	assert.Equal(t, "aws:index/provider:Other", shortType("aws:index/provider:Other"))
}
