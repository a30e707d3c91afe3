package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testCommand = Command{Name: "demo", Summary: "a demo", Synopsis: "go run . demo --stack S", Description: "Does a demo."}

func demoFlags(stdout, stderr io.Writer, dir string) (*Flags, *string, *string) {
	f := NewFlags(testCommand, stdout, stderr)
	stack := f.Stack("stack to demo")
	f.String("dir", dir, "project directory")
	f.String("repo", "", "repository (default: the repository of `git remote get-url origin`)")
	format := f.Format("text", "json", "markdown")
	return f, stack, format
}

func project(t *testing.T, stacks ...string) string {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: x\n"), 0o644))
	for _, s := range stacks {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+s+".yaml"), []byte("config: {}\n"), 0o644))
	}
	return dir
}

func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help"} {
		var out, errOut bytes.Buffer
		f, _, _ := demoFlags(&out, &errOut, ".")
		code, done := f.Parse([]string{arg})
		assert.True(t, done)
		assert.Equal(t, ExitOK, code, arg)
		assert.Empty(t, errOut.String(), arg)
		help := out.String()
		assert.True(t, strings.HasPrefix(help, "usage: go run . demo --stack S\n"), help)
		assert.Contains(t, help, "Does a demo.")
		assert.Contains(t, help, "  --stack string ")
		assert.Contains(t, help, StackRule)
		assert.Contains(t, help, "  --json ")
		assert.Contains(t, help, "exit status: 0 ok, 1 failed, 2 usage, 3 not ready")
		// flag.PrintDefaults would print `-repo git remote get-url origin`: the backquoted words are
		// not the value's name here.
		assert.Contains(t, help, "  --repo string ")
		assert.Contains(t, help, "(default: the repository of `git remote get-url origin`)")
	}
}

func TestUsageErrorsGoToStderrAndExitTwo(t *testing.T) {
	dir := project(t, "prod", "staging")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--stak", "prod"}, "demo: flag provided but not defined: -stak"},
		{"no stack", nil, "demo: --stack is required: one of prod, staging"},
		{"stray argument", []string{"--stack", "prod", "extra"}, `demo: unexpected argument "extra"`},
		{"unknown format", []string{"--stack", "prod", "--format", "yaml"}, `demo: unknown format "yaml"; allowed: text, json, markdown`},
		{"json and another format", []string{"--stack", "prod", "--format", "markdown", "--json"}, "demo: --json and --format markdown disagree"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			f, _, _ := demoFlags(&out, &errOut, dir)
			code, done := f.Parse(tc.args)
			assert.True(t, done)
			assert.Equal(t, ExitUsage, code)
			assert.Empty(t, out.String())
			assert.True(t, strings.HasPrefix(errOut.String(), tc.want), errOut.String())
			assert.Contains(t, errOut.String(), "usage: go run . demo --stack S", "the usage follows the error")
		})
	}
}

func TestJSONIsFormatJSON(t *testing.T) {
	for _, args := range [][]string{{"--stack", "s", "--json"}, {"--stack", "s", "--format", "json"}, {"--stack", "s", "--json", "--format", "json"}} {
		f, stack, format := demoFlags(io.Discard, io.Discard, ".")
		code, done := f.Parse(args)
		require.False(t, done, "%v: %d", args, code)
		assert.Equal(t, "json", *format, args)
		assert.Equal(t, "s", *stack)
	}
	f, _, format := demoFlags(io.Discard, io.Discard, ".")
	_, done := f.Parse([]string{"--stack", "s"})
	require.False(t, done)
	assert.Equal(t, "text", *format, "the first format is the default")
}

func TestNoStackFileSaysWhereToRun(t *testing.T) {
	var errOut bytes.Buffer
	f, _, _ := demoFlags(io.Discard, &errOut, t.TempDir())
	code, _ := f.Parse(nil)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut.String(), "there is no Pulumi.<stack>.yaml in")
}

func entries(ran *[]string) []Entry {
	mk := func(name string) Entry {
		return Entry{Command: Command{Name: name, Summary: "the " + name + " command"}, Main: func(args []string, stdout, _ io.Writer) int {
			*ran = append(*ran, name+" "+strings.Join(args, " "))
			return 7
		}}
	}
	return []Entry{mk("plan"), mk("guardrails"), mk("deployment-settings")}
}

func TestDispatch(t *testing.T) {
	cases := []struct {
		name       string
		args       []string
		code       int
		onStdout   bool
		ran, wants string
	}{
		{"no argument", nil, ExitOK, true, "", "deployment-settings  the deployment-settings command"},
		{"help", []string{"help"}, ExitOK, true, "", "plan                 the plan command"},
		{"-h", []string{"-h"}, ExitOK, true, "", "guardrails"},
		{"--help", []string{"--help"}, ExitOK, true, "", "usage: go run . <command>"},
		{"help of a command", []string{"help", "plan"}, 7, false, "plan --help", ""},
		{"a command", []string{"guardrails", "--stack", "s"}, 7, false, "guardrails --stack s", ""},
		{"unknown", []string{"nonsense"}, ExitUsage, false, "", `unknown command "nonsense"`},
		{"typo", []string{"plna"}, ExitUsage, false, "", `unknown command "plna"; did you mean plan?`},
		{"a flag first", []string{"--stack", "prod"}, ExitUsage, false, "", `unknown command "--stack"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ran []string
			var out, errOut bytes.Buffer
			code := Dispatch(entries(&ran), tc.args, &out, &errOut)
			assert.Equal(t, tc.code, code)
			if tc.ran != "" {
				assert.Equal(t, []string{tc.ran}, ran)
				return
			}
			assert.Empty(t, ran)
			listing, other := out.String(), errOut.String()
			if !tc.onStdout {
				listing, other = other, listing
			}
			assert.Empty(t, other)
			assert.Contains(t, listing, tc.wants)
			for _, name := range []string{"plan", "guardrails", "deployment-settings"} {
				assert.Contains(t, listing, "  "+name+" ", "every command is listed with its line")
			}
		})
	}
}

// apiErr is an AWS API error the way smithy.APIError reads.
type apiErr struct{ code, msg string }

func (e apiErr) Error() string {
	return "operation error STS: GetCallerIdentity, https response error StatusCode: 403, api error " + e.code + ": " + e.msg
}
func (e apiErr) ErrorCode() string    { return e.code }
func (e apiErr) ErrorMessage() string { return e.msg }

func TestCredentialsCheckSaysWhatToSet(t *testing.T) {
	noCreds := errors.New("operation error STS: GetCallerIdentity, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 404, request to EC2 IMDS failed")
	cases := []struct {
		name   string
		err    error
		want   []string
		reject []string
	}{
		{"no credentials", noCreds, []string{"no AWS credentials found", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "aws sso login"}, []string{"ec2imds", "StatusCode", "IMDS"}},
		{"expired", apiErr{"ExpiredToken", "The security token included in the request is expired"}, []string{"have expired", "ExpiredToken"}, []string{"StatusCode"}},
		{"rejected", apiErr{"InvalidClientTokenId", "The security token included in the request is invalid."}, []string{"AWS rejected the credentials (InvalidClientTokenId", "AWS_PROFILE"}, nil},
		{"other", errors.New("dial tcp: lookup sts.us-east-1.amazonaws.com: no such host"), []string{"could not confirm the AWS credentials with STS GetCallerIdentity in us-east-1 and us-west-2", "no such host"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			_, err := CheckCredentials(context.Background(), func(_ context.Context, region string) (string, error) {
				asked = append(asked, region)
				return "", tc.err
			}, "us-east-1", "us-west-2")
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotReady)
			assert.Equal(t, ExitNotReady, Code(err, ExitFailed))
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, r := range tc.reject {
				assert.NotContains(t, err.Error(), r, "the SDK's chain stays out of the message")
			}
			if tc.name != "other" {
				assert.Equal(t, []string{"us-east-1"}, asked, "a credentials error is the same in every region")
			}
		})
	}
	// A region that does not answer is not the end: the other region's STS is asked.
	account, err := CheckCredentials(context.Background(), func(_ context.Context, region string) (string, error) {
		if region == "us-east-1" {
			return "", errors.New("dial tcp: i/o timeout")
		}
		return "123456789012", nil
	}, "us-east-1", "us-west-2")
	require.NoError(t, err)
	assert.Equal(t, "123456789012", account)
}

func TestMissingPulumiNamesTheInstallPage(t *testing.T) {
	defer func(old func(string) (string, error)) { LookPath = old }(LookPath)
	LookPath = func(string) (string, error) { return "", errors.New("executable file not found in $PATH") }
	err := RequirePulumi("staging")
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotReady)
	assert.Contains(t, err.Error(), "https://www.pulumi.com/docs/iac/download-install/")
	assert.Contains(t, err.Error(), "--outputs FILE")
	assert.Contains(t, err.Error(), "pulumi stack output --json --stack staging")
	LookPath = func(string) (string, error) { return "/usr/bin/pulumi", nil }
	assert.NoError(t, RequirePulumi("staging"))
}

func TestExitCodesAreOneTable(t *testing.T) {
	for i, c := range ExitCodes {
		assert.Equal(t, i, c.Code, "codes are 0..n in order")
	}
	assert.Equal(t, ExitFailed, Code(errors.New("x"), ExitFailed))
	assert.Equal(t, ExitOK, Code(nil, ExitFailed))
	assert.Equal(t, ExitNotReady, Code(NotReady("no %s", "tool"), ExitFailed))
}
