package plan

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// In-process checks of Main that need no compiled program.

func TestMainRejectsBadInputBeforeRunningTheProgram(t *testing.T) {
	ran := false
	program := func(*pulumi.Context) error { ran = true; return nil }
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no stack", nil, ExitUsage, "--stack is required"},
		{"unknown format", []string{"--stack", "staging", "--format", "html"}, ExitUsage, `unknown format "html"; allowed: text, json, markdown, mermaid`},
		{"unknown stack", []string{"--stack", "qa", "--dir", projectRoot}, ExitFailed, `unknown stack "qa"`},
		{"negative assumption", []string{"--stack", "staging", "--db-storage-gb", "-5"}, ExitUsage, "--db-storage-gb must not be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(tc.args, program, &stdout, &stderr)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
			assert.False(t, ran, "the program must not run on bad input")
		})
	}
}

func TestMainReportsTheProgramsOwnError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main([]string{"--stack", "prod", "--dir", projectRoot}, func(*pulumi.Context) error {
		return errors.New("invalid stack configuration:\n  network.natGateways: is \"lots\"; allowed: perAz, single, none")
	}, &stdout, &stderr)
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr.String(), "plan: stack prod: ")
	assert.Contains(t, stderr.String(), `network.natGateways: is "lots"; allowed: perAz, single, none`)
	assert.Empty(t, stdout.String())
}

func TestMainHelpExitsCleanly(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, ExitOK, Main([]string{"--help"}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "--gb-out")
	assert.Contains(t, stdout.String(), "--stack")
}

// The README's architecture diagram comes from Diagram; the root test compares them.
func TestDiagramRunsTheProgramForTheStack(t *testing.T) {
	d, err := Diagram(projectRoot, "prod", fixture)
	require.NoError(t, err)
	assert.Equal(t, fixtureReport(t).Diagram, d)
}

func TestRenderRejectsUnknownFormats(t *testing.T) {
	err := Render(&bytes.Buffer{}, &Report{}, "pdf")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "allowed: text, json, markdown, mermaid")
}

func TestMermaidBlockFindsTheFirstDiagram(t *testing.T) {
	doc := "# Title\n\n```go\nx\n```\n\n```mermaid\nflowchart LR\n  a --> b\n```\n\n```mermaid\nother\n```\n"
	got, ok := MermaidBlock(doc)
	require.True(t, ok)
	assert.Equal(t, "flowchart LR\n  a --> b\n", got)
	_, ok = MermaidBlock("no diagram")
	assert.False(t, ok)
	_, ok = MermaidBlock("```mermaid\nunterminated")
	assert.False(t, ok)
}
