package plan

import (
	"fmt"
	"io"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// Exit codes of Main (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitOK     = cli.ExitOK
	ExitFailed = cli.ExitFailed // the plan could not be made: unknown stack, bad config, the program failed
	ExitUsage  = cli.ExitUsage  // bad flags or format
)

// Command is plan's entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "plan",
	Summary:  "print what a stack builds, costs and survives, offline",
	Synopsis: "go run . plan --stack S [--format text|json|markdown|mermaid] [--json] [--verbose] [--compare OLD.json] [--all-edges] [usage flags]",
	Description: `Plans the stack offline (no AWS account): a summary first (resources, monthly cost against the
budget, failover times, first-deploy estimate, guardrails), then inventory, cost, failover budget and
first-deploy details (docs/plan.md). The usage flags are the traffic and storage the cost assumes.
--compare OLD.json prints what changes against a saved plan (resources by type and component, cost,
budgets, guardrails) for a pull-request comment; --format mermaid draws the cross-region and edge
paths (--all-edges: every dependency).`,
}

// Main is `go run . plan --stack S [flags]`: it plans program for a stack and writes the report to stdout.
// args are the arguments after "plan". It returns the process exit code.
func Main(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	stack := fs.Stack("stack to plan")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	verbose := fs.Bool("verbose", false, "text format: also list the resources by type and print the raw Mermaid diagram")
	compare := fs.String("compare", "", "print what changes against a saved plan: the file `OLD.json` of `plan --format json` (text, markdown or json)")
	allEdges := fs.Bool("all-edges", false, "mermaid: draw every dependency between components, not only the cross-region and edge paths")
	usage := DefaultUsage()
	usage.register(fs.FlagSet)
	format := fs.Format(Formats...)
	if code, done := fs.Parse(args); done {
		return code
	}
	if name, ok := usage.validate(); !ok {
		return fs.Usagef("--%s must not be negative", name)
	}

	started := time.Now()
	var base *Report
	if *compare != "" {
		if *format == "mermaid" {
			return fs.Usagef("--compare prints text, markdown or json, not mermaid")
		}
		var err error
		if base, err = LoadReport(*compare); err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return ExitFailed
		}
	}
	opts := Options{Dir: *dir, Stack: *stack, Usage: &usage, AllEdges: *allEdges}
	if *format == "text" {
		opts.Progress = stderr
	}
	report, err := Build(opts, program)
	if err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return ExitFailed
	}
	if *format == "text" {
		fmt.Fprintf(stderr, "plan: %d resources planned in %.2fs\n", report.Inventory.Total, time.Since(started).Seconds())
	}
	if base != nil {
		if err := RenderComparison(stdout, Compare(base, report), *format); err != nil {
			fmt.Fprintf(stderr, "plan: %v\n", err)
			return ExitFailed
		}
		return ExitOK
	}
	if err := RenderWith(stdout, report, *format, RenderOptions{Verbose: *verbose}); err != nil {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}
