package pin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main.
const (
	ExitOK     = 0
	ExitFailed = 1 // AWS refused, the stack file could not be read or written
	ExitUsage  = 2 // bad flags
)

// NewClientsFunc makes the AWS clients; tests replace it with fakes.
var NewClientsFunc = NewClients

// Main is `go run . pin --stack S [--images] [--dry-run]`.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack whose Pulumi.<stack>.yaml to pin; required")
	images := fs.Bool("images", false, "refresh only compute.amiIds (the current image of compute.amiSsmParameter per region)")
	only := fs.String("region", "", "refresh only this region's values (the others stay as they are)")
	dryRun := fs.Bool("dry-run", false, "show the diff, write nothing")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up on AWS after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . pin --stack S [--images] [--region R] [--dry-run]")
		fmt.Fprintln(stderr, "Reads accountId, the zones, the current Amazon Linux 2023 images, the prefix list ids and the hosted zone from")
		fmt.Fprintln(stderr, "the live account (AWS SDK default credentials) and writes them into Pulumi.<stack>.yaml, showing the diff.")
		fmt.Fprintln(stderr, "The stack's unavailableRegion is never called: its values stay as they are.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 || *stack == "" {
		fmt.Fprintln(stderr, "pin: --stack is required and takes no arguments")
		fs.Usage()
		return ExitUsage
	}
	path := filepath.Join(*dir, "Pulumi."+*stack+".yaml")
	before, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitFailed
	}
	raw, err := offline.StackConfig(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitFailed
	}
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			values[name] = v
		}
	}
	cfg := stacks.Draft(*stack, values)
	regions, err := regionsToRead(cfg, *only)
	if err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitUsage
	}
	for _, r := range cfg.Regions() {
		if r == cfg.UnavailableRegion {
			fmt.Fprintf(stderr, "pin: %s is the stack's unavailableRegion: not calling it, its pinned values stay as they are\n", r)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// The global calls (STS, Route 53) go through a region that is up: never the dark one.
	clients, err := NewClientsFunc(ctx, homeRegion(cfg))
	if err != nil {
		fmt.Fprintf(stderr, "pin: AWS credentials: %v\n", err)
		return ExitFailed
	}
	v, err := Read(ctx, clients, cfg, regions, *images, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitFailed
	}
	if cfg.AccountId != "" && v.AccountID != "" && cfg.AccountId != v.AccountID {
		fmt.Fprintf(stderr, "pin: the credentials are of account %s but %s:accountId is %s; refusing to repin another account's stack\n", v.AccountID, stacks.Namespace, cfg.AccountId)
		return ExitFailed
	}
	after, err := Apply(before, cfg, v)
	if err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitFailed
	}
	if !Diff(stdout, filepath.Base(path), before, after) {
		fmt.Fprintf(stderr, "pin: %s already pins these values\n", path)
		return ExitOK
	}
	if *dryRun {
		fmt.Fprintln(stderr, "pin: --dry-run: nothing written")
		return ExitOK
	}
	if err := os.WriteFile(path, after, 0o644); err != nil {
		fmt.Fprintf(stderr, "pin: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintf(stderr, "pin: wrote %s; review the diff, then `go run . plan --stack %s`\n", path, *stack)
	return ExitOK
}

// regionsToRead are the stack's regions pin calls: only (when set, one of the stack's regions), never
// the unavailableRegion.
func regionsToRead(cfg *stacks.Config, only string) ([]string, error) {
	if only != "" {
		if only != cfg.PrimaryRegion && only != cfg.SecondaryRegion {
			return nil, fmt.Errorf("--region %s: allowed: one of the stack's regions (%s)", only, strings.Join(cfg.Regions(), ", "))
		}
		if only == cfg.UnavailableRegion {
			return nil, fmt.Errorf("--region %s is the stack's unavailableRegion; pin cannot read a dark region (unset unavailableRegion once it is back)", only)
		}
		return []string{only}, nil
	}
	var out []string
	for _, r := range cfg.Regions() {
		if r != cfg.UnavailableRegion {
			out = append(out, r)
		}
	}
	return out, nil
}

// homeRegion is where the clients of the global APIs (STS, Route 53) are configured: the primary
// region unless it is the unavailable one.
func homeRegion(cfg *stacks.Config) string {
	if cfg.UnavailableRegion == cfg.PrimaryRegion {
		return cfg.SecondaryRegion
	}
	return cfg.PrimaryRegion
}
