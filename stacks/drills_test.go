package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDrillsDefaultOnForStagingOffForProd(t *testing.T) {
	staging, err := parseT("staging", map[string]string{"edge": `{"domainName":"example.com"}`}, nil)
	require.NoError(t, err)
	assert.Equal(t, Drills{Enabled: true, InstancePercent: 50, DurationMinutes: 10}, staging.Drills)
	prod, err := parseT("prod", map[string]string{"edge": `{"domainName":"example.com"}`}, nil)
	require.NoError(t, err)
	assert.False(t, prod.Drills.Enabled, "prod drills are a deliberate choice")
}

func TestDrillsValidation(t *testing.T) {
	cases := []struct {
		drills, key string
	}{
		{`{"instancePercent":0}`, "multi-region-ha:drills.instancePercent"},
		{`{"instancePercent":101}`, "multi-region-ha:drills.instancePercent"},
		{`{"durationMinutes":0}`, "multi-region-ha:drills.durationMinutes"},
		{`{"durationMinutes":721}`, "multi-region-ha:drills.durationMinutes"},
		{`{"enabled":"yes"}`, "multi-region-ha:drills.enabled"},
		{`{"enable":true}`, "multi-region-ha:drills.enable"},
	}
	for _, tc := range cases {
		_, err := parseT("staging", map[string]string{"edge": `{"domainName":"example.com"}`, "drills": tc.drills}, nil)
		var cfgErr *Error
		if assert.ErrorAs(t, err, &cfgErr, tc.drills) {
			require.Len(t, cfgErr.Problems, 1, tc.drills)
			assert.Equal(t, tc.key, cfgErr.Problems[0].Key)
		}
	}
	ok, err := parseT("prod", map[string]string{"edge": `{"domainName":"example.com"}`, "drills": `{"enabled":true,"instancePercent":100,"durationMinutes":720}`}, nil)
	require.NoError(t, err)
	assert.True(t, ok.Drills.Enabled)
}
