package guardrails

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// Exit codes of Main.
const (
	ExitOK        = 0
	ExitViolation = 1 // a mandatory rule is broken, or the program could not be evaluated
	ExitUsage     = 2 // bad flags or format
)

// Formats are the output formats of `guardrails`.
var Formats = []string{"text", "json"}

// Program is the Pulumi program Main evaluates. main.go sets it to the project's program; it is a
// variable because the program lives in package main, which no package can import.
var Program pulumi.RunFunc

// Main is `go run . guardrails [flags]`: args are the arguments after "guardrails". It evaluates
// Program and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return Run(args, Program, stdout, stderr)
}

// Run is Main for a given program (tests pass a variant that breaks a rule).
func Run(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guardrails", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to check (reads Pulumi.<stack>.yaml); required")
	format := fs.String("format", "text", "output format: "+strings.Join(Formats, ", "))
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . guardrails --stack <stack> [--format text|json] [--dir .]")
		fmt.Fprintln(stderr, "Runs the program offline (no AWS account, no engine) and evaluates every rule of the policy pack on every resource.")
		fmt.Fprintln(stderr, "Exit status: 0 when every rule passes, 1 on any mandatory violation (or when the program fails), 2 on usage errors.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "guardrails: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return ExitUsage
	case *stack == "":
		fmt.Fprintln(stderr, "guardrails: --stack is required")
		fs.Usage()
		return ExitUsage
	case *format != "text" && *format != "json":
		fmt.Fprintf(stderr, "guardrails: unknown format %q; allowed: %s\n", *format, strings.Join(Formats, ", "))
		return ExitUsage
	case program == nil:
		fmt.Fprintln(stderr, "guardrails: no program to evaluate")
		return ExitUsage
	}

	var progress io.Writer
	if *format == "text" {
		progress = stderr
	}
	m, _, err := offline.RunStack(*dir, *stack, program, progress, "guardrails")
	if err != nil {
		// A program that cannot be evaluated cannot be shown to comply: block the deployment.
		fmt.Fprintf(stderr, "guardrails: %v\n", err)
		return ExitViolation
	}
	res := Evaluate(*stack, m.Resources())
	if err := render(stdout, res, *format); err != nil {
		fmt.Fprintf(stderr, "guardrails: %v\n", err)
		return ExitViolation
	}
	if !res.Passed {
		fmt.Fprintf(stderr, "guardrails: %d mandatory violation(s) in stack %s\n", res.Mandatory, res.Stack)
		return ExitViolation
	}
	return ExitOK
}

func render(w io.Writer, res Result, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	b := &strings.Builder{}
	if res.Passed {
		fmt.Fprintf(b, "guardrails: stack %s passes: %d rules on %d resources, no violations\n", res.Stack, res.Rules, res.Resources)
	} else {
		fmt.Fprintf(b, "guardrails: stack %s FAILS: %d mandatory violation(s) of %d rules on %d resources\n", res.Stack, res.Mandatory, res.Rules, res.Resources)
	}
	tw := tabwriter.NewWriter(b, 0, 0, 1, ' ', 0)
	for _, v := range res.Violations {
		fmt.Fprintf(tw, "\n[%s] %s\n", v.Enforcement, v.Rule)
		fmt.Fprintf(tw, "  resource:\t%s (%s)\n", v.Name, v.Type)
		fmt.Fprintf(tw, "  urn:\t%s\n", v.URN)
		fmt.Fprintf(tw, "  problem:\t%s\n", v.Message)
		fmt.Fprintf(tw, "  fix:\t%s\n", v.Fix)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}
