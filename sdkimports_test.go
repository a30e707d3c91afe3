package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The AWS SDK serves operator commands (pin) only: no package of the Pulumi program (components,
// stacks, the offline model) may import it, so the program can never call AWS itself.
func TestProgramPackagesDoNotImportTheAwsSdk(t *testing.T) {
	pkgs := []string{"./stacks", "./pkg/compute", "./pkg/network", "./pkg/database", "./pkg/edge", "./pkg/observability",
		"./pkg/failover", "./pkg/deployaccess", "./pkg/awsenv", "./pkg/offline", "./pkg/targets", "./pkg/plan"}
	out, err := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	for _, dep := range strings.Split(string(out), "\n") {
		require.False(t, strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2"), "a program package imports %s", dep)
	}
}
