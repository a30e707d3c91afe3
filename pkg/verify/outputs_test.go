package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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

// --outputs FILE runs verify without the Pulumi CLI, from a saved `pulumi stack output --json`.
func TestOutputsFileReplacesThePulumiCLI(t *testing.T) {
	good := viewer(t, tls.VersionTLS12, true)
	a := &account{writers: []string{"us-east-1"}, primaryOK: true, lag: lag(120), alarmExists: true}
	saved, err := json.Marshal(outputs(good.URL, albEast, albWest))
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "staging-outputs.json")
	require.NoError(t, os.WriteFile(file, saved, 0o644))
	pool := x509.NewCertPool()
	pool.AddCert(good.Certificate())
	deps := func() *Deps {
		return &Deps{Outputs: noCLI{}, Clients: a, TLS: &tls.Config{RootCAs: pool},
			Config: func(dir, stack string) (*stacks.Config, error) { return liveops.LoadConfig("../..", stack) },
			Direct: closedNet(nil)}
	}

	var out, errOut bytes.Buffer
	assert.Equal(t, ExitNotReady, runMain([]string{"--stack", "staging"}, &out, &errOut, deps()))
	assert.Contains(t, errOut.String(), "verify: the Pulumi CLI (pulumi) is not on PATH; install it from https://www.pulumi.com/docs/iac/download-install/")

	out.Reset()
	errOut.Reset()
	code := runMain([]string{"--stack", "staging", "--json", "--request-timeout", "2s", "--outputs", file}, &out, &errOut, deps())
	assert.Equal(t, ExitPassed, code, errOut.String())
	var r Report
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	assert.True(t, r.Passed)

	out.Reset()
	errOut.Reset()
	assert.Equal(t, ExitNotReady, runMain([]string{"--stack", "staging", "--outputs", file + ".missing"}, &out, &errOut, deps()))
	assert.Contains(t, errOut.String(), "verify: --outputs: ")
}
