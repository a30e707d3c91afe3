package offline

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// LoadStackFiles reads Pulumi.yaml and Pulumi.<stack>.yaml from dir with the SDK's workspace loader
// (the one the CLI uses).
func LoadStackFiles(dir, stack string) (*workspace.Project, *workspace.ProjectStack, error) {
	project, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("load Pulumi.yaml: %w", err)
	}
	ps, err := workspace.LoadProjectStack(nil, project, filepath.Join(dir, "Pulumi."+stack+".yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("load Pulumi.%s.yaml: %w", stack, err)
	}
	return project, ps, nil
}

// SecretPlaceholder stands in for every `secure:` value, which cannot be decrypted offline.
const SecretPlaceholder = "offline-placeholder-for-secret"

// StackConfig loads Pulumi.yaml and Pulumi.<stack>.yaml from dir with the SDK's workspace loader
// (the one the CLI uses), checks every project-namespaced value Pulumi.yaml declares against its
// declared type, applies the project's declared defaults, and returns the config the engine would
// hand the program: full keys mapped to raw strings (JSON text for objects). Keys Pulumi.yaml does
// not declare pass through, as the CLI passes them; the program reports them.
func StackConfig(dir, stack string) (map[string]string, error) {
	project, ps, err := LoadStackFiles(dir, stack)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for key, value := range ps.Config {
		full := key.Namespace() + ":" + key.Name()
		raw, err := value.Value(config.NopDecrypter)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", full, err)
		}
		if value.Secure() {
			raw = SecretPlaceholder
		}
		if key.Namespace() == string(project.Name) {
			declared, ok := project.Config[key.Name()]
			if !ok {
				// Handed to the program like the CLI does: stacks.Parse reports it in its one list
				// of problems, with the key it most likely meant, beside every other problem.
				out[full] = raw
				continue
			}
			if !value.Secure() {
				obj, err := value.ToObject()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", full, err)
				}
				if declared.IsExplicitlyTyped() && !workspace.ValidateConfigValue(declared.TypeName(), declared.Items, obj) {
					return nil, fmt.Errorf("Pulumi.%s.yaml: %s is not of the declared type %s", stack, full, declared.TypeName())
				}
			}
		}
		out[full] = raw
	}
	for name, declared := range project.Config {
		full := name
		if !strings.Contains(name, ":") {
			full = string(project.Name) + ":" + name
		}
		if _, set := out[full]; set || declared.Default == nil {
			continue
		}
		out[full] = fmt.Sprint(declared.Default)
	}
	return out, nil
}
