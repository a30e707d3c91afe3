// Package cli is what every operator subcommand (`go run . <command>`) shares: the top-level list
// of commands, flag parsing with help on stdout and usage errors on stderr, the --stack rule, the
// --format/--json pair, one exit-code table, AWS configuration with the SDK's logger silenced, the
// credentials check made before any other AWS call, and the hint for a missing Pulumi CLI.
//
// Exit codes (the one table; docs/cli.md repeats it for operators):
//
//	0  ok         the command did what it says, every check passed, or help was asked for
//	1  failed     it ran and the answer is no: a check or budget failed, a guardrail is violated,
//	              the stack's configuration is invalid, AWS or Pulumi Cloud refused a call mid-run
//	2  usage      the command line is wrong or refused as given: unknown command, flag or argument,
//	              a missing --stack, a value out of range, prod without --yes-prod; nothing was done
//	3  not ready  it cannot start here: AWS credentials missing, expired or rejected, the Pulumi CLI
//	              missing, the stack's outputs unreadable; fix the environment, not the command
//
// The --stack rule: every command that acts on a stack requires --stack (see StackRule).
package cli
