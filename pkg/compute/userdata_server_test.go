package compute

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// The rendered default application names its region in the X-Served-By-Region header on every
// response (what `go run . drill` reads to see who serves): the Python server is cut out of the
// rendered user data and run, and each kind of answer (liveness, global primary 503, the page,
// a 404 write path, http.server's own 501 error) is asked.
func TestDefaultApplicationSendsItsRegionOnEveryResponse(t *testing.T) {
	script := decodeUserData(t, userDataArgs("", RolePrimary))
	assert.Contains(t, script, "REGION_HEADER="+edgecalc.RegionHeader+"\n", "the renderer fills the header name")
	assert.Equal(t, "X-Served-By-Region", edgecalc.RegionHeader)

	python := pythonInterpreter(t)
	path := writeServer(t, script, t.TempDir())
	// No aws CLI on PATH: the topology stays unknown.
	port := startServer(t, python, path, "PRIMARY_REFRESH_SECONDS=5", "PATH=/nonexistent")

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 5 * time.Second}
	require.Eventually(t, func() bool {
		resp, err := client.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, 10*time.Second, 100*time.Millisecond, "the default application starts")

	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/health", 200},
		{http.MethodHead, "/health", 200},
		{http.MethodGet, PrimaryPath, 503}, // no topology read yet: not the global primary
		{http.MethodGet, "/", 200},
		{http.MethodPost, "/nowhere", 404},
		{http.MethodPut, "/", 501}, // http.server's own error page
	} {
		req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(""))
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err, "%s %s", tc.method, tc.path)
		resp.Body.Close()
		assert.Equal(t, tc.status, resp.StatusCode, "%s %s", tc.method, tc.path)
		assert.Equal(t, "eu-west-1", resp.Header.Get(edgecalc.RegionHeader), "%s %s names its region", tc.method, tc.path)
	}
}

// A cluster that left the global database after a failover may still read itself as the primary from
// its own topology views: the default application then must not claim the global primary, or the
// standby's inverted check would hand it the traffic. The server runs against fake `aws` and `psql`
// commands: the views always name this region; the member list says first that this region's cluster
// is a member (200), then that it is not (503), then nothing (the API fails: the views decide, 200).
func TestDefaultApplicationNeverClaimsThePrimaryOnceItsClusterLeftTheGlobalCluster(t *testing.T) {
	python := pythonInterpreter(t)
	dir := t.TempDir()
	path := writeServer(t, decodeUserData(t, userDataArgs("", RolePrimary)), dir)

	members := filepath.Join(dir, "members.json")
	setMembers := func(v string) { require.NoError(t, os.WriteFile(members, []byte(v), 0o600)) }
	setMembers(`[{"DBClusterArn":"arn:aws:rds:eu-west-1:123456789012:cluster:db-eu-west-1"},{"DBClusterArn":"arn:aws:rds:eu-central-1:123456789012:cluster:db-eu-central-1"}]`)
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	fakeAws := `#!` + python + `
import json, sys
a = sys.argv
if "list-secrets" in a: print(json.dumps({"SecretList": [{"ARN": "arn:secret"}]}))
elif "get-secret-value" in a: print(json.dumps({"SecretString": json.dumps({"engine": "postgres", "host": "writer", "port": 5432, "dbname": "app", "username": "u", "password": "p"})}))
elif "describe-db-clusters" in a: print(json.dumps({"DBClusters": [{"ReaderEndpoint": "reader"}]}))
elif "describe-global-clusters" in a:
    m = json.load(open(` + fmt.Sprintf("%q", members) + `))
    if m is None: sys.exit(254)
    print(json.dumps({"GlobalClusters": [{"GlobalClusterMembers": m}]}))
else: sys.exit(2)
`
	require.NoError(t, os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAws), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "psql"), []byte("#!/bin/sh\necho eu-west-1\n"), 0o755))

	port := startServer(t, python, path, "PRIMARY_REFRESH_SECONDS=1", "MEMBERSHIP_SECONDS=0", "PATH="+bin)
	client := &http.Client{Timeout: 5 * time.Second}
	status := func() int {
		resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, PrimaryPath))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Eventually(t, func() bool { return status() == 200 }, 15*time.Second, 200*time.Millisecond, "a member whose views name it claims the primary")

	setMembers(`[{"DBClusterArn":"arn:aws:rds:eu-central-1:123456789012:cluster:db-eu-central-1"}]`)
	assert.Eventually(t, func() bool { return status() == 503 }, 15*time.Second, 200*time.Millisecond, "a cluster that left the global cluster never claims it")

	setMembers(`null`) // the API fails: no veto, the views decide
	assert.Eventually(t, func() bool { return status() == 200 }, 15*time.Second, 200*time.Millisecond, "an RDS API that does not answer vetoes nothing")
}

// pythonInterpreter is the interpreter itself (not a version manager's shim), so the server can run
// with a PATH of the test's choosing; the test is skipped where python3 is absent.
func pythonInterpreter(t *testing.T) string {
	t.Helper()
	shim, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed: cannot run the default application")
	}
	real, err := exec.Command(shim, "-c", "import sys; print(sys.executable)").Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(real))
}

// writeServer cuts the Python server out of the rendered user data into dir and returns its path.
func writeServer(t *testing.T, script, dir string) string {
	t.Helper()
	server := regexp.MustCompile(`(?s)cat > /opt/webapp/server.py <<'PY'\n(.*?)\nPY\n`).FindStringSubmatch(script)
	require.NotNil(t, server, "the user data writes the server from a quoted heredoc")
	path := filepath.Join(dir, "server.py")
	require.NoError(t, os.WriteFile(path, []byte(server[1]), 0o600))
	return path
}

// startServer runs the server on a free loopback port with the env file's values as systemd hands
// them over (the region is what IMDS would answer), plus env, and stops it when the test ends.
func startServer(t *testing.T, python, path string, env ...string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	cmd := exec.Command(python, path)
	cmd.Env = append(append(os.Environ(), "APP_REGION=eu-west-1", "APP_ZONE=eu-west-1a", "APP_INSTANCE_ID=i-0123",
		fmt.Sprintf("APP_PORT=%d", port), "HEALTH_CHECK_PATH=/health", "PRIMARY_PATH="+PrimaryPath,
		"PRIMARY_HOLD_SECONDS=60", "GLOBAL_CLUSTER_ID=g", "DB_SECRET_PREFIX=p", "STACK=prod",
		"REGION_HEADER="+edgecalc.RegionHeader), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Log(stderr.String())
		}
	})
	return port
}
