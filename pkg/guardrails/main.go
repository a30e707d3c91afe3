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
	// ExitUnseenEnvironment: every rule passed on what this command can see, but the stack file
	// imports Pulumi ESC environments whose values it cannot see (--allow-unseen-environment
	// turns this into ExitOK; the notice stays).
	ExitUnseenEnvironment = cli.ExitNotReady
)

// Formats are the output formats of `guardrails`.
var Formats = []string{"text", "json"}

// Command is guardrails' entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "guardrails",
	Summary:  "evaluate the policy pack on a stack offline; exit 1 on a violation",
	Synopsis: "go run . guardrails --stack S [--format text|json] [--json] [--dir .] [--allow-unseen-environment]",
	Description: `Runs the program offline (no AWS account, no engine) and evaluates every rule of the policy pack
on every resource (docs/security.md). It is fast feedback built from this commit; the gate is the
policy pack published to Pulumi Cloud (docs/deployments.md). Exit 1 on any mandatory violation, or
when the program fails; exit 3 when every rule passes but Pulumi.<stack>.yaml imports ESC
environments (environment:) whose values this check cannot see (--allow-unseen-environment: 0).`,
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
	allowUnseen := fs.Bool("allow-unseen-environment", false, "exit 0 even when Pulumi.<stack>.yaml imports ESC environments this offline check cannot see (the published policy pack still gates them)")
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
	unseen, err := UnseenEnvironments(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "guardrails: %v\n", err)
		return ExitViolation
	}
	res.UnseenEnvironments = append([]string{}, unseen...)
	if err := render(stdout, res, *format); err != nil {
		fmt.Fprintf(stderr, "guardrails: %v\n", err)
		return ExitViolation
	}
	if !res.Passed {
		fmt.Fprintf(stderr, "guardrails: %d mandatory violation(s) in stack %s\n", res.Mandatory, res.Stack)
		return ExitViolation
	}
	if len(unseen) > 0 {
		fmt.Fprint(stderr, unseenNotice(res.Stack, unseen))
		if !*allowUnseen {
			fmt.Fprintln(stderr, "guardrails: failing because of the unseen environment(s); pass --allow-unseen-environment once the published pack is enabled for this stack's policy group")
			return ExitUnseenEnvironment
		}
	}
	return ExitOK
}

// unseenNotice says plainly what this command could not check and what does.
func unseenNotice(stack string, envs []string) string {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e
		if e == InlineEnvironment {
			names[i] = "(an inline environment definition)"
		}
	}
	return fmt.Sprintf("guardrails: WARNING: Pulumi.%s.yaml imports Pulumi ESC environment(s) %s through `environment:`.\n"+
		"guardrails: this offline check CANNOT SEE their values: any pulumiConfig they set reaches the program only in a real preview or update.\n"+
		"guardrails: the rules above passed on the stack file alone. The gate for what those environments set is the policy pack published\n"+
		"guardrails: to Pulumi Cloud and enabled for this stack's policy group (docs/deployments.md), which sees what the engine sends AWS.\n",
		stack, strings.Join(names, ", "))
}

func render(w io.Writer, res Result, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	b := &strings.Builder{}
	if res.Passed && len(res.UnseenEnvironments) > 0 {
		fmt.Fprintf(b, "guardrails: stack %s passes on what this check can see (%d rules on %d resources), but its ESC environment(s) %s are unseen\n", res.Stack, res.Rules, res.Resources, strings.Join(res.UnseenEnvironments, ", "))
	} else if res.Passed {
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
