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
	assert.Contains(t, out, "\nFAILOVER BUDGET: traffic 61 min 10 s (at most 3 min 14 s), database 1-2 min after the failover call (RPO at most 30 s)\n", "the headline names both recovery times")
	assert.Contains(t, renderString(t, r, "markdown", RenderOptions{}), "### Failover budget: traffic 61 min 10 s (at most 3 min 14 s), database 1-2 min")
	for _, section := range []string{"INVENTORY:", "MONTHLY COST:", "FAILOVER BUDGET", "FIRST DEPLOY:", "POLICY:"} {
		i := strings.Index(out, section)
		require.GreaterOrEqual(t, i, 0, section)
		assert.Less(t, summary, i, "the summary comes before %s", section)
	}
	head := out[summary:strings.Index(out, "INVENTORY:")]
	assert.Contains(t, head, "Resources:")
	assert.Contains(t, head, "of the "+money(r.Cost.BudgetUsd)+" budget")
	assert.Contains(t, head, "Failed over:")
	assert.Contains(t, head, "Failover:      traffic 61 min 10 s (at most 3 min 14 s), database 1-2 min after the failover call (RPO at most 30 s)")
	assert.Contains(t, head, "First deploy:  about 31 min (typically 24-47 min); not counted:")
	assert.Contains(t, head, "Guardrails:")

	assert.NotContains(t, out, "flowchart LR", "the raw Mermaid is behind --verbose")
	assert.NotContains(t, out, "    aws:rds/cluster:Cluster", "the by-type list is behind --verbose")

	verbose := renderString(t, r, "text", RenderOptions{Verbose: true})
	assert.Contains(t, verbose, "ARCHITECTURE (mermaid")
	assert.Contains(t, verbose, "flowchart LR")
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
