package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ErrUnknownStack is returned (wrapped) when the project has no Pulumi.<stack>.yaml.
var ErrUnknownStack = errors.New("unknown stack")

// runMu serialises RunStack: the program reads its config from the process environment and its
// working directory, as it does under the engine.
var runMu sync.Mutex

// RunStack runs program as stack of the project in dir under the offline model, with the stack's
// config loaded the way the CLI loads it (StackConfig), and returns the recorder and that config
// (full keys mapped to raw strings). It is the one way the operator commands (`plan`,
// `guardrails`) record a stack. The program's own error (bad config included) is returned
// unwrapped from the SDK's one-element multierror, prefixed with the stack name. progress, when
// not nil, receives one line before the run; tag names the command in it.
func RunStack(dir, stack string, program pulumi.RunFunc, progress io.Writer, tag string) (*Mocks, map[string]string, error) {
	if dir == "" {
		dir = "."
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		return nil, nil, fmt.Errorf("no Pulumi.yaml in %s: run from the project directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi."+stack+".yaml")); err != nil {
		return nil, nil, fmt.Errorf("%w %q: there is no Pulumi.%s.yaml in %s; stacks: %s", ErrUnknownStack, stack, stack, dir, strings.Join(KnownStacks(dir), ", "))
	}
	values, err := StackConfig(dir, stack)
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	encoded, err := json.Marshal(values)
	if err != nil {
		return nil, nil, err
	}

	runMu.Lock()
	defer runMu.Unlock()
	restoreEnv := setenv(pulumi.EnvConfig, string(encoded))
	defer restoreEnv()
	if dir != "." {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, err
		}
		if err := os.Chdir(dir); err != nil {
			return nil, nil, err
		}
		defer func() { _ = os.Chdir(wd) }()
	}
	if progress != nil {
		fmt.Fprintf(progress, "%s: running the program for stack %s under the offline model (no AWS calls)...\n", tag, stack)
	}
	m := NewMocks(stack)
	if err := pulumi.RunErr(program, pulumi.WithMocks(Project, stack, m)); err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, single(err))
	}
	return m, values, nil
}

// KnownStacks lists the stacks with a Pulumi.<stack>.yaml in dir.
func KnownStacks(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Unqualified strips the project namespace from config keys, dropping other namespaces: the form
// stacks.Parse takes.
func Unqualified(values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if name, ok := strings.CutPrefix(k, Project+":"); ok {
			out[name] = v
		}
	}
	return out
}

// single unwraps the SDK's one-element multierror ("1 error occurred: * ...") to the program's own error.
func single(err error) error {
	if multi, ok := err.(interface{ WrappedErrors() []error }); ok {
		if errs := multi.WrappedErrors(); len(errs) == 1 {
			return errs[0]
		}
	}
	return err
}

// setenv sets an environment variable and returns a function that restores it.
func setenv(key, value string) func() {
	previous, had := os.LookupEnv(key)
	_ = os.Setenv(key, value)
	return func() {
		if had {
			_ = os.Setenv(key, previous)
		} else {
			_ = os.Unsetenv(key)
		}
	}
}

// IsProviderType reports whether typ is a provider resource's type (pulumi:providers:<pkg>).
func IsProviderType(typ string) bool { return strings.HasPrefix(typ, "pulumi:providers:") }
