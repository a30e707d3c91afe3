// Package plan is the offline plan report of the program (`go run . plan`): it runs the Pulumi
// program under the recording mock monitor of pkg/offline, with the stack's config loaded the way
// the CLI loads it, and reports what the stack creates, what it costs per month, how fast it fails
// over, how long a first deployment takes, and whether it passes the guardrails. No AWS account,
// credentials or network are involved.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

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
}

// ErrUnknownStack is returned (wrapped) when the project has no Pulumi.<stack>.yaml.
var ErrUnknownStack = errors.New("unknown stack")

// runMu serialises runs: the program reads its config from the process environment and its
// working directory, as it does under the engine.
var runMu sync.Mutex

// Record runs program for the stack under the offline model and returns what it registered and
// the stack's validated config. The program's own error (bad config included) is returned as is,
// prefixed with the stack name.
func Record(opts Options, program pulumi.RunFunc) (*offline.Mocks, *stacks.Config, error) {
	dir, stack := opts.Dir, opts.Stack
	if dir == "" {
		dir = "."
	}
	if stack == "" {
		stack = stacks.Staging
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		return nil, nil, fmt.Errorf("no Pulumi.yaml in %s: run plan from the project directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi."+stack+".yaml")); err != nil {
		known := knownStacks(dir)
		return nil, nil, fmt.Errorf("%w %q: there is no Pulumi.%s.yaml in %s; stacks: %s", ErrUnknownStack, stack, stack, dir, strings.Join(known, ", "))
	}
	values, err := offline.StackConfig(dir, stack)
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	encoded, err := json.Marshal(values)
	if err != nil {
		return nil, nil, err
	}

	runMu.Lock()
	defer runMu.Unlock()
	restoreEnv := setenv(pulumi.EnvConfig, string(encoded))
	defer restoreEnv()
	if dir != "." {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, err
		}
		if err := os.Chdir(dir); err != nil {
			return nil, nil, err
		}
		defer func() { _ = os.Chdir(wd) }()
	}
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "plan: running the program for stack %s under the offline model (no AWS calls)...\n", stack)
	}
	m := offline.NewMocks(stack)
	if err := pulumi.RunErr(program, pulumi.WithMocks(offline.Project, stack, m)); err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, single(err))
	}
	cfg, err := stacks.Parse(stack, unqualified(values), nil)
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
	return assemble(m.Resources(), m.Invokes(), cfg, usage, prices), nil
}

// assemble derives every section of the report from the recorded resources and invokes.
func assemble(recorded []*offline.Resource, invokes []offline.Invoke, cfg *stacks.Config, usage Usage, prices PriceTable) *Report {
	g := newGraph(recorded, invokes)
	cost := estimate(g, prices, usage, cfg.PrimaryRegion, cfg.SecondaryRegion)
	return &Report{
		SchemaVersion:   SchemaVersion,
		Stack:           cfg.Stack,
		Environment:     cfg.Environment,
		PrimaryRegion:   cfg.PrimaryRegion,
		SecondaryRegion: cfg.SecondaryRegion,
		Inventory:       inventory(g),
		Diagram:         diagramOf(g, cfg.PrimaryRegion, cfg.SecondaryRegion),
		Cost:            cost,
		Failover:        Failover{Traffic: trafficBudget(g, cfg), Database: withDetection(databaseFailover(g, cfg), g, cost)},
		FirstDeploy:     firstDeploy(g),
		Policy:          policyResults(recorded),
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

// single unwraps the SDK's one-element multierror ("1 error occurred: * ...") to the program's own error.
func single(err error) error {
	if multi, ok := err.(interface{ WrappedErrors() []error }); ok {
		if errs := multi.WrappedErrors(); len(errs) == 1 {
			return errs[0]
		}
	}
	return err
}

// knownStacks lists the stacks with a Pulumi.<stack>.yaml in dir.
func knownStacks(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// unqualified strips the project namespace from config keys, dropping other namespaces.
func unqualified(values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, stacks.Namespace+":"); ok {
			out[name] = v
		}
	}
	return out
}

// setenv sets an environment variable and returns a function that restores it.
func setenv(key, value string) func() {
	previous, had := os.LookupEnv(key)
	_ = os.Setenv(key, value)
	return func() {
		if had {
			_ = os.Setenv(key, previous)
		} else {
			_ = os.Unsetenv(key)
		}
	}
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
