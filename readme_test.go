package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// The README's architecture diagram is what the program registers: regenerate it with
// `go run . plan --stack prod --format mermaid` when this fails.
func TestReadmeDiagramIsThePlanDiagram(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	got, ok := plan.MermaidBlock(string(readme))
	require.True(t, ok, "README has no mermaid block")
	want, err := plan.Diagram(".", "prod", run)
	require.NoError(t, err)
	assert.Equal(t, want, got, "paste `go run . plan --stack prod --format mermaid` into README.md")
}

// Every config key the program reads is in the README's configuration reference.
func TestReadmeDocumentsEveryConfigKey(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, key := range stacks.DocumentedKeys() {
		assert.True(t, strings.Contains(string(readme), "| `"+key+"`"), "README's configuration reference lacks %s", key)
	}
}
