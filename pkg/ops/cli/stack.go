package cli

import (
	"path/filepath"
	"sort"
	"strings"
)

// StackRule is the one --stack rule, said in every command's help: --stack is required everywhere,
// and never taken from the Pulumi CLI's selected stack. The commands read Pulumi.<stack>.yaml
// themselves, and the offline ones run without the Pulumi CLI or a login, where no stack is
// selected; the live ones inject faults, rewrite a stack file or change Pulumi Cloud, which they
// must never do to a stack the command line does not name. A command line that names its stack
// can also be pasted into a runbook or a CI job as it is.
const StackRule = "required, never the selected Pulumi stack"

// Stack registers --stack with the rule; Parse refuses an empty one, listing the stacks of --dir.
// what says what the command does with it ("stack to plan").
func (f *Flags) Stack(what string) *string {
	f.stack = f.String("stack", "", what+" (Pulumi.<stack>.yaml; "+StackRule+")")
	return f.stack
}

// dir is the --dir flag's value when the command has one, else ".".
func (f *Flags) dir() string {
	if fl := f.Lookup("dir"); fl != nil && fl.Value.String() != "" {
		return fl.Value.String()
	}
	return "."
}

// stackChoice says which stacks the project in dir has.
func stackChoice(dir string) string {
	stacks := Stacks(dir)
	if len(stacks) == 0 {
		return "there is no Pulumi.<stack>.yaml in " + dir + " (run from the project directory or pass --dir)"
	}
	return "one of " + strings.Join(stacks, ", ") + " (the Pulumi.<stack>.yaml files in " + dir + ")"
}

// Stacks lists the stacks with a Pulumi.<stack>.yaml in dir.
func Stacks(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}
