package deploysettings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func committed(stack string) string {
	return filepath.Join("..", "..", "stacks", stack+".deployment.yaml")
}

func loadCommitted(t *testing.T, stack string) *File {
	t.Helper()
	f, err := Load(committed(stack))
	require.NoError(t, err)
	return f
}

func TestCommittedFilesDecodeStrictlyAndHoldTheInvariants(t *testing.T) {
	for _, stack := range []string{Prod, Staging} {
		t.Run(stack, func(t *testing.T) {
			f := loadCommitted(t, stack)
			require.NoError(t, Check(&f.Settings, stack))

			s := f.Settings
			assert.Equal(t, "https://github.com/${GITHUB_REPOSITORY}.git", s.SourceContext.Git.RepoURL, "no fixed repository: a fork deploys its own code")
			assert.Equal(t, RepositoryPlaceholder, s.GitHub.Repository)
			assert.Equal(t, "refs/heads/main", s.SourceContext.Git.Branch)
			assert.False(t, s.GitHub.PreviewPullRequests, "no stack previews pull requests")
			assert.Equal(t, stack == Staging, s.GitHub.DeployCommits, "push-to-deploy on main for staging only")
			assert.Equal(t, stack == Prod, s.GitHub.DeployTags, "prod deploys on tags")
			assert.Equal(t, "arn:aws:iam::${AWS_ACCOUNT_ID}:role/multi-region-ha/"+stack+"/multi-region-ha-"+stack+"-deploy", s.Operation.OIDC.AWS.RoleARN)
			assert.Contains(t, s.Operation.PreRunCommands, "go build -o bin/multi-region-ha .")
			assert.Contains(t, s.Operation.PreRunCommands, "go run . guardrails --stack "+stack, "the guardrails gate every deployment")
			for name := range s.Operation.EnvironmentVariables {
				assert.NotContains(t, []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}, name)
			}
			assert.NotContains(t, string(f.JSON), "AWS_ACCESS_KEY_ID")
			assert.NotContains(t, string(f.JSON), "AWS_SECRET_ACCESS_KEY")
		})
	}
}

func TestRoleNameMatchesDeployAccess(t *testing.T) {
	// pkg/deployaccess.RoleName("multi-region-ha", stack) names the role the files reference.
	assert.Equal(t, "multi-region-ha-prod-deploy", RoleName("prod"))
}

func TestDecodeIsStrict(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "sourceContext: {git: {repoUrl: x, branch: y}}\ntriggers: {}\n", `unknown field "triggers"`},
		{"unknown nested key", "gitHub: {repository: a/b, pushToDeploy: true}\n", `unknown field "pushToDeploy"`},
		{"case-insensitive match", "sourceContext: {git: {repoURL: https://github.com/a/b, branch: refs/heads/main}}\n", "repoURL is spelled repoUrl"},
		{"wrong type", "gitHub: {deployCommits: yes please}\n", "cannot unmarshal"},
		{"not a mapping", "- a\n- b\n", "must hold a mapping"},
		{"empty", "", "empty"},
		{"bad duration", "operationContext: {oidc: {aws: {roleArn: x, sessionName: y, duration: forever}}}\n", "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDecodeKeepsTheBodyAsWritten(t *testing.T) {
	f, err := Decode([]byte("gitHub:\n  repository: a/b\n  deployCommits: false\n"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"gitHub":{"repository":"a/b","deployCommits":false}}`, string(f.JSON), "explicit false survives; nothing is added")
}

func TestCheckCatchesEachViolation(t *testing.T) {
	tests := []struct {
		name   string
		stack  string
		mutate func(*apitype.DeploymentSettings)
		want   string
	}{
		{"static access key", Staging, func(s *apitype.DeploymentSettings) {
			s.Operation.EnvironmentVariables["AWS_ACCESS_KEY_ID"] = apitype.SecretValue{Value: "AKIA..."}
		}, "no static AWS credentials"},
		{"static secret key", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.EnvironmentVariables["aws_secret_access_key"] = apitype.SecretValue{Ciphertext: "x"}
		}, "no static AWS credentials"},
		{"plaintext secret", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.EnvironmentVariables["TOKEN"] = apitype.SecretValue{Value: "s3cret", Secret: true}
		}, "plaintext secret"},
		{"no oidc", Prod, func(s *apitype.DeploymentSettings) { s.Operation.OIDC = nil }, "oidc.aws is required"},
		{"other stack's role", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.OIDC.AWS.RoleARN = "arn:aws:iam::123456789012:role/multi-region-ha/staging/multi-region-ha-staging-deploy"
		}, "roleArn"},
		{"the deploy role without its path", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.OIDC.AWS.RoleARN = "arn:aws:iam::123456789012:role/multi-region-ha-prod-deploy"
		}, "under the stack's IAM path"},
		{"session beyond IAM's maximum", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.OIDC.AWS.Duration = apitype.DeploymentDuration(13 * 3600e9)
		}, "allowed 15m0s to 12h0m0s"},
		{"session below STS's minimum", Prod, func(s *apitype.DeploymentSettings) {
			s.Operation.OIDC.AWS.Duration = apitype.DeploymentDuration(10 * 60e9)
		}, "allowed 15m0s to 12h0m0s"},
		{"no session duration", Prod, func(s *apitype.DeploymentSettings) { s.Operation.OIDC.AWS.Duration = 0 }, "duration 0s"},
		{"push-to-deploy on prod", Prod, func(s *apitype.DeploymentSettings) { s.GitHub.DeployCommits = true }, "never on a branch push"},
		{"prod on any tag", Prod, func(s *apitype.DeploymentSettings) { s.GitHub.TagFilters = []string{"*"} }, "any tag"},
		{"prod without tags", Prod, func(s *apitype.DeploymentSettings) { s.GitHub.DeployTags = false }, "deployTags"},
		{"staging without push-to-deploy", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.DeployCommits = false }, "every push to main"},
		{"prod previews pull requests", Prod, func(s *apitype.DeploymentSettings) { s.GitHub.PreviewPullRequests = true }, "previewPullRequests must be false for prod"},
		{"staging previews pull requests", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.PreviewPullRequests = true }, "names one role per stack"},
		{"other branch", Staging, func(s *apitype.DeploymentSettings) { s.SourceContext.Git.Branch = "refs/heads/dev" }, "branch"},
		{"not github", Staging, func(s *apitype.DeploymentSettings) { s.SourceContext.Git.RepoURL = "https://gitlab.com/a/b.git" }, "repoUrl"},
		{"repository mismatch", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.Repository = "other/repo" }, "names"},
		{"git token", Staging, func(s *apitype.DeploymentSettings) {
			s.SourceContext.Git.GitAuth = &apitype.GitAuthConfig{PersonalAccessToken: &apitype.SecretValue{Value: "ghp", Secret: true}}
		}, "gitAuth"},
		{"docs deploy", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.Paths = []string{"**"} }, "only README.md would deploy"},
		{"no paths", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.Paths = nil }, "docs-only commits would deploy"},
		{"code not deploying", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.Paths = []string{"stacks/**"} }, "main.go would not deploy"},
		{"other stack config", Staging, func(s *apitype.DeploymentSettings) { s.GitHub.Paths = append(s.GitHub.Paths, "Pulumi.*.yaml") }, "another stack's config"},
		{"no build", Staging, func(s *apitype.DeploymentSettings) { s.Operation.PreRunCommands = []string{"go test ./stacks/"} }, "exactly once"},
		{"two builds", Staging, func(s *apitype.DeploymentSettings) {
			s.Operation.PreRunCommands = append(s.Operation.PreRunCommands, "go build -o x .")
		}, "found 2"},
		{"build without -o", Staging, func(s *apitype.DeploymentSettings) { s.Operation.PreRunCommands = []string{"go build ."} }, "with -o"},
		{"intermediate deployments", Staging, func(s *apitype.DeploymentSettings) { s.Operation.Options = nil }, "skipIntermediateDeployments"},
		{"server fields", Staging, func(s *apitype.DeploymentSettings) { s.Version = 3 }, "assigned by Pulumi Cloud"},
		{"unknown stack", "dev", func(*apitype.DeploymentSettings) {}, `stack "dev"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.stack
			if file != Prod {
				file = Staging
			}
			f := loadCommitted(t, file)
			if f.Settings.Operation.EnvironmentVariables == nil {
				f.Settings.Operation.EnvironmentVariables = map[string]apitype.SecretValue{}
			}
			tt.mutate(&f.Settings)
			err := Check(&f.Settings, tt.stack)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestPathsMatch(t *testing.T) {
	filters := loadCommitted(t, Staging).Settings.GitHub.Paths
	tests := []struct {
		file   string
		deploy bool
	}{
		{"main.go", true},
		{"wire_failover.go", true},
		{"pkg/failover/definition.go", true},
		{"pkg/compute/userdata/default.sh", true},
		{"Pulumi.staging.yaml", true},
		{"Pulumi.prod.yaml", false},
		{"README.md", false},
		{"docs/failover.md", false},
		{"docs/diagram.png", false},
		{"pkg/failover/failover_test.go", false},
		{"stacks/staging.deployment.yaml", false},
		{"stacks/network.go", true},
		{".github/workflows/ci.yml", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.deploy, PathsMatch(filters, tt.file), tt.file)
	}
	assert.True(t, PathsMatch(nil, "anything"), "no filters: every push deploys")
	assert.True(t, PathsMatch([]string{"!docs/**"}, "main.go"), "only excludes: everything else deploys")
	assert.False(t, PathsMatch([]string{"!docs/**"}, "docs/a/b.md"))
	assert.True(t, globMatch("**/*.go", "main.go"), "**/ matches zero directories")
	assert.False(t, globMatch("pkg/*", "pkg/a/b.go"), "* stays within a directory")
}

func TestFilesCarryNoSecrets(t *testing.T) {
	for _, stack := range []string{Prod, Staging} {
		raw, err := os.ReadFile(committed(stack))
		require.NoError(t, err)
		text := string(raw)
		for _, bad := range []string{"AKIA", "aws_secret_access_key", "pul-", "ghp_"} {
			assert.False(t, strings.Contains(strings.ToLower(text), strings.ToLower(bad)), "%s contains %q", stack, bad)
		}
	}
}

// The committed files ask for exactly the session the stack's deploy role allows
// (deployments.sessionSeconds, MaxSessionDuration): longer fails AssumeRoleWithWebIdentity, shorter
// cuts a long update's credentials below what the key promises.
func TestCommittedSessionEqualsTheStacksSessionSeconds(t *testing.T) {
	for _, stack := range []string{Prod, Staging} {
		t.Run(stack, func(t *testing.T) {
			seconds, err := SessionSeconds(ProjectDir(committed(stack)), stack)
			require.NoError(t, err)
			assert.Equal(t, 43200, seconds, "the committed stacks use the default")
			f := loadCommitted(t, stack)
			assert.Equal(t, "12h0m0s", time.Duration(f.Settings.Operation.OIDC.AWS.Duration).String())
			require.NoError(t, CheckSession(&f.Settings, seconds))
			assert.Contains(t, string(f.JSON), `"duration":"12h0m0s"`, "Pulumi Cloud receives a Go duration string")
		})
	}
}

func TestCheckSessionRequiresEquality(t *testing.T) {
	f := loadCommitted(t, Prod)
	require.NoError(t, CheckSession(&f.Settings, 43200))
	err := CheckSession(&f.Settings, 7200)
	require.Error(t, err, "a file asking for more than the role allows fails every AssumeRoleWithWebIdentity")
	assert.Contains(t, err.Error(), "must equal the stack's deployments.sessionSeconds (7200, i.e. 2h0m0s)")
	f.Settings.Operation.OIDC.AWS.Duration = apitype.DeploymentDuration(time.Hour)
	err = CheckSession(&f.Settings, 43200)
	require.Error(t, err, "a shorter session makes deployments.sessionSeconds meaningless")
	assert.Contains(t, err.Error(), "duration 1h0m0s")
	f.Settings.Operation.OIDC = nil
	assert.Error(t, CheckSession(&f.Settings, 43200))
}
