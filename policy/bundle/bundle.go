package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// packDir is the pack's main package, relative to the module root.
const packDir = "policy"

// goPackage is what `go list -json` says about one package.
type goPackage struct {
	ImportPath     string
	Dir            string
	Standard       bool
	GoFiles        []string
	IgnoredGoFiles []string // files of other platforms: kept, the enforcing machine may be one
	EmbedFiles     []string
	Module         *struct{ Main bool }
}

// semverish is what Pulumi Cloud accepts as a policy pack version tag.
var semverish = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// Write writes the bundle of the module at root into out and returns the files written, relative
// to out. out must be absent or empty, so a stale file can never ride along into a publish.
func Write(root, out, version string) ([]string, error) {
	if version != "" && !semverish.MatchString(version) {
		return nil, fmt.Errorf("--version %q: want a semantic version such as 1.4.0 (no leading v)", version)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty", out)
	}
	pkgs, err := listDeps(absRoot)
	if err != nil {
		return nil, err
	}
	var written []string
	copyFile := func(from, to string) error {
		data, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		dst := filepath.Join(out, to)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		written = append(written, filepath.ToSlash(to))
		return os.WriteFile(dst, data, 0o644)
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := copyFile(filepath.Join(absRoot, f), f); err != nil {
			return nil, fmt.Errorf("copy %s: %w", f, err)
		}
	}
	for _, p := range pkgs {
		rel, err := filepath.Rel(absRoot, p.Dir)
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, fmt.Errorf("package %s lies outside the module root %s", p.ImportPath, absRoot)
		}
		target := rel
		if filepath.ToSlash(rel) == packDir {
			target = "." // the pack's main package is the bundle's root package
		}
		files := append(append(append([]string{}, p.GoFiles...), p.IgnoredGoFiles...), p.EmbedFiles...)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			if err := copyFile(filepath.Join(p.Dir, f), filepath.Join(target, f)); err != nil {
				return nil, fmt.Errorf("copy %s: %w", p.ImportPath, err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(out, "PulumiPolicy.yaml"), policyProject(absRoot, version), 0o644); err != nil {
		return nil, err
	}
	written = append(written, "PulumiPolicy.yaml")
	sort.Strings(written)
	return written, nil
}

// listDeps returns the main module's packages the pack's main package imports, itself included.
func listDeps(root string) ([]goPackage, error) {
	cmd := exec.Command("go", "list", "-deps", "-json", "./"+packDir)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps ./%s: %w: %s", packDir, err, strings.TrimSpace(stderr.String()))
	}
	var out []goPackage
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		if !p.Standard && p.Module != nil && p.Module.Main {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("go list found no package ./%s in %s", packDir, root)
	}
	return out, nil
}

// policyProject is policy/PulumiPolicy.yaml with version set when one is given.
func policyProject(root, version string) []byte {
	data, err := os.ReadFile(filepath.Join(root, packDir, "PulumiPolicy.yaml"))
	if err != nil {
		data = []byte("runtime: go\n")
	}
	if version == "" {
		return data
	}
	var kept []string
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if !strings.HasPrefix(line, "version:") {
			kept = append(kept, line)
		}
	}
	kept = append(kept, "version: "+version)
	return []byte(strings.Join(kept, "\n") + "\n")
}
