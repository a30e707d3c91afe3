package deployaccess

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	region = "us-east-1"
	name   = "deploy-access"
	issuer = "https://api.pulumi.com/oidc"
)

func testArgs() *Args {
	return &Args{
		AccountId:      offline.AccountID,
		Organization:   "acme",
		Project:        "multi-region-ha",
		Stacks:         []string{"prod"},
		Issuer:         issuer,
		CreateProvider: true,
		RoleName:       RoleName("multi-region-ha", "prod"),
		PolicyArns:     []string{"arn:aws:iam::aws:policy/PowerUserAccess"},
	}
}

func run(t *testing.T, args *Args) (*offline.Mocks, error) {
	t.Helper()
	return offlinetest.Run(t, "prod", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		_, err = NewDeployAccess(ctx, name, args, pulumi.Provider(p))
		return err
	})
}

func TestProviderAndRole(t *testing.T) {
	m, err := run(t, testArgs())
	require.NoError(t, err)
	comp := m.OfType("multi-region-ha:deployaccess:DeployAccess")
	require.Len(t, comp, 1)
	desc := m.Descendants(comp[0].URN)

	oidc := m.Named("aws:iam/openIdConnectProvider:OpenIdConnectProvider", name+"-oidc")
	require.NotNil(t, oidc)
	assert.Equal(t, issuer, oidc.Str("url"))
	assert.Equal(t, []string{"acme"}, oidc.Strings("clientIdLists"), "Deployments tokens carry the organisation as audience")

	role := m.Named("aws:iam/role:Role", name+"-role")
	require.NotNil(t, role)
	assert.Equal(t, "multi-region-ha-prod-deploy", role.Str("name"))
	assert.EqualValues(t, 3600, role.Num("maxSessionDuration"))
	assert.True(t, role.DependsOn(oidc))

	trust := role.JSON("assumeRolePolicy")
	st := trust["Statement"].([]any)
	require.Len(t, st, 1)
	s := st[0].(map[string]any)
	assert.Equal(t, "Allow", s["Effect"])
	assert.Equal(t, []any{"sts:AssumeRoleWithWebIdentity"}, s["Action"])
	assert.Equal(t, map[string]any{"Federated": "arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc"}, s["Principal"])
	cond := s["Condition"].(map[string]any)
	assert.Equal(t, map[string]any{"api.pulumi.com/oidc:aud": "acme"}, cond["StringEquals"])
	assert.Equal(t, map[string]any{"api.pulumi.com/oidc:sub": []any{"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:*"}}, cond["StringLike"])

	att := m.Named("aws:iam/rolePolicyAttachment:RolePolicyAttachment", name+"-PowerUserAccess")
	require.NotNil(t, att)
	assert.Equal(t, "arn:aws:iam::aws:policy/PowerUserAccess", att.Str("policyArn"))
	assert.Equal(t, "multi-region-ha-prod-deploy", att.Str("role"))

	inline := m.Named("aws:iam/rolePolicy:RolePolicy", name+"-iam")
	require.NotNil(t, inline)
	assert.Contains(t, inline.Str("policy"), "NoSelfEscalation")

	for _, r := range m.Resources() {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			assert.Contains(t, desc, r, r.Name)
			assert.Equal(t, region, r.Region, r.Name)
		}
	}
}

func TestExistingProviderIsReferencedNotCreated(t *testing.T) {
	args := testArgs()
	args.CreateProvider = false
	args.Stacks = []string{"staging", "staging-eu"}
	m, err := run(t, args)
	require.NoError(t, err)
	assert.Empty(t, m.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"))
	role := m.Named("aws:iam/role:Role", name+"-role")
	require.NotNil(t, role)
	assert.Contains(t, role.Str("assumeRolePolicy"), `"Federated":"arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc"`)
	assert.Contains(t, role.Str("assumeRolePolicy"), "stack:staging-eu:operation:*")
}

func TestSubjects(t *testing.T) {
	assert.Equal(t, []string{
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:*",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:staging:operation:*",
	}, Subjects("acme", "multi-region-ha", []string{"prod", "staging"}))
}

func TestRolePolicyStatements(t *testing.T) {
	doc := RolePolicy("aws", "123456789012", issuer, "multi-region-ha-prod-deploy")
	byID := map[string]iampolicy.Statement{}
	for _, s := range doc.Statement {
		byID[s.Sid] = s
	}
	require.Len(t, byID, 4)

	manage := byID["ManageTheProgramsIAM"]
	assert.Equal(t, "Allow", manage.Effect)
	assert.Equal(t, []string{
		"arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:policy/*", "arn:aws:iam::123456789012:instance-profile/*",
		"arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc",
	}, manage.Resource)
	for _, a := range manage.Action {
		assert.True(t, strings.HasPrefix(a, "iam:") && !strings.Contains(a, "*"), a)
		assert.NotContains(t, deniedIAMActions, a)
	}
	assert.NotContains(t, manage.Action, "iam:CreateUser")

	self := byID["NoSelfEscalation"]
	assert.Equal(t, "Deny", self.Effect)
	assert.Equal(t, []string{"arn:aws:iam::123456789012:role/multi-region-ha-prod-deploy", "arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc"}, self.Resource)
	for _, a := range []string{"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:AddClientIDToOpenIDConnectProvider"} {
		assert.Contains(t, self.Action, a)
	}

	keys := byID["NoLongLivedCredentials"]
	assert.Equal(t, "Deny", keys.Effect)
	assert.Contains(t, keys.Action, "iam:CreateAccessKey")
	assert.Contains(t, keys.Action, "iam:CreateUser")
	assert.Equal(t, []string{"*"}, keys.Resource)

	slr := byID["CreateServiceLinkedRoles"]
	assert.Equal(t, []string{"arn:aws:iam::123456789012:role/aws-service-role/*"}, slr.Resource)
}

func TestRoleName(t *testing.T) {
	assert.Equal(t, "multi-region-ha-staging-deploy", RoleName("multi-region-ha", "staging"))
	assert.Len(t, RoleName(strings.Repeat("p", 60), "prod"), 64)
}

func TestBadArgs(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Args) *Args
		want   string
	}{
		{"nil", func(*Args) *Args { return nil }, "args are required"},
		{"no org", func(a *Args) *Args { a.Organization = ""; return a }, "Organization is required"},
		{"wildcard stack", func(a *Args) *Args { a.Stacks = []string{"*"}; return a }, "may not contain"},
		{"no stacks", func(a *Args) *Args { a.Stacks = nil; return a }, "at least one stack"},
		{"http issuer", func(a *Args) *Args { a.Issuer = "http://x"; return a }, "https://"},
		{"no policies", func(a *Args) *Args { a.PolicyArns = nil; return a }, "at least one managed policy"},
		{"duplicate policy names", func(a *Args) *Args {
			a.PolicyArns = []string{"arn:aws:iam::aws:policy/X", "arn:aws:iam::123456789012:policy/X"}
			return a
		}, "two policies named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(t, tt.mutate(testArgs()))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// decide evaluates the inline policy the way IAM does for one action on one resource: an explicit
// deny wins, then an allow; "" means the inline policy says nothing (PowerUserAccess does not cover
// IAM, so for iam: actions that is a deny).
func decide(doc iampolicy.Document, action, resource string) string {
	matches := func(patterns []string, s string) bool {
		for _, p := range patterns {
			re := "^" + strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, ".*") + "$"
			if regexp.MustCompile("(?i)" + re).MatchString(s) {
				return true
			}
		}
		return false
	}
	out := ""
	for _, s := range doc.Statement {
		if !matches(s.Action, action) || !matches(s.Resource, resource) {
			continue
		}
		if s.Effect == "Deny" {
			return "Deny"
		}
		out = "Allow"
	}
	return out
}

// What a deployment of the program must be able to do, and what it must never do, on the deploy
// role's own inline policy.
func TestRolePolicyDecisions(t *testing.T) {
	const acct = "123456789012"
	doc := RolePolicy("aws", acct, issuer, "multi-region-ha-prod-deploy")
	self := "arn:aws:iam::" + acct + ":role/multi-region-ha-prod-deploy"
	provider := "arn:aws:iam::" + acct + ":oidc-provider/api.pulumi.com/oidc"
	programRole := "arn:aws:iam::" + acct + ":role/network-us-east-1-flow-logs-role-1a2b3c4"
	tests := []struct {
		action, resource, want string
	}{
		// The program's own IAM.
		{"iam:CreateRole", programRole, "Allow"},
		{"iam:TagRole", programRole, "Allow"},
		{"iam:PutRolePolicy", programRole, "Allow"},
		{"iam:AttachRolePolicy", programRole, "Allow"},
		{"iam:PassRole", programRole, "Allow"},
		{"iam:CreateInstanceProfile", "arn:aws:iam::" + acct + ":instance-profile/compute-us-east-1-profile", "Allow"},
		{"iam:CreateServiceLinkedRole", "arn:aws:iam::" + acct + ":role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS", "Allow"},
		// A refresh, and a change of the stack's tags, reach the deploy role and the provider too.
		{"iam:GetRole", self, "Allow"},
		{"iam:ListAttachedRolePolicies", self, "Allow"},
		{"iam:GetRolePolicy", self, "Allow"},
		{"iam:TagRole", self, "Allow"},
		{"iam:UntagRole", self, "Allow"},
		{"iam:GetOpenIDConnectProvider", provider, "Allow"},
		{"iam:TagOpenIDConnectProvider", provider, "Allow"},
		{"iam:UntagOpenIDConnectProvider", provider, "Allow"},
		// No self-escalation.
		{"iam:AttachRolePolicy", self, "Deny"},
		{"iam:PutRolePolicy", self, "Deny"},
		{"iam:UpdateAssumeRolePolicy", self, "Deny"},
		{"iam:UpdateRole", self, "Deny"},
		{"iam:DeleteRole", self, "Deny"},
		{"iam:PutRolePermissionsBoundary", self, "Deny"},
		{"iam:AddClientIDToOpenIDConnectProvider", provider, "Deny"},
		{"iam:DeleteOpenIDConnectProvider", provider, "Deny"},
		// Nothing long-lived, anywhere.
		{"iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", "Deny"},
		{"iam:CreateAccessKey", "arn:aws:iam::" + acct + ":user/x", "Deny"},
		{"iam:CreateLoginProfile", "arn:aws:iam::" + acct + ":user/x", "Deny"},
		// Another account's IAM is out of reach.
		{"iam:CreateRole", "arn:aws:iam::210987654321:role/x", ""},
		{"iam:PassRole", "arn:aws:iam::210987654321:role/x", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, decide(doc, tt.action, tt.resource), "%s on %s", tt.action, tt.resource)
	}
}
