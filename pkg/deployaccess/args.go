// Package deployaccess creates the AWS side of Pulumi Deployments OIDC: the IAM OIDC identity
// provider for Pulumi Cloud's issuer and a deploy role that only this organisation's deployments of
// the listed stacks can assume (sts:AssumeRoleWithWebIdentity, audience and subject pinned).
package deployaccess

// Args configures the provider and role. The component's provider (opts) decides the account; IAM
// is global, so any region's provider will do.
type Args struct {
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// Organization is the Pulumi organization: the token audience and part of the subject.
	Organization string
	// Project is the Pulumi project whose deployments may assume the role ("multi-region-ha").
	Project string
	// Stack is the stack the role deploys: its IAM path (Scope) holds the role and bounds what it
	// may create or change.
	Stack string
	// Stacks lists the stacks whose deployments may assume the role (usually just this stack).
	Stacks []string
	// Issuer is Pulumi Cloud's OIDC issuer URL (https://api.pulumi.com/oidc).
	Issuer string
	// CreateProvider creates the account's OIDC provider for Issuer. An account holds one provider
	// per URL: when another stack of the same account already owns it, set false and the role
	// trusts the existing provider by its ARN.
	CreateProvider bool
	// PolicyArns are the managed policies attached to the role (default PowerUserAccess).
	PolicyArns []string
	// MaxSessionSeconds bounds a deployment's credentials and is the role's MaxSessionDuration
	// (3600 to 43200; default 3600): an Aurora global major-version upgrade runs for hours.
	MaxSessionSeconds int
}

// RoleName is the deploy role's name for a stack, e.g. "multi-region-ha-prod-deploy". IAM role
// names allow 64 characters.
func RoleName(project, stack string) string {
	n := project + "-" + stack + "-deploy"
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}
