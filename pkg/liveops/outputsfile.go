package liveops

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// File reads a stack's outputs from a saved `pulumi stack output --json --stack S`, so a command
// runs where the Pulumi CLI is not installed or not logged in.
type File struct{ Path string }

// Outputs implements OutputReader.
func (f File) Outputs(_ context.Context, stack string) (Outputs, error) {
	raw, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, cli.NotReady("--outputs: %v", err)
	}
	var out Outputs
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, cli.NotReady("--outputs %s is not the JSON of `pulumi stack output --json --stack %s`: %v", f.Path, stack, err)
	}
	return out, nil
}

// OutputSource is where a command reads the stack's outputs: the file of --outputs when given,
// else the Pulumi CLI in dir.
func OutputSource(dir, file string) OutputReader {
	if file != "" {
		return File{Path: file}
	}
	return CLI{Dir: dir}
}

// stackOutputsHint is what an error reading the outputs through the CLI adds.
func stackOutputsHint(stack string) string {
	return fmt.Sprintf("(or pass --outputs FILE with the JSON of `pulumi stack output --json --stack %s`)", stack)
}
