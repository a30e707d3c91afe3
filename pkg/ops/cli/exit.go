package cli

import (
	"errors"
	"fmt"
)

// Exit codes of every subcommand (the table is in the package doc and docs/cli.md).
const (
	ExitOK       = 0
	ExitFailed   = 1
	ExitUsage    = 2
	ExitNotReady = 3
)

// ExitCodes describes each exit code in one line, for help text and docs.
var ExitCodes = []struct {
	Code    int
	Name    string
	Meaning string
}{
	{ExitOK, "ok", "the command did what it says, every check passed, or help was asked for"},
	{ExitFailed, "failed", "it ran and the answer is no: a check or budget failed, a guardrail is violated, the stack's configuration is invalid, AWS or Pulumi Cloud refused a call mid-run"},
	{ExitUsage, "usage", "the command line is wrong or refused as given (unknown command, flag or argument, a missing --stack, prod without --yes-prod); nothing was done"},
	{ExitNotReady, "not ready", "it cannot start here: AWS credentials missing, expired or rejected, the Pulumi CLI missing, the stack's outputs unreadable; fix the environment, not the command"},
}

// ErrNotReady marks an error of the environment (credentials, a missing tool, unreadable outputs):
// Code maps it to ExitNotReady.
var ErrNotReady = errors.New("not ready")

// NotReady wraps a message as an ErrNotReady error. The message is what the operator reads; the
// sentinel only classifies it.
func NotReady(format string, args ...any) error {
	return &notReady{msg: fmt.Sprintf(format, args...)}
}

type notReady struct{ msg string }

func (e *notReady) Error() string        { return e.msg }
func (e *notReady) Is(target error) bool { return target == ErrNotReady }

// Code is the exit code of a command that stopped on err: ExitNotReady for ErrNotReady, otherwise
// fallback (each command says what its other errors mean).
func Code(err error, fallback int) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrNotReady):
		return ExitNotReady
	}
	return fallback
}
