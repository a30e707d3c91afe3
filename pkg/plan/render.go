package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
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

func money(x float64) string { return "$" + strconv.FormatFloat(x, 'f', 2, 64) }

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
	if seconds%60 == 0 {
		return fmt.Sprintf("%d min", seconds/60)
	}
	return fmt.Sprintf("%d min %d s", seconds/60, seconds%60)
}

// renderText puts the answer first: a summary of what the stack builds, costs, survives, takes to
// deploy and whether it passes the guardrails; then the details.
func renderText(w io.Writer, r *Report, opts RenderOptions) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Plan of stack %s (environment %s): primary %s, secondary %s\n", r.Stack, r.Environment, r.PrimaryRegion, r.SecondaryRegion)
	b.WriteString("Offline: the program ran under a recording mock monitor; nothing was sent to AWS.\n\n")
	writeSummary(b, r)

	fmt.Fprintf(b, "\nINVENTORY: %d resources\n", r.Inventory.Total)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  Component\tType\tRegions\tResources")
	for _, c := range r.Inventory.Components {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", c.Component, orDash(c.Type), orDash(strings.Join(c.Regions, ", ")), c.Resources)
	}
	tw.Flush()
	fmt.Fprintf(b, "  By region: %s\n", regionCounts(r))
	if opts.Verbose {
		b.WriteString("  By type:\n")
		tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
		for _, t := range r.Inventory.Types {
			fmt.Fprintf(tw, "    %s\t%s\t%d\n", t.Type, orDash(t.Region), t.Count)
		}
		tw.Flush()
	} else {
		fmt.Fprintf(b, "  By type: %d types (--verbose lists them)\n", len(r.Inventory.Types))
	}
	fmt.Fprintf(b, "  Providers: %s\n", strings.Join(r.Inventory.Providers, ", "))
	if len(r.Inventory.DataSources) == 0 {
		b.WriteString("  Data sources: none (the program looks nothing up at deploy time)\n")
	} else {
		b.WriteString("  Data sources called (the offline model fails each):\n")
	}
	for _, d := range r.Inventory.DataSources {
		fmt.Fprintf(b, "    %s (%s) x%d\n", d.Token, orDash(d.Region), d.Count)
	}

	if opts.Verbose {
		b.WriteString("\nARCHITECTURE (mermaid; --format mermaid prints it alone)\n")
		for _, line := range strings.Split(strings.TrimRight(r.Diagram, "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}

	c := r.Cost
	fmt.Fprintf(b, "\nMONTHLY COST: %s %s (list prices as of %s, verify before budgeting)\n", money(c.MonthlyTotal), c.Currency, c.PriceDate)
	fmt.Fprintf(b, "  Prices: %s; %s hours per month\n", c.PriceSource, num(c.HoursPerMonth))
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Region\tComponent\tItem\tCount\tQuantity\tUnit price\tMonthly\t")
	for _, it := range c.Items {
		item := it.Item
		if it.Usage {
			item += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s %s\t%s\t%s\t\n", it.Region, it.Component, item, it.Count, num(it.Quantity), it.Unit, unitPrice(it.UnitPrice), money(it.Monthly))
	}
	tw.Flush()
	b.WriteString("  * usage-based, from the assumptions below\n")
	var totals []string
	for _, rc := range c.Regions {
		totals = append(totals, fmt.Sprintf("%s %s", rc.Region, money(rc.Monthly)))
	}
	fmt.Fprintf(b, "  Per region: %s; total %s per month\n", strings.Join(totals, ", "), money(c.MonthlyTotal))
	fmt.Fprintf(b, "  Budget: %s (observability.monthlyBudgetUsd)\n", money(c.BudgetUsd))
	fmt.Fprintf(b, "  Failed over: %s per month while %s serves with %d instances per Auto Scaling group (%s more; the failed region still bills)\n",
		money(c.FailedOver.MonthlyTotal), orDash(c.FailedOver.ServingRegion), c.FailedOver.DesiredCapacity, money(c.FailedOver.ExtraMonthly))
	b.WriteString("  Assumptions:\n")
	for _, a := range c.Assumptions {
		fmt.Fprintf(b, "    %s %s (%s): %s\n", a.Flag, num(a.Value), a.Unit, a.Meaning)
	}
	if len(c.Unpriced) == 0 {
		b.WriteString("  Unpriced: none\n")
	} else {
		b.WriteString("  Unpriced (not in the total):\n")
		for _, u := range c.Unpriced {
			fmt.Fprintf(b, "    %s x%d (%s): %s\n", u.Type, u.Count, orDash(u.Region), u.Reason)
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(b, "  Note: %s\n", n)
	}

	b.WriteString("\nZONAL SHIFT:\n")
	for _, z := range r.Zonal {
		fmt.Fprintf(b, "  %s\n", zonalLine(z))
	}

	fmt.Fprintf(b, "\nFAILOVER BUDGET: %s\n", failoverHeadline(r.Failover))
	t := r.Failover.Traffic
	if t.Available {
		fmt.Fprintf(b, "  Traffic: %s = detection %s + evaluation %s + max(DNS TTL %s, ALB keep-alive %s) + origin attempts %s\n",
			duration(t.TotalSeconds), duration(t.DetectionSeconds), duration(t.EvaluationSeconds), duration(t.DNSSeconds),
			duration(t.ConnectionsSeconds), duration(t.OriginAttemptsSeconds))
		fmt.Fprintf(b, "    bounded by %s\n", t.BoundedBy)
		fmt.Fprintf(b, "  Traffic at most (dark region): %s = detection %s + evaluation %s + DNS TTL %s + a request in flight %s (static misses: %s), bounded by %s\n",
			duration(t.Bound.TotalSeconds), duration(t.Bound.DetectionSeconds), duration(t.Bound.EvaluationSeconds), duration(t.Bound.DNSSeconds),
			duration(t.Bound.InFlightSeconds), duration(t.Bound.StaticSeconds), t.Bound.BoundedBy)
		fmt.Fprintf(b, "    %s\n", t.Note)
	} else {
		fmt.Fprintf(b, "  Traffic: %s\n", t.Note)
	}
	d := r.Failover.Database
	if d.Available {
		fmt.Fprintf(b, "  Database: %s, writer %s, replicas %s\n", d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")))
		fmt.Fprintf(b, "    Recovery: %s\n    RPO: %s\n    Switchover: %s\n    Failover: %s\n    Automation: %s\n", d.RecoveryTime, d.RPO, d.Switchover, d.UnplannedFailover, d.Automation)
		fmt.Fprintf(b, "    RTO: %s = detection %s + promotion %s (autoFailover %s): %s\n    Standby writes: %s\n    Detector price: $%.2f/month\n",
			duration(d.RTOSeconds), duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection, d.StandbyWrites, d.ProbeMonthlyUsd)
	} else {
		fmt.Fprintf(b, "  Database: %s\n", d.Note)
	}
	fmt.Fprintf(b, "  Writes: %s\n", r.Failover.Writes.Summary)

	fd := r.FirstDeploy
	fmt.Fprintf(b, "\nFIRST DEPLOY: about %s min on the critical path, typically %s (%s min if run one by one)\n", num(fd.TotalMinutes), deployRange(fd), num(fd.SerialMinutes))
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for i, s := range fd.Chain {
		fmt.Fprintf(tw, "  %d.\t%s\t%s\t%s\t+%s min\tdone at %s min\n", i+1, s.Type, s.Name, orDash(s.Region), num(s.Minutes), num(s.FinishMinutes))
	}
	tw.Flush()
	if len(fd.Defaulted) > 0 {
		fmt.Fprintf(b, "  Types without a documented creation time (counted as %d s): %s\n", DefaultCreationSeconds, strings.Join(fd.Defaulted, ", "))
	}
	fmt.Fprintf(b, "  Not counted: %s\n", strings.Join(fd.LeavesOut, "; "))

	p := r.Policy
	if !p.Checked {
		fmt.Fprintf(b, "\nPOLICY: %s\n", p.Note)
	} else {
		fmt.Fprintf(b, "\nPOLICY: %d rules, %s\n", p.Rules, p.Note)
		for _, v := range p.Violations {
			fmt.Fprintf(b, "  %s: %s %s: %s\n", v.Rule, v.Type, v.Name, v.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSummary is the first thing the text report says.
func writeSummary(b *strings.Builder, r *Report) {
	c := r.Cost
	b.WriteString("SUMMARY\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  Resources:\t%d (%s)\n", r.Inventory.Total, summaryRegions(r))
	fmt.Fprintf(tw, "  Monthly cost:\t%s\n", costAgainstBudget(c))
	fmt.Fprintf(tw, "  Failed over:\t%s per month while %s serves at full capacity\n", money(c.FailedOver.MonthlyTotal), orDash(c.FailedOver.ServingRegion))
	fmt.Fprintf(tw, "  Failover:\t%s\n", failoverHeadline(r.Failover))
	fmt.Fprintf(tw, "  First deploy:\tabout %s min (typically %s); not counted: plugin downloads and first build, DNS delegation of a new zone, instance boot, throttling\n",
		num(r.FirstDeploy.TotalMinutes), deployRange(r.FirstDeploy))
	fmt.Fprintf(tw, "  Guardrails:\t%s\n", guardrailLine(r.Policy))
	fmt.Fprintf(tw, "  Open doors:\t%s\n", accessLine(r.AccessAnalysis))
	tw.Flush()
	for _, warning := range c.Warnings {
		fmt.Fprintf(b, "  WARNING: %s\n", warning)
	}
}

// costAgainstBudget is "$600.23 per month, 75% of the $800.00 budget".
func costAgainstBudget(c Cost) string {
	s := money(c.MonthlyTotal) + " per month"
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
		database = "database " + f.Database.RecoveryTime
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
	return fmt.Sprintf("%d rules, %s", p.Rules, p.Note)
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
	fmt.Fprintf(b, "\nBudget %s (`observability.monthlyBudgetUsd`). Failed over to %s (%d instances per Auto Scaling group): %s per month, %s more; the failed region still bills.\n",
		money(c.BudgetUsd), orDash(c.FailedOver.ServingRegion), c.FailedOver.DesiredCapacity, money(c.FailedOver.MonthlyTotal), money(c.FailedOver.ExtraMonthly))
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
		fmt.Fprintf(b, "- **Database** (%s, writer %s, replicas %s)\n  - Recovery: %s\n  - RPO: %s\n  - Switchover: %s\n  - Failover: %s\n  - Automation: %s\n",
			d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")), d.RecoveryTime, d.RPO, d.Switchover, d.UnplannedFailover, d.Automation)
		fmt.Fprintf(b, "  - RTO: %s = detection %s + promotion %s (autoFailover %s): %s\n  - Standby writes: %s\n  - Detector price: $%.2f/month\n",
			duration(d.RTOSeconds), duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection, d.StandbyWrites, d.ProbeMonthlyUsd)
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
