package plan

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Exit codes of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // the plan could not be made: unknown stack, bad config, the program failed
	ExitUsage  = 2 // bad flags or format
)

// Main is `go run . plan [flags]`: it plans program for a stack and writes the report to stdout.
// args are the arguments after "plan". It returns the process exit code.
func Main(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "staging", "stack to plan (reads Pulumi.<stack>.yaml)")
	format := fs.String("format", "text", "output format: "+strings.Join(Formats, ", "))
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	verbose := fs.Bool("verbose", false, "text format: also list the resources by type and print the raw Mermaid diagram")
	compare := fs.String("compare", "", "print what changes against a saved plan: the file `OLD.json` of `plan --format json` (text, markdown or json)")
	allEdges := fs.Bool("all-edges", false, "mermaid: draw every dependency between components, not only the cross-region and edge paths")
	usage := DefaultUsage()
	usage.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . plan [--stack staging] [--format text|json|markdown|mermaid] [--verbose] [--compare OLD.json] [--all-edges] [usage flags]")
		fmt.Fprintln(stderr, "Plans the stack offline (no AWS account): a summary first (resources, monthly cost against the budget, failover times, first-deploy estimate, guardrails), then inventory, cost, failover budget and first-deploy details.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "plan: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return ExitUsage
	}
	if !validFormat(*format) {
		fmt.Fprintf(stderr, "plan: unknown format %q; allowed: %s\n", *format, strings.Join(Formats, ", "))
		return ExitUsage
	}
	if name, ok := usage.validate(); !ok {
		fmt.Fprintf(stderr, "plan: --%s must not be negative\n", name)
		return ExitUsage
	}

	started := time.Now()
	var base *Report
	if *compare != "" {
		if *format == "mermaid" {
			fmt.Fprintln(stderr, "plan: --compare prints text, markdown or json, not mermaid")
			return ExitUsage
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

func validFormat(f string) bool {
	for _, known := range Formats {
		if f == known {
			return true
		}
	}
	return false
}
