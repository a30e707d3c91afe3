// Package offlinetest holds the test-only helpers around the offline model: running a program under
// it from a test, with the config handed over the way the engine hands it.
package offlinetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// Run runs program as stack with config (full keys such as "multi-region-ha:network" mapped to the
// raw string the engine would pass: JSON text for objects). Config travels through PULUMI_CONFIG,
// exactly as the engine hands it to a program. It returns the recorder and the program's error.
func Run(t testing.TB, stack string, config map[string]string, program pulumi.RunFunc) (*offline.Mocks, error) {
	t.Helper()
	encoded, err := json.Marshal(config)
	if err != nil {
		t.Fatalf("encode config: %v", err)
	}
	t.Setenv("PULUMI_CONFIG", string(encoded))
	m := offline.NewMocks(stack)
	err = pulumi.RunErr(program, pulumi.WithMocks(offline.Project, stack, m))
	return m, err
}

// MustRun is Run that fails the test when the program fails.
func MustRun(t testing.TB, stack string, config map[string]string, program pulumi.RunFunc) *offline.Mocks {
	t.Helper()
	m, err := Run(t, stack, config, program)
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return m
}

// MoveRegions returns a copy of a stack's config (full keys to raw values) with every region code
// replaced by its counterpart in moves ({"us-east-1": "eu-west-1"}): the regions themselves and
// every value pinned per region (zones, images, prefix list ids), as `go run . pin` would write
// them for the new pair. The pinned ids stay the committed example values.
func MoveRegions(config map[string]string, moves map[string]string) map[string]string {
	pairs := make([]string, 0, 2*len(moves))
	for from, to := range moves {
		pairs = append(pairs, from, to)
	}
	r := strings.NewReplacer(pairs...)
	out := make(map[string]string, len(config))
	for k, v := range config {
		out[k] = r.Replace(v)
	}
	return out
}
