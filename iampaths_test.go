package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/deploysettings"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// iamWrites are the IAM calls that would let one stack take over another's IAM: change a trust, a
// policy or a boundary, pass a role, or reshape an instance profile.
var iamWrites = []string{
	"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:UpdateRole", "iam:DeleteRole", "iam:TagRole",
	"iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy",
	"iam:TagPolicy", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile",
	"sts:AssumeRole",
}

// stackIAM is one whole-program run: the ARNs of every role, policy and instance profile it
// creates, and the policies each principal acts with.
type stackIAM struct {
	stack     string
	entities  []string
	boundary  deployaccess.Document
	deployer  []deployaccess.Document            // PowerUserAccess and the deploy role's inline policy
	roles     map[string][]deployaccess.Document // program role -> its inline policies
	ownBounds string                             // the stack's boundary ARN
}

func loadStackIAM(t *testing.T, stack string) stackIAM {
	t.Helper()
	m := offlinetest.MustRun(t, stack, everyRoleConfig(t, "prod"), run)
	s := stackIAM{stack: stack, roles: map[string][]deployaccess.Document{}}
	for _, typ := range []string{"aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile"} {
		for _, r := range m.OfType(typ) {
			arn := r.Outputs["arn"].StringValue()
			require.True(t, strings.Contains(arn, "/multi-region-ha/"+stack+"/"), "%s %s is not under the stack's path: %s", typ, r.Name, arn)
			s.entities = append(s.entities, arn)
		}
	}
	b := m.Named("aws:iam/policy:Policy", "deploy-boundary-policy")
	require.NotNil(t, b)
	s.ownBounds = b.Outputs["arn"].StringValue()
	var err error
	s.boundary, err = deployaccess.ParsePolicy(b.Str("policy"))
	require.NoError(t, err)
	inline, err := deployaccess.ParsePolicy(m.Named("aws:iam/rolePolicy:RolePolicy", "deploy-access-iam").Str("policy"))
	require.NoError(t, err)
	s.deployer = []deployaccess.Document{deployaccess.PowerUserAccess(), inline}
	for _, role := range m.OfType("aws:iam/role:Role") {
		if role.Name == "deploy-access-role" {
			continue
		}
		for _, p := range policiesOf(m, role) {
			if p.Type != "aws:iam/rolePolicy:RolePolicy" {
				continue
			}
			doc, err := deployaccess.ParsePolicy(p.Str("policy"))
			require.NoError(t, err, p.Name)
			s.roles[role.Name] = append(s.roles[role.Name], doc)
		}
	}
	return s
}

// requestOn is the most an attacker of stack from could put into a request on arn: its own
// boundary on the role, its own policy to attach, a service the program passes roles to.
func requestOn(from stackIAM, action, arn string) deployaccess.Request {
	return deployaccess.Request{Action: action, Resource: arn, Context: map[string]string{
		"iam:PermissionsBoundary": from.ownBounds, "iam:PolicyARN": from.entities[0], "iam:PassedToService": "ec2.amazonaws.com",
	}}
}

// Two stacks whose names share a prefix (prod, prod-eu) in one account: neither's deploy role nor
// any of its program roles (within their boundary) may change, pass or assume anything of the
// other's IAM, the boundary and the deploy role included. A name-prefix grant
// (role/multi-region-ha-prod-*) would match every one of prod-eu's entities.
func TestStacksSharingANamePrefixCannotTouchEachOthersIAM(t *testing.T) {
	prod, prodEU := loadStackIAM(t, "prod"), loadStackIAM(t, "prod-eu")
	for _, pair := range [][2]stackIAM{{prod, prodEU}, {prodEU, prod}} {
		from, to := pair[0], pair[1]
		require.Greater(t, len(to.entities), 20)
		for _, arn := range to.entities {
			for _, action := range iamWrites {
				req := requestOn(from, action, arn)
				assert.NotEqual(t, deployaccess.Allowed, deployaccess.Evaluate(req, from.deployer...), "%s's deploy role: %s on %s", from.stack, action, arn)
				for role, docs := range from.roles {
					if deployaccess.Evaluate(req, docs...) == deployaccess.Allowed {
						assert.NotEqual(t, deployaccess.Allowed, deployaccess.Evaluate(req, from.boundary), "%s's role %s: %s on %s", from.stack, role, action, arn)
					}
				}
			}
		}
	}
	// The same requests on a stack's own roles are what its deploy role exists for: the test
	// would see a grant if there were one.
	ownRole := ""
	for _, arn := range prod.entities {
		if strings.Contains(arn, ":role/") && !strings.HasSuffix(arn, "-deploy") {
			ownRole = arn
			break
		}
	}
	for _, action := range []string{"iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:PassRole", "iam:DeleteRole"} {
		assert.Equal(t, deployaccess.Allowed, deployaccess.Evaluate(requestOn(prod, action, ownRole), prod.deployer...), "%s on prod's own %s", action, ownRole)
	}
}

// The deployment settings files name the deploy role by the ARN the program gives it.
func TestDeploymentSettingsNameTheDeployRolesPathedArn(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		cfg := stackConfig(t, stack)
		cfg["multi-region-ha:deployments"] = `{"oidc":true,"organization":"acme"}`
		m := offlinetest.MustRun(t, stack, cfg, run)
		role := m.Named("aws:iam/role:Role", "deploy-access-role")
		require.NotNil(t, role)
		assert.Equal(t, "arn:aws:iam::"+offline.AccountID+":"+deploysettings.RoleResource(stack), role.Outputs["arn"].StringValue())
	}
}
