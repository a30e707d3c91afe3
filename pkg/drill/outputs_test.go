package drill

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/liveops"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

type noCLI struct{}

func (noCLI) Outputs(_ context.Context, stack string) (liveops.Outputs, error) {
	return nil, cli.RequirePulumiMissing(stack)
}

// --outputs FILE runs a drill without the Pulumi CLI; without either, the drill names the install page.
func TestDrillReadsSavedOutputs(t *testing.T) {
	w := newWorld(script{
		viewer:     func(time.Duration) (int, string) { return 200, "us-east-1" },
		experiment: endsAt(20*s, fistypes.ExperimentStatusCompleted, "ok"),
		writer:     east,
	})
	t.Cleanup(w.server.Close)
	saved, err := json.Marshal(w.outputs())
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(file, saved, 0o644))
	deps := func() *Deps {
		return &Deps{Outputs: noCLI{}, Clients: w, HTTP: w.server.Client(), Clock: w.clock,
			Config: func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) }}
	}
	var out, errOut bytes.Buffer
	assert.Equal(t, ExitNotReady, runMain([]string{"instance", "--stack", "staging"}, &out, &errOut, deps()))
	assert.Contains(t, errOut.String(), cli.PulumiInstallURL)
	assert.Empty(t, w.calls, "nothing starts")

	out.Reset()
	errOut.Reset()
	code := runMain([]string{"instance", "--stack", "staging", "--json", "--outputs", file}, &out, &errOut, deps())
	assert.Equal(t, ExitPassed, code, errOut.String())
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	assert.True(t, r.Passed)
}

// Each drill kind has its own help; the drill's own help lists the kinds.
func TestDrillHelpPerKind(t *testing.T) {
	var general bytes.Buffer
	require.Equal(t, ExitPassed, Main([]string{"--help"}, &general, &bytes.Buffer{}))
	for _, kind := range []string{"instance", "az", "region"} {
		var out, errOut bytes.Buffer
		require.Equal(t, ExitPassed, Main([]string{kind, "--help"}, &out, &errOut), kind)
		assert.Empty(t, errOut.String())
		assert.True(t, strings.HasPrefix(out.String(), "usage: go run . drill "+kind+" --stack S"), out.String())
		assert.NotEqual(t, general.String(), out.String(), kind)
		assert.Contains(t, general.String(), "  "+kind+" ", "the drill's help lists %s", kind)
	}
	var az bytes.Buffer
	Main([]string{"az", "--help"}, &az, &bytes.Buffer{})
	assert.Contains(t, az.String(), "Power Interruption")
}
