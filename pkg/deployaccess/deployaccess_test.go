package deployaccess

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		Stack:          "prod",
		Stacks:         []string{"prod"},
		Issuer:         issuer,
		CreateProvider: true,
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
	assert.Equal(t, "/multi-region-ha/prod/", role.Str("path"))
	assert.True(t, role.DeleteBeforeReplace, "a fixed name cannot be created beside the old role when the path changes")
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
	assert.Equal(t, "acme", cond["StringEquals"].(map[string]any)["api.pulumi.com/oidc:aud"])
	assert.Nil(t, cond["StringLike"], "no wildcard subject")
	assert.Equal(t, []any{
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:update:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:refresh:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:destroy:scope:write",
	}, cond["StringEquals"].(map[string]any)["api.pulumi.com/oidc:sub"])

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
	assert.Contains(t, role.Str("assumeRolePolicy"), "stack:staging-eu:operation:update:scope:write")
}

func TestSubjects(t *testing.T) {
	assert.Equal(t, []string{
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:update:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:refresh:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:destroy:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:staging:operation:update:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:staging:operation:refresh:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:staging:operation:destroy:scope:write",
	}, Subjects("acme", "multi-region-ha", []string{"prod", "staging"}))
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
