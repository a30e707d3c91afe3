package drill

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// Exit codes of Main (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitPassed   = cli.ExitOK       // the drill ran and every recovery met its budget
	ExitFailed   = cli.ExitFailed   // a budget was exceeded, the experiment failed or a stop condition stopped it
	ExitUsage    = cli.ExitUsage    // bad flags, refused (prod without --yes-prod), or the drill could not start
	ExitNotReady = cli.ExitNotReady // no AWS credentials, no Pulumi CLI (and no --outputs), outputs unreadable
)

// Main is `go run . drill <instance|az|region> --stack S [--region R]`.
func Main(args []string, stdout, stderr io.Writer) int {
	return runMain(args, stdout, stderr, nil)
}

// runMain takes deps for tests; nil means the real ones (AWS credentials the SDK's usual way).
func runMain(args []string, stdout, stderr io.Writer, deps *Deps) int {
	// The drill kind may come before or after the flags; before them, --help is the kind's.
	var kind string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	cmd, ok := KindCommands[kind]
	if !ok {
		cmd = Command
	}
	fs := cli.NewFlags(cmd, stdout, stderr)
	fs.AllowArgs()
	var o Options
	stack := fs.Stack("stack to drill")
	fs.StringVar(&o.Region, "region", "", "region to fault (default: the region that writes now)")
	fs.StringVar(&o.Zone, "az", "", "zone of the az drill (default: the region's first zone)")
	fs.StringVar(&o.Mode, "mode", ModeSwitchover, "region drill: switchover (the database moves planned, RPO 0) or failover (staging only: the region's APIs denied to the runbook and detector, FailoverGlobalCluster, rejoin)")
	fs.StringVar(&o.Dir, "dir", ".", "project directory holding Pulumi.yaml")
	fs.BoolVar(&o.YesProd, "yes-prod", false, "allow a drill on a prod stack")
	fs.DurationVar(&o.Poll, "poll", 5*time.Second, "how often to observe")
	fs.DurationVar(&o.Timeout, "timeout", 45*time.Minute, "give up (and stop the experiment) after this long")
	fs.DurationVar(&o.ProbeTimeout, "probe-timeout", 5*time.Second, "timeout of one viewer request")
	outputs := fs.OutputsFlag()
	format := fs.Format(Formats...)
	if code, done := fs.Parse(args); done {
		return code
	}
	if kind == "" && fs.NArg() > 0 {
		kind = fs.Arg(0)
		if c, ok := KindCommands[kind]; ok {
			fs.Cmd = c
		}
	}
	if fs.NArg() > 1 || (fs.NArg() == 1 && kind != fs.Arg(0)) {
		return fs.Usagef("unexpected argument %q", fs.Arg(fs.NArg()-1))
	}
	o.Kind, o.Stack = kind, *stack
	if !slices.Contains(drills.Kinds, kind) {
		return fs.Usagef("say which drill: %s", strings.Join(drills.Kinds, ", "))
	}
	if !slices.Contains(Modes, o.Mode) || (o.Mode != ModeSwitchover && kind != drills.KindRegion) {
		return fs.Usagef("--mode %s: allowed: %s, for the region drill only", o.Mode, strings.Join(Modes, ", "))
	}
	if o.Poll <= 0 || o.Timeout <= 0 || o.ProbeTimeout <= 0 {
		return fs.Usagef("--poll, --timeout and --probe-timeout must be positive")
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	// The AWS calls and the CLI get the drill's deadline, with room to stop the experiment after it.
	ctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout+2*time.Minute)
	defer cancelTimeout()
	if deps == nil {
		cfg, err := liveops.AWSConfig(ctx, "")
		if err != nil {
			return fs.Fail(err, ExitUsage)
		}
		if _, err := cli.CheckCredentials(ctx, liveops.Identity(cfg), liveops.StackRegions(o.Dir, o.Stack)...); err != nil {
			return fs.Fail(err, ExitUsage)
		}
		deps = &Deps{
			Outputs: liveops.OutputSource(o.Dir, *outputs),
			Clients: liveops.SDKClients{Config: cfg},
			HTTP:    &http.Client{Timeout: o.ProbeTimeout},
			Clock:   realClock{},
			Config:  liveops.LoadConfig,
			IAM:     iam.NewFromConfig(cfg),
			Zonal:   SDKZonalClients{Config: cfg},
		}
	}
	if *outputs != "" {
		deps.Outputs = liveops.File{Path: *outputs}
	}
	if deps.Progress == nil {
		deps.Progress = stderr
	}
	report, err := Run(ctx, o, *deps)
	if err != nil {
		return fs.Fail(err, ExitUsage)
	}
	if err := Render(stdout, report, *format); err != nil {
		fmt.Fprintf(stderr, "drill: %v\n", err)
		return ExitFailed
	}
	if !report.Passed {
		return ExitFailed
	}
	return ExitPassed
}
