// Command multi-region-ha is a Pulumi program that deploys a highly available web application across
// two AWS regions, active-passive, and fails over when the primary region goes dark.
//
// main.go only composes: it loads the typed stack configuration, makes one explicit AWS provider per
// region, and wires the components together through their typed outputs. Each step lives in a
// wire_*.go file of its own.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/deploysettings"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// main runs the Pulumi program. Two subcommands work without AWS or the engine (which never passes
// arguments): `plan` prints what a stack builds, costs and survives, offline; `deployment-settings`
// checks or applies a stack's Pulumi Deployments settings.
func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "plan":
			os.Exit(plan.Main(os.Args[2:], run, os.Stdout, os.Stderr))
		case "deployment-settings":
			os.Exit(deploysettings.Main(os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	pulumi.Run(run)
}

// run composes the whole stack. Tests drive the entire program through it under mocks.
func run(ctx *pulumi.Context) error {
	cfg, err := stacks.Load(ctx)
	if err != nil {
		return err
	}
	d := &deployment{cfg: cfg}
	steps := []struct {
		name string
		run  func(*pulumi.Context) error
	}{
		{"providers", d.newProviders},
		{"network", d.newNetworks},
		{"certificates", d.newCertificates},
		{"compute", d.newComputes},
		{"edge", d.newEdge},
		{"database", d.newDatabase},
		{"observability", d.newObservability},
		{"failover", d.newFailovers},
		{"deployments", d.newDeployAccess},
	}
	for _, step := range steps {
		if err := step.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return nil
}

// deployment carries what one step hands the next: the config and every component built so far.
type deployment struct {
	cfg *stacks.Config
	providerSet
	networkStep
	computeStep
	edgeStep
	databaseStep
	observabilityStep
}

// activeRegion is the region that serves traffic and writes: the database writer, primaryRegion
// until an operator records a failover with database.writerRegion. Capacity, the Route 53 PRIMARY
// record and the alarms follow it; names never do, so the swap replaces nothing.
func (d *deployment) activeRegion() string { return d.cfg.WriterRegion() }

// standbyRegion is the other region.
func (d *deployment) standbyRegion() string { return d.cfg.ReaderRegion() }

// otherRegion returns the region of the pair that is not region.
func (d *deployment) otherRegion(region string) string {
	if region == d.cfg.PrimaryRegion {
		return d.cfg.SecondaryRegion
	}
	return d.cfg.PrimaryRegion
}

// export publishes a stack output. It is a variable so tests and the planner can watch the outputs,
// which the mock monitor never sees.
var export = func(ctx *pulumi.Context, name string, value pulumi.Input) { ctx.Export(name, value) }
