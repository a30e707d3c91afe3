package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Command describes a subcommand for its help and the top-level list.
type Command struct {
	Name        string // as typed after `go run .`: "pin", "drill az"
	Summary     string // one line for the top-level list
	Synopsis    string // "go run . pin --stack S [--images] [--dry-run] [--json]"
	Description string // what it does, what it changes, what it needs; wrapped by the author
}

// Flags is a flag set that prints --help on stdout (exit 0) and a usage error with the usage on
// stderr (exit 2). Register flags on the embedded FlagSet, the shared ones with Stack and Format.
type Flags struct {
	*flag.FlagSet
	Cmd            Command
	stdout, stderr io.Writer

	stack     *string
	format    *string
	formats   []string
	json      *bool
	allowArgs bool
}

// NewFlags starts the flag set of cmd.
func NewFlags(cmd Command, stdout, stderr io.Writer) *Flags {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // Parse's errors are printed by Flags, once
	fs.Usage = func() {}
	return &Flags{FlagSet: fs, Cmd: cmd, stdout: stdout, stderr: stderr}
}

// AllowArgs lets positional arguments through Parse (the command checks them); by default any is a
// usage error.
func (f *Flags) AllowArgs() { f.allowArgs = true }

// Parse parses args. done is true when the command must return code now: after --help (0) or a
// usage error (2, already printed). It enforces the --stack rule and the --format/--json pair.
func (f *Flags) Parse(args []string) (code int, done bool) {
	if err := f.FlagSet.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.Help(f.stdout)
			return ExitOK, true
		}
		return f.Usagef("%v", err), true
	}
	if !f.allowArgs && f.NArg() > 0 {
		return f.Usagef("unexpected argument %q", f.Arg(0)), true
	}
	if f.stack != nil && *f.stack == "" {
		return f.Usagef("--stack is required: %s", stackChoice(f.dir())), true
	}
	if f.format != nil {
		if *f.json {
			if set(f.FlagSet, "format") && *f.format != "json" {
				return f.Usagef("--json and --format %s disagree: pass one", *f.format), true
			}
			*f.format = "json"
		}
		if !contains(f.formats, *f.format) {
			return f.Usagef("unknown format %q; allowed: %s", *f.format, strings.Join(f.formats, ", ")), true
		}
	}
	return ExitOK, false
}

// Usagef prints "<command>: <message>" and the usage to stderr and returns ExitUsage.
func (f *Flags) Usagef(format string, args ...any) int {
	fmt.Fprintf(f.stderr, "%s: %s\n\n", f.Cmd.Name, fmt.Sprintf(format, args...))
	f.Help(f.stderr)
	return ExitUsage
}

// Failf prints "<command>: <message>" to stderr and returns code.
func (f *Flags) Failf(code int, format string, args ...any) int {
	fmt.Fprintf(f.stderr, "%s: %s\n", f.Cmd.Name, fmt.Sprintf(format, args...))
	return code
}

// Fail prints err and returns its exit code (Code with fallback).
func (f *Flags) Fail(err error, fallback int) int {
	return f.Failf(Code(err, fallback), "%v", err)
}

// Help writes the command's help: synopsis, description, flags, exit codes.
func (f *Flags) Help(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n", f.Cmd.Synopsis)
	if d := strings.TrimSpace(f.Cmd.Description); d != "" {
		fmt.Fprintf(w, "\n%s\n", d)
	}
	fmt.Fprintf(w, "\nflags:\n")
	writeFlags(w, f.FlagSet)
	fmt.Fprintf(w, "\n%s\n", ExitLine)
}

// ExitLine is the one-line exit-code summary every help ends with.
var ExitLine = func() string {
	parts := make([]string, 0, len(ExitCodes))
	for _, c := range ExitCodes {
		parts = append(parts, fmt.Sprintf("%d %s", c.Code, c.Name))
	}
	return "exit status: " + strings.Join(parts, ", ") + " (docs/cli.md)"
}()

// writeFlags lists the flags as `--name TYPE  usage (default x)`. Unlike flag.PrintDefaults it
// takes no word of the usage for the value's name, so a usage may quote a command in backquotes.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ head, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(fl *flag.Flag) {
		head := "  --" + fl.Name
		if t := valueType(fl); t != "" {
			head += " " + t
		}
		usage := fl.Usage
		if !zeroDefault(fl) && !strings.Contains(usage, "(default") {
			usage += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		rows = append(rows, row{head, usage})
		if len(head) > width {
			width = len(head)
		}
	})
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].head < rows[j].head })
	for _, r := range rows {
		fmt.Fprintf(w, "%-*s  %s\n", width, r.head, r.usage)
	}
}

func valueType(fl *flag.Flag) string {
	g, ok := fl.Value.(flag.Getter)
	if !ok {
		return "value"
	}
	switch g.Get().(type) {
	case bool:
		return ""
	case time.Duration:
		return "duration"
	case int, int64, uint, uint64:
		return "int"
	case float64:
		return "number"
	}
	return "string"
}

func zeroDefault(fl *flag.Flag) bool {
	switch fl.DefValue {
	case "", "0", "false", "0s":
		return true
	}
	return false
}

func set(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// Format registers --format (one of formats, the first the default) and --json (the same as
// --format json), for commands whose result a script reads. The value is final after Parse.
func (f *Flags) Format(formats ...string) *string {
	f.formats = formats
	f.format = f.String("format", formats[0], "output format: "+strings.Join(formats, ", "))
	f.json = f.Bool("json", false, "print the result as JSON on stdout (the same as --format json)")
	return f.format
}

// JSON registers only --json, for commands whose text output is not a record format of its own.
func (f *Flags) JSON() *bool {
	return f.Bool("json", false, "print the result as JSON on stdout, progress and errors on stderr")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
