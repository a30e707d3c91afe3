package guardrails

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// InlineEnvironment names an `environment:` that is an inline ESC definition with `values:` of its
// own (the SDK's workspace.Environment.Imports reports it as "yaml").
const InlineEnvironment = "yaml"

// UnseenEnvironments returns the Pulumi ESC environments that Pulumi.<stack>.yaml imports through
// its `environment:` key, read with the SDK's loader (the CLI's): a list of environment names, or
// an inline definition whose `imports:` it lists (plus InlineEnvironment when it has `values:`).
// Their values, including any `pulumiConfig`, reach the program only when the CLI opens them in a
// real preview or update, so an offline run cannot see them.
func UnseenEnvironments(dir, stack string) ([]string, error) {
	_, ps, err := offline.LoadStackFiles(dir, stack)
	if err != nil {
		return nil, err
	}
	if ps.Environment == nil {
		return nil, nil
	}
	names := ps.Environment.Imports()
	if len(names) == 0 && len(ps.Environment.Definition()) > 0 && string(ps.Environment.Definition()) != "null\n" {
		// A definition the ESC loader cannot read still imports something the CLI will try to open.
		names = []string{InlineEnvironment}
	}
	return names, nil
}
