package drill

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
)

// Exit codes of Main.
const (
	ExitPassed = 0 // the drill ran and every recovery met its budget
	ExitFailed = 1 // a budget was exceeded, the experiment failed or a stop condition stopped it
	ExitUsage  = 2 // bad flags, refused (prod without --yes-prod), or the drill could not start
)

// Main is `go run . drill <instance|az|region> --stack S [--region R]`.
func Main(args []string, stdout, stderr io.Writer) int {
	return runMain(args, stdout, stderr, nil)
}

// runMain takes deps for tests; nil means the real ones (AWS credentials the SDK's usual way).
func runMain(args []string, stdout, stderr io.Writer, deps *Deps) int {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Stack, "stack", "", "stack to drill (required; reads Pulumi.<stack>.yaml and the stack's outputs)")
	fs.StringVar(&o.Region, "region", "", "region to fault (default: the region that writes now)")
	fs.StringVar(&o.Zone, "az", "", "zone of the az drill (default: the region's first zone)")
	fs.StringVar(&o.Mode, "mode", ModeSwitchover, "region drill: switchover (the database moves planned, RPO 0) or failover (staging only: the region's APIs denied to the runbook and detector, FailoverGlobalCluster, rejoin)")
	fs.StringVar(&o.Dir, "dir", ".", "project directory holding Pulumi.yaml")
	fs.BoolVar(&o.YesProd, "yes-prod", false, "allow a drill on a prod stack")
	fs.DurationVar(&o.Poll, "poll", 5*time.Second, "how often to observe")
	fs.DurationVar(&o.Timeout, "timeout", 45*time.Minute, "give up (and stop the experiment) after this long")
	fs.DurationVar(&o.ProbeTimeout, "probe-timeout", 5*time.Second, "timeout of one viewer request")
	format := fs.String("format", "text", "report format: "+strings.Join(Formats, ", "))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . drill <instance|az|region> --stack S [--region R] [--az ZONE] [--mode switchover|failover] [--format text|json|markdown] [--timeout 45m] [--yes-prod]")
		fmt.Fprintln(stderr, "Starts the stack's AWS FIS experiment, watches viewers, Route 53, the load balancer and the database, prints the timeline and")
		fmt.Fprintln(stderr, "exits 1 when a recovery exceeds the stack's computed failover budget (docs/drills.md).")
		fs.PrintDefaults()
	}
	// The drill kind may come before or after the flags.
	var kind string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitPassed
		}
		return ExitUsage
	}
	if kind == "" && fs.NArg() > 0 {
		kind = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "drill: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	o.Kind = kind
	if !slices.Contains(drills.Kinds, kind) {
		fmt.Fprintf(stderr, "drill: say which drill: %s\n", strings.Join(drills.Kinds, ", "))
		fs.Usage()
		return ExitUsage
	}
	if o.Stack == "" {
		fmt.Fprintln(stderr, "drill: --stack is required")
		return ExitUsage
	}
	if !slices.Contains(Modes, o.Mode) || (o.Mode != ModeSwitchover && kind != drills.KindRegion) {
		fmt.Fprintf(stderr, "drill: --mode %s: allowed: %s, for the region drill only\n", o.Mode, strings.Join(Modes, ", "))
		return ExitUsage
	}
	if !slices.Contains(Formats, *format) {
		fmt.Fprintf(stderr, "drill: unknown format %q; allowed: %s\n", *format, strings.Join(Formats, ", "))
		return ExitUsage
	}
	if o.Poll <= 0 || o.Timeout <= 0 || o.ProbeTimeout <= 0 {
		fmt.Fprintln(stderr, "drill: --poll, --timeout and --probe-timeout must be positive")
		return ExitUsage
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	// The AWS calls and the CLI get the drill's deadline, with room to stop the experiment after it.
	ctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout+2*time.Minute)
	defer cancelTimeout()
	if deps == nil {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "drill: AWS credentials: %v\n", err)
			return ExitUsage
		}
		deps = &Deps{
			Outputs: liveops.CLI{Dir: o.Dir},
			Clients: liveops.SDKClients{Config: cfg},
			HTTP:    &http.Client{Timeout: o.ProbeTimeout},
			Clock:   realClock{},
			Config:  liveops.LoadConfig,
			IAM:     iam.NewFromConfig(cfg),
			Zonal:   SDKZonalClients{Config: cfg},
		}
	}
	if deps.Progress == nil {
		deps.Progress = stderr
	}
	report, err := Run(ctx, o, *deps)
	if err != nil {
		fmt.Fprintf(stderr, "drill: %v\n", err)
		return ExitUsage
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
