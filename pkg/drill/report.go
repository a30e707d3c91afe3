package drill

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the record of one drill.
type Report struct {
	Stack        string `json:"stack"`
	Kind         string `json:"kind"`
	Region       string `json:"region"`
	Zone         string `json:"zone,omitempty"`
	TemplateID   string `json:"templateId"`
	ExperimentID string `json:"experimentId"`
	// ExperimentState is FIS's final state (completed, stopped, failed, cancelled), or "timeout".
	ExperimentState string `json:"experimentState"`
	ExperimentNote  string `json:"experimentNote,omitempty"`
	// StoppedByStopCondition says FIS stopped the experiment because a stop-condition alarm fired.
	StoppedByStopCondition bool    `json:"stoppedByStopCondition"`
	Started                string  `json:"started"`
	Events                 []Event `json:"events"`
	Traffic                Measure `json:"traffic"`
	// Database is measured for the region drill (runbook start to writer moved).
	Database *Measure `json:"database,omitempty"`
	// ReplicationLagMs is the secondary's AuroraGlobalDBReplicationLag last seen, when one was.
	ReplicationLagMs *float64 `json:"replicationLagMs,omitempty"`
	// Page is the region drill's check that the detector paged and did not promote.
	Page *PageCheck `json:"page,omitempty"`
	// Recovery is the failover drill's timeline against the plan's budgets.
	Recovery *Recovery `json:"recovery,omitempty"`
	// ZonalShift is the az drill's zonal shift (compute.zonalAutoshift on): the time until the
	// zone's applied weight and its share of requests reached zero.
	ZonalShift *ZonalShiftReport `json:"zonalShift,omitempty"`
	Passed     bool              `json:"passed"`
	Failures   []string          `json:"failures"`
}

// Event is one line of the timeline.
type Event struct {
	At      time.Time `json:"at"`
	Seconds float64   `json:"seconds"` // since the fault began
	What    string    `json:"what"`
}

// Measure is one recovery time against its budget.
type Measure struct {
	MeasuredSeconds float64 `json:"measuredSeconds"`
	BudgetSeconds   float64 `json:"budgetSeconds"`
	WithinBudget    bool    `json:"withinBudget"`
	Note            string  `json:"note"`
}

// Recovery is the failover drill's record: reads back (viewers served), writes back (the writer
// in the surviving region), rejoined (the old primary a secondary again), each from the fault.
type Recovery struct {
	Mode             string   `json:"mode"`
	IsolatedRoles    []string `json:"isolatedRoles"`
	DetectorPromoted bool     `json:"detectorPromoted"`
	ReadsBack        Measure  `json:"readsBack"`
	WritesBack       Measure  `json:"writesBack"`
	Rejoined         Measure  `json:"rejoined"`
}

// PageCheck says whether the automatic-failover detector paged during the region drill.
type PageCheck struct {
	Checked bool   `json:"checked"`
	Paged   bool   `json:"paged"`
	Alarm   string `json:"alarm,omitempty"`
	Note    string `json:"note"`
}

// Formats of the report.
var Formats = []string{"text", "json", "markdown"}

// Render writes r in format.
func Render(w io.Writer, r *Report, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		return renderMarkdown(w, r)
	case "text":
		return renderText(w, r)
	}
	return fmt.Errorf("unknown format %q; allowed: %s", format, strings.Join(Formats, ", "))
}

func verdict(r *Report) string {
	if r.Passed {
		return "PASS"
	}
	return "FAIL"
}

func measureLine(name string, m Measure) string {
	ok := "within"
	if !m.WithinBudget {
		ok = "OVER"
	}
	return fmt.Sprintf("%s: %.0f s measured, budget %.0f s (%s budget). %s", name, m.MeasuredSeconds, m.BudgetSeconds, ok, m.Note)
}

func renderText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s drill of stack %s in %s", r.Kind, r.Stack, r.Region)
	if r.Zone != "" {
		fmt.Fprintf(&b, " (%s)", r.Zone)
	}
	fmt.Fprintf(&b, ": %s\nexperiment %s (template %s): %s", verdict(r), r.ExperimentID, r.TemplateID, r.ExperimentState)
	if r.ExperimentNote != "" {
		fmt.Fprintf(&b, " - %s", r.ExperimentNote)
	}
	b.WriteString("\n\ntimeline (seconds after the fault began):\n")
	for _, e := range r.Events {
		fmt.Fprintf(&b, "  %+7.0f  %s  %s\n", e.Seconds, e.At.UTC().Format("15:04:05"), e.What)
	}
	b.WriteString("\n" + measureLine("traffic recovery", r.Traffic) + "\n")
	if r.Database != nil {
		b.WriteString(measureLine("database recovery", *r.Database) + "\n")
	}
	if c := r.Recovery; c != nil {
		b.WriteString(measureLine("reads back", c.ReadsBack) + "\n")
		b.WriteString(measureLine("writes back", c.WritesBack) + "\n")
		b.WriteString(measureLine("rejoined", c.Rejoined) + "\n")
	}
	if r.ReplicationLagMs != nil {
		fmt.Fprintf(&b, "replication lag last seen: %.0f ms\n", *r.ReplicationLagMs)
	}
	if r.Page != nil {
		fmt.Fprintf(&b, "detector page: %s\n", pageLine(r.Page))
	}
	if r.ZonalShift != nil {
		fmt.Fprintf(&b, "zonal shift: %s\n", zonalLine(r.ZonalShift))
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "FAILED: %s\n", f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func zonalLine(z *ZonalShiftReport) string {
	seconds := func(v *float64) string {
		if v == nil {
			return "not seen"
		}
		return fmt.Sprintf("%.0f s", *v)
	}
	line := fmt.Sprintf("%s away from %s (%s): weight 0 after %s, the zone's share of requests zero after %s",
		z.ShiftID, z.ZoneName, z.ZoneID, seconds(z.WeightZeroSeconds), seconds(z.RequestsZeroSeconds))
	if z.Cancelled {
		line += "; cancelled at the end"
	}
	if z.Note != "" {
		line += ". " + z.Note
	}
	return line
}

func pageLine(p *PageCheck) string {
	switch {
	case !p.Checked:
		return "not checked: " + p.Note
	case p.Paged:
		return "paged (" + p.Alarm + " went to ALARM). " + p.Note
	}
	return "NOT paged (" + p.Alarm + " never went to ALARM). " + p.Note
}

func renderMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s drill of `%s` in %s: %s\n\n", r.Kind, r.Stack, r.Region, verdict(r))
	if r.Zone != "" {
		fmt.Fprintf(&b, "Zone: `%s`. ", r.Zone)
	}
	fmt.Fprintf(&b, "Experiment `%s` (template `%s`): **%s**", r.ExperimentID, r.TemplateID, r.ExperimentState)
	if r.ExperimentNote != "" {
		fmt.Fprintf(&b, " (%s)", r.ExperimentNote)
	}
	b.WriteString("\n\n| s after fault | time (UTC) | event |\n| ---: | --- | --- |\n")
	for _, e := range r.Events {
		fmt.Fprintf(&b, "| %.0f | %s | %s |\n", e.Seconds, e.At.UTC().Format("15:04:05"), strings.ReplaceAll(e.What, "|", "\\|"))
	}
	b.WriteString("\n| recovery | measured (s) | budget (s) | within |\n| --- | ---: | ---: | --- |\n")
	row := func(name string, m Measure) {
		fmt.Fprintf(&b, "| %s | %.0f | %.0f | %v |\n", name, m.MeasuredSeconds, m.BudgetSeconds, m.WithinBudget)
	}
	row("traffic", r.Traffic)
	if r.Database != nil {
		row("database", *r.Database)
	}
	if c := r.Recovery; c != nil {
		row("reads back", c.ReadsBack)
		row("writes back", c.WritesBack)
		row("rejoined", c.Rejoined)
	}
	b.WriteString("\n")
	if r.ReplicationLagMs != nil {
		fmt.Fprintf(&b, "Replication lag last seen: %.0f ms.\n\n", *r.ReplicationLagMs)
	}
	if r.Page != nil {
		fmt.Fprintf(&b, "Detector page: %s\n\n", pageLine(r.Page))
	}
	if r.ZonalShift != nil {
		fmt.Fprintf(&b, "Zonal shift: %s\n\n", zonalLine(r.ZonalShift))
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "- **failed**: %s\n", f)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
