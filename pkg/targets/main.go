package targets

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitOK     = cli.ExitOK
	ExitFailed = cli.ExitFailed // the program could not be recorded: unknown stack, bad config
	ExitUsage  = cli.ExitUsage  // bad flags, a region that is not one of the stack's
)

// MinimumPulumiCLI is the oldest Pulumi CLI the outage runbook's targeted update relies on:
// --exclude (--mode exclude) exists from 3.158.0 (pulumi/pulumi#18828); `--refresh` with `--target`
// refreshes only the targets from 1.14.1 (pulumi/pulumi#4217, fixing #4174). Program-based refresh
// (--run-program) honours the targets only from 3.229.0 (#22404) and keeps a consistent snapshot
// with untargeted dependents from 3.233.0 (#22750): MinimumRunProgramCLI.
const (
	MinimumPulumiCLI     = "3.158.0"
	MinimumRunProgramCLI = "3.233.0"
)

// Flag styles: --target keeps an update to the listed resources; --exclude lists every other one.
const (
	ModeTarget  = "target"
	ModeExclude = "exclude"
)

// Command is targets' entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "targets",
	Summary:  "print the --target flags of a one-region update (other region dark), offline",
	Synopsis: "go run . targets --stack S --region R [--mode target|exclude] [--us-east-1-dark] [--format text|json] [--json]",
	Description: `Prints the flags that limit ` + "`pulumi up`" + ` to what is reachable while the stack's other region is
dark, one per line on stdout (` + "`pulumi up $(go run . targets ...)`" + `), notes on stderr: region R's
resources and, while us-east-1 is up, IAM, Route 53, CloudFront, its viewer certificate, CLOUDFRONT-scope
WAF and Budgets (their control planes live there). Never selects a resource of the dark region.
Offline: no AWS call. --json prints the selection with the reason for each resource.`,
}

// Main is `go run . targets --stack S --region R [--mode target|exclude] [--format text|json]`. It
// prints one flag per line on stdout (`pulumi up $(go run . targets ...)`), notes on stderr.
func Main(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	stack := fs.Stack("stack to update")
	region := fs.String("region", "", "the surviving region, one of the stack's two; required")
	mode := fs.String("mode", ModeTarget, "flags to print: target (--target each selected URN) or exclude (--exclude every other URN)")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	edgeDark := fs.Bool("us-east-1-dark", false, "us-east-1 is dark too (only for a stack whose regions do not include it): leave out the global services")
	format := fs.Format("text", "json")
	if code, done := fs.Parse(args); done {
		return code
	}
	switch {
	case *region == "":
		return fs.Usagef("--region is required: the surviving region")
	case *mode != ModeTarget && *mode != ModeExclude:
		return fs.Usagef("unknown mode %q; allowed: target, exclude", *mode)
	}
	m, cfg, err := plan.Record(plan.Options{Dir: *dir, Stack: *stack}, program)
	if err != nil {
		fmt.Fprintf(stderr, "targets: %v\n", err)
		return ExitFailed
	}
	if !contains(cfg.Regions(), *region) {
		fmt.Fprintf(stderr, "targets: --region %s is not one of stack %s's regions (%s)\n", *region, *stack, strings.Join(cfg.Regions(), ", "))
		return ExitUsage
	}
	if *edgeDark && contains(cfg.Regions(), EdgeRegion) {
		fmt.Fprintf(stderr, "targets: --us-east-1-dark is for a stack whose regions do not include us-east-1; this one's do: name the surviving region with --region\n")
		return ExitUsage
	}
	sel := Select(m.Resources(), *region, DarkRegions(cfg, *region, *edgeDark))
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sel); err != nil {
			fmt.Fprintf(stderr, "targets: %v\n", err)
			return ExitFailed
		}
		return ExitOK
	}
	flagName, urns := "--target", sel.Targets
	if *mode == ModeExclude {
		flagName, urns = "--exclude", nil
		for _, s := range sel.Excluded {
			urns = append(urns, s.URN)
		}
	}
	for _, urn := range urns {
		fmt.Fprintf(stdout, "%s=%s\n", flagName, urn)
	}
	fmt.Fprintf(stderr, "targets: %d resources selected (%s", len(sel.Targets), *region)
	if len(sel.GlobalLeftOut) == 0 {
		fmt.Fprintf(stderr, " and the global services, whose control planes in %s are up", EdgeRegion)
	}
	fmt.Fprintf(stderr, "), %d left out (the dark region's resources", len(sel.Excluded))
	if len(sel.GlobalLeftOut) > 0 {
		fmt.Fprintf(stderr, "; %s, because their control planes are in %s, which is dark: change them only once it is back", strings.Join(sel.GlobalLeftOut, ", "), EdgeRegion)
	}
	fmt.Fprintln(stderr, ").")
	fmt.Fprintf(stderr, "targets: needs Pulumi CLI %s or later; pass --refresh (with --target it refreshes only the targets), but not --run-program below %s (docs/failover.md).\n",
		MinimumPulumiCLI, MinimumRunProgramCLI)
	fmt.Fprintf(stderr, "targets: first set `pulumi config set %s:unavailableRegion %s` so the dark region's provider configures without calling AWS; unset it when the region is back.\n",
		stacks.Namespace, otherRegion(cfg, *region))
	return ExitOK
}

// otherRegion is the stack region that is not region.
func otherRegion(cfg *stacks.Config, region string) string {
	if region == cfg.PrimaryRegion {
		return cfg.SecondaryRegion
	}
	return cfg.PrimaryRegion
}

// DarkRegions are the regions down while surviving serves: the stack's other region, and us-east-1
// when it is that region or edgeDark says so.
func DarkRegions(cfg *stacks.Config, surviving string, edgeDark bool) []string {
	dark := []string{otherRegion(cfg, surviving)}
	if edgeDark && !contains(dark, EdgeRegion) && surviving != EdgeRegion {
		dark = append(dark, EdgeRegion)
	}
	return dark
}
