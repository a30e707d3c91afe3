package policy

import (
	"fmt"
	"strings"
)

// IAM identity-policy resources and where their documents live.
const (
	TypeIamPolicy           = "aws:iam/policy:Policy"
	TypeIamRolePolicy       = "aws:iam/rolePolicy:RolePolicy"
	TypeIamUserPolicy       = "aws:iam/userPolicy:UserPolicy"
	TypeIamGroupPolicy      = "aws:iam/groupPolicy:GroupPolicy"
	TypeIamRole             = "aws:iam/role:Role"
	TypeIamRolePolicyAttach = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
)

// broadManagedPolicies are AWS-managed policies that grant everything, or every IAM action (and so
// everything). PowerUserAccess stays allowed: the Pulumi Deployments role needs it to create what the
// program creates, and pkg/deployaccess narrows its IAM actions with policies of its own.
var broadManagedPolicies = []string{"AdministratorAccess", "IAMFullAccess"}

// wildcardActions returns the Allow statements' actions that grant a whole service or everything,
// and Allow statements built on NotAction.
func wildcardActions(doc map[string]any) []string {
	statements, _ := doc["Statement"].([]any)
	if s, ok := doc["Statement"].(map[string]any); ok {
		statements = []any{s}
	}
	var out []string
	for _, raw := range statements {
		s, _ := raw.(map[string]any)
		if s["Effect"] != "Allow" {
			continue
		}
		if s["NotAction"] != nil {
			out = append(out, "NotAction")
		}
		actions, _ := s["Action"].([]any)
		if a, ok := s["Action"].(string); ok {
			actions = []any{a}
		}
		for _, a := range actions {
			if a, _ := a.(string); a == "*" || strings.HasSuffix(a, ":*") {
				out = append(out, a)
			}
		}
	}
	return out
}

// isPermissionsBoundary reports whether a managed policy is the program's permissions boundary
// (pkg/deployaccess): named "<prefix>boundary", and no statement of it can grant an IAM write, so
// the broad Allow a boundary needs (it only ever intersects with a role's own policies) can never be
// used to change IAM. Two shapes qualify: an unconditioned Deny of iam:*, or a catch-all Allow whose
// NotAction excludes iam:* while the only IAM it allows are reads (iam:Get*, iam:List*) and a
// conditioned iam:PassRole. Attached as an identity policy it would still be refused: it is only
// ever a role's permissionsBoundary.
func isPermissionsBoundary(r *Resource) bool {
	if !strings.HasSuffix(r.str("name"), "-boundary") {
		return false
	}
	doc, ok := r.policyJSON("policy")
	if !ok {
		return false
	}
	statements, _ := doc["Statement"].([]any)
	excludesIAM, grantsIAMWrite := false, false
	for _, raw := range statements {
		st, _ := raw.(map[string]any)
		actions := policyStrings(st["Action"])
		if st["Effect"] == "Deny" {
			for _, a := range actions {
				if a == "iam:*" && st["Condition"] == nil {
					return true
				}
			}
			continue
		}
		if st["NotAction"] != nil {
			if containsString(policyStrings(st["NotAction"]), "iam:*") {
				excludesIAM = true
			} else {
				grantsIAMWrite = true
			}
		}
		for _, a := range actions {
			switch {
			case a == "iam:PassRole" && st["Condition"] != nil, strings.HasPrefix(a, "iam:Get"), strings.HasPrefix(a, "iam:List"):
			case a == "*" || strings.HasPrefix(a, "iam:"):
				grantsIAMWrite = true
			}
		}
	}
	return excludesIAM && !grantsIAMWrite
}

// policyStrings reads an Action or NotAction element: one string or a list.
func policyStrings(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

var iamRules = []Rule{
	{
		Name:          "iam-least-privilege",
		Description:   "IAM identity policies allow no wildcard actions (\"*\", \"service:*\", NotAction) and no broad AWS-managed policy is attached.",
		ResourceTypes: []string{TypeIamPolicy, TypeIamRolePolicy, TypeIamUserPolicy, TypeIamGroupPolicy, TypeIamRole, TypeIamRolePolicyAttach},
		Check: func(r *Resource) []string {
			var out []string
			check := func(where string, doc *Resource, path string) {
				if d, ok := doc.policyJSON(path); ok {
					for _, a := range wildcardActions(d) {
						out = append(out, fmt.Sprintf("%s allows %s", where, a))
					}
				}
			}
			switch r.Type {
			case TypeIamRole:
				for i, p := range subs(r, "inlinePolicies") {
					check(fmt.Sprintf("inlinePolicies[%d]", i), p, "policy")
				}
			case TypeIamRolePolicyAttach:
				for _, name := range broadManagedPolicies {
					if strings.HasSuffix(r.str("policyArn"), ":policy/"+name) {
						out = append(out, "attaches "+name)
					}
				}
			default:
				if r.Type == TypeIamPolicy && isPermissionsBoundary(r) {
					return nil // a boundary caps what roles may do; its Allow grants nothing by itself
				}
				check("the policy", r, "policy")
			}
			return out
		},
	},
}
