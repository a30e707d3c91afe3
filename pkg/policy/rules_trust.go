package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// TrustSourceConditionExempt are the service principals a role may trust without a source
// condition, each with the reason: services that assume a role for a resource of their own rather
// than on behalf of a caller, and whose documentation gives the trust with the principal alone (a
// condition the service does not send would stop the role from working). A role can only be
// passed by principals of its own account, which the deploy role's iam:PassRole limits to the
// stack's roles and to these services.
var TrustSourceConditionExempt = map[string]string{
	"ec2.amazonaws.com":    "EC2 instance profiles: EC2 sends no source key when it assumes the instance role",
	"lambda.amazonaws.com": "Lambda execution roles: the Lambda developer guide gives the trust with the principal alone",
	"backup.amazonaws.com": "AWS Backup service role: AWS Backup documents no source condition for it",
}

// stackOfURN is the stack part of a URN ("urn:pulumi:<stack>::<project>::...").
func stackOfURN(urn string) (stack, project string) {
	parts := strings.Split(strings.TrimPrefix(urn, "urn:pulumi:"), "::")
	if len(parts) < 2 {
		return "", ""
	}
	return parts[0], parts[1]
}

// pulumiSubjectRe is a Pulumi Deployments token subject; trustedOperations are the ones a deploy
// role may admit (never preview: a pull request's preview runs the branch's code).
var (
	pulumiSubjectRe   = regexp.MustCompile(`^pulumi:deploy:org:[^:*?]+:project:([^:*?]+):stack:([^:*?]+):operation:([^:*?]+):scope:write$`)
	trustedOperations = map[string]bool{"update": true, "refresh": true, "destroy": true}
)

// trustProblems checks one trust policy of a role of stack/project: every Allow names only AWS
// service principals with a source condition (or exempt), or a federated OIDC provider of the
// account with an audience and exact subjects of this stack's changing operations.
func trustProblems(doc map[string]any, stack, project string) []string {
	var out []string
	for i, s := range statementsOf(doc) {
		if s["Effect"] != "Allow" {
			continue
		}
		where := fmt.Sprintf("statement %d", i)
		if sid, _ := s["Sid"].(string); sid != "" {
			where = fmt.Sprintf("statement %q", sid)
		}
		principal, ok := s["Principal"].(map[string]any)
		if !ok {
			out = append(out, where+" trusts every principal (\"*\")")
			continue
		}
		keys := conditionKeys(s["Condition"])
		for typ, v := range principal {
			switch typ {
			case "Service":
				for _, svc := range policyStrings(v) {
					if _, exempt := TrustSourceConditionExempt[svc]; !exempt && !hasSourceCondition(svc, keys) {
						out = append(out, fmt.Sprintf("%s trusts %s with no aws:SourceAccount or aws:SourceArn condition", where, svc))
					}
				}
			case "Federated":
				out = append(out, federatedProblems(where, policyStrings(v), s["Condition"], stack, project)...)
			default:
				out = append(out, fmt.Sprintf("%s trusts %s principals %v: only AWS services and this stack's OIDC subjects may assume the program's roles", where, typ, policyStrings(v)))
			}
		}
	}
	return out
}

func federatedProblems(where string, providers []string, cond any, stack, project string) []string {
	var out []string
	for _, p := range providers {
		if !strings.Contains(p, ":oidc-provider/") {
			out = append(out, fmt.Sprintf("%s trusts the identity provider %s: only an OIDC provider of the account", where, p))
		}
	}
	c, _ := cond.(map[string]any)
	for op := range c {
		if op != "StringEquals" {
			out = append(out, fmt.Sprintf("%s tests the token with %s: only StringEquals (exact audience and subjects)", where, op))
		}
	}
	equals, _ := c["StringEquals"].(map[string]any)
	hasAud, subjects := false, 0
	for k, v := range equals {
		switch {
		case strings.HasSuffix(k, ":aud"):
			hasAud = true
		case strings.HasSuffix(k, ":sub"):
			for _, sub := range policyStrings(v) {
				subjects++
				m := pulumiSubjectRe.FindStringSubmatch(sub)
				switch {
				case m == nil:
					out = append(out, fmt.Sprintf("%s admits the subject %q: not an exact Pulumi Deployments subject", where, sub))
				case m[1] != project || m[2] != stack:
					out = append(out, fmt.Sprintf("%s admits the subject %q: another project or stack than %s/%s", where, sub, project, stack))
				case !trustedOperations[m[3]]:
					out = append(out, fmt.Sprintf("%s admits the subject %q: operation %s (only update, refresh, destroy)", where, sub, m[3]))
				}
			}
		}
	}
	if !hasAud || subjects == 0 {
		out = append(out, where+" trusts web identities without an exact audience and subject")
	}
	return out
}

// iamArnRe finds IAM role, policy and instance-profile ARNs (and patterns) in a policy.
var iamArnRe = regexp.MustCompile(`^arn:[a-z-]+:iam::[^:]*:(role|policy|instance-profile)(/.*)$`)

// namePrefixPatterns returns the IAM ARN patterns of a policy that match by a name prefix: a
// wildcard anywhere but a whole last path segment ("role/multi-region-ha-prod-*" rather than
// "role/multi-region-ha/prod/*"). IAM names are unique per account but not per stack, so a name
// prefix shared by two stacks (prod, prod-eu) grants one stack the other's IAM.
func namePrefixPatterns(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		m := iamArnRe.FindStringSubmatch(x)
		if m == nil || !strings.ContainsAny(m[2], "*?") {
			return
		}
		if !strings.HasSuffix(m[2], "/*") || strings.ContainsAny(strings.TrimSuffix(m[2], "/*"), "*?") {
			*out = append(*out, x)
		}
	case []any:
		for _, e := range x {
			namePrefixPatterns(e, out)
		}
	case map[string]any:
		for _, e := range x {
			namePrefixPatterns(e, out)
		}
	}
}

var trustRules = []Rule{
	{
		Name: "iam-trust-only-services-and-this-stack",
		Description: "Every role's trust policy admits only AWS service principals with a source condition (EC2 instance roles exempt) " +
			"or an OIDC provider with an exact audience and exact subjects of this stack's update, refresh and destroy operations.",
		ResourceTypes: []string{TypeIamRole},
		Check: func(r *Resource) []string {
			doc, ok := r.policyJSON("assumeRolePolicy")
			if !ok {
				return nil
			}
			stack, project := stackOfURN(r.URN)
			return trustProblems(doc, stack, project)
		},
	},
	{
		Name:          "iam-match-by-path",
		Description:   "No IAM ARN pattern in a policy the program writes matches by a name prefix: wildcards only as a whole last path segment (role/<project>/<stack>/*).",
		ResourceTypes: []string{TypeIamPolicy, TypeIamRolePolicy, TypeIamRole, TypeKmsKey},
		Check: func(r *Resource) []string {
			var out []string
			for _, path := range []string{"policy", "assumeRolePolicy"} {
				doc, ok := r.policyJSON(path)
				if !ok {
					continue
				}
				var found []string
				for _, s := range statementsOf(doc) {
					namePrefixPatterns(s["Resource"], &found)
					namePrefixPatterns(s["NotResource"], &found)
					namePrefixPatterns(s["Condition"], &found)
				}
				for _, f := range found {
					out = append(out, fmt.Sprintf("%s matches IAM by a name prefix (%s): match by the stack's IAM path", path, f))
				}
			}
			return out
		},
	},
}
