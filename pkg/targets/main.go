package targets

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // the program could not be recorded: unknown stack, bad config
	ExitUsage  = 2 // bad flags
)

// Flag styles: --target keeps an update to the listed resources; --exclude lists every other one.
const (
	ModeTarget  = "target"
	ModeExclude = "exclude"
)

// Main is `go run . targets --stack S --region R [--mode target|exclude] [--format text|json]`. It
// prints one flag per line on stdout (`pulumi up $(go run . targets ...)`), notes on stderr.
func Main(args []string, program pulumi.RunFunc, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("targets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack (reads Pulumi.<stack>.yaml); required")
	region := fs.String("region", "", "the surviving region, one of the stack's two; required")
	mode := fs.String("mode", ModeTarget, "flags to print: target (--target each selected URN) or exclude (--exclude every other URN)")
	format := fs.String("format", "text", "output format: text (flags) or json (selection with reasons)")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . targets --stack S --region R [--mode target|exclude] [--format text|json]")
		fmt.Fprintln(stderr, "Prints the flags that limit `pulumi up` to region R's regional, non-IAM resources while the other region is dark.")
		fmt.Fprintln(stderr, "Never selects IAM, Route 53, CloudFront, CloudFront's certificate, CLOUDFRONT-scope WAF, Budgets, or another region. Offline: no AWS call.")
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
		fmt.Fprintf(stderr, "targets: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	case *stack == "" || *region == "":
		fmt.Fprintln(stderr, "targets: --stack and --region are required")
		fs.Usage()
		return ExitUsage
	case *mode != ModeTarget && *mode != ModeExclude:
		fmt.Fprintf(stderr, "targets: unknown mode %q; allowed: target, exclude\n", *mode)
		return ExitUsage
	case *format != "text" && *format != "json":
		fmt.Fprintf(stderr, "targets: unknown format %q; allowed: text, json\n", *format)
		return ExitUsage
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
