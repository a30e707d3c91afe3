package main

import (
	"encoding/json"
	"sort"
	"strings"
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
				arn := "arn:aws:iam::" + offline.AccountID + ":role" + role.Str("path") + role.Str("namePrefix") + "20261201000000000000000001"
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

// requestsOf are the requests an Allow statement grants, as the role would send them: each action
// on each resource, with the condition keys the statement demands. A role ARN of the program is
// its name in AWS (namePrefix plus a suffix), not the offline model's logical name.
func requestsOf(s map[string]any, realArn map[string]string) []deployaccess.Request {
	ctx := map[string]string{}
	if cond, ok := s["Condition"].(map[string]any); ok {
		for _, keys := range cond {
			for k, v := range keys.(map[string]any) {
				switch x := v.(type) {
				case string:
					ctx[k] = x
				case []any:
					ctx[k] = x[0].(string)
				}
			}
		}
	}
	var out []deployaccess.Request
	for _, a := range asStrings(s["Action"]) {
		resources := asStrings(s["Resource"])
		if len(resources) == 0 {
			resources = []string{"*"}
		}
		for _, r := range resources {
			if real, ok := realArn[r]; ok {
				r = real
			}
			out = append(out, deployaccess.Request{Action: a, Resource: r, Context: ctx})
		}
	}
	return out
}

func asStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}

// managedPolicyIAM are the IAM calls of the AWS managed policies the program attaches to its roles
// (the only ones of their statements a boundary without IAM writes could cut): AWS_ConfigRole reads
// IAM to record the global resource types; the others make no IAM call.
var managedPolicyIAM = map[string][]string{
	"AWS_ConfigRole": {"iam:GetRole", "iam:GetRolePolicy", "iam:ListRoles", "iam:ListAttachedRolePolicies", "iam:GetPolicy",
		"iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:GetUser", "iam:ListUsers", "iam:GetGroup", "iam:ListGroups",
		"iam:GetAccountAuthorizationDetails"},
	"AmazonSSMManagedInstanceCore":          nil,
	"CloudWatchAgentServerPolicy":           nil,
	"AmazonRDSEnhancedMonitoringRole":       nil,
	"AWSBackupServiceRolePolicyForBackup":   nil,
	"AWSBackupServiceRolePolicyForRestores": nil,
}

// With deployments on, every program role carries the boundary: whatever its inline policies and
// managed attachments allow must be allowed by the boundary too, or the role fails at run time
// (the patch window passing its automation role; the Config recorder reading IAM).
func TestBoundaryAllowsWhatEveryProgramRoleIsGranted(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		t.Run(stack, func(t *testing.T) {
			m := offlinetest.MustRun(t, stack, everyRoleConfig(t, stack), run)
			b := m.Named("aws:iam/policy:Policy", "deploy-boundary-policy")
			require.NotNil(t, b)
			boundary, err := deployaccess.ParsePolicy(b.Str("policy"))
			require.NoError(t, err)
			realArn := map[string]string{}
			for _, role := range m.OfType("aws:iam/role:Role") {
				realArn[role.Outputs["arn"].StringValue()] = "arn:aws:iam::" + offline.AccountID + ":role" + role.Str("path") + role.Str("namePrefix") + "20261201000000000000000001"
			}
			checked := 0
			for _, role := range m.OfType("aws:iam/role:Role") {
				if role.Name == "deploy-access-role" {
					continue
				}
				for _, p := range policiesOf(m, role) {
					if p.Type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment" {
						arn := p.Str("policyArn")
						name := arn[strings.LastIndex(arn, "/")+1:]
						actions, known := managedPolicyIAM[name]
						if !assert.True(t, known, "%s attaches %s: add its IAM calls to managedPolicyIAM", role.Name, arn) {
							continue
						}
						for _, a := range actions {
							assert.Equal(t, deployaccess.Allowed, deployaccess.Evaluate(deployaccess.Request{Action: a, Resource: "*"}, boundary), "%s (%s): %s", role.Name, name, a)
						}
						continue
					}
					var doc map[string]any
					require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc), p.Name)
					for _, st := range doc["Statement"].([]any) {
						s := st.(map[string]any)
						if s["Effect"] != "Allow" {
							continue
						}
						for _, req := range requestsOf(s, realArn) {
							checked++
							assert.Equal(t, deployaccess.Allowed, deployaccess.Evaluate(req, boundary), "%s (%s): %s on %s %v", role.Name, p.Name, req.Action, req.Resource, req.Context)
						}
					}
				}
			}
			assert.Greater(t, checked, 50, "the program's inline grants were checked")
		})
	}
}
