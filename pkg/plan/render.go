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

// Render writes the report in format.
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case "text":
		return renderText(w, r)
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

func renderText(w io.Writer, r *Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Plan of stack %s (environment %s): primary %s, secondary %s\n", r.Stack, r.Environment, r.PrimaryRegion, r.SecondaryRegion)
	b.WriteString("Offline: the program ran under a recording mock monitor; nothing was sent to AWS.\n\n")

	fmt.Fprintf(b, "INVENTORY: %d resources\n", r.Inventory.Total)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  Component\tType\tRegions\tResources")
	for _, c := range r.Inventory.Components {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\n", c.Component, orDash(c.Type), orDash(strings.Join(c.Regions, ", ")), c.Resources)
	}
	tw.Flush()
	var regions []string
	for _, rc := range r.Inventory.Regions {
		regions = append(regions, fmt.Sprintf("%s %d", orDash(rc.Region), rc.Resources))
	}
	fmt.Fprintf(b, "  By region: %s\n", strings.Join(regions, ", "))
	b.WriteString("  By type:\n")
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, t := range r.Inventory.Types {
		fmt.Fprintf(tw, "    %s\t%s\t%d\n", t.Type, orDash(t.Region), t.Count)
	}
	tw.Flush()
	fmt.Fprintf(b, "  Providers: %s\n", strings.Join(r.Inventory.Providers, ", "))
	b.WriteString("  Data sources answered by the offline model:\n")
	for _, d := range r.Inventory.DataSources {
		fmt.Fprintf(b, "    %s (%s) x%d\n", d.Token, orDash(d.Region), d.Count)
	}

	b.WriteString("\nARCHITECTURE (mermaid; --format mermaid prints it alone)\n")
	for _, line := range strings.Split(strings.TrimRight(r.Diagram, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
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

	b.WriteString("\nFAILOVER BUDGET\n")
	t := r.Failover.Traffic
	if t.Available {
		fmt.Fprintf(b, "  Traffic: %s = detection %s + alarm period %s + DNS TTL %s\n", duration(t.TotalSeconds),
			duration(t.DetectionSeconds), duration(t.EvaluationSeconds), duration(t.DNSSeconds))
		fmt.Fprintf(b, "    %s\n", t.Note)
	} else {
		fmt.Fprintf(b, "  Traffic: %s\n", t.Note)
	}
	d := r.Failover.Database
	if d.Available {
		fmt.Fprintf(b, "  Database: %s, writer %s, replicas %s\n", d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")))
		fmt.Fprintf(b, "    RPO: %s\n    Switchover: %s\n    Failover: %s\n    Automation: %s\n", d.RPO, d.Switchover, d.UnplannedFailover, d.Automation)
		fmt.Fprintf(b, "    RTO: %s = detection %s + promotion %s (autoFailover %s): %s\n    Standby writes: %s\n    Detector price: $%.2f/month\n",
			duration(d.RTOSeconds), duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection, d.StandbyWrites, d.ProbeMonthlyUsd)
	} else {
		fmt.Fprintf(b, "  Database: %s\n", d.Note)
	}

	fd := r.FirstDeploy
	fmt.Fprintf(b, "\nFIRST DEPLOY: about %s min on the critical path (%s min if run one by one)\n", num(fd.TotalMinutes), num(fd.SerialMinutes))
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for i, s := range fd.Chain {
		fmt.Fprintf(tw, "  %d.\t%s\t%s\t%s\t+%s min\tdone at %s min\n", i+1, s.Type, s.Name, orDash(s.Region), num(s.Minutes), num(s.FinishMinutes))
	}
	tw.Flush()
	if len(fd.Defaulted) > 0 {
		fmt.Fprintf(b, "  Types without a documented creation time (counted as %d s): %s\n", DefaultCreationSeconds, strings.Join(fd.Defaulted, ", "))
	}

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

func renderMarkdown(w io.Writer, r *Report) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "## Plan of stack `%s`\n\n", r.Stack)
	fmt.Fprintf(b, "Environment `%s`, primary `%s`, secondary `%s`. Generated offline by `go run . plan --stack %s --format markdown`: nothing was sent to AWS.\n\n",
		r.Environment, r.PrimaryRegion, r.SecondaryRegion, r.Stack)

	fmt.Fprintf(b, "| | |\n|---|---|\n| Resources | %d |\n| Monthly cost (list prices as of %s) | %s |\n", r.Inventory.Total, r.Cost.PriceDate, money(r.Cost.MonthlyTotal))
	if r.Failover.Traffic.Available {
		fmt.Fprintf(b, "| Traffic failover | %s |\n", duration(r.Failover.Traffic.TotalSeconds))
	} else {
		fmt.Fprintf(b, "| Traffic failover | %s |\n", r.Failover.Traffic.Note)
	}
	if r.Failover.Database.Available {
		fmt.Fprintf(b, "| Database RPO | %s |\n", r.Failover.Database.RPO)
	} else {
		fmt.Fprintf(b, "| Database RPO | %s |\n", r.Failover.Database.Note)
	}
	fmt.Fprintf(b, "| First deploy (critical path) | about %s min |\n", num(r.FirstDeploy.TotalMinutes))
	if r.Policy.Checked {
		fmt.Fprintf(b, "| Guardrails | %d rules, %s |\n", r.Policy.Rules, r.Policy.Note)
	} else {
		fmt.Fprintf(b, "| Guardrails | %s |\n", r.Policy.Note)
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

	b.WriteString("\n### Failover budget\n\n")
	t := r.Failover.Traffic
	if t.Available {
		fmt.Fprintf(b, "- **Traffic**: %s = detection %s + alarm period %s + DNS TTL %s. %s.\n", duration(t.TotalSeconds),
			duration(t.DetectionSeconds), duration(t.EvaluationSeconds), duration(t.DNSSeconds), t.Note)
	} else {
		fmt.Fprintf(b, "- **Traffic**: %s\n", t.Note)
	}
	d := r.Failover.Database
	if d.Available {
		fmt.Fprintf(b, "- **Database** (%s, writer %s, replicas %s)\n  - RPO: %s\n  - Switchover: %s\n  - Failover: %s\n  - Automation: %s\n",
			d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")), d.RPO, d.Switchover, d.UnplannedFailover, d.Automation)
		fmt.Fprintf(b, "  - RTO: %s = detection %s + promotion %s (autoFailover %s): %s\n  - Standby writes: %s\n  - Detector price: $%.2f/month\n",
			duration(d.RTOSeconds), duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection, d.StandbyWrites, d.ProbeMonthlyUsd)
	} else {
		fmt.Fprintf(b, "- **Database**: %s\n", d.Note)
	}

	fd := r.FirstDeploy
	fmt.Fprintf(b, "\n### First deploy: about %s min\n\nCritical path (%s min if every resource were created one by one):\n\n| # | Type | Name | Region | Minutes | Done at |\n|---:|---|---|---|---:|---:|\n",
		num(fd.TotalMinutes), num(fd.SerialMinutes))
	for i, s := range fd.Chain {
		fmt.Fprintf(b, "| %d | `%s` | `%s` | %s | %s | %s |\n", i+1, s.Type, s.Name, orDash(s.Region), num(s.Minutes), num(s.FinishMinutes))
	}
	if len(fd.Defaulted) > 0 {
		fmt.Fprintf(b, "\nTypes without a documented creation time (counted as %d s): %s\n", DefaultCreationSeconds, "`"+strings.Join(fd.Defaulted, "`, `")+"`")
	}

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
