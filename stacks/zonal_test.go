package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZonalAutoshiftDefaultsPerEnvironment(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	assert.True(t, prod.Compute.ZonalAutoshift)
	staging, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)
	assert.False(t, staging.Compute.ZonalAutoshift)
	off, err := parseT("prod", withEdge(map[string]string{"compute": `{"zonalAutoshift":false}`}), nil)
	require.NoError(t, err)
	assert.False(t, off.Compute.ZonalAutoshift, "false overrides prod's default")
}

// minSize, standbyMinSize and azCount are checked together: each region keeps an instance serving
// when the zone holding the most of its minimum is shifted away.
func TestZonalAutoshiftCapacityRule(t *testing.T) {
	for _, tc := range []struct {
		name, env, compute, network string
		wantKeys                    []string
	}{
		{"prod defaults", "prod", ``, ``, nil},
		{"staging with autoshift on", "staging", `{"zonalAutoshift":true}`, ``,
			[]string{"multi-region-ha:compute.minSize", "multi-region-ha:compute.standbyMinSize"}},
		{"staging sized for it", "staging", `{"zonalAutoshift":true,"minSize":2,"desiredCapacity":2,"standbyMinSize":2,"standbyDesiredCapacity":2}`, ``, nil},
		{"standby of one", "prod", `{"standbyMinSize":1,"standbyDesiredCapacity":1}`, ``, []string{"multi-region-ha:compute.standbyMinSize"}},
		{"pilot-light standby", "prod", `{"standbyMinSize":0,"standbyDesiredCapacity":0}`, ``, nil},
		{"off: no rule", "prod", `{"zonalAutoshift":false,"minSize":1,"desiredCapacity":1,"standbyMinSize":1,"standbyDesiredCapacity":1}`, ``, nil},
		{"two zones, two each", "prod", ``, `{"azCount":2,"natGateways":"perAz"}`, nil},
	} {
		values := map[string]string{}
		if tc.compute != "" {
			values["compute"] = tc.compute
		}
		if tc.network != "" {
			values["network"] = tc.network
		}
		_, err := parseT(tc.env, withEdge(values), nil)
		if tc.wantKeys == nil {
			assert.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		var cfgErr *Error
		require.ErrorAs(t, err, &cfgErr, tc.name)
		var keys []string
		for _, p := range cfgErr.Problems {
			keys = append(keys, p.Key)
		}
		assert.Equal(t, tc.wantKeys, keys, tc.name)
		assert.Contains(t, err.Error(), "compute.zonalAutoshift on and network.azCount", tc.name)
		assert.Contains(t, err.Error(), "leaves 0 instances serving after a zonal shift", tc.name)
	}
}

func TestZonalCapacityPerRegion(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	minimum, left := prod.ZonalCapacity(prod.PrimaryRegion)
	assert.Equal(t, []int{2, 1}, []int{minimum, left})
	minimum, left = prod.ZonalCapacity(prod.SecondaryRegion)
	assert.Equal(t, []int{2, 1}, []int{minimum, left})
}
