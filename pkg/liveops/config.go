package liveops

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// LoadConfig reads and validates the committed stack file Pulumi.<stack>.yaml in dir, the way the
// CLI and `go run . plan` read it: the commands compute budgets and thresholds from the same
// functions the program uses, never from copied numbers.
func LoadConfig(dir, stack string) (*stacks.Config, error) {
	values, err := offline.StackConfig(dir, stack)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	cfg, err := stacks.ParseStackConfig(stack, values)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	return cfg, nil
}

// StackRegions are the stack's two regions, for the credentials check to ask STS in (nil when the
// stack file cannot be read: the command reports that itself).
func StackRegions(dir, stack string) []string {
	cfg, err := LoadConfig(dir, stack)
	if err != nil {
		return nil
	}
	return cfg.Regions()
}
