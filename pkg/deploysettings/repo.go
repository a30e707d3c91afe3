package deploysettings

import (
	"bytes"
	"fmt"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
)

// RepositoryPlaceholder stands for the GitHub repository (owner/name) in a committed file: a fork
// deploys its own code, never upstream's. check and apply substitute --repo, or the repository of
// the checkout's origin remote.
const RepositoryPlaceholder = "${GITHUB_REPOSITORY}"

// repoNameRe is a GitHub owner/name.
var repoNameRe = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9_.-]{1,100}$`)

// ValidRepository reports whether s is a GitHub owner/name.
func ValidRepository(s string) bool {
	return repoNameRe.MatchString(s) && !strings.HasSuffix(s, ".git") && !strings.Contains(s, "..")
}

// scpRemoteRe is git's scp-like form: [user@]github.com:owner/name[.git].
var scpRemoteRe = regexp.MustCompile(`^(?:[^@/]+@)?github\.com:(.+)$`)

// ParseGitHubRemote returns owner/name of a GitHub remote URL in any form git accepts:
// https://github.com/o/n(.git), https://user:token@github.com/o/n, git@github.com:o/n.git,
// ssh://git@github.com[:22]/o/n.git, git://github.com/o/n.git.
func ParseGitHubRemote(remote string) (string, error) {
	remote = strings.TrimSpace(remote)
	var path string
	if m := scpRemoteRe.FindStringSubmatch(remote); m != nil && !strings.Contains(remote, "://") {
		path = m[1]
	} else {
		u, err := url.Parse(remote)
		if err != nil || u.Hostname() != "github.com" {
			return "", fmt.Errorf("git remote %q is not a GitHub repository; pass --repo owner/name", redact(remote))
		}
		switch u.Scheme {
		case "https", "http", "ssh", "git", "git+ssh":
		default:
			return "", fmt.Errorf("git remote %q: unsupported scheme %q; pass --repo owner/name", redact(remote), u.Scheme)
		}
		path = u.Path
	}
	repo := strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	if !ValidRepository(repo) {
		return "", fmt.Errorf("git remote %q does not name owner/name; pass --repo owner/name", redact(remote))
	}
	return repo, nil
}

// redact drops credentials from a remote URL before it is printed.
func redact(remote string) string {
	if u, err := url.Parse(remote); err == nil && u.User != nil {
		u.User = nil
		return u.String()
	}
	return remote
}

// gitOriginURL reads the checkout's origin remote. A variable so tests need no git checkout.
var gitOriginURL = func() (string, error) {
	out, err := exec.Command("git", "remote", "get-url", "origin").Output()
	if err != nil {
		return "", fmt.Errorf("git remote get-url origin: %w", err)
	}
	return string(out), nil
}

// resolveRepository is --repo when given, else the origin remote's repository.
func resolveRepository(flag string) (string, error) {
	if flag != "" {
		if !ValidRepository(flag) {
			return "", fmt.Errorf("--repo %q: allowed owner/name of a GitHub repository", flag)
		}
		return flag, nil
	}
	remote, err := gitOriginURL()
	if err != nil {
		return "", err
	}
	return ParseGitHubRemote(remote)
}

// SubstituteRepository replaces the repository placeholder with repo.
func SubstituteRepository(data []byte, repo string) []byte {
	return bytes.ReplaceAll(data, []byte(RepositoryPlaceholder), []byte(repo))
}
