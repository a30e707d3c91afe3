// Package verify is `go run . verify --stack S`: read-only checks of a deployed stack from outside,
// pass/fail per check. The viewer name serves HTTPS (TLS 1.2+) with the security headers; neither
// ALB answers a direct request; exactly one region hosts the global primary; the health checks agree
// with it; replication lags under the alarm threshold; runbooks, alarms and backup vaults exist in
// both regions. It changes nothing.
package verify

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main.
const (
	ExitPassed = 0 // every check passed or was skipped with a reason
	ExitFailed = 1 // a check failed
	ExitUsage  = 2 // bad flags, or the stack's config or outputs could not be read
)

// Options are the command's flags.
type Options struct {
	Stack, Dir     string
	RequestTimeout time.Duration
}

// Deps are what Run talks to.
type Deps struct {
	Outputs  liveops.OutputReader
	Clients  liveops.Clients
	TLS      *tls.Config // base TLS config of the HTTP checks (tests trust their own CA)
	Config   func(dir, stack string) (*stacks.Config, error)
	Now      func() time.Time
	Progress io.Writer
	// Direct is how the direct-ALB check resolves and dials (zero: the system resolver, ports 443 and 80).
	Direct DirectNet
	// Zonal reads zonal shift and autoshift (checks_zonal.go); nil leaves those checks out (tests of
	// the other checks). Main always sets it.
	Zonal ZonalClients
}

type verifier struct {
	o      Options
	d      Deps
	cfg    *stacks.Config
	report *Report
}

func (v *verifier) add(id, status, detail string) {
	v.report.Checks = append(v.report.Checks, Check{ID: id, Status: status, Detail: detail})
	if v.d.Progress != nil {
		fmt.Fprintf(v.d.Progress, "verify: %-4s %s\n", status, id)
	}
}

// Run makes every check.
func Run(ctx context.Context, o Options, d Deps) (*Report, error) {
	cfg, err := d.Config(o.Dir, o.Stack)
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	outs, err := d.Outputs.Outputs(ctx, o.Stack)
	if err != nil {
		return nil, err
	}
	v := &verifier{o: o, d: d, cfg: cfg, report: &Report{Stack: o.Stack}}
	url, err := outs.String(stackoutputs.URL)
	if err != nil {
		return nil, err
	}
	globalID, err := outs.String(stackoutputs.GlobalClusterID)
	if err != nil {
		return nil, err
	}
	v.checkViewer(ctx, url)
	albs, _ := outs.Map(stackoutputs.AlbDNSNames)
	for _, region := range cfg.Regions() {
		if albs[region] == "" {
			v.add("alb-direct-"+region, Fail, "the stack exports no albDnsNames for "+region)
			continue
		}
		v.checkDirectAlb(ctx, region, albs[region])
	}
	writer := v.checkTopology(ctx, globalID)
	probes, _ := outs.Map(stackoutputs.RegionProbeURLs)
	v.checkRegionProbes(ctx, probes)
	v.checkHealthChecks(ctx, healthChecks(outs), writer)
	clusters, _ := outs.Map(stackoutputs.DatabaseClusterIDs)
	v.checkReplicationLag(ctx, clusters, writer)
	runbooks, _ := outs.Map(stackoutputs.FailoverStateMachineArns)
	v.checkRunbooks(ctx, runbooks)
	alarms, _ := outs.Map(stackoutputs.RegionUnhealthyAlarmNames)
	v.checkAlarms(ctx, alarms)
	vaults, _ := outs.Map(stackoutputs.BackupVaultArns)
	v.checkBackups(ctx, vaults)
	if d.Zonal != nil {
		albArns, _ := outs.Map(stackoutputs.AlbArns)
		v.checkZonal(ctx, albArns)
	}

	v.report.Passed = true
	for _, c := range v.report.Checks {
		if c.Status == Fail {
			v.report.Passed = false
		}
	}
	return v.report, nil
}

// healthChecks are the stack's health checks by name: healthCheckIds (name -> id; "primary" is the
// PRIMARY record's) when exported, else the single healthCheckId as the PRIMARY record's.
func healthChecks(outs liveops.Outputs) map[string]string {
	if m, err := outs.Map(stackoutputs.HealthCheckIDs); err == nil && len(m) > 0 {
		return m
	}
	if id, err := outs.String(stackoutputs.HealthCheckID); err == nil {
		return map[string]string{stackoutputs.PrimaryRecordCheck: id}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Main is `go run . verify --stack S [--format text|json|markdown] [--timeout 2m]`.
func Main(args []string, stdout, stderr io.Writer) int { return runMain(args, stdout, stderr, nil) }

func runMain(args []string, stdout, stderr io.Writer, deps *Deps) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	fs.StringVar(&o.Stack, "stack", "", "stack to verify (required; reads Pulumi.<stack>.yaml and the stack's outputs)")
	fs.StringVar(&o.Dir, "dir", ".", "project directory holding Pulumi.yaml")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 5*time.Second, "timeout of one HTTP request (a direct ALB request that times out passes)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	format := fs.String("format", "text", "report format: "+strings.Join(Formats, ", "))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run . verify --stack S [--format text|json|markdown] [--timeout 2m]")
		fmt.Fprintln(stderr, "Read-only checks of a deployed stack from outside; exits 1 when a check fails (docs/drills.md).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitPassed
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "verify: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	if o.Stack == "" {
		fmt.Fprintln(stderr, "verify: --stack is required")
		return ExitUsage
	}
	found := false
	for _, f := range Formats {
		found = found || f == *format
	}
	if !found {
		fmt.Fprintf(stderr, "verify: unknown format %q; allowed: %s\n", *format, strings.Join(Formats, ", "))
		return ExitUsage
	}
	if *timeout <= 0 || o.RequestTimeout <= 0 {
		fmt.Fprintln(stderr, "verify: --timeout and --request-timeout must be positive")
		return ExitUsage
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, *timeout)
	defer cancelTimeout()
	if deps == nil {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "verify: AWS credentials: %v\n", err)
			return ExitUsage
		}
		deps = &Deps{Outputs: liveops.CLI{Dir: o.Dir}, Clients: liveops.SDKClients{Config: cfg}, Config: liveops.LoadConfig,
			Zonal: SDKZonalClients{Config: cfg}}
	}
	if deps.Progress == nil {
		deps.Progress = stderr
	}
	report, err := Run(ctx, o, *deps)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitUsage
	}
	if ctx.Err() != nil {
		report.Checks = append(report.Checks, Check{ID: "timeout", Status: Fail, Detail: fmt.Sprintf("gave up after %s; the checks above ran", *timeout)})
		report.Passed = false
	}
	if err := Render(stdout, report, *format); err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitFailed
	}
	if !report.Passed {
		return ExitFailed
	}
	return ExitPassed
}
