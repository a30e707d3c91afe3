// Package plan is the offline plan report of the program (`go run . plan`): it runs the Pulumi
// program under the recording mock monitor of pkg/offline, with the stack's config loaded the way
// the CLI loads it, and reports what the stack creates, what it costs per month, how fast it fails
// over, how long a first deployment takes, and whether it passes the guardrails. No AWS account,
// credentials or network are involved.
package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Options say which stack to plan and under which assumptions.
type Options struct {
	Dir      string      // project directory holding Pulumi.yaml and Pulumi.<stack>.yaml; "" means "."
	Stack    string      // stack name; "" means staging
	Usage    *Usage      // nil means DefaultUsage()
	Prices   *PriceTable // nil means the embedded Prices
	Progress io.Writer   // where progress lines go; nil for none
	// AllEdges draws every dependency between components in the diagram, not only the cross-region
	// and edge paths.
	AllEdges bool
}

// ErrUnknownStack is returned (wrapped) when the project has no Pulumi.<stack>.yaml.
var ErrUnknownStack = offline.ErrUnknownStack

// Record runs program for the stack under the offline model (offline.RunStack, which `guardrails`
// shares) and returns what it registered and the stack's validated config. The program's own
// error (bad config included) is returned as is, prefixed with the stack name.
func Record(opts Options, program pulumi.RunFunc) (*offline.Mocks, *stacks.Config, error) {
	stack := opts.Stack
	if stack == "" {
		stack = stacks.Staging
	}
	m, values, err := offline.RunStack(opts.Dir, stack, program, opts.Progress, "plan")
	if err != nil {
		return nil, nil, err
	}
	cfg, err := stacks.ParseStackConfig(stack, values)
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	return m, cfg, nil
}

// Build runs program for the stack and assembles the report.
func Build(opts Options, program pulumi.RunFunc) (*Report, error) {
	m, cfg, err := Record(opts, program)
	if err != nil {
		return nil, err
	}
	usage := DefaultUsage()
	if opts.Usage != nil {
		usage = *opts.Usage
	}
	prices := Prices
	if opts.Prices != nil {
		prices = *opts.Prices
	}
	r := assemble(m.Resources(), m.Invokes(), cfg, usage, prices)
	if opts.AllEdges {
		r.Diagram = diagramOf(newGraph(m.Resources(), m.Invokes()), cfg.PrimaryRegion, cfg.SecondaryRegion, true)
	}
	return r, nil
}

// assemble derives every section of the report from the recorded resources and invokes.
func assemble(recorded []*offline.Resource, invokes []offline.Invoke, cfg *stacks.Config, usage Usage, prices PriceTable) *Report {
	g := newGraph(recorded, invokes)
	cost := costOf(g, cfg, prices, usage)
	return &Report{
		SchemaVersion:   SchemaVersion,
		Stack:           cfg.Stack,
		Environment:     cfg.Environment,
		PrimaryRegion:   cfg.PrimaryRegion,
		SecondaryRegion: cfg.SecondaryRegion,
		Inventory:       inventory(g),
		Diagram:         diagramOf(g, cfg.PrimaryRegion, cfg.SecondaryRegion, false),
		Cost:            cost,
		Failover:        newFailover(g, cfg, cost),
		Zonal:           zonalOf(g, cfg),
		FirstDeploy:     firstDeploy(g),
		Policy:          policyResults(recorded),
		AccessAnalysis:  accessAnalysis(g),
	}
}

// Diagram returns the Mermaid architecture diagram of stack in the project at dir: the README's
// architecture diagram is this output (a root test compares them).
func Diagram(dir, stack string, program pulumi.RunFunc) (string, error) {
	r, err := Build(Options{Dir: dir, Stack: stack}, program)
	if err != nil {
		return "", err
	}
	return r.Diagram, nil
}

// MermaidBlock returns the body of the first ```mermaid fenced block of a Markdown document (the
// README's architecture diagram), and whether there is one. Compare it with Diagram's output.
func MermaidBlock(markdown string) (string, bool) {
	const open = "```mermaid\n"
	i := strings.Index(markdown, open)
	if i < 0 {
		return "", false
	}
	body := markdown[i+len(open):]
	j := strings.Index(body, "```")
	if j < 0 {
		return "", false
	}
	return body[:j], true
}

// newFailover is the failover budget: traffic, database and when writes work again.
func newFailover(g *graph, cfg *stacks.Config, cost Cost) Failover {
	f := Failover{Traffic: trafficBudget(g, cfg), Database: withDetection(databaseFailover(g, cfg), g, cost)}
	f.Writes = writesFailover(f.Database, f.Traffic)
	return f
}
