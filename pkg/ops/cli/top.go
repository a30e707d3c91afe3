package cli

import (
	"fmt"
	"io"
	"strings"
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
	if near := closest(args[0], names(entries)); near != "" {
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

// closest returns the candidate nearest to s by edit distance when it is near enough to be a typo
// (at most a third of its length, and at least one edit allowed), else "".
func closest(s string, candidates []string) string {
	best, bestDistance := "", 0
	for _, c := range candidates {
		d := Distance(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestDistance {
			best, bestDistance = c, d
		}
	}
	limit := len(s) / 3
	if limit < 1 {
		limit = 1
	}
	if best == "" || bestDistance > limit {
		return ""
	}
	return best
}

// Distance is the edit distance of a and b counting a swap of two neighbours as one edit (optimal
// string alignment), the typos a hand makes: "plna" is one edit from "plan".
func Distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
