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

// No document promises that a failed instance refresh rolls itself back: the provider moves the
// group to the new template version before the refresh starts (terraform-provider-aws#34189), so
// AWS's rollback would relaunch the bad version, and the program leaves autoRollback off.
func TestDocsPromiseNoAutomaticRollbackOfARefresh(t *testing.T) {
	files := []string{"README.md"}
	docs, err := os.ReadDir("docs")
	require.NoError(t, err)
	for _, d := range docs {
		files = append(files, "docs/"+d.Name())
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		text := strings.Join(strings.Fields(strings.ToLower(string(b))), " ")
		claims := strings.Count(text, "automatic rollback") - strings.Count(text, "no automatic rollback")
		assert.Zero(t, claims, "%s promises an automatic rollback", f)
		assert.NotContains(t, text, "the refresh rolls back", f)
	}
}
