package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeploymentsDefaults(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		c, err := parseT(stack, deploymentsValues(""), nil)
		require.NoError(t, err)
		d := c.Deployments
		assert.False(t, d.Oidc, stack)
		assert.Empty(t, d.Organization)
		assert.Equal(t, "https://api.pulumi.com/oidc", d.Issuer)
		assert.Equal(t, []string{stack}, d.Stacks, "the role trusts its own stack only")
		assert.True(t, d.CreateProvider)
		assert.Equal(t, []string{"arn:aws:iam::aws:policy/PowerUserAccess"}, d.PolicyArns)
	}
}

func TestDeploymentsOverrides(t *testing.T) {
	c, err := parseT("staging", deploymentsValues(`{"oidc":true,"organization":"acme-corp",
		"stacks":["staging","review.1"],"createProvider":false,"policyArns":["arn:aws:iam::123456789012:policy/multi-region-ha-deploy"]}`), nil)
	require.NoError(t, err)
	d := c.Deployments
	assert.True(t, d.Oidc)
	assert.Equal(t, "acme-corp", d.Organization)
	assert.Equal(t, []string{"staging", "review.1"}, d.Stacks)
	assert.False(t, d.CreateProvider)
	assert.Equal(t, []string{"arn:aws:iam::123456789012:policy/multi-region-ha-deploy"}, d.PolicyArns)
}

func TestDeploymentsProblems(t *testing.T) {
	tests := []struct {
		name  string
		value string
		key   string
		want  string
	}{
		{"oidc without organization", `{"oidc":true}`, "deployments.organization", "needs the Pulumi organization name"},
		{"bad organization", `{"organization":"acme corp"}`, "deployments.organization", "letters, digits"},
		{"http issuer", `{"issuer":"http://api.pulumi.com/oidc"}`, "deployments.issuer", "https:// URL"},
		{"trailing slash", `{"issuer":"https://api.pulumi.com/oidc/"}`, "deployments.issuer", "without trailing slash"},
		{"wildcard stack", `{"stacks":["*"]}`, "deployments.stacks", "no wildcards"},
		{"duplicate stack", `{"stacks":["prod","prod"]}`, "deployments.stacks", "twice"},
		{"no policies", `{"oidc":true,"organization":"acme","policyArns":[]}`, "deployments.policyArns", "at least one"},
		{"not a policy", `{"policyArns":["arn:aws:iam::aws:role/Admin"]}`, "deployments.policyArns", "managed policy ARNs"},
		{"unknown key", `{"oidcc":true}`, "deployments.oidcc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseT("prod", deploymentsValues(tt.value), nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			found := false
			for _, p := range cfgErr.Problems {
				if p.Key == Namespace+":"+tt.key {
					found = true
					assert.Contains(t, p.Message, tt.want)
				}
			}
			assert.True(t, found, "no problem for %s in %v", tt.key, err)
		})
	}
}

// deploymentsValues is a minimal valid stack (edge.domainName is required) with the given deployments object.
func deploymentsValues(deployments string) map[string]string {
	v := map[string]string{"edge": `{"domainName":"example.com"}`}
	if deployments != "" {
		v["deployments"] = deployments
	}
	return v
}

func TestDeploymentsSessionAndPrefixLimits(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"deployments": `{"oidc":true,"organization":"acme"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultSessionSeconds, c.Deployments.SessionSeconds)
	assert.Equal(t, 43200, c.Deployments.SessionSeconds, "long enough for a global engine upgrade")
	for _, tc := range []struct{ stack, value, key, want string }{
		{"prod", `{"sessionSeconds":3599}`, "deployments.sessionSeconds", "is 3599; allowed: 3600 to 43200"},
		{"prod", `{"sessionSeconds":43201}`, "deployments.sessionSeconds", "is 43201; allowed: 3600 to 43200"},
		{"a-very-long-stack-name-here", `{"oidc":true,"organization":"acme"}`, "deployments.oidc", "needs role names under \"multi-region-ha-a-very-long-stack-name-here-\", 44 characters; IAM allows a name prefix of at most 38"},
	} {
		values := withEdge(map[string]string{"deployments": tc.value, "environment": "prod"})
		_, err := parseT(tc.stack, values, nil)
		require.Error(t, err, tc.value)
		assert.Contains(t, err.Error(), Namespace+":"+tc.key+": "+tc.want)
	}
}
