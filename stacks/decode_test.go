package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values arrive the way the Pulumi CLI stores them: `pulumi config set --path` turns 3 into a number
// and true into a boolean (even for a tag or an organization name), a quoted YAML value or
// `--type string` keeps text. Each spelling of the same setting decodes to the same value.
func TestScalarsDecodeTheWayTheCLIWritesThem(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		check  func(t *testing.T, c *Config)
	}{
		{"number as number", map[string]string{"network": `{"azCount":3}`},
			func(t *testing.T, c *Config) { assert.Equal(t, 3, c.Network.AzCount) }},
		{"number as text", map[string]string{"network": `{"azCount":"3","flowLogRetentionDays":" 90 "}`},
			func(t *testing.T, c *Config) {
				assert.Equal(t, 3, c.Network.AzCount)
				assert.Equal(t, 90, c.Network.FlowLogRetentionDays)
			}},
		{"boolean as text", map[string]string{"database": `{"writeForwarding":"true"}`, "deployments": `{"oidc":"true","organization":"acme"}`},
			func(t *testing.T, c *Config) {
				assert.True(t, c.Database.WriteForwarding)
				assert.True(t, c.Deployments.Oidc)
			}},
		{"float as text", map[string]string{"observability": `{"monthlyBudgetUsd":"1234.5"}`},
			func(t *testing.T, c *Config) { assert.Equal(t, 1234.5, c.Observability.MonthlyBudgetUsd) }},
		{"top-level string set without --path", map[string]string{"primaryRegion": "eu-west-1", "secondaryRegion": "eu-central-1"},
			func(t *testing.T, c *Config) { assert.Equal(t, []string{"eu-west-1", "eu-central-1"}, c.Regions()) }},
		{"object set as JSON text without --path", map[string]string{"network": `{"natGateways":"single","primary":{"cidr":"10.20.0.0/16"}}`},
			func(t *testing.T, c *Config) {
				assert.Equal(t, NatSingle, c.Network.NatGateways)
				assert.Equal(t, "10.20.0.0/16", c.Network.Primary.Cidr)
				assert.Equal(t, "10.1.0.0/16", c.Network.Secondary.Cidr, "the other region keeps its default")
			}},
		// An empty YAML value (`azCount:`) is null: the key keeps its default, at any depth.
		{"null keeps the default", map[string]string{"network": `{"azCount":null,"primary":{"cidr":null},"natGateways":null}`,
			"deployments": `{"policyArns":null}`, "tags": "null"},
			func(t *testing.T, c *Config) {
				assert.Equal(t, 3, c.Network.AzCount)
				assert.Equal(t, NatPerAz, c.Network.NatGateways)
				assert.Equal(t, "10.0.0.0/16", c.Network.Primary.Cidr)
				assert.Equal(t, DefaultDeployPolicyArns, c.Deployments.PolicyArns)
				assert.Empty(t, c.Tags)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseT("prod", withEdge(tt.values), nil)
			require.NoError(t, err)
			tt.check(t, c)
		})
	}
}

// Coercion never turns a wrong value into a right one: text that does not spell the type, a
// fraction for a whole number, a list for a scalar, a null inside a list, all fail naming the full key.
func TestWrongScalarsNameTheFullKey(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		key    string
		want   string
	}{
		{"word for a number", map[string]string{"network": `{"azCount":"three"}`}, "network.azCount", "must be a whole number"},
		{"fraction for a whole number", map[string]string{"network": `{"azCount":2.5}`}, "network.azCount", "must be a whole number"},
		{"yes for a boolean", map[string]string{"database": `{"writeForwarding":"yes"}`}, "database.writeForwarding", "must be a boolean (true or false)"},
		{"number for a boolean", map[string]string{"deployments": `{"oidc":1}`}, "deployments.oidc", "must be a boolean"},
		{"list for a string", map[string]string{"network": `{"natGateways":["single"]}`}, "network.natGateways", "must be a string"},
		{"object in a list", map[string]string{"network": `{"primary":{"azs":[{"name":"us-east-1a"}]}}`}, "network.primary.azs", "must be a list of strings"},
		{"null in a list", map[string]string{"deployments": `{"stacks":["prod",null]}`}, "deployments.stacks", "must be a list of strings"},
		{"object as a tag value", map[string]string{"tags": `{"Team":{"name":"sre"}}`}, "tags", "must be an object of string values"},
		{"scalar for an object", map[string]string{"network": `{"primary":"10.0.0.0/16"}`}, "network.primary", "must be an object"},
		// YAML's number or boolean where text is declared is refused, never turned into its text: an
		// unquoted hostname: true or accountId: 012345678901 is not what the author meant.
		{"number for a tag value", map[string]string{"tags": `{"CostCenter":1234}`}, "tags", "is the number 1234, but a string is declared: quote it (\"1234\")"},
		{"boolean for a tag value", map[string]string{"tags": `{"Billable":true}`}, "tags", "is the boolean true, but a string is declared"},
		{"number for a string setting", map[string]string{"deployments": `{"organization":12345}`}, "deployments.organization", "`pulumi config set --path --type string`"},
		{"number in a list of strings", map[string]string{"deployments": `{"stacks":["prod",2024]}`}, "deployments.stacks", "is the number 2024, but a string is declared"},
		{"boolean for the hostname", map[string]string{"edge": `{"domainName":"example.com","hostname":true}`}, "edge.hostname", "is the boolean true, but a string is declared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseT("prod", withEdge(tt.values), nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			var messages []string
			for _, p := range cfgErr.Problems {
				if p.Key == Namespace+":"+tt.key {
					messages = append(messages, p.Message)
				}
			}
			require.NotEmpty(t, messages, "no problem for %s in %v", tt.key, err)
			assert.Contains(t, messages[0], tt.want)
		})
	}
}

// `pulumi config set network.azCount 3` without --path sets a top-level key named
// "network.azCount"; the error says how to set the nested key instead.
func TestDottedTopLevelKeyPointsAtPath(t *testing.T) {
	_, err := parseT("prod", withEdge(nil), []string{"network.azCount", "primaryRgion"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:network.azCount: unknown key: a top-level key with a dot in its name; to set network.azCount inside the network object use `pulumi config set --path multi-region-ha:network.azCount <value>`")
	assert.Contains(t, err.Error(), "multi-region-ha:primaryRgion: unknown key; did you mean primaryRegion?")
}

// Tags reach every resource through defaultTags, IAM and WAF included, whose APIs accept fewer
// characters than EC2: a tag any of them refuses is a config error, not a failed `pulumi up`.
func TestTagCharacters(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"tags": `{"Owner":"sre@example.com","Path":"team/platform:web=1+2","Team Name":"Plattform Über"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, "sre@example.com", c.Tags["Owner"])

	for _, tags := range []string{`{"Team":"SRE (on call)"}`, `{"Cost,Center":"42"}`, `{"Note":"a#b"}`, `{"Owner":"x;y"}`} {
		_, err := parseT("prod", withEdge(map[string]string{"tags": tags}), nil)
		require.Error(t, err, tags)
		assert.Contains(t, err.Error(), "multi-region-ha:tags.", tags)
		assert.Contains(t, err.Error(), "may hold only letters, digits, spaces and _ . : / = + - @", tags)
	}
}
