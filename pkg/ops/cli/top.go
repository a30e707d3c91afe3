package cli

import (
	"fmt"
	"io"

	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// Entry is one subcommand of the top level.
type Entry struct {
	Command
	Main func(args []string, stdout, stderr io.Writer) int
}

// Dispatch runs the subcommand args[0] names. No argument, `help`, `-h` or `--help` print the
// list of subcommands on stdout and return ExitOK; `help <command>` is `<command> --help`; an
// unknown command prints the list on stderr and returns ExitUsage.
func Dispatch(entries []Entry, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		List(stdout, entries)
		return ExitOK
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if e, ok := find(entries, args[1]); ok {
				return e.Main(append([]string{"--help"}, args[2:]...), stdout, stderr)
			}
			fmt.Fprintf(stderr, "unknown command %q\n\n", args[1])
			List(stderr, entries)
			return ExitUsage
		}
		List(stdout, entries)
		return ExitOK
	}
	if e, ok := find(entries, args[0]); ok {
		return e.Main(args[1:], stdout, stderr)
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if near := stacks.Closest(args[0], names(entries)); near != "" {
		msg += fmt.Sprintf("; did you mean %s?", near)
	}
	fmt.Fprintf(stderr, "%s\n\n", msg)
	List(stderr, entries)
	return ExitUsage
}

// List prints the subcommands with their one-line summaries.
func List(w io.Writer, entries []Entry) {
	fmt.Fprintln(w, "usage: go run . <command> [flags]    (or build once: go build -o mrha . && ./mrha <command>)")
	fmt.Fprintln(w, "\nThe Pulumi engine runs this program with no command (pulumi preview, pulumi up). Commands for operators:")
	width := 0
	for _, e := range entries {
		if len(e.Name) > width {
			width = len(e.Name)
		}
	}
	fmt.Fprintln(w)
	for _, e := range entries {
		fmt.Fprintf(w, "  %-*s  %s\n", width, e.Name, e.Summary)
	}
	fmt.Fprintf(w, "\nEvery command takes --help, and --stack S (%s).\n%s\n", StackRule, ExitLine)
}

func find(entries []Entry, name string) (Entry, bool) {
	for _, e := range entries {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

func names(entries []Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Name)
	}
	return out
}
