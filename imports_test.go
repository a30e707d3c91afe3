package main

import (
	"go/parser"
	"go/token"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operatorCommands call AWS at run time through the AWS SDK for Go v2; main.go only dispatches to
// them. Everything else main.go imports is the Pulumi program (or offline tooling), which must never
// link the SDK: the engine drives the program, and AWS calls belong to its providers.
var operatorCommands = map[string]bool{
	"github.com/multi-region-ha/multi-region-ha/pkg/drill":   true,
	"github.com/multi-region-ha/multi-region-ha/pkg/verify":  true,
	"github.com/multi-region-ha/multi-region-ha/pkg/pin":     true,
	"github.com/multi-region-ha/multi-region-ha/pkg/targets": true,
}

func TestTheProgramNeverLinksTheAWSSDK(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command")
	}
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ImportsOnly)
	require.NoError(t, err)
	var program []string
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(path, "github.com/multi-region-ha/") && !operatorCommands[path] {
			program = append(program, path)
		}
	}
	require.Contains(t, program, "github.com/multi-region-ha/multi-region-ha/pkg/drills", "the FIS component is part of the program")
	out, err := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, program...)...).CombinedOutput()
	require.NoError(t, err, string(out))
	for _, dep := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2"), "the program links %s", dep)
		assert.NotEqual(t, "github.com/multi-region-ha/multi-region-ha/pkg/liveops", dep, "the program links the operator plumbing")
	}

	// And the operator commands really do use the SDK (so the check above is not vacuous).
	out, err = exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./pkg/drill").CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "github.com/aws/aws-sdk-go-v2/service/fis")
}
