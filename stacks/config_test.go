package stacks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfilesDifferByEnvironment(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	staging, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)

	assert.Equal(t, "prod", prod.Environment)
	assert.Equal(t, NatPerAz, prod.Network.NatGateways)
	assert.Equal(t, 3, prod.Network.AzCount)
	assert.Equal(t, 365, prod.Network.FlowLogRetentionDays)

	assert.Equal(t, "staging", staging.Environment)
	assert.Equal(t, NatSingle, staging.Network.NatGateways)
	assert.Equal(t, 2, staging.Network.AzCount)
	assert.Equal(t, 30, staging.Network.FlowLogRetentionDays)

	for _, c := range []*Config{prod, staging} {
		assert.Equal(t, "us-east-1", c.PrimaryRegion)
		assert.Equal(t, "us-west-2", c.SecondaryRegion)
		assert.Equal(t, "10.0.0.0/16", c.Network.Primary.Cidr)
		assert.Equal(t, "10.1.0.0/16", c.Network.Secondary.Cidr)
	}
}

func TestEnvironmentOverridesStackName(t *testing.T) {
	c, err := parseT("prod-eu", withEdge(map[string]string{"environment": "prod"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "prod", c.Environment)
	assert.Equal(t, "prod-eu", c.Stack)
	assert.True(t, c.IsProd())
}

func TestSubnetsAreCarvedDeterministically(t *testing.T) {
	c, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21"}, c.Network.Primary.PublicSubnets)
	assert.Equal(t, []string{"10.0.64.0/21", "10.0.72.0/21", "10.0.80.0/21"}, c.Network.Primary.PrivateSubnets)
	assert.Equal(t, []string{"10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"}, c.Network.Primary.DatabaseSubnets)
	assert.Equal(t, []string{"10.1.128.0/21", "10.1.136.0/21", "10.1.144.0/21"}, c.Network.Secondary.DatabaseSubnets)

	// Growing from 2 to 3 AZs adds subnets and moves none (moving one would replace it).
	s, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, c.Network.Primary.PrivateSubnets[:2], s.Network.Primary.PrivateSubnets)
}

func TestExplicitSubnetsAreKept(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"network": `{"primary":{"cidr":"10.0.0.0/16",
		"azs":["us-east-1a","us-east-1b","us-east-1c"],
		"privateSubnets":["10.0.1.0/24","10.0.2.0/24","10.0.3.0/24"],
		"publicSubnets":["10.0.101.0/24","10.0.102.0/24","10.0.103.0/24"]}}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}, c.Network.Primary.PrivateSubnets)
	assert.Equal(t, []string{"10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"}, c.Network.Primary.PublicSubnets)
	// The tier left out is carved, and does not collide with the explicit ones.
	assert.Equal(t, []string{"10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"}, c.Network.Primary.DatabaseSubnets)
	assert.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1c"}, c.Network.Primary.Azs)
}

func TestDefaultTagsCarryReservedAndExtraTags(t *testing.T) {
	c, err := parseT("staging", withEdge(map[string]string{"tags": `{"CostCenter":"platform"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"Project": "multi-region-ha", "Environment": "staging", "Stack": "staging", "ManagedBy": "pulumi", "CostCenter": "platform",
	}, c.DefaultTags())
}

// TestBadConfig is the table of configurations a user can get wrong. Each must fail before any
// resource exists, with a message naming the full key and what is allowed.
func TestBadConfig(t *testing.T) {
	cases := []struct {
		name    string
		stack   string
		values  map[string]string
		unknown []string
		want    []string // substrings of the error, each expected
	}{
		{"same regions", "prod", map[string]string{"secondaryRegion": "us-east-1"},
			nil, []string{"multi-region-ha:secondaryRegion: is \"us-east-1\", the same as primaryRegion"}},
		{"malformed region", "prod", map[string]string{"primaryRegion": "us-east"},
			nil, []string{"multi-region-ha:primaryRegion: \"us-east\" is not an AWS region code"}},
		{"unknown region", "prod", map[string]string{"secondaryRegion": "xx-west-9"},
			nil, []string{"multi-region-ha:secondaryRegion: \"xx-west-9\" is not a region this program knows"}},
		{"malformed cidr", "prod", map[string]string{"network": `{"primary":{"cidr":"10.0.0/16"}}`},
			nil, []string{"multi-region-ha:network.primary.cidr: \"10.0.0/16\" is not an IPv4 CIDR"}},
		{"cidr not a network address", "prod", map[string]string{"network": `{"primary":{"cidr":"10.0.0.1/16"}}`},
			nil, []string{"multi-region-ha:network.primary.cidr: \"10.0.0.1/16\" is not a network address; did you mean 10.0.0.0/16?"}},
		{"overlapping regions", "prod", map[string]string{"network": `{"secondary":{"cidr":"10.0.128.0/17"}}`},
			nil, []string{"multi-region-ha:network.secondary.cidr: 10.0.128.0/17 overlaps network.primary.cidr 10.0.0.0/16"}},
		{"vpc too small to carve", "prod", map[string]string{"network": `{"primary":{"cidr":"10.0.0.0/24"}}`},
			nil, []string{"multi-region-ha:network.primary.cidr: VPC 10.0.0.0/24 is too small to carve: use /23 or larger"}},
		{"vpc larger than AWS allows", "prod", map[string]string{"network": `{"primary":{"cidr":"10.0.0.0/8"}}`},
			nil, []string{"multi-region-ha:network.primary.cidr: is /8; AWS allows VPCs from /16 to /28"}},
		{"subnet outside vpc", "staging", map[string]string{"network": `{"primary":{"privateSubnets":["10.0.1.0/24","10.9.2.0/24"]}}`},
			nil, []string{"multi-region-ha:network.primary.privateSubnets: 10.9.2.0/24 is outside the VPC CIDR 10.0.0.0/16"}},
		{"overlapping subnets", "staging", map[string]string{"network": `{"primary":{"privateSubnets":["10.0.1.0/24","10.0.1.128/25"]}}`},
			nil, []string{"multi-region-ha:network.primary.privateSubnets: 10.0.1.128/25 overlaps 10.0.1.0/24 in network.primary.privateSubnets"}},
		{"explicit subnet collides with carved", "staging", map[string]string{"network": `{"primary":{"databaseSubnets":["10.0.0.0/24","10.0.200.0/24"]}}`},
			nil, []string{"multi-region-ha:network.primary.databaseSubnets: 10.0.0.0/24 overlaps 10.0.0.0/21 in network.primary.publicSubnets"}},
		{"not one subnet per az", "prod", map[string]string{"network": `{"secondary":{"publicSubnets":["10.1.1.0/24"]}}`},
			nil, []string{"multi-region-ha:network.secondary.publicSubnets: lists 1 subnets but network.azCount is 3; list exactly one per AZ"}},
		{"azs of another region", "staging", map[string]string{"network": `{"primary":{"azs":["us-west-2a","us-east-1b"]}}`},
			nil, []string{"multi-region-ha:network.primary.azs: \"us-west-2a\" is not an Availability Zone of us-east-1"}},
		{"azs count mismatch", "staging", map[string]string{"network": `{"primary":{"azs":["us-east-1a"]}}`},
			nil, []string{"multi-region-ha:network.primary.azs: lists 1 zones but network.azCount is 2"}},
		{"azCount below two", "prod", map[string]string{"network": `{"azCount":1}`},
			nil, []string{"multi-region-ha:network.azCount: is 1; at least 2"}},
		{"azCount above region", "prod", map[string]string{"secondaryRegion": "us-west-1", "network": `{"azCount":3}`},
			nil, []string{"multi-region-ha:network.azCount: is 3 but us-west-1 (secondaryRegion) offers 2 Availability Zones"}},
		{"unknown nat strategy", "prod", map[string]string{"network": `{"natGateways":"perAZ"}`},
			nil, []string{"multi-region-ha:network.natGateways: is \"perAZ\"; allowed: perAz, single, none"}},
		{"bad retention", "prod", map[string]string{"network": `{"flowLogRetentionDays":100}`},
			nil, []string{"multi-region-ha:network.flowLogRetentionDays: is 100; CloudWatch Logs allows 1, 3, 5"}},
		{"unknown nested key", "prod", map[string]string{"network": `{"natGateway":"single"}`},
			nil, []string{"multi-region-ha:network.natGateway: unknown key; did you mean natGateways?"}},
		{"unknown deep key", "prod", map[string]string{"network": `{"primary":{"cidrs":"10.0.0.0/16"}}`},
			nil, []string{"multi-region-ha:network.primary.cidrs: unknown key"}},
		{"wrong type", "prod", map[string]string{"network": `{"azCount":"three"}`},
			nil, []string{"multi-region-ha:network.azCount: must be a whole number"}},
		{"not an object", "prod", map[string]string{"network": `perAz`},
			nil, []string{"multi-region-ha:network: must be an object"}},
		{"unknown top-level key", "prod", nil,
			[]string{"primaryRgion"}, []string{"multi-region-ha:primaryRgion: unknown key; did you mean primaryRegion?"}},
		{"bad environment", "prod", map[string]string{"environment": "production"},
			nil, []string{"multi-region-ha:environment: is \"production\"; allowed: prod, staging"}},
		{"stack name not an environment", "dev", nil,
			nil, []string{"multi-region-ha:environment: is not set and the stack name \"dev\" is neither prod nor staging"}},
		{"reserved tag", "prod", map[string]string{"tags": `{"ManagedBy":"terraform"}`},
			nil, []string{"multi-region-ha:tags.ManagedBy: is set by the program and cannot be overridden"}},
		{"aws tag prefix", "prod", map[string]string{"tags": `{"aws:owner":"me"}`},
			nil, []string{"multi-region-ha:tags.aws:owner: tag keys starting with aws: are reserved"}},
		{"every problem at once", "prod", map[string]string{"primaryRegion": "nowhere", "network": `{"natGateways":"lots","azCount":1}`},
			nil, []string{"multi-region-ha:primaryRegion", "multi-region-ha:network.natGateways", "multi-region-ha:network.azCount"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT(tc.stack, tc.values, tc.unknown)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			for _, p := range cfgErr.Problems {
				assert.True(t, strings.HasPrefix(p.Key, "multi-region-ha:"), "problem key %q is not a full config key", p.Key)
			}
		})
	}
}

func TestUndeclaredKeysComeFromTheEnginesConfig(t *testing.T) {
	got := undeclaredKeys(`{"multi-region-ha:network":"{}","multi-region-ha:primaryRgion":"x","aws:region":"us-east-1","pulumi:disable-default-providers":"[\"aws\"]"}`)
	assert.Equal(t, []string{"primaryRgion"}, got)
	assert.Nil(t, undeclaredKeys(""))
}

func TestErrorCountsProblems(t *testing.T) {
	_, err := parseT("prod", withEdge(map[string]string{"primaryRegion": "x", "secondaryRegion": "x"}), nil)
	require.Error(t, err)
	// Two root causes; the same-region problem they cause is folded under them, not counted apart.
	assert.True(t, strings.HasPrefix(err.Error(), "invalid stack configuration (2 problems):"), err.Error())
}
