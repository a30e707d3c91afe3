package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const moduleRoot = "../.."

// The bundle holds exactly what `go build` needs in the unpacked pack: go.mod, go.sum,
// PulumiPolicy.yaml, the pack's main package at the root, and the module's packages it imports at
// their own paths, without tests or anything else of the repository.
func TestBundleIsTheModuleSubsetThePackImports(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bundle")
	files, err := Write(moduleRoot, out, "1.4.0")
	require.NoError(t, err)
	assert.Contains(t, files, "go.mod")
	assert.Contains(t, files, "go.sum")
	assert.Contains(t, files, "PulumiPolicy.yaml")
	assert.Contains(t, files, "main.go")
	assert.Contains(t, files, "policy/pack/server.go")
	assert.Contains(t, files, "pkg/policy/rule.go")
	for _, f := range files {
		assert.False(t, strings.HasSuffix(f, "_test.go"), f)
		assert.False(t, strings.HasPrefix(f, "stacks/") || strings.HasPrefix(f, "pkg/offline/") || strings.HasPrefix(f, "policy/bundle/"), "%s is not imported by the pack", f)
	}
	main, err := os.ReadFile(filepath.Join(out, "main.go"))
	require.NoError(t, err)
	original, err := os.ReadFile(filepath.Join(moduleRoot, "policy", "main.go"))
	require.NoError(t, err)
	assert.Equal(t, string(original), string(main), "the root package is the pack's main, not the Pulumi program")

	project, err := os.ReadFile(filepath.Join(out, "PulumiPolicy.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(project), "runtime: go\n")
	assert.Contains(t, string(project), "version: 1.4.0\n")
}

func TestBundleRefusals(t *testing.T) {
	_, err := Write(moduleRoot, t.TempDir(), "v1.4.0")
	assert.ErrorContains(t, err, "no leading v")

	full := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(full, "stale.go"), []byte("package main\n"), 0o644))
	_, err = Write(moduleRoot, full, "")
	assert.ErrorContains(t, err, "is not empty", "a stale file must never ride along into a publish")

	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(nil, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--out is required")
	assert.Equal(t, 0, run([]string{"--help"}, &stdout, &stderr))
}

// Without --version the stack file keeps no version line: the pack's PackVersion is published.
func TestBundleWithoutVersionKeepsThePacksOwn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b")
	_, err := Write(moduleRoot, out, "")
	require.NoError(t, err)
	project, err := os.ReadFile(filepath.Join(out, "PulumiPolicy.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(project), "version:")
}
