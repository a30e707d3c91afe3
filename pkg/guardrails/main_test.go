package guardrails

import (
	"bytes"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

const projectRoot = "../.."

func noop(*pulumi.Context) error { return nil }

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		program pulumi.RunFunc
		want    string
	}{
		{"no stack", []string{"--dir", projectRoot}, noop, "--stack is required"},
		{"bad format", []string{"--stack", "staging", "--format", "markdown", "--dir", projectRoot}, noop, `unknown format "markdown"; allowed: text, json`},
		{"stray argument", []string{"--stack", "staging", "extra"}, noop, `unexpected argument "extra"`},
		{"unknown flag", []string{"--stak", "staging"}, noop, "flag provided but not defined"},
		{"no program", []string{"--stack", "staging", "--dir", projectRoot}, nil, "no program to evaluate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, ExitUsage, Run(tc.args, tc.program, &stdout, &stderr))
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, ExitOK, Run([]string{"--help"}, noop, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "usage: go run . guardrails --stack")
	assert.Empty(t, stderr.String())
}

// A program that cannot be evaluated (bad config, unknown stack) cannot be shown to comply: the
// deployment is blocked.
func TestProgramFailureBlocks(t *testing.T) {
	var stdout, stderr bytes.Buffer
	failing := func(*pulumi.Context) error { return errors.New("invalid stack configuration: network.natGateways") }
	assert.Equal(t, ExitViolation, Run([]string{"--stack", "staging", "--dir", projectRoot}, failing, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "guardrails: stack staging: invalid stack configuration: network.natGateways")

	stderr.Reset()
	assert.Equal(t, ExitViolation, Run([]string{"--stack", "qa", "--dir", projectRoot}, noop, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `unknown stack "qa"`)
}

// An empty program passes vacuously, and says how little it checked.
func TestEmptyProgramReportsNoResources(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, ExitOK, Run([]string{"--stack", "staging", "--dir", projectRoot}, noop, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "on 0 resources")
}
