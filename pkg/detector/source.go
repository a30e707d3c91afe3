package detector

import (
	_ "embed"
	"regexp"
)

// Source is the Lambda's code, shipped inline (pulumi.NewStringAsset inside an AssetArchive): no
// build step, and the same bytes the tests run.
//
//go:embed detector.py
var Source string

// Runtime is the pinned Lambda runtime: python3.13 (Amazon Linux 2023, supported by AWS until
// June 2029 per the Lambda runtimes page). boto3 ships with it; nothing else is imported.
const Runtime = "python3.13"

// Handler is the module.function Lambda calls; the archive stores Source as ModuleFile.
const (
	ModuleFile = "index.py"
	Handler    = "index.handler"
)

var importPattern = regexp.MustCompile(`(?m)^\s*(?:import|from)\s+([a-zA-Z_][a-zA-Z0-9_]*)`)

// Imports lists the top-level modules Source imports (tests check each exists in the runtime).
func Imports() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range importPattern.FindAllStringSubmatch(Source, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}
