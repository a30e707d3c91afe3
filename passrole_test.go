package main

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// everyRoleConfig is stack's committed config with every feature that creates a role switched on:
// deployments (the boundary), drills (FIS), in-place patching (SSM) and the automatic failover
// detectors (Lambda, EventBridge).
func everyRoleConfig(t *testing.T, stack string) map[string]string {
	cfg := withPatchInstall(stackConfig(t, stack), "cron(0 3 ? * SUN *)")
	cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme"}`
	cfg["multi-region-ha:drills"] = `{"enabled":true}`
	cfg["multi-region-ha:database"] = `{"autoFailover":"auto"}`
	return cfg
}

// trustedServices are the service principals role's trust policy names.
func trustedServices(t *testing.T, role *offline.Resource) []string {
	var doc struct {
		Statement []struct {
			Principal map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(role.Str("assumeRolePolicy")), &doc), role.Name)
	var out []string
	for _, s := range doc.Statement {
		switch v := s.Principal["Service"].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				out = append(out, e.(string))
			}
		}
	}
	return out
}

// deployRoleDecides evaluates req against what the deploy role holds in a run: PowerUserAccess
// (modelled in pkg/deployaccess) and its inline policy as registered.
func deployRoleDecides(t *testing.T, m *offline.Mocks, req deployaccess.Request) string {
	inline := m.Named("aws:iam/rolePolicy:RolePolicy", "deploy-access-iam")
	require.NotNil(t, inline)
	doc, err := deployaccess.ParsePolicy(inline.Str("policy"))
	require.NoError(t, err)
	return deployaccess.Evaluate(req, deployaccess.PowerUserAccess(), doc)
}

// A deployment creates every role of the program and hands each to the service it trusts
// (lambda:CreateFunction, fis:CreateExperimentTemplate, ssm:RegisterTaskWithMaintenanceWindow, ...):
// each of those calls needs iam:PassRole on the role with iam:PassedToService the trusted service.
func TestDeployRoleMayPassEveryProgramRoleToTheServiceItTrusts(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		t.Run(stack, func(t *testing.T) {
			m := offlinetest.MustRun(t, stack, everyRoleConfig(t, stack), run)
			seen := map[string]bool{}
			for _, role := range m.OfType("aws:iam/role:Role") {
				if role.Name == "deploy-access-role" {
					continue
				}
				// The offline model names a role by its logical name; AWS names it namePrefix plus a
				// unique suffix, and the deploy role's grants key on that name.
				require.NotEmpty(t, role.Str("namePrefix"), role.Name)
				arn := "arn:aws:iam::" + offline.AccountID + ":role/" + role.Str("namePrefix") + "20261201000000000000000001"
				for _, svc := range trustedServices(t, role) {
					seen[svc] = true
					req := deployaccess.Request{Action: "iam:PassRole", Resource: arn, Context: map[string]string{"iam:PassedToService": svc}}
					assert.Equal(t, deployaccess.Allowed, deployRoleDecides(t, m, req), "pass %s (%s) to %s", role.Name, arn, svc)
					assert.Contains(t, deployaccess.PassedToServices, svc, "role %s trusts %s", role.Name, svc)
				}
			}
			var services []string
			for s := range seen {
				services = append(services, s)
			}
			sort.Strings(services)
			t.Logf("services trusted by the program's roles: %v", services)
			for _, want := range []string{"lambda.amazonaws.com", "fis.amazonaws.com", "ssm.amazonaws.com", "ec2.amazonaws.com"} {
				assert.True(t, seen[want], "no role trusts %s: the run does not cover it", want)
			}
		})
	}
}
