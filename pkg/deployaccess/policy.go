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

// Operations are the Pulumi Deployments operations that may assume the deploy role: the ones that
// change the stack (update, destroy) or its state (refresh). Never "preview": Pulumi Deployments
// previews pull requests, and a preview runs the pull request's own program and pre-run commands
// with the role's credentials, so a role trusting preview lets any branch act in the account.
var Operations = []string{"update", "refresh", "destroy"}

// AllOperations are every operation kind a Deployments token can carry: preview, update, refresh
// and destroy (Pulumi Cloud, "OIDC token claims"), and the drift runs Pulumi Deployments schedules,
// detect-drift (a refresh that only reports) and remediate-drift (an update back to the program).
// The role trusts none of the drift runs (docs/deployments.md, "Drift runs"): detection needs no
// change rights and remediation is an update that no person reviewed at the time it runs, so a
// stack that wants it runs it as an ordinary update under a subject the role names.
var AllOperations = []string{"preview", "update", "refresh", "destroy", "detect-drift", "remediate-drift"}

// Subject is the sub claim of a Pulumi Deployments token for one operation of one stack:
// pulumi:deploy:org:<org>:project:<project>:stack:<stack>:operation:<op>:scope:write.
func Subject(org, project, stack, operation string) string {
	return fmt.Sprintf("pulumi:deploy:org:%s:project:%s:stack:%s:operation:%s:scope:write", org, project, stack, operation)
}

// Subjects are the exact token subjects the role accepts: Operations of each listed stack. Exact
// (StringEquals), so no other operation, stack, project or scope gets through a wildcard.
func Subjects(org, project string, stacks []string) []string {
	out := make([]string, 0, len(stacks)*len(Operations))
	for _, s := range stacks {
		for _, op := range Operations {
			out = append(out, Subject(org, project, s, op))
		}
	}
	return out
}

// TrustPolicy lets only web identities from the provider, with this organisation as audience and
// one of Subjects as subject, assume the role.
func TrustPolicy(providerArn, issuer, org, project string, stacks []string) iampolicy.Document {
	host := IssuerHost(issuer)
	return iampolicy.New(iampolicy.Statement{
		Sid:       "PulumiDeploymentsUpdatesOfThisStack",
		Effect:    "Allow",
		Principal: map[string]any{"Federated": providerArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: map[string]map[string]any{
			"StringEquals": {host + ":aud": org, host + ":sub": Subjects(org, project, stacks)},
		},
	})
}

// readIAMActions are what a refresh or a preview reads, on every role, policy and instance profile
// of the account (the deploy role included).
var readIAMActions = []string{
	"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags",
	"iam:ListInstanceProfilesForRole", "iam:GetInstanceProfile", "iam:GetPolicy", "iam:GetPolicyVersion",
	"iam:ListPolicyVersions", "iam:ListEntitiesForPolicy", "iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags",
}

// boundedRoleActions carry the iam:PermissionsBoundary condition key (IAM service authorization
// reference): each is allowed only on a role that has (or, for CreateRole, is created with) the
// program's boundary.
var boundedRoleActions = []string{
	"iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:PutRolePermissionsBoundary",
}

// prefixedRoleActions carry no boundary key; they are limited to roles under the stack's path,
// which a deployment can only have created with the boundary (the deploy role, also under it, denies
// them to itself below).
var prefixedRoleActions = []string{"iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole"}

// instanceProfileActions and policyActions manage the program's instance profiles and policies.
var (
	instanceProfileActions = []string{"iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"}
	policyActions          = []string{"iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"}
	tagActions             = []string{"iam:TagRole", "iam:UntagRole", "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:TagPolicy", "iam:UntagPolicy"}
)

// PassedToServices are the services the program hands its roles to: instances (EC2), VPC flow
// logs, RDS enhanced monitoring, Step Functions, EventBridge, AWS Config, AWS Backup, Lambda (the
// switchover relay and the failover detector), AWS FIS (the drills' experiment templates) and
// Systems Manager (the patch window's task role and its automation role). Every service principal a
// role of the program trusts must be here: the root test
// TestDeployRoleMayPassEveryProgramRoleToTheServiceItTrusts runs the whole program with every
// feature on and fails on a trusted service missing from this list. Any other service (Glue,
// CloudFormation, CodeBuild, ...) could run code of the deployment's choosing with a program role.
var PassedToServices = []string{
	"ec2.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com", "rds.amazonaws.com",
	"states.amazonaws.com", "events.amazonaws.com", "config.amazonaws.com", "backup.amazonaws.com",
	"lambda.amazonaws.com", "fis.amazonaws.com", "ssm.amazonaws.com",
}

// attachablePolicies are the managed policies a deployment may attach to the program's roles: the
// two the instances use, AWS's service-role policies (scoped to one service each), and the stack's
// own policies. AdministratorAccess, PowerUserAccess and IAMFullAccess are none of them.
func attachablePolicies(sc Scope) []string {
	return []string{
		fmt.Sprintf("arn:%s:iam::aws:policy/AmazonSSMManagedInstanceCore", sc.Partition),
		fmt.Sprintf("arn:%s:iam::aws:policy/CloudWatchAgentServerPolicy", sc.Partition),
		fmt.Sprintf("arn:%s:iam::aws:policy/service-role/*", sc.Partition),
		sc.All("policy"),
	}
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

// RolePolicy is the deploy role's inline policy. PowerUserAccess (the default managed policy)
// grants no IAM, so this is all the IAM a deployment has: it reads the account's IAM; it creates and
// changes only roles, instance profiles and policies under the stack's IAM path (Scope); every role it
// creates or changes carries the program's permissions boundary; it passes those roles only to the
// services the program uses; it may attach only the managed policies the program uses. It can never
// change the boundary, remove a boundary, change its own role or the OIDC provider, assume another
// role (no chaining into a role it created), or mint long-lived credentials.
func RolePolicy(sc Scope, issuer string) iampolicy.Document {
	iamArn := func(resource string) string {
		return fmt.Sprintf("arn:%s:iam::%s:%s", sc.Partition, sc.AccountID, resource)
	}
	provider := ProviderArn(sc.Partition, sc.AccountID, issuer)
	roles, profiles, policies := sc.All("role"), sc.All("instance-profile"), sc.All("policy")
	boundary := sc.BoundaryArn()
	withBoundary := map[string]map[string]any{"StringEquals": {"iam:PermissionsBoundary": boundary}}
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "ReadTheAccountsIAM", Effect: "Allow", Action: readIAMActions,
			Resource: []string{iamArn("role/*"), iamArn("policy/*"), iamArn("instance-profile/*"), provider},
		},
		iampolicy.Statement{
			Sid: "TagTheStacksIAM", Effect: "Allow", Action: append(append([]string(nil), tagActions...), "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"),
			Resource: []string{roles, profiles, policies, provider},
		},
		iampolicy.Statement{
			Sid: "RolesCarryTheBoundary", Effect: "Allow", Action: boundedRoleActions,
			Resource: []string{roles}, Condition: withBoundary,
		},
		iampolicy.Statement{Sid: "ChangeTheStacksRoles", Effect: "Allow", Action: prefixedRoleActions, Resource: []string{roles}},
		iampolicy.Statement{
			Sid: "PassTheStacksRolesToItsServices", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource: []string{roles}, Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": PassedToServices}},
		},
		iampolicy.Statement{Sid: "TheStacksInstanceProfiles", Effect: "Allow", Action: instanceProfileActions, Resource: []string{profiles}},
		iampolicy.Statement{Sid: "TheStacksPolicies", Effect: "Allow", Action: policyActions, Resource: []string{policies}},
		iampolicy.Statement{
			Sid:      "CreateServiceLinkedRoles",
			Effect:   "Allow",
			Action:   []string{"iam:CreateServiceLinkedRole"},
			Resource: []string{iamArn("role/aws-service-role/*")},
		},
		iampolicy.Statement{
			Sid: "AttachOnlyTheProgramsPolicies", Effect: "Deny", Action: []string{"iam:AttachRolePolicy"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"ArnNotLike": {"iam:PolicyARN": attachablePolicies(sc)}},
		},
		iampolicy.Statement{
			Sid: "TheBoundaryIsFixed", Effect: "Deny",
			Action:   []string{"iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:TagPolicy", "iam:UntagPolicy"},
			Resource: []string{boundary},
		},
		iampolicy.Statement{Sid: "NoRoleWithoutTheBoundary", Effect: "Deny", Action: []string{"iam:DeleteRolePermissionsBoundary"}, Resource: []string{"*"}},
		iampolicy.Statement{
			Sid: "NoOtherBoundary", Effect: "Deny", Action: []string{"iam:PutRolePermissionsBoundary", "iam:CreateRole"}, Resource: []string{"*"},
			Condition: map[string]map[string]any{"StringNotEquals": {"iam:PermissionsBoundary": boundary}},
		},
		iampolicy.Statement{
			Sid: "NoSelfEscalation", Effect: "Deny", Action: selfActions,
			Resource: []string{sc.DeployRoleArn(), provider},
		},
		iampolicy.Statement{Sid: "NoRoleChaining", Effect: "Deny", Action: []string{"sts:AssumeRole"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "NoLongLivedCredentials", Effect: "Deny", Action: deniedIAMActions, Resource: []string{"*"}},
	)
}
