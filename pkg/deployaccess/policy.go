package deployaccess

import (
	"fmt"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// IssuerHost is the issuer URL without scheme: the name IAM gives the provider and the prefix of
// its condition keys ("api.pulumi.com/oidc:aud").
func IssuerHost(issuer string) string { return strings.TrimPrefix(issuer, "https://") }

// ProviderArn is the ARN IAM gives the OIDC provider of issuer in an account.
func ProviderArn(partition, accountID, issuer string) string {
	return fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, accountID, IssuerHost(issuer))
}

// Subjects are the token subjects the role accepts. Pulumi Deployments tokens carry
// sub = pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<op>:scope:write, so the
// pattern pins organisation, project and stack and lets any operation (preview, update, refresh,
// destroy) through.
func Subjects(org, project string, stacks []string) []string {
	out := make([]string, 0, len(stacks))
	for _, s := range stacks {
		out = append(out, fmt.Sprintf("pulumi:deploy:org:%s:project:%s:stack:%s:operation:*", org, project, s))
	}
	return out
}

// TrustPolicy lets only web identities from the provider, with this organisation as audience and one
// of the listed stacks as subject, assume the role.
func TrustPolicy(providerArn, issuer, org, project string, stacks []string) iampolicy.Document {
	host := IssuerHost(issuer)
	return iampolicy.New(iampolicy.Statement{
		Sid:       "PulumiDeploymentsOfThisProject",
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{
			"StringEquals": {host + ":aud": org},
			"StringLike":   {host + ":sub": Subjects(org, project, stacks)},
		},
	})
}

// programIAMActions are the IAM calls the program makes: its roles, inline and managed policies,
// instance profiles and the OIDC provider. PowerUserAccess excludes IAM, so they are granted here,
// on this account's roles, policies, instance profiles and the Pulumi OIDC provider only.
var programIAMActions = []string{
	"iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription",
	"iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
	"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies",
	"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
	"iam:PassRole",
	"iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:TagInstanceProfile",
	"iam:UntagInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
	"iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicyVersion",
	"iam:DeletePolicyVersion", "iam:ListPolicyVersions", "iam:TagPolicy", "iam:UntagPolicy", "iam:ListEntitiesForPolicy",
	"iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider",
	"iam:ListOpenIDConnectProviderTags",
}

// selfActions would let the role widen its own access or trust. They are denied on the deploy role and
// the OIDC provider: changes to `deployments.*` are applied by an administrator (pulumi up from a
// workstation), never by a deployment; a deployment only reads these resources (refresh, no-op up).
// Tagging stays allowed: a change of the stack's `tags` re-tags every resource through the providers'
// defaultTags, the deploy role and the OIDC provider included, and no policy of this program keys on
// principal tags, so a tag grants nothing.
var selfActions = []string{
	"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
	"iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole",
	"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	"iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
	"iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
}

// deniedIAMActions are long-lived credentials: a deployment never needs them, so the role can never
// mint them, whatever policies are attached.
var deniedIAMActions = []string{
	"iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:CreateServiceSpecificCredential",
}

// RolePolicy is the deploy role's inline policy: the program's IAM calls, scoped to this account; an
// explicit deny of long-lived credentials; and an explicit deny of changing the deploy role or the
// OIDC provider (no self-escalation through a deployment).
func RolePolicy(partition, accountID, issuer, roleName string) iampolicy.Document {
	iamArn := func(resource string) string { return fmt.Sprintf("arn:%s:iam::%s:%s", partition, accountID, resource) }
	return iampolicy.New(
		iampolicy.Statement{
			Sid:    "ManageTheProgramsIAM",
			Effect: "Allow",
			Action: programIAMActions,
			Resource: []string{
				iamArn("role/*"), iamArn("policy/*"), iamArn("instance-profile/*"),
				ProviderArn(partition, accountID, issuer),
			},
		},
		iampolicy.Statement{
			Sid:      "CreateServiceLinkedRoles",
			Effect:   "Allow",
			Action:   []string{"iam:CreateServiceLinkedRole"},
			Resource: []string{iamArn("role/aws-service-role/*")},
		},
		iampolicy.Statement{
			Sid:      "NoSelfEscalation",
			Effect:   "Deny",
			Action:   selfActions,
			Resource: []string{iamArn("role/" + roleName), ProviderArn(partition, accountID, issuer)},
		},
		iampolicy.Statement{
			Sid:      "NoLongLivedCredentials",
			Effect:   "Deny",
			Action:   deniedIAMActions,
			Resource: []string{"*"},
		},
	)
}
