package deployaccess

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// assumeWith is an AssumeRoleWithWebIdentity call carrying a Deployments token of org with subject
// sub, decided against a trust policy as STS does.
func assumeWith(trust iampolicy.Document, org, sub string) string {
	return iampolicy.Decide(iampolicy.Request{
		Principal: iampolicy.FederatedPrincipal(provider),
		Action:    "sts:AssumeRoleWithWebIdentity",
		Context:   map[string]string{"api.pulumi.com/oidc:aud": org, "api.pulumi.com/oidc:sub": sub},
	}, trust)
}

// Every operation of either stack against either stack's deploy role: only update, refresh and
// destroy of the role's own stack get in; a preview (a pull request's program) never does, nor a
// drift run (detect-drift, remediate-drift).
func TestDeployRoleTrustsOnlyItsStacksChangingOperations(t *testing.T) {
	stacks := []string{"prod", "staging"}
	for _, roleStack := range stacks {
		trust := TrustPolicy(provider, issuer, "acme", "multi-region-ha", []string{roleStack})
		for _, tokenStack := range stacks {
			for _, op := range AllOperations {
				sub := Subject("acme", "multi-region-ha", tokenStack, op)
				want := iampolicy.ImplicitDeny
				if tokenStack == roleStack && op != "preview" && op != "detect-drift" && op != "remediate-drift" {
					want = iampolicy.Allowed
				}
				assert.Equal(t, want, assumeWith(trust, "acme", sub), "%s role, %s", roleStack, sub)
			}
		}
	}
}

// Tokens that differ from an admitted one in any part of the subject, or come from another
// organisation, are refused.
func TestDeployRoleTrustRefusesLookalikeSubjects(t *testing.T) {
	trust := TrustPolicy(provider, issuer, "acme", "multi-region-ha", []string{"prod"})
	for _, sub := range []string{
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod-eu:operation:update:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:preview:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:update:scope:read",
		"pulumi:deploy:org:acme:project:other:stack:prod:operation:update:scope:write",
		"pulumi:deploy:org:evil:project:multi-region-ha:stack:prod:operation:update:scope:write",
		"pulumi:deploy:org:acme:project:multi-region-ha:stack:prod:operation:*",
	} {
		assert.Equal(t, iampolicy.ImplicitDeny, assumeWith(trust, "acme", sub), sub)
	}
	assert.Equal(t, iampolicy.ImplicitDeny, assumeWith(trust, "evil", Subject("acme", "multi-region-ha", "prod", "update")), "another audience")
	other := iampolicy.Decide(iampolicy.Request{
		Principal: iampolicy.FederatedPrincipal("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
		Action:    "sts:AssumeRoleWithWebIdentity",
		Context:   map[string]string{"api.pulumi.com/oidc:aud": "acme", "api.pulumi.com/oidc:sub": Subject("acme", "multi-region-ha", "prod", "update")},
	}, trust)
	assert.Equal(t, iampolicy.ImplicitDeny, other, "another identity provider")
}
