package pin

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitOK       = cli.ExitOK
	ExitFailed   = cli.ExitFailed   // AWS refused, the stack file could not be read or written, another account's stack
	ExitUsage    = cli.ExitUsage    // bad flags
	ExitNotReady = cli.ExitNotReady // no usable AWS credentials (STS GetCallerIdentity failed)
)

// NewClientsFunc makes the AWS clients; tests replace it with fakes.
var NewClientsFunc = NewClients

// Command is pin's entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "pin",
	Summary:  "write the account, zones, images and prefix lists from AWS into the stack file",
	Synopsis: "go run . pin --stack S [--images] [--region R] [--dry-run] [--json]",
	Description: `Reads, once, what the program pins instead of looking it up at deploy time: accountId, the zones of
both regions, the current Amazon Linux 2023 images, the prefix list ids and the hosted zone, from the
live account (AWS SDK default credentials, confirmed with STS first), and writes them into
Pulumi.<stack>.yaml, showing the diff on stdout (--json: a JSON record instead). It refuses a stack
whose accountId is another account's. --images refreshes only compute.amiIds; --region R reads only
that region. The stack's unavailableRegion is never called: its values stay as they are.`,
}

// Result is pin's --json record.
type Result struct {
	Stack   string `json:"stack"`
	File    string `json:"file"`
	Account string `json:"account"`
	Changed bool   `json:"changed"`
	Written bool   `json:"written"`
	DryRun  bool   `json:"dryRun"`
	Diff    string `json:"diff"`
	// Values are what pin read (empty fields were not read).
	Values *Values `json:"values"`
}

// Main is `go run . pin --stack S [--images] [--region R] [--dry-run] [--json]`.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	stack := fs.Stack("stack whose file to pin")
	images := fs.Bool("images", false, "refresh only compute.amiIds (the current image of compute.amiSsmParameter per region)")
	only := fs.String("region", "", "refresh only this region's values (the others stay as they are)")
	dryRun := fs.Bool("dry-run", false, "show the diff, write nothing")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up on AWS after this long")
	asJSON := fs.JSON()
	if code, done := fs.Parse(args); done {
		return code
	}
	path := filepath.Join(*dir, "Pulumi."+*stack+".yaml")
	before, err := os.ReadFile(path)
	if err != nil {
		return fs.Failf(ExitFailed, "%v", err)
	}
	raw, err := offline.StackConfig(*dir, *stack)
	if err != nil {
		return fs.Failf(ExitFailed, "%v", err)
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
		return fs.Usagef("%v", err)
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
		return fs.Fail(err, ExitNotReady)
	}
	identity := func(ctx context.Context, _ string) (string, error) {
		out, err := clients.STS().GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Account), nil
	}
	account, err := cli.CheckCredentials(ctx, identity, homeRegion(cfg))
	if err != nil {
		return fs.Fail(err, ExitNotReady)
	}
	fmt.Fprintf(stderr, "pin: credentials of account %s\n", account)
	v, err := Read(ctx, clients, cfg, regions, *images, stderr)
	if err != nil {
		return fs.Failf(ExitFailed, "%v", err)
	}
	if cfg.AccountId != "" && v.AccountID != "" && cfg.AccountId != v.AccountID {
		return fs.Failf(ExitFailed, "the credentials are of account %s but %s:accountId is %s; refusing to repin another account's stack", v.AccountID, stacks.Namespace, cfg.AccountId)
	}
	after, err := Apply(before, cfg, v)
	if err != nil {
		return fs.Failf(ExitFailed, "%v", err)
	}
	var diff strings.Builder
	result := Result{Stack: *stack, File: path, Account: account, DryRun: *dryRun, Values: v}
	result.Changed = Diff(&diff, filepath.Base(path), before, after)
	result.Diff = diff.String()
	if result.Changed && !*dryRun {
		if err := os.WriteFile(path, after, 0o644); err != nil {
			return fs.Failf(ExitFailed, "%v", err)
		}
		result.Written = true
	}
	if *asJSON {
		if err := cli.WriteJSON(stdout, result); err != nil {
			return fs.Failf(ExitFailed, "%v", err)
		}
	} else {
		fmt.Fprint(stdout, result.Diff)
	}
	switch {
	case !result.Changed:
		fmt.Fprintf(stderr, "pin: %s already pins these values\n", path)
	case *dryRun:
		fmt.Fprintln(stderr, "pin: --dry-run: nothing written")
	default:
		fmt.Fprintf(stderr, "pin: wrote %s; review the diff, then `go run . plan --stack %s`\n", path, *stack)
	}
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
