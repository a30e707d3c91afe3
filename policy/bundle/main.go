// Command bundle writes the policy pack as a self-contained Go module, ready for
// `pulumi policy publish`:
//
//	go run ./policy/bundle --out /tmp/mrha-policy [--version 1.4.0]
//	cd /tmp/mrha-policy && pulumi policy publish <org>
//
// Why not publish policy/ itself: `pulumi policy publish` uploads the policy pack's folder as it
// is (a .tgz of that folder only), and every machine that enforces the pack unpacks it, runs
// `go mod tidy` there and `go build`s it. policy/ has no go.mod of its own and its rules live in
// pkg/policy, so that build would fail on every enforced update. The bundle is the module's go.mod
// and go.sum, PulumiPolicy.yaml, the pack's main package at the root and, at their usual paths,
// exactly the module's packages the pack imports (found with `go list -deps`), without tests.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "directory to write the bundle to (created; must be empty or absent); required")
	root := fs.String("root", ".", "module root (holds go.mod and policy/)")
	version := fs.String("version", "", "version to publish (PulumiPolicy.yaml `version`, e.g. the release tag without v); default: the pack's PackVersion")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: go run ./policy/bundle --out <dir> [--version x.y.z] [--root .]")
		fmt.Fprintln(stderr, "Writes the policy pack as a self-contained Go module; run `pulumi policy publish <org>` in <dir>.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "bundle: --out is required and there are no positional arguments")
		fs.Usage()
		return 2
	}
	files, err := Write(*root, *out, *version)
	if err != nil {
		fmt.Fprintf(stderr, "bundle: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "bundle: wrote %d files to %s; publish with: cd %s && pulumi policy publish <org>\n", len(files), *out, *out)
	return 0
}
