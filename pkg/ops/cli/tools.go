package cli

import (
	"encoding/json"
	"io"
	"os/exec"
)

// PulumiInstallURL is the Pulumi CLI's download and install page.
const PulumiInstallURL = "https://www.pulumi.com/docs/iac/download-install/"

// LookPath finds a tool; a variable so tests can take the Pulumi CLI away.
var LookPath = exec.LookPath

// RequirePulumi says, as an ErrNotReady error, that the Pulumi CLI is missing and how to do
// without it (a saved `pulumi stack output --json`), or returns nil when it is on PATH.
func RequirePulumi(stack string) error {
	if _, err := LookPath("pulumi"); err == nil {
		return nil
	}
	return RequirePulumiMissing(stack)
}

// RequirePulumiMissing is RequirePulumi's error, for readers that know the CLI is missing.
func RequirePulumiMissing(stack string) error {
	return NotReady("the Pulumi CLI (pulumi) is not on PATH; install it from %s, or pass --outputs FILE "+
		"with the JSON of `pulumi stack output --json --stack %s` saved where the CLI runs", PulumiInstallURL, stack)
}

// OutputsFlag registers --outputs, the saved JSON of `pulumi stack output --json`, for commands
// that read a deployed stack's outputs.
func (f *Flags) OutputsFlag() *string {
	return f.String("outputs", "", "read the stack's outputs from this file (the JSON of `pulumi stack output --json --stack S`) instead of running the Pulumi CLI")
}

// WriteJSON writes v as indented JSON with a final newline, HTML left unescaped.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
