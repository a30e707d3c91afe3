package deployaccess

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

const acct = "123456789012"

var (
	sc          = NewScope("aws", acct, "multi-region-ha", "prod")
	boundaryArn = sc.BoundaryArn()
	self        = sc.DeployRoleArn()
	provider    = "arn:aws:iam::" + acct + ":oidc-provider/api.pulumi.com/oidc"
	programRole = sc.Arn("role", "multi-region-ha-prod-flow-logs-1a2b3c4")
	// prefixedRole has the stack's name prefix but not its path: the pre-path match would take it.
	prefixedRole = "arn:aws:iam::" + acct + ":role/multi-region-ha-prod-eu-flow-logs-1a2b3c4"
	otherRole    = "arn:aws:iam::" + acct + ":role/admin"
	adminPolicy  = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// deployRole is what the deploy role holds: PowerUserAccess (every action but IAM, Organizations
// and Account, plus a few IAM reads and service-linked roles) and the inline policy.
func deployRole() []iampolicy.Document {
	powerUser := PowerUserAccess()
	inline := RolePolicy(sc, issuer)
	return []iampolicy.Document{powerUser, inline}
}

func decideFor(req Request) string { return Evaluate(req, deployRole()...) }

func bounded(extra ...string) map[string]string {
	ctx := map[string]string{"iam:PermissionsBoundary": boundaryArn}
	for i := 0; i+1 < len(extra); i += 2 {
		ctx[extra[i]] = extra[i+1]
	}
	return ctx
}

// What a deployment of the program must be able to do.
func TestDeployRoleCanDeployTheProgram(t *testing.T) {
	for _, req := range []Request{
		{"iam:CreateRole", programRole, bounded()},
		{"iam:PutRolePolicy", programRole, bounded()},
		{"iam:AttachRolePolicy", programRole, bounded("iam:PolicyARN", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")},
		{"iam:AttachRolePolicy", programRole, bounded("iam:PolicyARN", "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole")},
		{"iam:DetachRolePolicy", programRole, bounded()},
		{"iam:UpdateAssumeRolePolicy", programRole, nil},
		{"iam:DeleteRole", programRole, nil},
		{"iam:TagRole", programRole, nil},
		{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}},
		{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "states.amazonaws.com"}},
		{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "lambda.amazonaws.com"}},
		{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "fis.amazonaws.com"}},
		{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "ssm.amazonaws.com"}},
		{"iam:CreateInstanceProfile", sc.Arn("instance-profile", "multi-region-ha-prod-profile-1"), nil},
		{"iam:CreateServiceLinkedRole", "arn:aws:iam::" + acct + ":role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS", nil},
		// A refresh reads everything, the deploy role and the provider included; a tag change re-tags them.
		{"iam:GetRole", self, nil},
		{"iam:GetRolePolicy", self, nil},
		{"iam:GetPolicy", boundaryArn, nil},
		{"iam:TagRole", self, nil},
		{"iam:GetOpenIDConnectProvider", provider, nil},
		{"iam:TagOpenIDConnectProvider", provider, nil},
		// Everything else PowerUserAccess covers.
		{"ec2:RunInstances", "*", nil},
		{"rds:FailoverGlobalCluster", "*", nil},
	} {
		assert.Equal(t, Allowed, decideFor(req), "%s on %s %v", req.Action, req.Resource, req.Context)
	}
}

// The escalation paths, each denied against the evaluated policy.
func TestDeployRoleCannotEscalate(t *testing.T) {
	cases := []struct {
		name string
		req  Request
	}{
		// A new admin role that trusts the deploy role: without the boundary, outside the prefix,
		// with another boundary, AdministratorAccess attached, or assumed afterwards: all refused.
		{"new role without the boundary", Request{"iam:CreateRole", programRole, nil}},
		{"new role outside the path", Request{"iam:CreateRole", otherRole, bounded()}},
		{"new role with the name prefix but not the path", Request{"iam:CreateRole", prefixedRole, bounded()}},
		{"change the trust of a role with the name prefix but not the path", Request{"iam:UpdateAssumeRolePolicy", prefixedRole, nil}},
		{"new role with another boundary", Request{"iam:CreateRole", programRole, map[string]string{"iam:PermissionsBoundary": sc.Arn("policy", "wide-open")}}},
		{"AdministratorAccess on a new role", Request{"iam:AttachRolePolicy", programRole, bounded("iam:PolicyARN", adminPolicy)}},
		{"IAMFullAccess on a new role", Request{"iam:AttachRolePolicy", programRole, bounded("iam:PolicyARN", "arn:aws:iam::aws:policy/IAMFullAccess")}},
		{"assume the new role", Request{"sts:AssumeRole", programRole, nil}},
		{"assume any role", Request{"sts:AssumeRole", otherRole, nil}},
		// Attaching AdministratorAccess to itself or to a role outside the stack.
		{"AdministratorAccess on the deploy role", Request{"iam:AttachRolePolicy", self, map[string]string{"iam:PolicyARN": adminPolicy}}},
		{"AdministratorAccess on another role", Request{"iam:AttachRolePolicy", otherRole, map[string]string{"iam:PolicyARN": adminPolicy}}},
		{"inline policy on the deploy role", Request{"iam:PutRolePolicy", self, nil}},
		{"widen its own trust", Request{"iam:UpdateAssumeRolePolicy", self, nil}},
		// A new policy version on the boundary (or deleting it, or making an old version default).
		{"new version of the boundary", Request{"iam:CreatePolicyVersion", boundaryArn, nil}},
		{"old version of the boundary as default", Request{"iam:SetDefaultPolicyVersion", boundaryArn, nil}},
		{"delete the boundary", Request{"iam:DeletePolicy", boundaryArn, nil}},
		// Removing or changing a role's boundary.
		{"remove a role's boundary", Request{"iam:DeleteRolePermissionsBoundary", programRole, bounded()}},
		{"swap a role's boundary", Request{"iam:PutRolePermissionsBoundary", programRole, map[string]string{"iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess"}}},
		// Inline policies on a role that lacks the boundary (one the deploy role did not create).
		{"inline policy on an unbounded role", Request{"iam:PutRolePolicy", programRole, nil}},
		// Handing a role to a service that could run arbitrary code with it.
		// (Lambda, FIS and SSM receive program roles, so they are allowed; Glue never does.)
		{"pass a role to Glue", Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "glue.amazonaws.com"}}},
		{"pass a role to CodeBuild", Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "codebuild.amazonaws.com"}}},
		{"pass a role to CloudFormation", Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "cloudformation.amazonaws.com"}}},
		{"pass another role", Request{"iam:PassRole", otherRole, map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}}},
		// The OIDC provider and long-lived credentials.
		{"trust another audience", Request{"iam:AddClientIDToOpenIDConnectProvider", provider, nil}},
		{"create a user", Request{"iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", nil}},
		{"create an access key", Request{"iam:CreateAccessKey", "arn:aws:iam::" + acct + ":user/x", nil}},
		{"policy outside the path", Request{"iam:CreatePolicy", "arn:aws:iam::" + acct + ":policy/admin", nil}},
		{"new version of a name-prefixed policy outside the path", Request{"iam:CreatePolicyVersion", "arn:aws:iam::" + acct + ":policy/multi-region-ha-prod-eu-boundary", nil}},
		{"another account", Request{"iam:CreateRole", NewScope("aws", "210987654321", "multi-region-ha", "prod").Arn("role", "x"), bounded()}},
	}
	for _, tc := range cases {
		got := decideFor(tc.req)
		assert.NotEqual(t, Allowed, got, "%s: %s on %s is allowed", tc.name, tc.req.Action, tc.req.Resource)
	}
}

// boundedDecides is what a program role may do whatever its own policies say (as if it held
// AdministratorAccess): a request takes effect only if the boundary allows it too.
func boundedDecides(req Request) string {
	return Evaluate(req, BoundaryPolicy(sc))
}

// The boundary caps every program role: no IAM write, Organizations, Account or chaining; IAM reads
// and PassRole of the stack's roles to the program's services only.
func TestBoundaryCapsEveryProgramRole(t *testing.T) {
	for _, a := range []string{"organizations:LeaveOrganization", "account:PutAlternateContact", "sts:AssumeRole"} {
		assert.Equal(t, ExplicitDeny, boundedDecides(Request{Action: a, Resource: "*"}), a)
	}
	for _, a := range []string{"logs:PutLogEvents", "rds:FailoverGlobalCluster", "autoscaling:UpdateAutoScalingGroup", "s3:PutObject",
		"ssm:StartAutomationExecution", "sts:GetCallerIdentity", "iam:GetRole", "iam:ListRoles", "iam:GetAccountAuthorizationDetails", "iam:ListPolicies"} {
		assert.Equal(t, Allowed, boundedDecides(Request{Action: a, Resource: "*"}), a)
	}
	// The patch window's role hands the automation role to Systems Manager.
	assert.Equal(t, Allowed, boundedDecides(Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "ssm.amazonaws.com"}}))
	for _, svc := range PassedToServices {
		assert.Equal(t, Allowed, boundedDecides(Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": svc}}), svc)
	}
	assert.Equal(t, "arn:aws:iam::123456789012:policy/multi-region-ha/prod/multi-region-ha-prod-role-boundary", boundaryArn)
	assert.NotEqual(t, Allowed, boundedDecides(Request{"iam:PassRole", prefixedRole, map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}}), "a role with the name prefix but not the path")
}

// Every escalation path of a program role (one that, through a bad commit, held
// AdministratorAccess) is refused by the boundary alone.
func TestBoundedRoleCannotEscalate(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Request
	}{
		{"create a role", Request{"iam:CreateRole", programRole, bounded()}},
		{"create a role outside the path", Request{"iam:CreateRole", otherRole, nil}},
		{"attach AdministratorAccess", Request{"iam:AttachRolePolicy", programRole, bounded("iam:PolicyARN", adminPolicy)}},
		{"inline policy on itself", Request{"iam:PutRolePolicy", programRole, bounded()}},
		{"widen a trust", Request{"iam:UpdateAssumeRolePolicy", programRole, nil}},
		{"remove its boundary", Request{"iam:DeleteRolePermissionsBoundary", programRole, nil}},
		{"new version of the boundary", Request{"iam:CreatePolicyVersion", boundaryArn, nil}},
		{"default version of the boundary", Request{"iam:SetDefaultPolicyVersion", boundaryArn, nil}},
		{"create a user", Request{"iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", nil}},
		{"create an access key", Request{"iam:CreateAccessKey", "arn:aws:iam::" + acct + ":user/x", nil}},
		{"service-linked role", Request{"iam:CreateServiceLinkedRole", "arn:aws:iam::" + acct + ":role/aws-service-role/x", nil}},
		{"change the OIDC provider", Request{"iam:AddClientIDToOpenIDConnectProvider", provider, nil}},
		{"account alias", Request{"iam:CreateAccountAlias", "*", nil}},
		{"pass a role outside the path", Request{"iam:PassRole", otherRole, map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}}},
		{"pass a role of the path in another account", Request{"iam:PassRole", NewScope("aws", "210987654321", "multi-region-ha", "prod").Arn("role", "x"), map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}}},
		{"pass a role to Glue", Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "glue.amazonaws.com"}}},
		{"pass a role to CloudFormation", Request{"iam:PassRole", programRole, map[string]string{"iam:PassedToService": "cloudformation.amazonaws.com"}}},
		{"pass a role with no service", Request{"iam:PassRole", programRole, nil}},
		{"pass the deploy role", Request{"iam:PassRole", self, map[string]string{"iam:PassedToService": "ec2.amazonaws.com"}}},
		{"assume a role", Request{"sts:AssumeRole", programRole, nil}},
		{"leave the organization", Request{"organizations:LeaveOrganization", "*", nil}},
	} {
		assert.NotEqual(t, Allowed, boundedDecides(tc.req), "%s: %s on %s is allowed", tc.name, tc.req.Action, tc.req.Resource)
	}
}

func TestEvaluateConditions(t *testing.T) {
	doc := iampolicy.New(
		iampolicy.Statement{Effect: "Allow", Action: []string{"s3:Get*"}, Resource: []string{"arn:aws:s3:::b/*"},
			Condition: map[string]map[string]any{"StringEquals": {"k": []string{"a", "b"}}}},
		iampolicy.Statement{Effect: "Deny", Action: []string{"s3:GetObject"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringNotEquals": {"n": "ok"}}},
	)
	assert.Equal(t, ImplicitDeny, Evaluate(Request{"s3:GetBucket", "arn:aws:s3:::b/x", nil}, doc), "a missing key fails StringEquals")
	assert.Equal(t, Allowed, Evaluate(Request{"s3:GetBucket", "arn:aws:s3:::b/x", map[string]string{"k": "b"}}, doc))
	assert.Equal(t, ImplicitDeny, Evaluate(Request{"s3:GetBucket", "arn:aws:s3:::c/x", map[string]string{"k": "b"}}, doc))
	assert.Equal(t, ExplicitDeny, Evaluate(Request{"s3:GetObject", "arn:aws:s3:::b/x", map[string]string{"k": "a"}}, doc), "a missing key matches StringNotEquals")
	assert.Equal(t, Allowed, Evaluate(Request{"s3:GetObject", "arn:aws:s3:::b/x", map[string]string{"k": "a", "n": "ok"}}, doc))
}
