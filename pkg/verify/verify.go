// Package verify is `go run . verify --stack S`: read-only checks of a deployed stack from outside,
// pass/fail per check. The viewer name serves HTTPS (TLS 1.2+) with the security headers; neither
// ALB answers a direct request; exactly one region hosts the global primary; the health checks agree
// with it; replication lags under the alarm threshold; runbooks, alarms and backup vaults exist in
// both regions. It changes nothing.
package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"time"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Exit codes of Main.
// (the shared table of pkg/ops/cli, with what each code means here).
const (
	ExitPassed   = cli.ExitOK       // every check passed or was skipped with a reason
	ExitFailed   = cli.ExitFailed   // a check failed
	ExitUsage    = cli.ExitUsage    // bad flags, or the stack's config or outputs lack what verify needs
	ExitNotReady = cli.ExitNotReady // no AWS credentials, no Pulumi CLI (and no --outputs), outputs unreadable
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

// Command is verify's entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "verify",
	Summary:  "check a deployed stack from outside, read-only, pass/fail per check",
	Synopsis: "go run . verify --stack S [--outputs FILE] [--format text|json|markdown] [--json] [--timeout 2m]",
	Description: `Read-only checks of a deployed stack from outside, pass/fail per check (docs/drills.md). It reads
Pulumi.<stack>.yaml and the stack's outputs (through the Pulumi CLI, or --outputs FILE), confirms the
AWS credentials with STS first, and changes nothing. Exit 1 when a check fails.`,
}

// Main is `go run . verify --stack S [--outputs FILE] [--format text|json|markdown] [--timeout 2m]`.
func Main(args []string, stdout, stderr io.Writer) int { return runMain(args, stdout, stderr, nil) }

func runMain(args []string, stdout, stderr io.Writer, deps *Deps) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	var o Options
	stack := fs.Stack("stack to verify")
	fs.StringVar(&o.Dir, "dir", ".", "project directory holding Pulumi.yaml")
	fs.DurationVar(&o.RequestTimeout, "request-timeout", 5*time.Second, "timeout of one HTTP request (a direct ALB request that times out passes)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	outputs := fs.OutputsFlag()
	format := fs.Format(Formats...)
	if code, done := fs.Parse(args); done {
		return code
	}
	o.Stack = *stack
	if *timeout <= 0 || o.RequestTimeout <= 0 {
		return fs.Usagef("--timeout and --request-timeout must be positive")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, *timeout)
	defer cancelTimeout()
	if deps == nil {
		cfg, err := liveops.AWSConfig(ctx, "")
		if err != nil {
			return fs.Fail(err, ExitUsage)
		}
		if _, err := cli.CheckCredentials(ctx, liveops.Identity(cfg), liveops.StackRegions(o.Dir, o.Stack)...); err != nil {
			return fs.Fail(err, ExitUsage)
		}
		deps = &Deps{Outputs: liveops.OutputSource(o.Dir, *outputs), Clients: liveops.SDKClients{Config: cfg}, Config: liveops.LoadConfig,
			Zonal: SDKZonalClients{Config: cfg}}
	} else if *outputs != "" {
		deps.Outputs = liveops.File{Path: *outputs}
	}
	if deps.Progress == nil {
		deps.Progress = stderr
	}
	report, err := Run(ctx, o, *deps)
	if err != nil {
		return fs.Fail(err, ExitUsage)
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
