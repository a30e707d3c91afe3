package deploysettings

import (
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeOrigin is the origin remote every test of the package sees unless it sets another: tests
// must not depend on the checkout they run in.
const fakeOrigin = "git@github.com:acme/multi-region-ha-fork.git\n"

func TestMain(m *testing.M) {
	gitOriginURL = func() (string, error) { return fakeOrigin, nil }
	os.Exit(m.Run())
}

func withOrigin(t *testing.T, remote string, err error) {
	t.Helper()
	previous := gitOriginURL
	gitOriginURL = func() (string, error) { return remote, err }
	t.Cleanup(func() { gitOriginURL = previous })
}

func TestParseGitHubRemote(t *testing.T) {
	for _, tc := range []struct{ remote, want, err string }{
		{"https://github.com/acme/app.git", "acme/app", ""},
		{"https://github.com/acme/app", "acme/app", ""},
		{"https://github.com/acme/app/", "acme/app", ""},
		{"https://x-access-token:ghs_secret@github.com/acme/app.git", "acme/app", ""},
		{"http://github.com/acme/app.git", "acme/app", ""},
		{"git@github.com:acme/app.git", "acme/app", ""},
		{"git@github.com:acme/my.app", "acme/my.app", ""},
		{"github.com:acme/app.git", "acme/app", ""},
		{"ssh://git@github.com/acme/app.git", "acme/app", ""},
		{"ssh://git@github.com:22/acme/app.git", "acme/app", ""},
		{"git://github.com/acme/app.git\n", "acme/app", ""},
		{"https://gitlab.com/acme/app.git", "", "not a GitHub repository"},
		{"git@gitlab.com:acme/app.git", "", "not a GitHub repository"},
		{"https://github.com/acme", "", "does not name owner/name"},
		{"https://github.com/acme/app/tree/main", "", "does not name owner/name"},
		{"file:///srv/github.com/acme/app", "", "not a GitHub repository"},
		{"https://u:ghs_secret@github.com/acme", "", "https://github.com/acme"},
	} {
		t.Run(tc.remote, func(t *testing.T) {
			got, err := ParseGitHubRemote(tc.remote)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				assert.NotContains(t, err.Error(), "ghs_secret", "credentials never printed")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRepoFlagWinsOverTheRemote(t *testing.T) {
	withOrigin(t, "", errors.New("not a git checkout"))
	srv, rec := server(t, http.StatusOK, `{}`)
	t.Setenv("PULUMI_ACCESS_TOKEN", "pul-test-token")
	code, out, errOut := runMain(t, "apply", "--stack", "staging", "--org", "acme", "--account-id", "123456789012",
		"--file", committed("staging"), "--api", srv.URL, "--repo", "octo/ha")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "repository octo/ha")
	assert.Equal(t, "octo/ha", rec.body["gitHub"].(map[string]any)["repository"])
}

func TestApplyNeedsARepository(t *testing.T) {
	withOrigin(t, "", errors.New("git remote get-url origin: exit status 2"))
	t.Setenv("PULUMI_ACCESS_TOKEN", "pul-test-token")
	code, _, errOut := runMain(t, "apply", "--stack", "staging", "--org", "acme", "--account-id", "123456789012",
		"--file", committed("staging"), "--dry-run")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "names no repository (${GITHUB_REPOSITORY})")
	assert.Contains(t, errOut, "--repo owner/name")

	code, _, errOut = runMain(t, "apply", "--stack", "staging", "--org", "acme", "--account-id", "123456789012",
		"--file", committed("staging"), "--dry-run", "--repo", "not a repo")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `--repo "not a repo": allowed owner/name`)
}

// check works outside a checkout: it validates the file as committed.
func TestCheckWithoutARemoteValidatesTheCommittedFile(t *testing.T) {
	withOrigin(t, "", errors.New("not a git checkout"))
	code, out, errOut := runMain(t, "check", "--stack", "prod", "--file", committed("prod"))
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "ok for stack prod")
}

func TestRunsGuardrails(t *testing.T) {
	for _, tc := range []struct {
		commands []string
		want     bool
	}{
		{[]string{"go build -o bin/multi-region-ha .", "go run . guardrails --stack staging"}, true},
		{[]string{"./bin/multi-region-ha guardrails --stack=staging --format json"}, true},
		{[]string{"go run . guardrails --stack prod"}, false},
		{[]string{"go run . plan --stack staging"}, false},
		{[]string{"echo go run . guardrails --stack staging"}, false},
		{[]string{"go run . guardrails"}, false},
		{nil, false},
	} {
		assert.Equal(t, tc.want, RunsGuardrails(tc.commands, "staging"), "%q", tc.commands)
	}
}
