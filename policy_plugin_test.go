package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/pkg/policy"
	"github.com/multi-region-ha/multi-region-ha/policy/pack"
)

// goCommand runs go in dir the way the Go language host does for a policy pack, offline: nothing
// may come from outside the module cache and the directory itself.
func goCommand(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s in %s:\n%s", strings.Join(args, " "), dir, out)
}

// startPlugin starts the compiled pack as the CLI starts an analyzer plugin (engine address as
// the only argument, working directory the pack's), reads the port from the first line of its
// stdout and dials it, then handshakes as NewPolicyAnalyzer does.
func startPlugin(t *testing.T, bin, dir string, args ...string) (pulumirpc.AnalyzerClient, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the plugin must print its port")
	port, err := strconv.Atoi(strings.TrimSpace(line))
	require.NoError(t, err, "first line %q is not a port", line)
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	client := pulumirpc.NewAnalyzerClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	root := dir
	_, err = client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{EngineAddress: "", RootDirectory: &root, ProgramDirectory: &root}, grpc.WaitForReady(true))
	require.NoError(t, err)
	return client, cmd
}

// The pack as Pulumi Cloud gets it: bundled with `go run ./policy/bundle`, built by `go build` in
// the bundle alone (what every enforcing machine does after unpacking it), started as a plugin.
// Like `pulumi policy publish`, ask for its metadata without ConfigureStack: every rule is a
// mandatory policy. Then, like a deployment, ConfigureStack and analyze a recorded bad prod stack:
// it is denied, per resource and over the stack. The same holds for the pack as a local
// `pulumi preview --policy-pack policy` builds it (in policy/, inside this module).
func TestCompiledPackAnswersBeforeConfigureAndDenies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the pack twice")
	}
	tmp := t.TempDir()
	bundle := filepath.Join(tmp, "bundle")
	goCommand(t, ".", "run", "./policy/bundle", "--out", bundle, "--version", "0.1.0-test")
	for _, f := range []string{"go.mod", "go.sum", "PulumiPolicy.yaml", "main.go", "pkg/policy/rule.go", "policy/pack/server.go"} {
		assert.FileExists(t, filepath.Join(bundle, f))
	}
	assert.NoFileExists(t, filepath.Join(bundle, "policy/pack/pack_test.go"), "tests stay out of the bundle")
	assert.NoDirExists(t, filepath.Join(bundle, "stacks"), "only what the pack imports")

	// A bad prod stack, recorded offline: one KMS key without rotation (a resource rule) and one
	// VPC without its flow log (a stack rule).
	const key = "network-us-east-1-flow-logs-key"
	m := offlinetest.MustRun(t, "prod", stackConfig(t, "prod"), rotationOff(key))
	resources := analyzerResources(t, m)
	var droppedVpcFlowLog bool
	for i, r := range resources {
		if r.Type == policy.TypeFlowLog {
			resources = append(resources[:i:i], resources[i+1:]...)
			droppedVpcFlowLog = true
			break
		}
	}
	require.True(t, droppedVpcFlowLog)

	for _, tc := range []struct {
		name, dir, version string
	}{
		{"published bundle", bundle, "0.1.0-test"},
		{"local policy/ folder", "policy", pack.PackVersion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := filepath.Join(tmp, strings.ReplaceAll(tc.name, " ", "-"))
			goCommand(t, tc.dir, "build", "-o", bin, ".")
			// The bundle's version travels in PulumiPolicy.yaml, which the CLI prefers over the
			// plugin's answer; the plugin itself answers PackVersion.
			client, _ := startPlugin(t, bin, tc.dir)
			ctx := context.Background()

			pi, err := client.GetPluginInfo(ctx, &emptypb.Empty{})
			require.NoError(t, err, "GetPluginInfo before ConfigureStack")
			assert.Equal(t, pack.PackVersion, pi.GetVersion())
			info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
			require.NoError(t, err, "GetAnalyzerInfo before ConfigureStack")
			assert.Equal(t, pack.PackName, info.GetName())
			levels := map[string]pulumirpc.EnforcementLevel{}
			for _, p := range info.GetPolicies() {
				levels[p.GetName()] = p.GetEnforcementLevel()
			}
			var want []string
			for _, r := range policy.Rules() {
				want = append(want, r.Name)
			}
			for _, r := range policy.StackRules() {
				want = append(want, r.Name)
			}
			require.Len(t, levels, len(want))
			for _, name := range want {
				require.Contains(t, levels, name)
				assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, levels[name], name)
			}

			_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "prod", Project: "multi-region-ha", Organization: "acme", DryRun: true})
			require.NoError(t, err)
			_, diags := analyze(t, client, resources)
			byPolicy := map[string][]*pulumirpc.AnalyzeDiagnostic{}
			for _, d := range diags {
				byPolicy[d.GetPolicyName()] = append(byPolicy[d.GetPolicyName()], d)
			}
			require.Len(t, byPolicy["kms-key-rotation"], 1, "Analyze denies the key without rotation")
			assert.Contains(t, byPolicy["kms-key-rotation"][0].GetUrn(), key)
			require.Len(t, byPolicy["vpc-flow-logs"], 1, "AnalyzeStack denies the VPC without a flow log")
			assert.Len(t, diags, 2, "nothing else in the recorded prod stack breaks a rule")
			for _, d := range diags {
				assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel(), d.GetPolicyName())
			}
		})
	}
}
