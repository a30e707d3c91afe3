package deployaccess

import (
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
	Allowed      = iampolicy.Allowed
	ExplicitDeny = iampolicy.ExplicitDeny
	ImplicitDeny = iampolicy.ImplicitDeny
)

// Evaluate decides a request against identity policies the way IAM does within one account
// (iampolicy.Evaluate).
func Evaluate(req Request, docs ...iampolicy.Document) string {
	return iampolicy.Evaluate(iampolicy.Request{Action: req.Action, Resource: req.Resource, Context: req.Context}, docs...)
}

// NotActionAllow is a statement granting every action except the listed ones (PowerUserAccess's
// shape), for Evaluate.
func NotActionAllow(sid string, except []string) iampolicy.Statement {
	return iampolicy.Statement{Sid: sid, Effect: "Allow", NotAction: except, Resource: []string{"*"}}
}

// PowerUserAccess models the AWS managed policy the deploy role holds by default, for Evaluate:
// every action but IAM, Organizations and Account, plus the few IAM calls it grants itself.
func PowerUserAccess() iampolicy.Document {
	return iampolicy.New(
		NotActionAllow("PowerUserAccess", []string{"iam:*", "organizations:*", "account:*"}),
		iampolicy.Statement{Effect: "Allow", Action: []string{"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"}, Resource: []string{"*"}},
	)
}

// ParsePolicy reads a policy document as the program registers it (a RolePolicy's or Policy's
// policy input), for Evaluate.
func ParsePolicy(s string) (iampolicy.Document, error) { return iampolicy.Parse(s) }

// Document is a policy document, for callers outside pkg/ (the whole-program tests) that evaluate
// the program's policies.
type Document = iampolicy.Document

// DecideAs evaluates req made by the role roleArn against a resource policy (a key policy, a trust
// policy) and the role's identity policies, within one account (iampolicy.Decide).
func DecideAs(roleArn string, req Request, resourcePolicy Document, identity ...Document) string {
	return iampolicy.Decide(iampolicy.Request{Principal: iampolicy.Role(roleArn), Action: req.Action, Resource: req.Resource, Context: req.Context}, resourcePolicy, identity...)
}

// DecideForService evaluates req made by an AWS service principal on its own against a resource
// policy (iampolicy.Decide).
func DecideForService(service string, req Request, resourcePolicy Document) string {
	return iampolicy.Decide(iampolicy.Request{Principal: iampolicy.ServicePrincipal(service), Action: req.Action, Resource: req.Resource, Context: req.Context}, resourcePolicy)
}
