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

// Flag styles: --target keeps an update to the listed resources; --exclude lists every other one.
const (
	ModeTarget  = "target"
	ModeExclude = "exclude"
)

// Command is targets' entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "targets",
	Summary:  "print the --target flags of a one-region update (other region dark), offline",
	Synopsis: "go run . targets --stack S --region R [--mode target|exclude] [--format text|json] [--json]",
	Description: `Prints the flags that limit ` + "`pulumi up`" + ` to region R's regional, non-IAM resources while the
other region is dark, one per line on stdout (` + "`pulumi up $(go run . targets ...)`" + `), notes on stderr.
Never selects IAM, Route 53, CloudFront, CloudFront's certificate, CLOUDFRONT-scope WAF, Budgets, or another
region. Offline: no AWS call. --json prints the selection with the reason for each resource.`,
}

// Main is `go run . targets --stack S --region R [--mode target|exclude] [--format text|json]`. It
// prints one flag per line on stdout (`pulumi up $(go run . targets ...)`), notes on stderr.
func Main(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	stack := fs.Stack("stack to update")
	region := fs.String("region", "", "the surviving region, one of the stack's two; required")
	mode := fs.String("mode", ModeTarget, "flags to print: target (--target each selected URN) or exclude (--exclude every other URN)")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
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
	var dark []string
	for _, r := range cfg.ProviderRegions() {
		if r != *region {
			dark = append(dark, r)
		}
	}
	sel := Select(m.Resources(), *region, dark)
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
	fmt.Fprintf(stderr, "targets: %d resources of %s selected, %d left out (IAM, Route 53, CloudFront and its certificate, CLOUDFRONT-scope WAF, Budgets, other regions).\n",
		len(sel.Targets), *region, len(sel.Excluded))
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

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
