package policy

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Inputs that carry secret material, by type: they must reach the engine as Pulumi secrets, so the
// state stores them encrypted and no output or log shows them.
var secretInputs = map[string][]string{
	TypeRdsCluster:                                   {"masterPassword"},
	TypeRdsGlobalCluster:                             nil,
	"aws:rds/instance:Instance":                      {"password"},
	"aws:secretsmanager/secretVersion:SecretVersion": {"secretString", "secretBinary"},
	"aws:ssm/parameter:Parameter":                    {"value"},
}

// rawLookup follows path like lookup but keeps the final value's secret wrapper.
func rawLookup(m resource.PropertyMap, path string) resource.PropertyValue {
	parts := splitPath(path)
	if len(parts) == 0 {
		return resource.NewNullProperty()
	}
	parent := resource.NewObjectProperty(m)
	if len(parts) > 1 {
		parent = lookup(m, joinPath(parts[:len(parts)-1]))
	}
	if !parent.IsObject() {
		return resource.NewNullProperty()
	}
	return parent.ObjectValue()[resource.PropertyKey(parts[len(parts)-1])]
}

func joinPath(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "."
		}
		out += p
	}
	return out
}

var secretRules = []Rule{
	{
		Name:          "secrets-are-secret",
		Description:   "Passwords and secret values reach the engine as Pulumi secrets (encrypted in state, never shown).",
		ResourceTypes: []string{TypeRdsCluster, "aws:rds/instance:Instance", "aws:secretsmanager/secretVersion:SecretVersion", "aws:ssm/parameter:Parameter"},
		Check: func(r *Resource) []string {
			var out []string
			for _, path := range secretInputs[r.Type] {
				if r.Type == "aws:ssm/parameter:Parameter" && r.str("type") != "SecureString" {
					continue
				}
				v := rawLookup(r.Inputs, path)
				if !isSet(unwrap(v)) && !v.IsSecret() {
					continue
				}
				if !v.ContainsSecrets() {
					out = append(out, fmt.Sprintf("%s is not a Pulumi secret", path))
				}
			}
			return out
		},
	},
}
