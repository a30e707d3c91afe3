package detector

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportedScenario is one scenario as the Python tests read it: every probe Simulate fed Classify
// and the verdict Go gave it.
type exportedScenario struct {
	Name       string    `json:"name"`
	StallMs    float64   `json:"stallMs"`
	CapSeconds int64     `json:"capSeconds"`
	Probes     []Probe   `json:"probes"`
	Verdicts   []Verdict `json:"verdicts"`
}

func exportScenarios(t *testing.T) string {
	t.Helper()
	var all []exportedScenario
	for _, tc := range scenarios() {
		out := Simulate(tc.sc)
		all = append(all, exportedScenario{
			Name: tc.name, StallMs: tc.sc.Settings.stallMs(), CapSeconds: tc.sc.Settings.capSeconds(),
			Probes: out.Probes, Verdicts: out.Verdicts,
		})
	}
	b, err := json.MarshalIndent(all, "", " ")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "scenarios.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

// The inline code is run as code: its own unit tests, on the scenario table Go decides, plus the
// handler against fake AWS clients. Skipped (not failed) where python3 is absent.
func TestInlineCodeDecidesLikeGo(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: the inline code's own tests cannot run here")
	}
	dir := t.TempDir()
	module := filepath.Join(dir, ModuleFile)
	require.NoError(t, os.WriteFile(module, []byte(Source), 0o600))
	cmd := exec.Command(python, filepath.Join("testdata", "test_detector.py"), module, exportScenarios(t))
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "python tests failed:\n%s", out)
	assert.Contains(t, string(out), "OK")
	assert.Contains(t, string(out), "test_every_probe_of_every_scenario")
	assert.Contains(t, string(out), "test_silent_lag_metric_counts_as_stopped")
	assert.Contains(t, string(out), "test_bad_deploy_with_a_write_burst_is_vetoed")
}

// Source compiles as Python (when python3 is here) and imports only what the pinned runtime ships.
func TestInlineCodeIsPinnedAndSelfContained(t *testing.T) {
	assert.Equal(t, "python3.13", Runtime)
	assert.True(t, strings.HasPrefix(Handler, strings.TrimSuffix(ModuleFile, ".py")+"."))
	assert.Contains(t, Source, "def handler(event, context")
	stdlib := map[string]bool{"json": true, "os": true, "socket": true, "time": true, "urllib": true, "boto3": true, "botocore": true}
	imports := Imports()
	require.NotEmpty(t, imports)
	for _, m := range imports {
		assert.True(t, stdlib[m], "%s is not in the Python standard library or the Lambda runtime's boto3", m)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	dir := t.TempDir()
	module := filepath.Join(dir, ModuleFile)
	require.NoError(t, os.WriteFile(module, []byte(Source), 0o600))
	out, err := exec.Command(python, "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", module).CombinedOutput()
	require.NoError(t, err, "%s", out)
}
