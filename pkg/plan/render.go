package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Formats are the output formats of `plan`.
var Formats = []string{"text", "json", "markdown", "mermaid"}

// RenderOptions change what a format shows.
type RenderOptions struct {
	// Verbose adds to the text format the resources by type and the raw Mermaid diagram (which
	// --format mermaid prints alone and markdown renders).
	Verbose bool
}

// Render writes the report in format.
func Render(w io.Writer, r *Report, format string) error {
	return RenderWith(w, r, format, RenderOptions{})
}

// RenderWith writes the report in format with opts.
func RenderWith(w io.Writer, r *Report, format string, opts RenderOptions) error {
	switch format {
	case "text":
		return renderText(w, r, opts)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "markdown":
		return renderMarkdown(w, r)
	case "mermaid":
		_, err := io.WriteString(w, r.Diagram)
		return err
	}
	return fmt.Errorf("unknown format %q; allowed: %s", format, strings.Join(Formats, ", "))
}

// money is dollars and cents with thousands separators: $1,319.15.
func money(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return sign + "$" + whole + "." + cents
}

// unitPrice shows at least cents and every significant digit of a list price ($0.0225).
func unitPrice(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".00"
	} else if len(s)-i-1 < 2 {
		s += strings.Repeat("0", 2-(len(s)-i-1))
	}
	return "$" + s
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func duration(seconds int) string {
	if seconds < 60 {
		return fmt.Sprintf("%d s", seconds)
	}
	if seconds%60 == 0 {
		return fmt.Sprintf("%d min", seconds/60)
	}
	return fmt.Sprintf("%d min %d s", seconds/60, seconds%60)
}

// costAgainstBudget is "$600.23 per month, 75% of the $800.00 budget".
func costAgainstBudget(c Cost) string {
	s := money(c.MonthlyTotal) + " a month"
	if c.BudgetUsd > 0 {
		s += fmt.Sprintf(", %.0f%% of the %s budget", 100*c.MonthlyTotal/c.BudgetUsd, money(c.BudgetUsd))
		if c.MonthlyTotal > c.BudgetUsd {
			s += " (OVER BUDGET)"
		}
	}
	return s
}

// failoverHeadline names both recovery times: traffic (DNS failover) and database (promotion).
func failoverHeadline(f Failover) string {
	traffic := "traffic n/a"
	if f.Traffic.Available {
		traffic = "traffic " + duration(f.Traffic.TotalSeconds) + " (at most " + duration(f.Traffic.BoundSeconds) + ")"
	}
	database := "database n/a"
	if f.Database.Available {
		database = "database " + duration(f.Database.RTOSeconds)
		if f.Database.RPOSeconds > 0 {
			database += fmt.Sprintf(" (RPO at most %d s)", f.Database.RPOSeconds)
		} else {
			database += " (RPO: the replication lag, typically under 1 s)"
		}
	}
	return traffic + ", " + database
}

func guardrailLine(p Policy) string {
	if !p.Checked {
		return p.Note
	}
	return fmt.Sprintf("%s, %s", plural(p.Rules, "rule"), p.Note)
}

func deployRange(fd FirstDeploy) string {
	return fmt.Sprintf("%s-%s min", num(fd.LowMinutes), num(fd.HighMinutes))
}

// summaryRegions lists the regions' resource counts, those without a region (random values) last.
func summaryRegions(r *Report) string {
	var regions []string
	unplaced := 0
	for _, rc := range r.Inventory.Regions {
		if rc.Region == "" {
			unplaced = rc.Resources
			continue
		}
		regions = append(regions, fmt.Sprintf("%s %d", rc.Region, rc.Resources))
	}
	if unplaced > 0 {
		regions = append(regions, fmt.Sprintf("%d without a region", unplaced))
	}
	return strings.Join(regions, ", ")
}

func regionCounts(r *Report) string {
	var regions []string
	for _, rc := range r.Inventory.Regions {
		regions = append(regions, fmt.Sprintf("%s %d", orDash(rc.Region), rc.Resources))
	}
	return strings.Join(regions, ", ")
}

func renderMarkdown(w io.Writer, r *Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "## Plan of stack `%s`\n\n", r.Stack)
	fmt.Fprintf(b, "Environment `%s`, primary `%s`, secondary `%s`. Generated offline by `go run . plan --stack %s --format markdown`: nothing was sent to AWS.\n\n",
		r.Environment, r.PrimaryRegion, r.SecondaryRegion, r.Stack)

	fmt.Fprintf(b, "| | |\n|---|---|\n| Resources | %d |\n| Monthly cost (list prices as of %s) | %s |\n", r.Inventory.Total, r.Cost.PriceDate, costAgainstBudget(r.Cost))
	fmt.Fprintf(b, "| Failed over (standby at full capacity) | %s |\n", money(r.Cost.FailedOver.MonthlyTotal))
	fmt.Fprintf(b, "| Failover | %s |\n", failoverHeadline(r.Failover))
	if r.Failover.Database.Available {
		fmt.Fprintf(b, "| Database RPO | %s |\n", r.Failover.Database.RPO)
	} else {
		fmt.Fprintf(b, "| Database RPO | %s |\n", r.Failover.Database.Note)
	}
	fmt.Fprintf(b, "| First deploy (critical path) | about %s min (typically %s) |\n", num(r.FirstDeploy.TotalMinutes), deployRange(r.FirstDeploy))
	fmt.Fprintf(b, "| Guardrails | %s |\n", guardrailLine(r.Policy))
	fmt.Fprintf(b, "| Open doors | %s |\n", accessLine(r.AccessAnalysis))
	for _, warning := range r.Cost.Warnings {
		fmt.Fprintf(b, "\n> **Warning:** %s\n", warning)
	}

	b.WriteString("\n### Architecture\n\n```mermaid\n" + r.Diagram + "```\n")

	b.WriteString("\n### Inventory\n\n| Component | Type | Regions | Resources |\n|---|---|---|---:|\n")
	for _, c := range r.Inventory.Components {
		typ := "-"
		if c.Type != "" {
			typ = "`" + c.Type + "`"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %d |\n", c.Component, typ, orDash(strings.Join(c.Regions, ", ")), c.Resources)
	}
	fmt.Fprintf(b, "| **Total** | | | **%d** |\n", r.Inventory.Total)
	b.WriteString("\n<details><summary>Resources by type</summary>\n\n| Type | Region | Count |\n|---|---|---:|\n")
	for _, t := range r.Inventory.Types {
		fmt.Fprintf(b, "| `%s` | %s | %d |\n", t.Type, orDash(t.Region), t.Count)
	}
	b.WriteString("\n</details>\n")

	c := r.Cost
	fmt.Fprintf(b, "\n### Monthly cost: %s\n\n", money(c.MonthlyTotal))
	fmt.Fprintf(b, "List prices as of %s (%s); verify before budgeting. Usage-based lines are marked *.\n\n", c.PriceDate, c.PriceSource)
	b.WriteString("| Region | Monthly |\n|---|---:|\n")
	for _, rc := range c.Regions {
		fmt.Fprintf(b, "| %s | %s |\n", rc.Region, money(rc.Monthly))
	}
	fmt.Fprintf(b, "| **Total** | **%s** |\n", money(c.MonthlyTotal))
	fmt.Fprintf(b, "\nBudget %s (`observability.monthlyBudgetUsd`). Failed over to %s (%s per Auto Scaling group): %s per month, %s more; the failed region still bills.\n",
		money(c.BudgetUsd), orDash(c.FailedOver.ServingRegion), plural(c.FailedOver.DesiredCapacity, "instance"), money(c.FailedOver.MonthlyTotal), money(c.FailedOver.ExtraMonthly))
	b.WriteString("\n<details><summary>Priced items</summary>\n\n| Region | Component | Item | Count | Quantity | Unit price | Monthly |\n|---|---|---|---:|---:|---:|---:|\n")
	for _, it := range c.Items {
		item := it.Item
		if it.Usage {
			item += " *"
		}
		fmt.Fprintf(b, "| %s | `%s` | %s | %d | %s %s | %s | %s |\n", it.Region, it.Component, item, it.Count, num(it.Quantity), it.Unit, unitPrice(it.UnitPrice), money(it.Monthly))
	}
	b.WriteString("\n</details>\n\n**Assumptions**\n\n| Flag | Value | Meaning |\n|---|---:|---|\n")
	for _, a := range c.Assumptions {
		fmt.Fprintf(b, "| `%s` | %s %s | %s |\n", a.Flag, num(a.Value), a.Unit, a.Meaning)
	}
	if len(c.Unpriced) > 0 {
		b.WriteString("\n**Unpriced** (not in the total)\n\n| Type | Region | Count | Reason |\n|---|---|---:|---|\n")
		for _, u := range c.Unpriced {
			fmt.Fprintf(b, "| `%s` | %s | %d | %s |\n", u.Type, orDash(u.Region), u.Count, u.Reason)
		}
	}
	b.WriteString("\n")
	for _, n := range c.Notes {
		fmt.Fprintf(b, "- %s\n", n)
	}

	b.WriteString("\n### Zonal shift\n\n")
	for _, z := range r.Zonal {
		fmt.Fprintf(b, "- %s\n", zonalLine(z))
	}

	fmt.Fprintf(b, "\n### Failover budget: %s\n\n", failoverHeadline(r.Failover))
	t := r.Failover.Traffic
	if t.Available {
		fmt.Fprintf(b, "- **Traffic**: %s = detection %s + evaluation %s + max(DNS TTL %s, ALB keep-alive %s) + origin attempts %s, bounded by %s. %s.\n",
			duration(t.TotalSeconds), duration(t.DetectionSeconds), duration(t.EvaluationSeconds), duration(t.DNSSeconds),
			duration(t.ConnectionsSeconds), duration(t.OriginAttemptsSeconds), t.BoundedBy, t.Note)
		fmt.Fprintf(b, "- **Traffic at most** (dark region): %s = detection %s + evaluation %s + DNS TTL %s + a request in flight %s (static misses: %s), bounded by %s.\n",
			duration(t.Bound.TotalSeconds), duration(t.Bound.DetectionSeconds), duration(t.Bound.EvaluationSeconds), duration(t.Bound.DNSSeconds),
			duration(t.Bound.InFlightSeconds), duration(t.Bound.StaticSeconds), t.Bound.BoundedBy)
	} else {
		fmt.Fprintf(b, "- **Traffic**: %s\n", t.Note)
	}
	d := r.Failover.Database
	if d.Available {
		fmt.Fprintf(b, "- **Database** (%s, writer %s, replicas %s)\n  - Recovery: %s (AWS's typical promotion: %s)\n  - RPO: %s\n  - Switchover: %s\n  - Failover: %s\n  - Automation: %s\n",
			d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")), duration(d.RTOSeconds), d.RecoveryTime, d.RPO, d.Switchover, d.UnplannedFailover, d.Automation)
		fmt.Fprintf(b, "  - RTO: %s = detection %s + promotion %s (autoFailover %s): %s\n  - Standby writes: %s\n  - Detector price: %s a month\n",
			duration(d.RTOSeconds), duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection, d.StandbyWrites, money(d.ProbeMonthlyUsd))
	} else {
		fmt.Fprintf(b, "- **Database**: %s\n", d.Note)
	}
	fmt.Fprintf(b, "- **Writes**: %s\n", r.Failover.Writes.Summary)

	fd := r.FirstDeploy
	fmt.Fprintf(b, "\n### First deploy: about %s min (typically %s)\n\nCritical path (%s min if every resource were created one by one):\n\n| # | Type | Name | Region | Minutes | Done at |\n|---:|---|---|---|---:|---:|\n",
		num(fd.TotalMinutes), deployRange(fd), num(fd.SerialMinutes))
	for i, s := range fd.Chain {
		fmt.Fprintf(b, "| %d | `%s` | `%s` | %s | %s | %s |\n", i+1, s.Type, s.Name, orDash(s.Region), num(s.Minutes), num(s.FinishMinutes))
	}
	if len(fd.Defaulted) > 0 {
		fmt.Fprintf(b, "\nTypes without a documented creation time (counted as %d s): %s\n", DefaultCreationSeconds, "`"+strings.Join(fd.Defaulted, "`, `")+"`")
	}
	fmt.Fprintf(b, "\nNot counted: %s.\n", strings.Join(fd.LeavesOut, "; "))

	p := r.Policy
	b.WriteString("\n### Guardrails\n\n")
	if !p.Checked {
		fmt.Fprintf(b, "%s\n", p.Note)
	} else {
		fmt.Fprintf(b, "%d rules: %s.\n", p.Rules, p.Note)
		if len(p.Violations) > 0 {
			b.WriteString("\n| Rule | Type | Name | Message |\n|---|---|---|---|\n")
			for _, v := range p.Violations {
				fmt.Fprintf(b, "| %s | `%s` | `%s` | %s |\n", v.Rule, v.Type, v.Name, strings.ReplaceAll(v.Message, "|", "\\|"))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
