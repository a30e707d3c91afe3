package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// With deployments on, every role and instance profile of the program is named under the stack's
// prefix and carries the program's permissions boundary: exactly what the deploy role demands of
// every role it creates or changes. The deploy role's session lasts deployments.sessionSeconds.
func TestWithDeploymentsEveryRoleCarriesTheBoundary(t *testing.T) {
	cfg := stackConfig(t, "prod")
	cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme"}`
	m := offlinetest.MustRun(t, "prod", cfg, run)
	boundary := m.Named("aws:iam/policy:Policy", "deploy-boundary-policy")
	require.NotNil(t, boundary)
	assert.Equal(t, "multi-region-ha-prod-role-boundary", boundary.Str("name"))
	assert.Equal(t, "/multi-region-ha/prod/", boundary.Str("path"))
	assert.Equal(t, "us-east-1", boundary.Region)
	arn := boundary.Outputs["arn"].StringValue()
	assert.Equal(t, deployaccess.NewScope("aws", "123456789012", "multi-region-ha", "prod").BoundaryArn(), arn)
	roles := m.OfType("aws:iam/role:Role")
	require.Greater(t, len(roles), 8)
	for _, r := range roles {
		if r.Name == "deploy-access-role" {
			assert.False(t, r.Has("permissionsBoundary"), "the deploy role is the administrator's, outside its own boundary")
			assert.Equal(t, 43200.0, r.Num("maxSessionDuration"), "long enough for a global engine upgrade")
			continue
		}
		assert.Equal(t, arn, r.Str("permissionsBoundary"), r.Name)
		assert.Equal(t, "multi-region-ha-prod-", r.Str("namePrefix"), r.Name)
		assert.Equal(t, "/multi-region-ha/prod/", r.Str("path"), r.Name)
		assert.True(t, r.DependsOn(boundary) || len(r.Dependencies) > 0, "%s waits for the boundary", r.Name)
	}
	for _, p := range m.OfType("aws:iam/instanceProfile:InstanceProfile") {
		assert.True(t, strings.HasPrefix(p.Str("namePrefix"), "multi-region-ha-prod-"), p.Name)
		assert.Equal(t, "/multi-region-ha/prod/", p.Str("path"), p.Name)
	}
	doc := m.Named("aws:iam/rolePolicy:RolePolicy", "deploy-access-iam").JSON("policy")
	assert.Contains(t, toJSON(t, doc), arn, "the deploy role demands exactly this boundary")

	cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme","sessionSeconds":7200}`
	m = offlinetest.MustRun(t, "prod", cfg, run)
	assert.Equal(t, 7200.0, m.Named("aws:iam/role:Role", "deploy-access-role").Num("maxSessionDuration"))

	cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme","sessionSeconds":86400}`
	m, err := offlinetest.Run(t, "prod", cfg, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:deployments.sessionSeconds: is 86400; allowed: 3600 to 43200")
	assert.Empty(t, m.Resources())
}
