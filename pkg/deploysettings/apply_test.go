package deploysettings

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recorded struct {
	method, path, auth, contentType, accept string
	body                                    map[string]any
}

// server answers like Pulumi Cloud's "Update deployment settings" and records the request.
func server(t *testing.T, status int, answer string) (*httptest.Server, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.method, rec.path = r.Method, r.URL.EscapedPath()
		rec.auth, rec.contentType, rec.accept = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Accept")
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &rec.body)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestApplyPostsTheFile(t *testing.T) {
	srv, rec := server(t, http.StatusOK, `{}`)
	t.Setenv("PULUMI_ACCESS_TOKEN", "pul-test-token")
	code, out, errOut := runMain(t, "apply", "--stack", "prod", "--org", "acme", "--account-id", "123456789012",
		"--file", committed("prod"), "--api", srv.URL)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "applied")
	assert.Equal(t, http.MethodPost, rec.method)
	assert.Equal(t, "/api/stacks/acme/multi-region-ha/prod/deployments/settings", rec.path)
	assert.Equal(t, "token pul-test-token", rec.auth)
	assert.Equal(t, "application/json", rec.contentType)
	assert.Equal(t, "application/vnd.pulumi+8", rec.accept)

	aws := rec.body["operationContext"].(map[string]any)["oidc"].(map[string]any)["aws"].(map[string]any)
	assert.Equal(t, "arn:aws:iam::123456789012:role/multi-region-ha/prod/multi-region-ha-prod-deploy", aws["roleArn"], "the placeholder is substituted")
	assert.Equal(t, false, rec.body["gitHub"].(map[string]any)["deployCommits"])
	assert.NotContains(t, rec.body, "version", "nothing the file does not say is sent")
	assert.Equal(t, "acme/multi-region-ha-fork", rec.body["gitHub"].(map[string]any)["repository"], "the checkout's origin remote names the repository")
	git := rec.body["sourceContext"].(map[string]any)["git"].(map[string]any)
	assert.Equal(t, "https://github.com/acme/multi-region-ha-fork.git", git["repoUrl"])
	assert.NotContains(t, rec.body["operationContext"], RepositoryPlaceholder)
}

func TestApplyErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		answer  string
		token   string
		args    []string
		code    int
		wantErr []string
	}{
		{"missing token", 200, `{}`, "", nil, 1, []string{"PULUMI_ACCESS_TOKEN is not set"}},
		{"401", 401, `{"code":401,"message":"Unauthorized: No credentials provided or are invalid."}`, "t", nil, 1,
			[]string{"401 Unauthorized", "No credentials provided", "PULUMI_ACCESS_TOKEN valid"}},
		{"403", 403, `{"code":403,"message":"Deployments are not enabled for this organization"}`, "t", nil, 1,
			[]string{"403 Forbidden", "not enabled"}},
		{"404", 404, `{"code":404,"message":"Stack 'acme/multi-region-ha/prod' not found"}`, "t", nil, 1,
			[]string{"404 Not Found", "not found", "--org"}},
		{"400 with validation", 400, `{"code":400,"message":"invalid deployment settings: branch and commit are mutually exclusive"}`, "t", nil, 1,
			[]string{"400 Bad Request", "mutually exclusive"}},
		{"500 plain text", 502, "bad gateway\n", "t", nil, 1, []string{"502 Bad Gateway", "bad gateway", "retry"}},
		{"no account id", 200, `{}`, "t", []string{"--account-id", ""}, 1, []string{"--account-id"}},
		{"bad account id", 200, `{}`, "t", []string{"--account-id", "12345"}, 1, []string{"12 digits"}},
		{"no org", 200, `{}`, "t", []string{"--org", ""}, 1, []string{"--org is required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := server(t, tt.status, tt.answer)
			t.Setenv("PULUMI_ACCESS_TOKEN", tt.token)
			t.Setenv("PULUMI_ORG", "")
			t.Setenv("AWS_ACCOUNT_ID", "")
			args := append([]string{"apply", "--stack", "prod", "--org", "acme", "--account-id", "123456789012",
				"--file", committed("prod"), "--api", srv.URL}, tt.args...)
			code, _, errOut := runMain(t, args...)
			assert.Equal(t, tt.code, code)
			for _, w := range tt.wantErr {
				assert.Contains(t, errOut, w)
			}
			if tt.token == "" {
				assert.Empty(t, rec.method, "nothing is sent without a token")
			}
		})
	}
}

func TestApplyRefusesAFileThatBreaksTheInvariants(t *testing.T) {
	srv, rec := server(t, 200, `{}`)
	t.Setenv("PULUMI_ACCESS_TOKEN", "t")
	raw, err := os.ReadFile(committed("prod"))
	require.NoError(t, err)
	bad := filepath.Join(t.TempDir(), "prod.deployment.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(string(raw), "deployCommits: false", "deployCommits: true", 1)), 0o600))
	code, _, errOut := runMain(t, "apply", "--stack", "prod", "--org", "acme", "--account-id", "123456789012", "--file", bad, "--api", srv.URL)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "never on a branch push")
	assert.Empty(t, rec.method)
}

func TestCheckAndUsage(t *testing.T) {
	code, out, errOut := runMain(t, "check", "--stack", "staging", "--file", committed("staging"))
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok for stack staging")

	code, _, errOut = runMain(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: go run . deployment-settings <check|apply>")
	code, _, errOut = runMain(t, "apply")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--stack is required")
	code, _, _ = runMain(t, "apply", "--stack", "prod", "extra")
	assert.Equal(t, 2, code)
	code, _, errOut = runMain(t, "check", "--stack", "prod", "--file", "does-not-exist.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "does-not-exist.yaml")
}

func TestDryRunSendsNothing(t *testing.T) {
	srv, rec := server(t, 200, `{}`)
	t.Setenv("PULUMI_ACCESS_TOKEN", "")
	code, out, errOut := runMain(t, "apply", "--dry-run", "--stack", "staging", "--org", "acme", "--account-id", "123456789012",
		"--file", committed("staging"), "--api", srv.URL)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "POST "+srv.URL+"/api/stacks/acme/multi-region-ha/staging/deployments/settings")
	assert.Contains(t, out, `"deployCommits":true`)
	assert.Empty(t, rec.method)
}

func TestSettingsURL(t *testing.T) {
	u, err := SettingsURL("https://api.pulumi.com/", "my org", "multi-region-ha", "prod")
	require.NoError(t, err)
	assert.Equal(t, "https://api.pulumi.com/api/stacks/my%20org/multi-region-ha/prod/deployments/settings", u)
	_, err = SettingsURL("ftp://x", "a", "b", "c")
	assert.Error(t, err)
}
