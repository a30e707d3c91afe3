package plan

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TextWidth is the widest line the text report prints: it pastes into a terminal, a pull request or
// a chat message without wrapping.
const TextWidth = 100

// table writes rows as columns two spaces apart, each column aligned as align says ('l' text to the
// left, 'r' numbers to the right), after indent.
func table(b *strings.Builder, indent, align string, rows [][]string) {
	tableWithin(b, indent, align, columnWidths(len(align), rows), rows)
}

// columnWidths is the widest cell of each column over rows.
func columnWidths(columns int, rows [][]string) []int {
	widths := make([]int, columns)
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	return widths
}

// tableWithin is table with given column widths, so groups of rows line up with each other.
func tableWithin(b *strings.Builder, indent, align string, widths []int, rows [][]string) {
	for _, row := range rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if align[i] == 'r' {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// wrap writes text after first, folding at TextWidth; continuation lines start with hang spaces.
func wrap(b *strings.Builder, first string, hang int, text string) {
	line := first
	lineHasWord := false
	for _, word := range strings.Fields(text) {
		if lineHasWord && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > TextWidth {
			b.WriteString(line + "\n")
			line, lineHasWord = strings.Repeat(" ", hang), false
		}
		if lineHasWord {
			line += " "
		}
		line += word
		lineHasWord = true
	}
	b.WriteString(line + "\n")
}

// renderText puts the answer first: a summary of what the stack builds, costs, survives, takes to
// deploy and whether it passes the guardrails; then the details, every line within TextWidth.
func renderText(w io.Writer, r *Report, opts RenderOptions) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Plan of stack %s (environment %s): primary %s, secondary %s\n", r.Stack, r.Environment, r.PrimaryRegion, r.SecondaryRegion)
	b.WriteString("Offline: the program ran under a recording mock monitor; nothing was sent to AWS.\n\n")
	writeSummary(b, r)
	writeInventoryText(b, r, opts)
	writeCostText(b, r.Cost)
	writeZonalText(b, r.Zonal)
	writeFailoverText(b, r.Failover)
	writeFirstDeployText(b, r.FirstDeploy)
	writePolicyText(b, r.Policy)
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLabelWidth is where the summary's values start.
const summaryLabelWidth = 17

func summaryLine(b *strings.Builder, label, value string) {
	wrap(b, fmt.Sprintf("  %-*s", summaryLabelWidth-2, label+":"), summaryLabelWidth, value)
}

// writeSummary is the first thing the text report says; every figure is the one its section details.
func writeSummary(b *strings.Builder, r *Report) {
	c := r.Cost
	b.WriteString("SUMMARY\n")
	summaryLine(b, "Resources", fmt.Sprintf("%d (%s)", r.Inventory.Total, summaryRegions(r)))
	summaryLine(b, "Monthly cost", costAgainstBudget(c))
	summaryLine(b, "Failed over", fmt.Sprintf("%s a month while %s serves at full capacity", money(c.FailedOver.MonthlyTotal), orDash(c.FailedOver.ServingRegion)))
	summaryLine(b, "Failover", failoverHeadline(r.Failover))
	summaryLine(b, "First deploy", fmt.Sprintf("about %s min (typically %s; FIRST DEPLOY says what is not counted)", num(r.FirstDeploy.TotalMinutes), deployRange(r.FirstDeploy)))
	summaryLine(b, "Guardrails", guardrailLine(r.Policy))
	summaryLine(b, "Open doors", accessLine(r.AccessAnalysis))
	for _, warning := range c.Warnings {
		wrap(b, "  WARNING: ", 4, warning)
	}
}

func writeInventoryText(b *strings.Builder, r *Report, opts RenderOptions) {
	fmt.Fprintf(b, "\nINVENTORY: %s\n", plural(r.Inventory.Total, "resource"))
	rows := [][]string{{"Component", "Type", "Regions", "Resources"}}
	for _, c := range r.Inventory.Components {
		rows = append(rows, []string{c.Component, orDash(c.Type), orDash(strings.Join(c.Regions, ", ")), fmt.Sprint(c.Resources)})
	}
	table(b, "  ", "lllr", rows)
	wrap(b, "  By region: ", 4, regionCounts(r))
	if opts.Verbose {
		b.WriteString("  By type:\n")
		rows = nil
		for _, t := range r.Inventory.Types {
			rows = append(rows, []string{shortType(t.Type), orDash(t.Region), fmt.Sprint(t.Count)})
		}
		table(b, "    ", "llr", rows)
		b.WriteString("    (types without their repeated name: aws:s3/bucketV2 is aws:s3/bucketV2:BucketV2)\n")
	} else {
		fmt.Fprintf(b, "  By type: %s (--verbose lists them)\n", plural(len(r.Inventory.Types), "type"))
	}
	wrap(b, "  Providers: ", 4, strings.Join(r.Inventory.Providers, ", "))
	if len(r.Inventory.DataSources) == 0 {
		b.WriteString("  Data sources: none (the program looks nothing up at deploy time)\n")
	} else {
		b.WriteString("  Data sources called (the offline model fails each):\n")
	}
	for _, d := range r.Inventory.DataSources {
		fmt.Fprintf(b, "    %s (%s) x%d\n", d.Token, orDash(d.Region), d.Count)
	}
	b.WriteString("  Architecture: go run . plan --format mermaid\n")
}

// writeCostText lists the priced items per region and component, with subtotals; unit prices are
// in the markdown and JSON formats, which have the room.
func writeCostText(b *strings.Builder, c Cost) {
	fmt.Fprintf(b, "\nMONTHLY COST: %s %s (list prices as of %s, verify before budgeting)\n", money(c.MonthlyTotal), c.Currency, c.PriceDate)
	wrap(b, "  Prices: ", 4, fmt.Sprintf("%s; %s hours per month; unit prices in --format markdown or json", c.PriceSource, num(c.HoursPerMonth)))
	type key struct{ region, component string }
	subtotal := map[key]float64{}
	var order []key
	for _, it := range c.Items {
		k := key{it.Region, it.Component}
		if _, seen := subtotal[k]; !seen {
			order = append(order, k)
		}
		subtotal[k] += it.Monthly
	}
	rowsOf := map[key][][]string{}
	var all [][]string
	for _, it := range c.Items {
		item := it.Item
		if it.Count > 1 {
			item += fmt.Sprintf(" x%d", it.Count)
		}
		if it.Usage {
			item += " *"
		}
		row := []string{item, num(it.Quantity) + " " + it.Unit, money(it.Monthly)}
		k := key{it.Region, it.Component}
		rowsOf[k] = append(rowsOf[k], row)
		all = append(all, row)
	}
	widths := columnWidths(3, all)
	for _, k := range order {
		fmt.Fprintf(b, "  %s, %s: %s\n", k.region, k.component, money(cents(subtotal[k])))
		tableWithin(b, "    ", "lrr", widths, rowsOf[k])
	}
	b.WriteString("  * usage-based, from the assumptions below\n")
	var totals []string
	for _, rc := range c.Regions {
		totals = append(totals, fmt.Sprintf("%s %s", rc.Region, money(rc.Monthly)))
	}
	wrap(b, "  Per region: ", 4, fmt.Sprintf("%s; total %s a month", strings.Join(totals, ", "), money(c.MonthlyTotal)))
	fmt.Fprintf(b, "  Budget: %s (observability.monthlyBudgetUsd)\n", money(c.BudgetUsd))
	wrap(b, "  Failed over: ", 4, fmt.Sprintf("%s a month while %s serves with %s per Auto Scaling group (%s more; the failed region still bills)",
		money(c.FailedOver.MonthlyTotal), orDash(c.FailedOver.ServingRegion), plural(c.FailedOver.DesiredCapacity, "instance"), money(c.FailedOver.ExtraMonthly)))
	b.WriteString("  Assumptions:\n")
	for _, a := range c.Assumptions {
		wrap(b, "    ", 6, fmt.Sprintf("%s %s (%s): %s", a.Flag, num(a.Value), a.Unit, a.Meaning))
	}
	if len(c.Unpriced) == 0 {
		b.WriteString("  Unpriced: none\n")
	} else {
		b.WriteString("  Unpriced (not in the total):\n")
		for _, u := range c.Unpriced {
			wrap(b, "    ", 6, fmt.Sprintf("%s x%d (%s): %s", u.Type, u.Count, orDash(u.Region), u.Reason))
		}
	}
	for _, n := range c.Notes {
		wrap(b, "  Note: ", 4, n)
	}
}

func writeFailoverText(b *strings.Builder, f Failover) {
	b.WriteString("\n")
	wrap(b, "FAILOVER BUDGET: ", 2, failoverHeadline(f))
	t := f.Traffic
	if t.Available {
		wrap(b, "  Traffic: ", 4, fmt.Sprintf("%s = detection %s + evaluation %s + max(DNS TTL %s, ALB keep-alive %s) + origin attempts %s",
			duration(t.TotalSeconds), duration(t.DetectionSeconds), duration(t.EvaluationSeconds), duration(t.DNSSeconds),
			duration(t.ConnectionsSeconds), duration(t.OriginAttemptsSeconds)))
		wrap(b, "    ", 4, "bounded by "+t.BoundedBy)
		wrap(b, "  Traffic at most (dark region): ", 4, fmt.Sprintf("%s = detection %s + evaluation %s + DNS TTL %s + a request in flight %s (static misses: %s), bounded by %s",
			duration(t.Bound.TotalSeconds), duration(t.Bound.DetectionSeconds), duration(t.Bound.EvaluationSeconds), duration(t.Bound.DNSSeconds),
			duration(t.Bound.InFlightSeconds), duration(t.Bound.StaticSeconds), t.Bound.BoundedBy))
		wrap(b, "    ", 4, t.Note)
	} else {
		wrap(b, "  Traffic: ", 4, t.Note)
	}
	defer wrap(b, "  Writes: ", 4, f.Writes.Summary)
	d := f.Database
	if !d.Available {
		wrap(b, "  Database: ", 4, d.Note)
		return
	}
	fmt.Fprintf(b, "  Database: %s, writer %s, replicas %s\n", d.Engine, orDash(d.WriterRegion), orDash(strings.Join(d.ReplicaRegions, ", ")))
	wrap(b, "    RTO: ", 6, fmt.Sprintf("%s = detection %s + promotion %s (autoFailover %s): %s", duration(d.RTOSeconds),
		duration(d.DetectionSeconds), duration(d.PromotionSeconds), d.AutoFailover, d.Detection))
	wrap(b, "    Promotion: ", 6, "AWS typically takes "+d.RecoveryTime+"; the budget allows "+duration(d.PromotionSeconds))
	wrap(b, "    RPO: ", 6, d.RPO)
	wrap(b, "    Switchover: ", 6, d.Switchover)
	wrap(b, "    Failover: ", 6, d.UnplannedFailover)
	wrap(b, "    Automation: ", 6, d.Automation)
	wrap(b, "    Standby writes: ", 6, d.StandbyWrites)
	fmt.Fprintf(b, "    Detector price: %s a month\n", money(d.ProbeMonthlyUsd))
}

func writeZonalText(b *strings.Builder, zonal []ZonalRegion) {
	b.WriteString("\nZONAL SHIFT:\n")
	for _, z := range zonal {
		wrap(b, "  ", 4, zonalLine(z))
	}
}

func writeFirstDeployText(b *strings.Builder, fd FirstDeploy) {
	b.WriteString("\n")
	wrap(b, "FIRST DEPLOY: ", 2, fmt.Sprintf("about %s min on the critical path, typically %s (%s min if run one by one)", num(fd.TotalMinutes), deployRange(fd), num(fd.SerialMinutes)))
	rows := [][]string{{"#", "Type", "Name", "Region", "Takes", "Done"}}
	for i, s := range fd.Chain {
		rows = append(rows, []string{fmt.Sprint(i + 1), s.Type, s.Name, orDash(s.Region), "+" + num(s.Minutes), num(s.FinishMinutes)})
	}
	table(b, "  ", "rlllrr", rows)
	if len(fd.Defaulted) > 0 {
		wrap(b, "  ", 4, fmt.Sprintf("Types without a documented creation time (counted as %d s): %s", DefaultCreationSeconds, strings.Join(fd.Defaulted, ", ")))
	}
	b.WriteString("  Not counted:\n")
	for _, l := range fd.LeavesOut {
		wrap(b, "    - ", 6, l)
	}
}

func writePolicyText(b *strings.Builder, p Policy) {
	b.WriteString("\n")
	if !p.Checked {
		wrap(b, "POLICY: ", 2, p.Note)
		return
	}
	wrap(b, "POLICY: ", 2, fmt.Sprintf("%s, %s", plural(p.Rules, "rule"), p.Note))
	for _, v := range p.Violations {
		wrap(b, "  ", 4, fmt.Sprintf("%s: %s %s: %s", v.Rule, v.Type, v.Name, v.Message))
	}
}

// shortType drops the repeated resource name of a type token (aws:s3/bucketV2:BucketV2 is
// aws:s3/bucketV2), which alone makes the longest tokens wider than the text.
func shortType(token string) string {
	i := strings.LastIndex(token, ":")
	j := strings.LastIndex(token, "/")
	if i > j && j >= 0 && strings.EqualFold(token[j+1:i], token[i+1:]) {
		return token[:i]
	}
	return token
}
