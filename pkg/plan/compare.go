package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Comparison is what a change does against a saved plan (`plan --format json` of the base):
// resources added and removed by component and type, the cost, budget, failover and guardrail
// deltas. It is what a reviewer pastes into a pull request.
type Comparison struct {
	Stack          string         `json:"stack"`
	Resources      []ResourceDiff `json:"resources"`
	TotalBefore    int            `json:"totalBefore"`
	TotalAfter     int            `json:"totalAfter"`
	Regions        []CostDiff     `json:"regions"`
	MonthlyBefore  float64        `json:"monthlyBefore"`
	MonthlyAfter   float64        `json:"monthlyAfter"`
	FailedOverFrom float64        `json:"failedOverBefore"`
	FailedOverTo   float64        `json:"failedOverAfter"`
	BudgetBefore   float64        `json:"budgetBefore"`
	BudgetAfter    float64        `json:"budgetAfter"`
	// Failover budgets, in seconds.
	TrafficBefore int `json:"trafficSecondsBefore"`
	TrafficAfter  int `json:"trafficSecondsAfter"`
	RTOBefore     int `json:"rtoSecondsBefore"`
	RTOAfter      int `json:"rtoSecondsAfter"`
	RulesBefore   int `json:"rulesBefore"`
	RulesAfter    int `json:"rulesAfter"`
	// Violations new in this plan, and those the change fixed.
	NewViolations   []Violation `json:"newViolations"`
	FixedViolations []Violation `json:"fixedViolations"`
}

// ResourceDiff is a change in the count of one type of resource in one component.
type ResourceDiff struct {
	Component string `json:"component"`
	Type      string `json:"type"`
	Before    int    `json:"before"`
	After     int    `json:"after"`
}

// CostDiff is the monthly cost of one region before and after.
type CostDiff struct {
	Region string  `json:"region"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// LoadReport reads a saved `plan --format json`.
func LoadReport(path string) (*Report, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	var r Report
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("compare: %s is not the JSON of `plan --format json`: %w", path, err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("compare: %s has schema version %d; this plan writes %d: re-save the base with this version", path, r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}

// Compare says what after changes against before.
func Compare(before, after *Report) Comparison {
	c := Comparison{
		Stack:       after.Stack,
		TotalBefore: before.Inventory.Total, TotalAfter: after.Inventory.Total,
		MonthlyBefore: before.Cost.MonthlyTotal, MonthlyAfter: after.Cost.MonthlyTotal,
		FailedOverFrom: before.Cost.FailedOver.MonthlyTotal, FailedOverTo: after.Cost.FailedOver.MonthlyTotal,
		BudgetBefore: before.Cost.BudgetUsd, BudgetAfter: after.Cost.BudgetUsd,
		TrafficBefore: before.Failover.Traffic.TotalSeconds, TrafficAfter: after.Failover.Traffic.TotalSeconds,
		RTOBefore: before.Failover.Database.RTOSeconds, RTOAfter: after.Failover.Database.RTOSeconds,
		RulesBefore: before.Policy.Rules, RulesAfter: after.Policy.Rules,
	}
	counts := func(r *Report) map[[2]string]int {
		out := map[[2]string]int{}
		for _, comp := range r.Inventory.Components {
			for _, t := range comp.Types {
				out[[2]string{comp.Component, t.Type}] += t.Count
			}
		}
		return out
	}
	b, a := counts(before), counts(after)
	keys := map[[2]string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	for k := range keys {
		if b[k] != a[k] {
			c.Resources = append(c.Resources, ResourceDiff{Component: k[0], Type: k[1], Before: b[k], After: a[k]})
		}
	}
	sort.Slice(c.Resources, func(i, j int) bool {
		if c.Resources[i].Component != c.Resources[j].Component {
			return c.Resources[i].Component < c.Resources[j].Component
		}
		return c.Resources[i].Type < c.Resources[j].Type
	})
	regions := map[string]*CostDiff{}
	var order []string
	for _, side := range []struct {
		r     *Report
		after bool
	}{{before, false}, {after, true}} {
		for _, rc := range side.r.Cost.Regions {
			d := regions[rc.Region]
			if d == nil {
				d = &CostDiff{Region: rc.Region}
				regions[rc.Region] = d
				order = append(order, rc.Region)
			}
			if side.after {
				d.After = rc.Monthly
			} else {
				d.Before = rc.Monthly
			}
		}
	}
	for _, region := range order {
		c.Regions = append(c.Regions, *regions[region])
	}
	c.NewViolations = violationsNotIn(after.Policy.Violations, before.Policy.Violations)
	c.FixedViolations = violationsNotIn(before.Policy.Violations, after.Policy.Violations)
	return c
}

func violationsNotIn(list, other []Violation) []Violation {
	seen := map[Violation]bool{}
	for _, v := range other {
		seen[v] = true
	}
	out := []Violation{}
	for _, v := range list {
		if !seen[v] {
			out = append(out, v)
		}
	}
	return out
}

// Unchanged reports whether the change does nothing the comparison shows.
func (c Comparison) Unchanged() bool {
	return len(c.Resources) == 0 && c.MonthlyBefore == c.MonthlyAfter && c.FailedOverFrom == c.FailedOverTo &&
		c.BudgetBefore == c.BudgetAfter && c.TrafficBefore == c.TrafficAfter && c.RTOBefore == c.RTOAfter &&
		c.RulesBefore == c.RulesAfter && len(c.NewViolations) == 0 && len(c.FixedViolations) == 0
}

// signedMoney is a cost delta: +$12.34, -$5.00, $0.00.
func signedMoney(x float64) string {
	x = cents(x)
	if x > 0 {
		return "+" + money(x)
	}
	return money(x)
}

func signedInt(n int) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}

// change is "before -> after (delta)" of an amount of money, or "unchanged at before".
func moneyChange(before, after float64) string {
	if cents(before) == cents(after) {
		return "unchanged at " + money(after)
	}
	return fmt.Sprintf("%s -> %s (%s)", money(before), money(after), signedMoney(after-before))
}

func secondsChange(before, after int) string {
	if before == after {
		return "unchanged at " + duration(after)
	}
	return fmt.Sprintf("%s -> %s", duration(before), duration(after))
}

// RenderComparison writes c as text, markdown or json.
func RenderComparison(w io.Writer, c Comparison, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case "text":
		return renderComparisonText(w, c)
	case "markdown":
		return renderComparisonMarkdown(w, c)
	}
	return fmt.Errorf("--compare prints text, markdown or json, not %s", format)
}

func renderComparisonText(w io.Writer, c Comparison) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Plan of stack %s against the saved plan\n", c.Stack)
	if c.Unchanged() {
		b.WriteString("No change: same resources, cost, budget, failover budgets and guardrails.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(b, "\nRESOURCES: %d -> %d (%s)\n", c.TotalBefore, c.TotalAfter, signedInt(c.TotalAfter-c.TotalBefore))
	if len(c.Resources) == 0 {
		b.WriteString("  none added or removed\n")
	} else {
		rows := [][]string{{"Change", "Component", "Type", "Before", "After"}}
		for _, d := range c.Resources {
			rows = append(rows, []string{signedInt(d.After - d.Before), d.Component, d.Type, fmt.Sprint(d.Before), fmt.Sprint(d.After)})
		}
		table(b, "  ", "rllrr", rows)
	}
	b.WriteString("\nCOST\n")
	summaryLine(b, "Monthly", moneyChange(c.MonthlyBefore, c.MonthlyAfter))
	for _, r := range c.Regions {
		summaryLine(b, "  "+r.Region, moneyChange(r.Before, r.After))
	}
	summaryLine(b, "Failed over", moneyChange(c.FailedOverFrom, c.FailedOverTo))
	summaryLine(b, "Budget", moneyChange(c.BudgetBefore, c.BudgetAfter))
	b.WriteString("\nFAILOVER\n")
	summaryLine(b, "Traffic", secondsChange(c.TrafficBefore, c.TrafficAfter))
	summaryLine(b, "Database RTO", secondsChange(c.RTOBefore, c.RTOAfter))
	b.WriteString("\nGUARDRAILS\n")
	summaryLine(b, "Rules", fmt.Sprintf("%d -> %d", c.RulesBefore, c.RulesAfter))
	for _, v := range c.NewViolations {
		wrap(b, "  NEW: ", 4, fmt.Sprintf("%s: %s %s: %s", v.Rule, v.Type, v.Name, v.Message))
	}
	for _, v := range c.FixedViolations {
		wrap(b, "  FIXED: ", 4, fmt.Sprintf("%s: %s %s", v.Rule, v.Type, v.Name))
	}
	if len(c.NewViolations) == 0 {
		b.WriteString("  No new violations\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func renderComparisonMarkdown(w io.Writer, c Comparison) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "## Plan of stack `%s` against the saved plan\n\n", c.Stack)
	if c.Unchanged() {
		b.WriteString("No change: same resources, cost, budget, failover budgets and guardrails.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("| | Before | After | Change |\n|---|---:|---:|---:|\n")
	fmt.Fprintf(b, "| Resources | %d | %d | %s |\n", c.TotalBefore, c.TotalAfter, signedInt(c.TotalAfter-c.TotalBefore))
	fmt.Fprintf(b, "| Monthly cost | %s | %s | %s |\n", money(c.MonthlyBefore), money(c.MonthlyAfter), signedMoney(c.MonthlyAfter-c.MonthlyBefore))
	for _, r := range c.Regions {
		fmt.Fprintf(b, "| &nbsp;&nbsp;%s | %s | %s | %s |\n", r.Region, money(r.Before), money(r.After), signedMoney(r.After-r.Before))
	}
	fmt.Fprintf(b, "| Failed over | %s | %s | %s |\n", money(c.FailedOverFrom), money(c.FailedOverTo), signedMoney(c.FailedOverTo-c.FailedOverFrom))
	fmt.Fprintf(b, "| Budget | %s | %s | %s |\n", money(c.BudgetBefore), money(c.BudgetAfter), signedMoney(c.BudgetAfter-c.BudgetBefore))
	fmt.Fprintf(b, "| Traffic failover | %s | %s | |\n", duration(c.TrafficBefore), duration(c.TrafficAfter))
	fmt.Fprintf(b, "| Database RTO | %s | %s | |\n", duration(c.RTOBefore), duration(c.RTOAfter))
	fmt.Fprintf(b, "| Guardrail rules | %d | %d | %s |\n", c.RulesBefore, c.RulesAfter, signedInt(c.RulesAfter-c.RulesBefore))
	if len(c.Resources) > 0 {
		b.WriteString("\n### Resources added and removed\n\n| Change | Component | Type | Before | After |\n|---:|---|---|---:|---:|\n")
		for _, d := range c.Resources {
			fmt.Fprintf(b, "| %s | `%s` | `%s` | %d | %d |\n", signedInt(d.After-d.Before), d.Component, d.Type, d.Before, d.After)
		}
	}
	if len(c.NewViolations)+len(c.FixedViolations) > 0 {
		b.WriteString("\n### Guardrails\n\n| | Rule | Type | Name | Message |\n|---|---|---|---|---|\n")
		for _, v := range c.NewViolations {
			fmt.Fprintf(b, "| new | %s | `%s` | `%s` | %s |\n", v.Rule, v.Type, v.Name, strings.ReplaceAll(v.Message, "|", "\\|"))
		}
		for _, v := range c.FixedViolations {
			fmt.Fprintf(b, "| fixed | %s | `%s` | `%s` | |\n", v.Rule, v.Type, v.Name)
		}
	} else {
		b.WriteString("\nNo new guardrail violations.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
