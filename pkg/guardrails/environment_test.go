package guardrails

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// projectWith writes a project directory holding the real Pulumi.yaml and a stack file "qa" with
// the given body.
func projectWith(t *testing.T, stackFile string) string {
	t.Helper()
	dir := t.TempDir()
	project, err := os.ReadFile(filepath.Join(projectRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.qa.yaml"), []byte(stackFile), 0o644))
	return dir
}

// The forms of the stack file's `environment:` key (Pulumi docs: "The environment block in your
// stack configuration file lists the environments the stack imports"; the SDK's
// workspace.Environment also takes an inline definition).
var environmentForms = []struct {
	name, stackFile string
	want            []string
}{
	{"no environment", "config: {}\n", nil},
	{"empty list", "environment: []\n", nil},
	{"list of names", "environment:\n  - acme/common\n  - multi-region-ha/prod\n", []string{"acme/common", "multi-region-ha/prod"}},
	{"inline imports", "environment:\n  imports:\n    - acme/common\n", []string{"acme/common"}},
	{"inline values", "environment:\n  values:\n    pulumiConfig:\n      multi-region-ha:edge: {}\n", []string{InlineEnvironment}},
	{"inline imports and values", "environment:\n  imports:\n    - acme/common\n  values:\n    pulumiConfig:\n      aws:region: us-east-1\n", []string{"acme/common", InlineEnvironment}},
}

func TestUnseenEnvironmentsReadsEveryForm(t *testing.T) {
	for _, tc := range environmentForms {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnseenEnvironments(projectWith(t, tc.stackFile), "qa")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCommittedStacksImportNoEnvironment(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		got, err := UnseenEnvironments(projectRoot, stack)
		require.NoError(t, err)
		assert.Empty(t, got, stack)
	}
}

// A stack file that imports an ESC environment: the command says plainly that it cannot see the
// values and that the published pack is the gate, and fails unless told the pack is in place.
func TestUnseenEnvironmentFailsUnlessAllowed(t *testing.T) {
	dir := projectWith(t, "environment:\n  - acme/prod-overrides\n")
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"default", nil, ExitUnseenEnvironment},
		{"allowed", []string{"--allow-unseen-environment"}, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(append([]string{"--stack", "qa", "--dir", dir}, tc.args...), noop, &stdout, &stderr)
			assert.Equal(t, tc.want, code, stderr.String())
			assert.Contains(t, stderr.String(), "imports Pulumi ESC environment(s) acme/prod-overrides")
			assert.Contains(t, stderr.String(), "CANNOT SEE their values")
			assert.Contains(t, stderr.String(), "policy pack published")
			assert.Contains(t, stdout.String(), "but its ESC environment(s) acme/prod-overrides are unseen")
		})
	}

	var stdout, stderr bytes.Buffer
	assert.Equal(t, ExitUnseenEnvironment, Run([]string{"--stack", "qa", "--dir", dir, "--format", "json"}, noop, &stdout, &stderr))
	var res Result
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
	assert.True(t, res.Passed, "the rules passed on what the command saw")
	assert.Equal(t, []string{"acme/prod-overrides"}, res.UnseenEnvironments)
}

// Without an environment nothing changes: no notice, exit 0, and an empty list in JSON.
func TestNoEnvironmentNoNotice(t *testing.T) {
	dir := projectWith(t, "config: {}\n")
	var stdout, stderr bytes.Buffer
	assert.Equal(t, ExitOK, Run([]string{"--stack", "qa", "--dir", dir, "--format", "json"}, noop, &stdout, &stderr), stderr.String())
	assert.NotContains(t, stderr.String(), "ESC")
	var res Result
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
	assert.Equal(t, []string{}, res.UnseenEnvironments)
}
