package deploysettings

import (
	"fmt"
	"path/filepath"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// ProjectDir is the project directory of a settings file: stacks/<stack>.deployment.yaml sits one
// level below Pulumi.yaml.
func ProjectDir(file string) string { return filepath.Dir(filepath.Dir(file)) }

// SessionSeconds reads deployments.sessionSeconds of stack from Pulumi.yaml and
// Pulumi.<stack>.yaml in dir, with the program's defaults and validation (stacks.Parse).
func SessionSeconds(dir, stack string) (int, error) {
	values, err := offline.StackConfig(dir, stack)
	if err != nil {
		return 0, fmt.Errorf("stack %s config: %w", stack, err)
	}
	c, err := stacks.ParseStackConfig(stack, values)
	if err != nil {
		return 0, fmt.Errorf("stack %s config: %w", stack, err)
	}
	return c.Deployments.SessionSeconds, nil
}
