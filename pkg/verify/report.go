package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Check statuses.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
)

// Check is one verification.
type Check struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// Report is what verify found.
type Report struct {
	Stack  string  `json:"stack"`
	Checks []Check `json:"checks"`
	Passed bool    `json:"passed"`
}

// Formats of the report.
var Formats = []string{"text", "json", "markdown"}

// Render writes r in format.
func Render(w io.Writer, r *Report, format string) error {
	var b strings.Builder
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		fmt.Fprintf(&b, "## verify `%s`: %s\n\n| check | status | detail |\n| --- | --- | --- |\n", r.Stack, verdict(r))
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.ID, c.Status, strings.ReplaceAll(c.Detail, "|", "\\|"))
		}
	case "text":
		fmt.Fprintf(&b, "verify %s: %s\n", r.Stack, verdict(r))
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "  %-4s  %-28s %s\n", strings.ToUpper(c.Status), c.ID, c.Detail)
		}
	default:
		return fmt.Errorf("unknown format %q; allowed: %s", format, strings.Join(Formats, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func verdict(r *Report) string {
	if r.Passed {
		return "PASS"
	}
	return "FAIL"
}
