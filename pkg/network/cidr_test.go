package network

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCarveSubnet(t *testing.T) {
	cases := []struct {
		vpc  string
		tier Tier
		az   int
		want string
	}{
		{"10.0.0.0/16", TierPublic, 0, "10.0.0.0/21"},
		{"10.0.0.0/16", TierPublic, 2, "10.0.16.0/21"},
		{"10.0.0.0/16", TierPrivate, 0, "10.0.64.0/21"},
		{"10.0.0.0/16", TierDatabase, 1, "10.0.136.0/21"},
		{"10.0.0.0/16", TierDatabase, 7, "10.0.184.0/21"},
		{"172.16.0.0/20", TierPrivate, 1, "172.16.4.128/25"},
		{"192.168.0.0/23", TierDatabase, 0, "192.168.1.0/28"},
	}
	for _, tc := range cases {
		got, err := CarveSubnet(netip.MustParsePrefix(tc.vpc), tc.tier, tc.az)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got.String(), "%s %s az %d", tc.vpc, tc.tier, tc.az)
	}
}

func TestCarveSubnetRefusesWhatCannotFit(t *testing.T) {
	_, err := CarveSubnet(netip.MustParsePrefix("10.0.0.0/24"), TierPublic, 0)
	assert.ErrorContains(t, err, "too small to carve")
	_, err = CarveSubnet(netip.MustParsePrefix("10.0.0.0/16"), TierPublic, 8)
	assert.ErrorContains(t, err, "at most 8 Availability Zones")
}

func TestCarvedTiersNeverOverlap(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	var all []netip.Prefix
	for _, tier := range Tiers {
		for az := 0; az < MaxCarvedAzs; az++ {
			p, err := CarveSubnet(vpc, tier, az)
			require.NoError(t, err)
			assert.True(t, Contains(vpc, p))
			for _, q := range all {
				assert.False(t, p.Overlaps(q), "%s overlaps %s", p, q)
			}
			all = append(all, p)
		}
	}
}

func TestParseCIDR(t *testing.T) {
	_, err := ParseCIDR("10.0.0.0/16")
	assert.NoError(t, err)
	_, err = ParseCIDR("10.0.0.5/16")
	assert.ErrorContains(t, err, "did you mean 10.0.0.0/16")
	_, err = ParseCIDR("fd00::/48")
	assert.ErrorContains(t, err, "not an IPv4 CIDR")
	_, err = ParseCIDR("banana")
	assert.ErrorContains(t, err, "not an IPv4 CIDR")
}

func TestZoneNames(t *testing.T) {
	assert.Equal(t, "us-east-1", regionOf("us-east-1a"))
	assert.Equal(t, "a", zoneSuffix("us-east-1a"))
	assert.Equal(t, "eu-central-2", regionOf("eu-central-2c"))
	assert.Equal(t, "c", zoneSuffix("eu-central-2c"))
}
