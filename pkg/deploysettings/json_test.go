package deploysettings

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --json prints one record a script reads, on success and on failure.
func TestJSONRecord(t *testing.T) {
	code, out, errOut := runMain(t, "check", "--stack", "staging", "--file", committed("staging"), "--json", "--repo", "octo/ha")
	require.Equal(t, 0, code, errOut)
	var r Result
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.Equal(t, Result{Command: "check", Stack: "staging", File: committed("staging"), Repository: "octo/ha", OK: true}, r)

	code, out, errOut = runMain(t, "check", "--stack", "prod", "--file", "does-not-exist.yaml", "--json")
	assert.Equal(t, 1, code)
	r = Result{}
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	assert.False(t, r.OK)
	assert.Contains(t, r.Error, "does-not-exist.yaml")
	assert.Contains(t, errOut, "deployment-settings check: ")
}

// --help is on stdout with exit 0, before or after the command word.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"apply", "-h"}} {
		code, out, errOut := runMain(t, args...)
		assert.Equal(t, 0, code, args)
		assert.Empty(t, errOut)
		assert.Contains(t, out, "usage: go run . deployment-settings <check|apply>")
		assert.Contains(t, out, "  --repo string ", "the flag's value is not named by its backquoted usage")
	}
	code, _, errOut := runMain(t, "status", "--stack", "prod")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "status"; allowed: check, apply`)
}
