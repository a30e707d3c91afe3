// Package accessspec holds who creates a stack's IAM Access Analyzer (config
// observability.accessAnalyzer): shared by stacks (validation) and the observability component,
// without the config package importing the component.
package accessspec

import (
	"fmt"
	"strings"
)

// Who creates the analyzer of a region.
const (
	// Create: this stack creates the analyzer in each of its regions, its archive rules, and the
	// EventBridge rule that pages its topic.
	Create = "create"
	// Existing: another stack of the account (or the organisation) owns the analyzer; this stack
	// keeps only the EventBridge rule on its findings to its own topic.
	Existing = "existing"
	// Off: neither analyzer nor rule.
	Off = "off"
)

// Modes are the allowed values, in the order the docs give them.
var Modes = []string{Create, Existing, Off}

// Check returns an error naming the allowed values unless mode is one of Modes.
func Check(mode string) error {
	for _, m := range Modes {
		if mode == m {
			return nil
		}
	}
	return fmt.Errorf("is %q; allowed: %s", mode, strings.Join(Modes, ", "))
}
