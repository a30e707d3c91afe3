package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/guardrails"
)

// The committed stacks pass `go run . guardrails`, so the pre-run command of both deployments lets
// a clean commit through.
func TestGuardrailsCommandPassesTheCommittedStacks(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		t.Run(stack, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := guardrails.Run([]string{"--stack", stack, "--format", "json"}, run, &stdout, &stderr)
			require.Equal(t, guardrails.ExitOK, code, "stderr: %s\nstdout: %s", stderr.String(), stdout.String())
			var res guardrails.Result
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
			assert.True(t, res.Passed)
			assert.Equal(t, stack, res.Stack)
			assert.Empty(t, res.Violations)
			assert.Equal(t, guardrails.RuleCount(), res.Rules)
			assert.Greater(t, res.Resources, 200, "the rules ran on the whole program")
		})
	}
}

// main.go hands the program to the command the way `go run . guardrails` reaches it.
func TestGuardrailsCommandEvaluatesTheProgram(t *testing.T) {
	require.NotNil(t, guardrails.Program)
	var stdout, stderr bytes.Buffer
	assert.Equal(t, guardrails.ExitOK, guardrails.Main([]string{"--stack", "staging"}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "guardrails: stack staging passes")
}

// rotationOff is the program with one KMS key's rotation turned off: the variant a careless commit
// would make.
func rotationOff(target string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		if err := ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if args.Type != "aws:kms/key:Key" || args.Name != target {
				return nil
			}
			props := *args.Props.(*kms.KeyArgs)
			props.EnableKeyRotation = pulumi.Bool(false)
			return &pulumi.ResourceTransformationResult{Props: &props, Opts: args.Opts}
		}); err != nil {
			return err
		}
		return run(ctx)
	}
}

func TestGuardrailsCommandFailsAVariantThatBreaksARule(t *testing.T) {
	const key = "network-us-east-1-flow-logs-key"
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := guardrails.Run([]string{"--stack", "staging", "--format", format}, rotationOff(key), &stdout, &stderr)
			require.Equal(t, guardrails.ExitViolation, code, "stderr: %s", stderr.String())
			assert.Contains(t, stderr.String(), "1 mandatory violation(s) in stack staging")
			out := stdout.String()
			if format == "json" {
				var res guardrails.Result
				require.NoError(t, json.Unmarshal(stdout.Bytes(), &res))
				assert.False(t, res.Passed)
				require.Len(t, res.Violations, 1, out)
				v := res.Violations[0]
				assert.Equal(t, "kms-key-rotation", v.Rule)
				assert.Equal(t, key, v.Name)
				assert.Equal(t, "aws:kms/key:Key", v.Type)
				assert.Equal(t, guardrails.Mandatory, v.Enforcement)
				assert.Contains(t, v.URN, key)
				assert.Contains(t, v.Fix, "rotate automatically")
				return
			}
			assert.Contains(t, out, "stack staging FAILS")
			assert.Contains(t, out, "[mandatory] kms-key-rotation")
			assert.Contains(t, out, key+" (aws:kms/key:Key)")
			assert.Contains(t, out, "fix:")
		})
	}
}
