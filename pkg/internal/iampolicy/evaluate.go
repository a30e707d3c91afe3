package iampolicy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Decisions of Evaluate and Decide.
const (
	Allowed      = "Allow"
	ExplicitDeny = "Deny"
	ImplicitDeny = "ImplicitDeny" // no statement allows it
)

// Principal is who makes a request: Type "AWS" (an IAM role or user ARN, or an account's root),
// "Service" (a service principal such as logs.us-east-1.amazonaws.com) or "Federated" (an OIDC
// provider ARN, for sts:AssumeRoleWithWebIdentity).
type Principal struct {
	Type, ID string
}

// Role is the AWS principal of a role session (the role's ARN, path included, as IAM reports it in
// aws:PrincipalArn).
func Role(arn string) Principal { return Principal{Type: "AWS", ID: arn} }

// ServicePrincipal is the principal of an AWS service acting on its own (not with a caller's
// credentials).
func ServicePrincipal(name string) Principal { return Principal{Type: "Service", ID: name} }

// FederatedPrincipal is a web identity from the OIDC provider providerArn.
func FederatedPrincipal(providerArn string) Principal {
	return Principal{Type: "Federated", ID: providerArn}
}

// Request is one API call as IAM evaluates it: who, the action, the resource ARN and the request's
// condition keys. For an AWS principal, aws:PrincipalArn and aws:PrincipalAccount are filled in
// from Principal unless Context sets them.
type Request struct {
	Principal Principal
	Action    string
	Resource  string
	Context   map[string]string
}

// Evaluate decides a request against identity policies the way IAM does within one account: an
// explicit deny in any policy wins, then an allow, else the implicit deny. Statement principals are
// ignored (identity policies have none). It understands Action, NotAction, Resource (with * and ?
// wildcards) and the condition operators the program's policies use (String*, Arn*, Bool); a
// negated operator matches when the key is absent, the others do not, as in IAM.
func Evaluate(req Request, docs ...Document) string {
	ctx := req.context()
	decision := ImplicitDeny
	for _, doc := range docs {
		for _, s := range doc.Statement {
			if !s.applies(req, ctx) {
				continue
			}
			if s.Effect == "Deny" {
				return ExplicitDeny
			}
			decision = Allowed
		}
	}
	return decision
}

// Decide evaluates a request against a resource-based policy (a key policy or a role's trust
// policy) and the principal's identity policies, within one account, as IAM and KMS do: an explicit
// deny in either wins; a statement naming the principal itself allows on its own; a statement
// naming the principal's account (its root) only delegates to IAM, so the identity policies must
// allow the request too ("the key policy allows the account, the IAM policy allows the role").
func Decide(req Request, resourcePolicy Document, identity ...Document) string {
	ctx := req.context()
	direct, delegated := false, false
	for _, s := range resourcePolicy.Statement {
		match := s.principalMatch(req.Principal)
		if match == noMatch || !s.applies(req, ctx) {
			continue
		}
		if s.Effect == "Deny" {
			return ExplicitDeny
		}
		if match == directMatch {
			direct = true
		} else {
			delegated = true
		}
	}
	id := ImplicitDeny
	if req.Principal.Type == "AWS" {
		id = Evaluate(req, identity...)
	}
	switch {
	case id == ExplicitDeny:
		return ExplicitDeny
	case direct || (delegated && id == Allowed):
		return Allowed
	}
	return ImplicitDeny
}

func (req Request) context() map[string]string {
	ctx := map[string]string{}
	if req.Principal.Type == "AWS" {
		ctx["aws:PrincipalArn"] = req.Principal.ID
		ctx["aws:PrincipalAccount"] = accountOf(req.Principal.ID)
	}
	for k, v := range req.Context {
		ctx[k] = v
	}
	return ctx
}

func (s Statement) applies(req Request, ctx map[string]string) bool {
	return s.actionMatches(req.Action) && (len(s.Resource) == 0 || matchesAny(s.Resource, req.Resource)) && conditionsHold(s.Condition, ctx)
}

const (
	noMatch = iota
	directMatch
	accountMatch
)

// principalMatch reports how a resource policy statement names p: itself (or "*"), through its
// account's root, or not at all.
func (s Statement) principalMatch(p Principal) int {
	best := noMatch
	for typ, v := range s.Principal {
		for _, id := range toStrings(v) {
			switch {
			case id == "*":
				return directMatch
			case typ != p.Type:
			case id == p.ID:
				return directMatch
			case typ == "AWS" && (id == accountOf(p.ID) || id == rootOf(p.ID)):
				best = accountMatch
			}
		}
	}
	return best
}

// accountOf is the account of an IAM ARN ("arn:aws:iam::123456789012:role/x" -> "123456789012").
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func rootOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":root"
}

// actionMatches reports whether s applies to action: through Action, or through NotAction (every
// action but those listed).
func (s Statement) actionMatches(action string) bool {
	if len(s.NotAction) > 0 {
		return !matchesAny(s.NotAction, action)
	}
	return matchesAny(s.Action, action)
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if Wildcard(p).MatchString(s) {
			return true
		}
	}
	return false
}

// Wildcard compiles an IAM pattern (* any run, ? one character, case-insensitive as IAM matches
// actions; ARNs in this program are lower-case where it matters).
func Wildcard(p string) *regexp.Regexp {
	re := regexp.QuoteMeta(p)
	re = strings.ReplaceAll(re, `\*`, ".*")
	re = strings.ReplaceAll(re, `\?`, ".")
	return regexp.MustCompile("(?i)^" + re + "$")
}

func conditionsHold(conditions map[string]map[string]any, ctx map[string]string) bool {
	for op, keys := range conditions {
		for key, want := range keys {
			got, present := ctx[key]
			match := false
			for _, v := range toStrings(want) {
				switch strings.Replace(strings.TrimSuffix(op, "IfExists"), "Not", "", 1) {
				case "StringEquals", "ArnEquals":
					match = match || (present && got == v)
				case "Bool":
					match = match || (present && strings.EqualFold(got, v))
				default: // StringLike, StringNotLike, ArnLike, ArnNotLike
					match = match || (present && Wildcard(v).MatchString(got))
				}
			}
			if strings.HasSuffix(op, "IfExists") && !present {
				continue
			}
			if strings.Contains(op, "Not") {
				if present && match {
					return false
				}
				continue
			}
			if !match {
				return false
			}
		}
	}
	return true
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Parse reads a policy document as the program registers it (a policy input's JSON).
func Parse(s string) (Document, error) {
	var doc Document
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return doc, fmt.Errorf("iampolicy: parse policy: %w", err)
	}
	return doc, nil
}
