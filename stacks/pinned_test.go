package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every pinned value is required or checked, each bad value refused with the full key named.
func TestPinnedValuesAreRequiredAndChecked(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		key    string
		want   string
	}{
		{"no account", map[string]string{"accountId": ""}, "accountId", "is required: the 12-digit AWS account id"},
		{"13-digit account", map[string]string{"accountId": "1234567890123"}, "accountId", "allowed: exactly 12 digits"},
		{"account with letters", map[string]string{"accountId": "12345678901a"}, "accountId", "allowed: exactly 12 digits"},
		{"no zones", map[string]string{"network": `{"primary":{"azs":[]}}`}, "network.primary.azs", "is required: list the 3 Availability Zones"},
		{"zones of another region", map[string]string{"network": `{"secondary":{"azs":["us-east-1a","us-east-1b","us-east-1c"]}}`}, "network.secondary.azs", "is not an Availability Zone of us-west-2"},
		{"no images", map[string]string{"compute": `{"amiIds":{}}`}, "compute.amiIds.us-east-1", "is required: the map lists no value for us-east-1"},
		{"image map missing a region", map[string]string{"compute": `{"amiIds":{"us-east-1":"ami-0123456789abcdef0"}}`}, "compute.amiIds.us-west-2", "is required"},
		{"image of the wrong form", map[string]string{"compute": `{"amiIds":{"us-east-1":"ami-123","us-west-2":"ami-0123456789abcdef0"}}`}, "compute.amiIds.us-east-1", `is "ami-123"; allowed: an AMI id`},
		{"image as a parameter", map[string]string{"compute": `{"amiIds":{"us-east-1":"/aws/service/ami","us-west-2":"ami-0123456789abcdef0"}}`}, "compute.amiIds.us-east-1", "allowed: an AMI id"},
		{"image of an unknown region", map[string]string{"compute": `{"amiIds":{"us-east-1":"ami-0123456789abcdef0","us-west-2":"ami-0123456789abcdef0","eu-west-9":"ami-0123456789abcdef0"}}`}, "compute.amiIds.eu-west-9", "is not one of the stack's regions"},
		{"prefix list of the wrong form", map[string]string{"compute": `{"cloudFrontPrefixListIds":{"us-east-1":"sg-123"}}`}, "compute.cloudFrontPrefixListIds.us-east-1", `is "sg-123"; allowed: a prefix list id`},
		{"prefix list of another region", map[string]string{"compute": `{"healthCheckPrefixListIds":{"us-east-1":"pl-0a1b2c3d4e5f60718","us-west-2":"pl-0a1b2c3d4e5f60718","eu-west-1":"pl-0a1b2c3d4e5f60718"}}`}, "compute.healthCheckPrefixListIds.eu-west-1", "is not one of the stack's regions"},
		{"health-check list the table lacks", map[string]string{"compute": `{"healthCheckPrefixListIds":{"us-east-1":"pl-0a1b2c3d4e5f60718"}}`}, "compute.healthCheckPrefixListIds.us-west-2", "is required: no known id of com.amazonaws.us-west-2.route53-healthchecks"},
		{"CloudFront list the table lacks", map[string]string{"secondaryRegion": "eu-central-2"}, "compute.cloudFrontPrefixListIds.eu-central-2", "is required: no known id of com.amazonaws.global.cloudfront.origin-facing in eu-central-2"},
		{"unknown region", map[string]string{"secondaryRegion": "eu-west-9"}, "secondaryRegion", "is not a region this program knows"},
		{"no hosted zone", map[string]string{"edge": `{"domainName":"example.com","hostedZoneId":""}`}, "edge.hostedZoneId", "is required unless edge.createHostedZone"},
		{"hosted zone of the wrong form", map[string]string{"edge": `{"domainName":"example.com","hostedZoneId":"/hostedzone/Z123"}`}, "edge.hostedZoneId", "allowed: a Route 53 hosted zone id"},
		{"hosted zone and createHostedZone", map[string]string{"edge": `{"domainName":"example.com","createHostedZone":true,"hostedZoneId":"Z123"}`}, "edge.hostedZoneId", "set one or the other"},
		{"unavailable region of no provider", map[string]string{"unavailableRegion": "eu-west-1"}, "unavailableRegion", "allowed: one of the regions the stack registers a provider for (us-east-1, us-west-2)"},
		{"partitions differ", map[string]string{"secondaryRegion": "us-gov-west-1", "compute": `{"cloudFrontPrefixListIds":{"us-gov-west-1":"pl-0a1b2c3d4e5f60718"}}`}, "secondaryRegion", "both regions must share a partition"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT("prod", withEdge(tc.values), nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			var messages []string
			for _, p := range cfgErr.Problems {
				if p.Key == Namespace+":"+tc.key {
					messages = append(messages, p.Message)
				}
			}
			require.NotEmpty(t, messages, "no problem for %s in %v", tc.key, err)
			assert.Contains(t, messages[0], tc.want)
		})
	}
}

func TestPinnedValuesResolvePerRegion(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"compute": `{"amiIds":{"us-east-1":"ami-0123456789abcdef0","us-west-2":"ami-0fedcba9876543210"},
		"cloudFrontPrefixListIds":{"us-west-2":"pl-0aaaaaaaaaaaaaaaa"},
		"healthCheckPrefixListIds":{"us-east-1":"pl-0bbbbbbbbbbbbbbbb","us-west-2":"pl-0cccccccccccccccc"}}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, testAccount, c.AccountId)
	assert.Equal(t, "ami-0123456789abcdef0", c.AmiId("us-east-1"))
	assert.Equal(t, "ami-0fedcba9876543210", c.AmiId("us-west-2"))
	assert.Equal(t, PrefixLists{CloudFront: "pl-3b927c52", HealthCheck: "pl-0bbbbbbbbbbbbbbbb"}, c.PrefixLists("us-east-1"), "the table's id by default")
	assert.Equal(t, PrefixLists{CloudFront: "pl-0aaaaaaaaaaaaaaaa", HealthCheck: "pl-0cccccccccccccccc"}, c.PrefixLists("us-west-2"), "config overrides the table")
	assert.Equal(t, "127311923021", c.ElbAccountId("us-east-1"))
	assert.Equal(t, "797873946194", c.ElbAccountId("us-west-2"))
	assert.Equal(t, "", c.ElbAccountId("eu-central-2"), "newer regions: the log delivery service principal")
	assert.Equal(t, []string{"us-east-1", "us-west-2"}, c.ProviderRegions())
	partition, suffix := c.Partition()
	assert.Equal(t, "aws", partition)
	assert.Equal(t, "amazonaws.com", suffix)
	assert.Equal(t, testHostedZone, c.Edge.HostedZoneId)

	// An EU pair also registers us-east-1 (CloudFront, WAF, IAM), which may be the unavailable one.
	eu, err := parseT("prod", withEdge(map[string]string{"primaryRegion": "eu-west-1", "secondaryRegion": "eu-central-1", "unavailableRegion": "us-east-1"}), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"eu-west-1", "eu-central-1", "us-east-1"}, eu.ProviderRegions())
	assert.Equal(t, "us-east-1", eu.UnavailableRegion)
	assert.Equal(t, "156460612806", eu.ElbAccountId("eu-west-1"))

	// A created zone needs no id.
	z, err := parseT("prod", withEdge(map[string]string{"edge": `{"domainName":"example.com","createHostedZone":true}`}), nil)
	require.NoError(t, err)
	assert.Empty(t, z.Edge.HostedZoneId)
}
