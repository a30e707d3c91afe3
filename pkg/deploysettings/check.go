package deploysettings

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Project is the Pulumi project the settings files belong to.
const Project = "multi-region-ha"

// Branch is the git branch every stack deploys from.
const Branch = "refs/heads/main"

// Stack environments and how they deploy.
const (
	Prod    = "prod"    // tags (v*) or manual; never on a branch push
	Staging = "staging" // every push to main
)

// staticCredentialVars are environment variables that would carry long-lived AWS credentials.
var staticCredentialVars = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE"}

// MustNotDeploy and MustDeploy are changed files a stack's path filters must ignore (docs) and must
// react to (code, config). Check evaluates the filters the way Pulumi Deployments does.
var (
	MustNotDeploy = []string{"README.md", "docs/failover.md", "docs/deployments.md", "pkg/failover/README.md", "LICENSE",
		"stacks/prod.deployment.yaml", "stacks/staging.deployment.yaml", "pkg/failover/failover_test.go"}
	MustDeploy = []string{"main.go", "go.mod", "go.sum", "Pulumi.yaml", "pkg/failover/definition.go", "stacks/network.go",
		"pkg/compute/userdata/default.sh"}
)

// placeholderRepoURL is the committed repoUrl: the checkout's repository, filled in by
// deployment-settings (RepositoryPlaceholder).
const placeholderRepoURL = "https://github.com/" + RepositoryPlaceholder + ".git"

// RoleName is the deploy role pkg/deployaccess creates for a stack (deployaccess.RoleName).
func RoleName(stack string) string { return Project + "-" + stack + "-deploy" }

// RoleResource is the deploy role's resource in its ARN: the stack's IAM path and the role's name
// ("role/multi-region-ha/prod/multi-region-ha-prod-deploy"; deployaccess.Scope.DeployRoleArn).
func RoleResource(stack string) string {
	return "role/" + Project + "/" + stack + "/" + RoleName(stack)
}

var (
	repoURLRe     = regexp.MustCompile(`^https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(\.git)?$`)
	sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
)

// MinSession and MaxSession bound operationContext.oidc.aws.duration: AssumeRoleWithWebIdentity
// accepts DurationSeconds from 900 up to the role's MaxSessionDuration, which IAM caps at 12 hours.
// Pulumi Cloud reads the field as a Go duration string ("12h0m0s"; apitype.DeploymentDuration).
const (
	MinSession = 15 * time.Minute
	MaxSession = 12 * time.Hour
)

// CheckSession requires the file's OIDC session to last exactly the stack's
// deployments.sessionSeconds, the deploy role's MaxSessionDuration. Longer fails every
// AssumeRoleWithWebIdentity ("the requested DurationSeconds exceeds the MaxSessionDuration"); shorter
// quietly caps every deployment below what the key promises, so an update longer than the file's
// duration (a global engine upgrade) loses its credentials mid-way: equal, so the config key is the
// one place that decides.
func CheckSession(s *apitype.DeploymentSettings, sessionSeconds int) error {
	want := time.Duration(sessionSeconds) * time.Second
	if s.Operation == nil || s.Operation.OIDC == nil || s.Operation.OIDC.AWS == nil {
		return errors.New("operationContext.oidc.aws is required")
	}
	if got := time.Duration(s.Operation.OIDC.AWS.Duration); got != want {
		return fmt.Errorf("operationContext.oidc.aws.duration %s: must equal the stack's deployments.sessionSeconds (%d, i.e. %s), the deploy role's MaxSessionDuration", got, sessionSeconds, want)
	}
	return nil
}

// Check verifies the project's invariants for stack and returns every violation at once.
func Check(s *apitype.DeploymentSettings, stack string) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if stack != Prod && stack != Staging {
		bad("stack %q: allowed prod, staging", stack)
	}
	if s.Version != 0 || s.SettingsSource != nil {
		bad("version and source are assigned by Pulumi Cloud; remove them")
	}
	if s.VCS != nil {
		bad("vcs: use gitHub (one VCS block only)")
	}

	// Source: this repository's main branch, authenticated by the GitHub app (no tokens in the file).
	repo := ""
	if s.SourceContext == nil || s.SourceContext.Git == nil {
		bad("sourceContext.git is required")
	} else {
		g := s.SourceContext.Git
		if g.RepoURL == placeholderRepoURL {
			repo = RepositoryPlaceholder
		} else if m := repoURLRe.FindStringSubmatch(g.RepoURL); m == nil {
			bad("sourceContext.git.repoUrl %q: allowed https://github.com/<owner>/<repo>[.git] or %s", g.RepoURL, placeholderRepoURL)
		} else {
			repo = m[1]
		}
		if g.Branch != Branch {
			bad("sourceContext.git.branch is %q; allowed %s", g.Branch, Branch)
		}
		if g.Commit != "" || g.Tag != "" {
			bad("sourceContext.git: commit and tag are chosen per deployment, not pinned in settings")
		}
		if g.RepoDir != "" && g.RepoDir != "." {
			bad("sourceContext.git.repoDir is %q; Pulumi.yaml is at the repository root", g.RepoDir)
		}
		if g.GitAuth != nil {
			bad("sourceContext.git.gitAuth: the GitHub app authenticates; no credentials in settings files")
		}
	}

	// Triggers.
	gh := s.GitHub
	if gh == nil {
		bad("gitHub is required (push-to-deploy, pull-request previews, path filters)")
	} else {
		if repo != "" && gh.Repository != repo {
			bad("gitHub.repository is %q but sourceContext.git.repoUrl names %q", gh.Repository, repo)
		}
		if gh.PreviewPullRequests {
			bad("%s", previewRefusal(stack))
		}
		switch stack {
		case Staging:
			if !gh.DeployCommits {
				bad("gitHub.deployCommits must be true for staging: every push to main deploys")
			}
		case Prod:
			if gh.DeployCommits {
				bad("gitHub.deployCommits must be false for prod: prod deploys on tags or by hand, never on a branch push")
			}
			if !gh.DeployTags || len(gh.TagFilters) == 0 {
				bad("gitHub.deployTags with tagFilters (e.g. v*) is how prod deploys")
			}
			for _, f := range gh.TagFilters {
				if f == "*" || f == "**" {
					bad("gitHub.tagFilters %q would deploy prod on any tag; allowed release patterns such as v*", f)
				}
			}
		}
		if len(gh.Paths) == 0 {
			bad("gitHub.paths is empty: docs-only commits would deploy")
		}
		for _, f := range MustNotDeploy {
			if PathsMatch(gh.Paths, f) {
				bad("gitHub.paths: a commit changing only %s would deploy", f)
			}
		}
		for _, f := range append(append([]string{}, MustDeploy...), "Pulumi."+stack+".yaml") {
			if !PathsMatch(gh.Paths, f) {
				bad("gitHub.paths: a commit changing %s would not deploy", f)
			}
		}
		for _, other := range []string{Prod, Staging} {
			if f := "Pulumi." + other + ".yaml"; other != stack && PathsMatch(gh.Paths, f) {
				bad("gitHub.paths: a commit changing only %s (another stack's config) would deploy %s", f, stack)
			}
		}
	}

	// Operation: build once, OIDC credentials, no static keys.
	op := s.Operation
	if op == nil {
		bad("operationContext is required")
		return errors.Join(errs...)
	}
	builds := 0
	for _, c := range op.PreRunCommands {
		if strings.HasPrefix(strings.TrimSpace(c), "go build ") {
			builds++
			if !strings.Contains(c, " -o ") {
				bad("operationContext.preRunCommands %q: build the binary with -o", c)
			}
		}
	}
	if builds != 1 {
		bad("operationContext.preRunCommands must build the Go binary exactly once (go build -o ...), found %d", builds)
	}
	// Pre-run commands run before Pulumi is invoked, and a failing one fails the deployment: the
	// guardrails gate the update there (the Go policy pack cannot be published for Deployments).
	if !RunsGuardrails(op.PreRunCommands, stack) {
		bad("operationContext.preRunCommands must run %q: without it a commit that breaks a guardrail deploys", GuardrailsCommand(stack))
	}
	for name, v := range op.EnvironmentVariables {
		for _, forbidden := range staticCredentialVars {
			if strings.EqualFold(name, forbidden) {
				bad("operationContext.environmentVariables.%s: no static AWS credentials; use operationContext.oidc.aws", name)
			}
		}
		if v.Secret && v.Ciphertext == "" {
			bad("operationContext.environmentVariables.%s: a plaintext secret in a committed file; store it encrypted or in Pulumi ESC", name)
		}
	}
	if op.OIDC == nil || op.OIDC.AWS == nil {
		bad("operationContext.oidc.aws is required: AWS credentials come from OIDC, never static keys")
	} else {
		a := op.OIDC.AWS
		roleRe := regexp.MustCompile(`^arn:aws:iam::([0-9]{12}|` + regexp.QuoteMeta(AccountIDPlaceholder) + `):` + regexp.QuoteMeta(RoleResource(stack)) + `$`)
		if !roleRe.MatchString(a.RoleARN) {
			bad("operationContext.oidc.aws.roleArn %q: allowed arn:aws:iam::<account or %s>:%s (the role pkg/deployaccess creates, under the stack's IAM path)", a.RoleARN, AccountIDPlaceholder, RoleResource(stack))
		}
		if !sessionNameRe.MatchString(a.SessionName) {
			bad("operationContext.oidc.aws.sessionName %q: allowed 2-64 characters of [A-Za-z0-9+=,.@_-]", a.SessionName)
		}
		if d := time.Duration(a.Duration); d < MinSession || d > MaxSession {
			bad("operationContext.oidc.aws.duration %s: allowed %s to %s, and it must equal the stack's deployments.sessionSeconds (AssumeRoleWithWebIdentity grants 15 minutes up to the role's MaxSessionDuration)", d, MinSession, MaxSession)
		}
	}
	if op.Options == nil || !op.Options.SkipIntermediateDeployments {
		bad("operationContext.options.skipIntermediateDeployments must be true: only the newest queued commit or tag deploys")
	}
	return errors.Join(errs...)
}

// previewRefusal says why a stack may not preview pull requests. A preview runs the pull request's
// own Go program and pre-run commands with the stack's AWS credentials; the deploy role
// (pkg/deployaccess) trusts only update, refresh and destroy, and Pulumi Deployments names one
// role per stack (operationContext.oidc.aws.roleArn), so a preview could only run with a role that
// also deploys.
func previewRefusal(stack string) string {
	if stack == Prod {
		return "gitHub.previewPullRequests must be false for prod: a pull request's preview runs the branch's own code with prod's credentials"
	}
	return "gitHub.previewPullRequests must be false: the deploy role trusts no preview (a pull request's preview runs the branch's own code with the stack's credentials), and Pulumi Deployments names one role per stack, so every preview would fail; see docs/deployments.md"
}

// GuardrailsCommand is the pre-run command that evaluates the policy pack on stack offline and
// exits non-zero on any mandatory violation.
func GuardrailsCommand(stack string) string { return "go run . guardrails --stack " + stack }

// RunsGuardrails reports whether commands run the guardrails for stack: `go run . guardrails` or
// the built binary's `guardrails` subcommand, with --stack stack (or --stack=stack).
func RunsGuardrails(commands []string, stack string) bool {
	for _, c := range commands {
		f := strings.Fields(c)
		i := 0
		switch {
		case len(f) >= 3 && f[0] == "go" && f[1] == "run" && f[2] == ".":
			i = 3
		case len(f) >= 1 && strings.HasSuffix(f[0], "/"+Project):
			i = 1
		default:
			continue
		}
		if len(f) <= i || f[i] != "guardrails" {
			continue
		}
		for j := i + 1; j < len(f); j++ {
			if f[j] == "--stack="+stack || (f[j] == "--stack" && j+1 < len(f) && f[j+1] == stack) {
				return true
			}
		}
	}
	return false
}

// PathsMatch reports whether a push changing file triggers a deployment under filters, evaluated the
// way Pulumi Deployments documents it: the file must match an include filter (or there are none) and
// no exclude filter ("!pattern"). Patterns match the whole path; * stays within a directory, **
// crosses directories.
func PathsMatch(filters []string, file string) bool {
	included, hasInclude := false, false
	for _, f := range filters {
		if strings.HasPrefix(f, "!") {
			if globMatch(f[1:], file) {
				return false
			}
			continue
		}
		hasInclude = true
		if globMatch(f, file) {
			included = true
		}
	}
	return included || !hasInclude
}

func globMatch(pattern, path string) bool {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case strings.HasPrefix(pattern[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(pattern[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String()).MatchString(path)
}
