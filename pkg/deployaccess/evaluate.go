package deployaccess

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// Request is one API call as IAM evaluates it: the action, the resource ARN and the request's
// condition keys (e.g. iam:PermissionsBoundary of the role, iam:PassedToService, iam:PolicyARN).
type Request struct {
	Action   string
	Resource string
	Context  map[string]string
}

// Decisions of Evaluate.
const (
	Allowed       = "Allow"
	ExplicitDeny  = "Deny"
	ImplicitDeny  = "ImplicitDeny" // no statement allows it
	notApplicable = ""
)

// Evaluate decides a request against identity policies the way IAM does within one account: an
// explicit deny in any policy wins, then an allow, else the implicit deny. It understands Action,
// NotAction, Resource (with * and ? wildcards) and the condition operators the deploy role's policies use
// (StringEquals, StringNotEquals, StringLike, ArnLike, ArnNotLike); a negated operator matches when
// the key is absent, the others do not, as in IAM.
func Evaluate(req Request, docs ...iampolicy.Document) string {
	decision := ImplicitDeny
	for _, doc := range docs {
		for _, s := range doc.Statement {
			if !actionMatches(s, req.Action) || (len(s.Resource) > 0 && !matchesAny(s.Resource, req.Resource)) || !conditionsHold(s.Condition, req.Context) {
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

// actionMatches reports whether s applies to action: through Action, or through NotAction (every
// action but those listed).
func actionMatches(s iampolicy.Statement, action string) bool {
	if len(s.NotAction) > 0 {
		return !matchesAny(s.NotAction, action)
	}
	return matchesAny(s.Action, action)
}

// NotActionAllow is a statement granting every action except the listed ones (PowerUserAccess's
// shape), for Evaluate.
func NotActionAllow(sid string, except []string) iampolicy.Statement {
	return iampolicy.Statement{Sid: sid, Effect: "Allow", Action: []string{"!" + strings.Join(except, "|")}, Resource: []string{"*"}}
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if strings.HasPrefix(p, "!") { // NotAction, see NotActionAllow
			if !matchesAny(strings.Split(p[1:], "|"), s) {
				return true
			}
			continue
		}
		if wildcard(p).MatchString(s) {
			return true
		}
	}
	return false
}

func wildcard(p string) *regexp.Regexp {
	re := regexp.QuoteMeta(p)
	re = strings.ReplaceAll(re, `\*`, ".*")
	re = strings.ReplaceAll(re, `\?`, ".")
	return regexp.MustCompile("(?i)^" + re + "$")
}

func conditionsHold(conditions map[string]map[string]any, ctx map[string]string) bool {
	for op, keys := range conditions {
		for key, want := range keys {
			values := toStrings(want)
			got, present := ctx[key]
			match := false
			for _, v := range values {
				switch op {
				case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals":
					match = match || (present && got == v)
				default: // StringLike, StringNotLike, ArnLike, ArnNotLike
					match = match || (present && wildcard(v).MatchString(got))
				}
			}
			negated := strings.Contains(op, "Not")
			if negated {
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

// ParsePolicy reads a policy document as the program registers it (a RolePolicy's or Policy's
// policy input), for Evaluate.
func ParsePolicy(s string) (iampolicy.Document, error) {
	var doc iampolicy.Document
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return doc, fmt.Errorf("deployaccess: parse policy: %w", err)
	}
	return doc, nil
}

// PowerUserAccess models the AWS managed policy the deploy role holds by default, for Evaluate:
// every action but IAM, Organizations and Account, plus the few IAM calls it grants itself.
func PowerUserAccess() iampolicy.Document {
	return iampolicy.New(
		NotActionAllow("PowerUserAccess", []string{"iam:*", "organizations:*", "account:*"}),
		iampolicy.Statement{Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"}, Resource: []string{"*"}},
	)
}
