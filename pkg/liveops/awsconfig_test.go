package liveops

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// noCredentials points the SDK's default chain at nothing: no keys, no profile, and a metadata
// service that refuses the IMDSv2 token (as a host without IMDSv2 does), which makes the SDK log
// "falling back to IMDSv1" before it finds no role.
func noCredentials(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) }))
	t.Cleanup(imds.Close)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	missing := filepath.Join(t.TempDir(), "none")
	t.Setenv("AWS_CONFIG_FILE", missing)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", missing)
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
}

// captureStderr returns what f writes to the process's stderr, where the SDK's default logger writes.
func captureStderr(t *testing.T, f func()) string {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	f()
	os.Stderr = old
	w.Close()
	return <-done
}

func TestNoCredentialsSaysWhatToSetAndTheSDKStaysQuiet(t *testing.T) {
	noCredentials(t)
	var err error
	leaked := captureStderr(t, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cfg, lerr := AWSConfig(ctx, "us-east-1")
		require.NoError(t, lerr)
		_, err = cli.CheckCredentials(ctx, Identity(cfg), "us-east-1", "us-west-2")
	})
	assert.Empty(t, leaked, "the SDK logs nothing to the process's stderr (e.g. WARN falling back to IMDSv1)")
	require.Error(t, err)
	assert.ErrorIs(t, err, cli.ErrNotReady)
	assert.Contains(t, err.Error(), "no AWS credentials found: set AWS_PROFILE")
	assert.NotContains(t, err.Error(), "IMDS", "one sentence, not the SDK's chain")
}

func TestOutputsFromAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"url":"https://app.example.com","albDnsNames":{"us-east-1":"a"}}`), 0o644))
	out, err := OutputSource(".", path).Outputs(context.Background(), "staging")
	require.NoError(t, err)
	url, err := out.String("url")
	require.NoError(t, err)
	assert.Equal(t, "https://app.example.com", url)

	require.NoError(t, os.WriteFile(path, []byte("Current stack outputs (2):"), 0o644))
	_, err = File{Path: path}.Outputs(context.Background(), "staging")
	assert.ErrorIs(t, err, cli.ErrNotReady)
	assert.ErrorContains(t, err, "is not the JSON of `pulumi stack output --json --stack staging`")
	_, err = File{Path: path + ".missing"}.Outputs(context.Background(), "staging")
	assert.ErrorIs(t, err, cli.ErrNotReady)
	assert.IsType(t, CLI{}, OutputSource(".", ""), "without --outputs the Pulumi CLI is asked")
}

func TestCLIWithoutPulumiNamesTheInstallPage(t *testing.T) {
	defer func(old func(string) (string, error)) { cli.LookPath = old }(cli.LookPath)
	cli.LookPath = func(string) (string, error) { return "", errors.New("not found") }
	_, err := CLI{Dir: "."}.Outputs(context.Background(), "staging")
	require.Error(t, err)
	assert.ErrorIs(t, err, cli.ErrNotReady)
	assert.Contains(t, err.Error(), cli.PulumiInstallURL)
	assert.Contains(t, err.Error(), "--outputs FILE")
	assert.NotContains(t, err.Error(), "executable file not found")
}
