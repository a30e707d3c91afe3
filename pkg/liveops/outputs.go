// Package liveops is what the live operator commands (`go run . drill`, `go run . verify`) share:
// the stack's outputs, read through the Pulumi CLI; AWS SDK v2 clients per region, behind the small
// interfaces the commands use; and the observations both make (the viewer probe, Route 53 health,
// the global database's topology, replication lag). It is never imported by the Pulumi program
// (a root test checks the program's import graph).
package liveops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// Outputs are a stack's outputs as `pulumi stack output --json` prints them (secrets masked).
type Outputs map[string]any

// OutputReader reads a stack's outputs.
type OutputReader interface {
	Outputs(ctx context.Context, stack string) (Outputs, error)
}

// Runner runs a command and returns its standard output (exec.CommandContext in production).
type Runner func(ctx context.Context, dir, name string, args ...string) ([]byte, error)

// CLI reads outputs with the Pulumi CLI: `pulumi stack output --json --stack S`. The CLI is what
// the operator is already logged in with (any backend), needs no extra module, prints secrets
// masked unless asked, and is one exec behind Runner for tests. (The Automation API would exec the
// same CLI with a workspace around it.)
type CLI struct {
	Dir string
	Run Runner
}

// ExecRunner runs the real command.
func ExecRunner(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return out, nil
}

// Outputs implements OutputReader.
func (c CLI) Outputs(ctx context.Context, stack string) (Outputs, error) {
	run := c.Run
	if run == nil {
		if err := cli.RequirePulumi(stack); err != nil {
			return nil, err
		}
		run = ExecRunner
	}
	raw, err := run(ctx, c.Dir, "pulumi", "stack", "output", "--json", "--stack", stack)
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of stack %s: %w %s", stack, err, stackOutputsHint(stack))
	}
	var out Outputs
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("stack %s outputs are not JSON: %w", stack, err)
	}
	return out, nil
}

// ErrMissing says an output the command needs is not exported by the stack.
var ErrMissing = errors.New("output not exported")

// String returns a string output.
func (o Outputs) String(name string) (string, error) {
	v, ok := o[name].(string)
	if !ok || v == "" {
		return "", fmt.Errorf("%w: %s", ErrMissing, name)
	}
	return v, nil
}

// Map returns a map-of-strings output (e.g. albDnsNames: region -> name).
func (o Outputs) Map(name string) (map[string]string, error) {
	raw, ok := o[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrMissing, name)
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out, nil
}

// Nested returns a map-of-maps output (e.g. drillTemplateIds: region -> drill -> template id).
func (o Outputs) Nested(name string) (map[string]map[string]string, error) {
	raw, ok := o[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrMissing, name)
	}
	out := map[string]map[string]string{}
	for k, v := range raw {
		inner, ok := v.(map[string]any)
		if !ok {
			continue
		}
		out[k] = map[string]string{}
		for ik, iv := range inner {
			if s, ok := iv.(string); ok {
				out[k][ik] = s
			}
		}
	}
	return out, nil
}
