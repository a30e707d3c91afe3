package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/drill"
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// Outside the engine the program is a command line that explains itself.
func TestTopLevelListsTheCommands(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"-h"}, {"--help"}} {
		var out, errOut bytes.Buffer
		assert.Equal(t, cli.ExitOK, cli.Dispatch(commands(), args, &out, &errOut), args)
		assert.Empty(t, errOut.String(), args)
		for _, e := range commands() {
			assert.Contains(t, out.String(), "  "+e.Name+" ", "%v lists %s", args, e.Name)
		}
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, cli.ExitUsage, cli.Dispatch(commands(), []string{"nonsense"}, &out, &errOut))
	assert.Empty(t, out.String())
	assert.Contains(t, errOut.String(), `unknown command "nonsense"`)
	assert.Contains(t, errOut.String(), "  verify ")
}

// Every command: --help on stdout with exit 0, a usage error on stderr with exit 2, --stack
// required under the one rule, --json where a script reads the result.
func TestEveryCommandsHelp(t *testing.T) {
	names := map[string]bool{}
	for _, e := range commands() {
		names[e.Name] = true
		t.Run(e.Name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.Equal(t, cli.ExitOK, e.Main([]string{"--help"}, &out, &errOut))
			assert.Empty(t, errOut.String(), "help goes to stdout")
			help := out.String()
			assert.True(t, strings.HasPrefix(help, "usage: go run . "+e.Name+" "), help)
			assert.Contains(t, help, "  --stack string ")
			assert.Contains(t, help, cli.StackRule, "the one --stack rule")
			assert.Contains(t, help, "  --json ", "a script can read the result")
			assert.Contains(t, help, cli.ExitLine)
			assert.NotContains(t, help, "\n  -stack", "flags print as --name")
			assert.NotEmpty(t, e.Summary)
			assert.LessOrEqual(t, len(e.Summary), 80, "one short line in the list")

			out.Reset()
			errOut.Reset()
			assert.Equal(t, cli.ExitUsage, e.Main([]string{"--no-such-flag"}, &out, &errOut))
			assert.Empty(t, out.String())
			assert.Contains(t, errOut.String(), e.Name+": flag provided but not defined: -no-such-flag")
			assert.Contains(t, errOut.String(), "usage: go run . "+e.Name)

			out.Reset()
			errOut.Reset()
			args := map[string][]string{"drill": {"instance"}, "deployment-settings": {"check"}}[e.Name]
			assert.Equal(t, cli.ExitUsage, e.Main(args, &out, &errOut))
			assert.Contains(t, errOut.String(), ": --stack is required: one of prod, staging")
		})
	}
	for _, want := range []string{"plan", "guardrails", "targets", "pin", "deployment-settings", "drill", "verify"} {
		assert.True(t, names[want], "main dispatches %s", want)
	}
	for _, kind := range drills.Kinds {
		var out, general bytes.Buffer
		require.Equal(t, cli.ExitOK, drill.Main([]string{kind, "--help"}, &out, &bytes.Buffer{}))
		require.Equal(t, cli.ExitOK, drill.Main([]string{"--help"}, &general, &bytes.Buffer{}))
		assert.True(t, strings.HasPrefix(out.String(), "usage: go run . drill "+kind+" "), kind)
		assert.NotEqual(t, general.String(), out.String(), "drill %s --help is the kind's", kind)
	}
}
