package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/drill"
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/pkg/verify"
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

// Every `go run . drill|verify` command the README shows uses a drill kind and flags the commands
// define (their --help lists them).
func TestReadmeOperatorCommandsExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	help := map[string]string{}
	for name, m := range map[string]func([]string, io.Writer, io.Writer) int{"drill": drill.Main, "verify": verify.Main} {
		var out, errOut bytes.Buffer
		require.Equal(t, 0, m([]string{"--help"}, &out, &errOut))
		help[name] = errOut.String()
	}
	seen := 0
	for _, line := range strings.Split(string(readme), "\n") {
		_, rest, ok := strings.Cut(line, "go run . ")
		if !ok {
			continue
		}
		fields := strings.Fields(strings.Split(rest, "#")[0])
		if len(fields) == 0 || help[fields[0]] == "" {
			continue
		}
		seen++
		if fields[0] == "drill" {
			assert.Contains(t, drills.Kinds, fields[1], line)
		}
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "--") {
				assert.Contains(t, help[fields[0]], "  -"+strings.TrimPrefix(f, "--"), "README line %q: %s is not a flag of %s", line, f, fields[0])
			}
		}
	}
	assert.GreaterOrEqual(t, seen, 6, "the README shows the drill and verify commands")
}
