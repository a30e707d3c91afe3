package guardrails

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// Exit codes of Main (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitOK        = cli.ExitOK
	ExitViolation = cli.ExitFailed // a mandatory rule is broken, or the program could not be evaluated
	ExitUsage     = cli.ExitUsage  // bad flags or format
)

// Formats are the output formats of `guardrails`.
var Formats = []string{"text", "json"}

// Command is guardrails' entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "guardrails",
	Summary:  "evaluate the policy pack on a stack offline; exit 1 on a violation",
	Synopsis: "go run . guardrails --stack S [--format text|json] [--json] [--dir .]",
	Description: `Runs the program offline (no AWS account, no engine) and evaluates every rule of the policy pack
on every resource (docs/security.md). Exit 1 on any mandatory violation, or when the program fails.`,
}

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
	fs := cli.NewFlags(Command, stdout, stderr)
	stack := fs.Stack("stack to check")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	format := fs.Format(Formats...)
	if code, done := fs.Parse(args); done {
		return code
	}
	if program == nil {
		return fs.Failf(ExitUsage, "no program to evaluate")
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
