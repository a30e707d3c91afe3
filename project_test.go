package main

import (
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

func TestProjectFileDeclaresEveryConfigKey(t *testing.T) {
	project, err := workspace.LoadProject("Pulumi.yaml")
	require.NoError(t, err)
	assert.Equal(t, "multi-region-ha", string(project.Name))
	assert.Equal(t, "go", project.Runtime.Name())
	for _, key := range stacks.TopLevelKeys() {
		declared, ok := project.Config[key]
		if assert.True(t, ok, "Pulumi.yaml does not declare %s", key) {
			assert.True(t, declared.IsExplicitlyTyped(), "%s has no type", key)
			assert.NotEmpty(t, declared.Description, "%s has no description", key)
		}
	}
	for key := range project.Config {
		assert.Contains(t, stacks.TopLevelKeys(), key, "Pulumi.yaml declares %s, which the program does not read", key)
	}
}

func TestCommittedStacksLoadAndMatchDeclaredTypes(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		t.Run(stack, func(t *testing.T) {
			_, err := os.Stat("Pulumi." + stack + ".yaml")
			require.NoError(t, err)
			cfg, err := offline.StackConfig(".", stack)
			require.NoError(t, err, "loads with the CLI's loader and every value matches its declared type")
			assert.Equal(t, `["*"]`, cfg["pulumi:disable-default-providers"], "every ambient default provider is disabled")
			assert.Equal(t, stack, cfg["multi-region-ha:environment"])
		})
	}
}

// Each object's description in Pulumi.yaml names its keys, so `pulumi config` users see them.
func TestProjectFileDescribesEveryObjectKey(t *testing.T) {
	project, err := workspace.LoadProject("Pulumi.yaml")
	require.NoError(t, err)
	for _, key := range stacks.DocumentedKeys() {
		top, rest, nested := strings.Cut(key, ".")
		if !nested {
			continue
		}
		child := strings.Split(rest, ".")[0]
		if child == "<role>" {
			child = "primary"
		}
		assert.Contains(t, project.Config[top].Description, child, "Pulumi.yaml's description of %s does not mention %s", top, child)
	}
}
