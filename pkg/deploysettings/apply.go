package deploysettings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
)

// DefaultAPI is Pulumi Cloud's API endpoint.
const DefaultAPI = "https://api.pulumi.com"

// Command is deployment-settings' entry in the top-level list and its help.
var Command = cli.Command{
	Name:     "deployment-settings",
	Summary:  "check or apply a stack's Pulumi Deployments settings",
	Synopsis: "go run . deployment-settings <check|apply> --stack S [--org ORG] [--account-id ID] [--repo OWNER/NAME] [--dry-run] [--json]",
	Description: `check  decode stacks/<stack>.deployment.yaml strictly and verify the project's invariants (offline)
apply  check, then POST the file to Pulumi Cloud (Update deployment settings); the token comes from
       PULUMI_ACCESS_TOKEN, the organization from --org or PULUMI_ORG`,
}

// Result is the --json record of check and apply.
type Result struct {
	Command    string `json:"command"`
	Stack      string `json:"stack"`
	File       string `json:"file"`
	Repository string `json:"repository,omitempty"`
	OK         bool   `json:"ok"`
	Applied    bool   `json:"applied"`
	Endpoint   string `json:"endpoint,omitempty"`
	Error      string `json:"error,omitempty"`
}

// Main runs `deployment-settings check|apply`. It returns the process exit code (pkg/ops/cli):
// 0 on success, 1 when checking or applying fails, 2 on a usage error.
func Main(args []string, stdout, stderr io.Writer) int {
	return run(args, os.Getenv, &http.Client{Timeout: 60 * time.Second}, stdout, stderr)
}

type options struct {
	command, stack, org, project, file, api, accountID, repo string
	dryRun                                                   bool
}

func run(args []string, getenv func(string) string, client *http.Client, stdout, stderr io.Writer) int {
	fs := cli.NewFlags(Command, stdout, stderr)
	fs.AllowArgs()
	var o options
	stack := fs.Stack("stack whose settings to check or apply")
	fs.StringVar(&o.org, "org", getenv("PULUMI_ORG"), "Pulumi organization (default $PULUMI_ORG)")
	fs.StringVar(&o.project, "project", Project, "Pulumi project")
	fs.StringVar(&o.file, "file", "", "settings file (default stacks/<stack>.deployment.yaml)")
	fs.StringVar(&o.api, "api", DefaultAPI, "Pulumi Cloud API URL")
	fs.StringVar(&o.accountID, "account-id", getenv("AWS_ACCOUNT_ID"), "AWS account ID substituted for "+AccountIDPlaceholder+" (default $AWS_ACCOUNT_ID)")
	fs.StringVar(&o.repo, "repo", "", "GitHub repository owner/name substituted for "+RepositoryPlaceholder+" (default: the repository of `git remote get-url origin`)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print the request instead of sending it")
	asJSON := fs.JSON()

	var command string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		command, args = args[0], args[1:]
	}
	if code, done := fs.Parse(args); done {
		return code
	}
	rest := fs.Args()
	if command == "" && len(rest) > 0 {
		command, rest = rest[0], rest[1:]
	}
	if command != "check" && command != "apply" {
		if command == "" {
			return fs.Usagef("say check or apply")
		}
		return fs.Usagef("unknown command %q; allowed: check, apply", command)
	}
	if len(rest) > 0 {
		return fs.Usagef("unexpected argument %q", rest[0])
	}
	o.command, o.stack = command, *stack
	if o.file == "" {
		o.file = "stacks/" + o.stack + ".deployment.yaml"
	}

	out := stdout
	if *asJSON {
		out = io.Discard
	}
	res, err := execute(o, getenv, client, out)
	if *asJSON {
		res.Command, res.Stack, res.File, res.OK = o.command, o.stack, o.file, err == nil
		if err != nil {
			res.Error = err.Error()
		}
		if werr := cli.WriteJSON(stdout, res); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "deployment-settings %s: %v\n", o.command, err)
		return cli.Code(err, cli.ExitFailed)
	}
	return cli.ExitOK
}

func execute(o options, getenv func(string) string, client *http.Client, stdout io.Writer) (Result, error) {
	var res Result
	err := executeInto(&res, o, getenv, client, stdout)
	return res, err
}

func executeInto(res *Result, o options, getenv func(string) string, client *http.Client, stdout io.Writer) error {
	raw, err := os.ReadFile(o.file)
	if err != nil {
		return err
	}
	// The repository is this checkout's (a fork deploys its own code): --repo, else the origin
	// remote. check validates the file as committed when neither is available; apply needs it.
	if bytes.Contains(raw, []byte(RepositoryPlaceholder)) {
		repo, err := resolveRepository(o.repo)
		switch {
		case err == nil:
			raw = SubstituteRepository(raw, repo)
			res.Repository = repo
			fmt.Fprintf(stdout, "%s: repository %s\n", o.file, repo)
		case o.command == "apply" || o.repo != "":
			return fmt.Errorf("%s names no repository (%s): %w (run in a checkout whose origin is on GitHub, or pass --repo owner/name)", o.file, RepositoryPlaceholder, err)
		}
	}
	// check validates the file as committed (placeholder allowed); apply validates what it sends.
	if o.command == "apply" {
		if bytes.Contains(raw, []byte(AccountIDPlaceholder)) {
			if !accountIDRe(o.accountID) {
				return fmt.Errorf("%s contains %s: pass --account-id (12 digits) or set AWS_ACCOUNT_ID", o.file, AccountIDPlaceholder)
			}
			raw = Substitute(raw, o.accountID)
		}
	}
	f, err := Decode(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", o.file, err)
	}
	if err := Check(&f.Settings, o.stack); err != nil {
		return fmt.Errorf("%s violates the deployment invariants:\n%w", o.file, err)
	}
	seconds, err := SessionSeconds(ProjectDir(o.file), o.stack)
	if err != nil {
		return fmt.Errorf("%s: the session must match the stack's deployments.sessionSeconds: %w", o.file, err)
	}
	if err := CheckSession(&f.Settings, seconds); err != nil {
		return fmt.Errorf("%s violates the deployment invariants:\n%w", o.file, err)
	}
	if o.command == "check" {
		fmt.Fprintf(stdout, "%s: ok for stack %s\n", o.file, o.stack)
		return nil
	}

	if o.org == "" {
		return errors.New("--org is required (or set PULUMI_ORG): the Pulumi organization that owns the stack")
	}
	endpoint, err := SettingsURL(o.api, o.org, o.project, o.stack)
	if err != nil {
		return err
	}
	res.Endpoint = endpoint
	if o.dryRun {
		fmt.Fprintf(stdout, "POST %s\n%s\n", endpoint, f.JSON)
		return nil
	}
	token := getenv("PULUMI_ACCESS_TOKEN")
	if token == "" {
		return errors.New("PULUMI_ACCESS_TOKEN is not set: create an access token in Pulumi Cloud (Settings > Access tokens) and export it")
	}
	if err := post(client, endpoint, token, f.JSON); err != nil {
		return err
	}
	res.Applied = true
	fmt.Fprintf(stdout, "applied %s to %s/%s/%s\n", o.file, o.org, o.project, o.stack)
	return nil
}

// SettingsURL is the "Update deployment settings" endpoint of a stack.
func SettingsURL(api, org, project, stack string) (string, error) {
	base, err := url.Parse(strings.TrimRight(api, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return "", fmt.Errorf("--api %q is not an http(s) URL", api)
	}
	return base.String() + "/api/stacks/" + url.PathEscape(org) + "/" + url.PathEscape(project) + "/" +
		url.PathEscape(stack) + "/deployments/settings", nil
}

// post sends the settings. Pulumi Cloud merges the body into the stack's current settings.
func post(client *http.Client, endpoint, token string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "token "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/vnd.pulumi+8")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return &APIError{Status: resp.StatusCode, Message: apiMessage(respBody)}
}

// APIError is a 4xx/5xx answer of Pulumi Cloud.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("Pulumi Cloud answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		msg += " (is PULUMI_ACCESS_TOKEN valid and unexpired?)"
	case e.Status == http.StatusForbidden:
		msg += " (the token needs admin or write access to the stack, and the organization needs Pulumi Deployments)"
	case e.Status == http.StatusNotFound:
		msg += " (check --org, --project and --stack: the stack must exist, e.g. pulumi stack init)"
	case e.Status >= 500:
		msg += " (a Pulumi Cloud error: retry later)"
	}
	return msg
}

// apiMessage extracts {"code":..,"message":".."} from an error body, or returns the trimmed text.
func apiMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return e.Message
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 500 {
		s = s[:500] + "..."
	}
	return s
}

func accountIDRe(id string) bool {
	if len(id) != 12 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
