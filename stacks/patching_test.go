package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatchingDefaults(t *testing.T) {
	for _, stack := range []string{"prod", "staging"} {
		cfg, err := parseT(stack, withEdge(nil), nil)
		require.NoError(t, err)
		c := cfg.Compute
		assert.Equal(t, 7, c.PatchApproveAfterDays, stack)
		assert.False(t, c.PatchInstall, "%s: in-place installs are opt-in", stack)
		assert.Equal(t, "cron(0 3 ? * TUE *)", c.PatchWindow, stack)
		assert.Equal(t, "cron(0 3 ? * TUE *)", cfg.PatchWindow("us-west-2"), "the secondary takes the configured window")
		assert.Equal(t, "cron(0 3 ? * WED *)", cfg.PatchWindow("us-east-1"), "the home region a day later")
		assert.Equal(t, "multi-region-ha-"+stack, cfg.PatchGroup())
	}
}

func TestPatchingOverrides(t *testing.T) {
	cfg, err := parseT("prod", withEdge(map[string]string{
		"compute":         `{"patchApproveAfterDays":0,"patchInstall":true,"patchWindow":"cron(30 22 ? * SAT *)"}`,
		"primaryRegion":   "eu-west-1",
		"secondaryRegion": "eu-central-1",
	}), nil)
	require.NoError(t, err)
	assert.Equal(t, 0, cfg.Compute.PatchApproveAfterDays, "0 (approve on release) is kept, not replaced by the default")
	assert.True(t, cfg.Compute.PatchInstall)
	assert.Equal(t, "cron(30 22 ? * SAT *)", cfg.PatchWindow("eu-central-1"))
	assert.Equal(t, "cron(30 22 ? * SUN *)", cfg.PatchWindow("eu-west-1"), "Saturday + 1 day wraps to Sunday")

	// Both committed stacks have room for a replacement, so turning installs on works as shipped.
	for _, stack := range []string{"prod", "staging"} {
		_, err := parseT(stack, withEdge(map[string]string{"compute": `{"patchInstall":true}`}), nil)
		assert.NoError(t, err, stack)
	}
}

func TestPatchingBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name, compute string
		want          []string
	}{
		{"approve delay negative", `{"patchApproveAfterDays":-1}`,
			[]string{"multi-region-ha:compute.patchApproveAfterDays: is -1; allowed: 0 to 100 days"}},
		{"approve delay too long", `{"patchApproveAfterDays":101}`,
			[]string{"multi-region-ha:compute.patchApproveAfterDays: is 101; allowed: 0 to 100 days"}},
		{"approve delay not a number", `{"patchApproveAfterDays":"a week"}`,
			[]string{"multi-region-ha:compute.patchApproveAfterDays: must be a whole number"}},
		{"install not a bool", `{"patchInstall":"yes"}`, []string{"multi-region-ha:compute.patchInstall:"}},
		{"daily window", `{"patchWindow":"cron(0 3 ? * * *)"}`,
			[]string{`multi-region-ha:compute.patchWindow: is "cron(0 3 ? * * *)"; allowed: a weekly SSM cron in UTC`}},
		{"unix cron", `{"patchWindow":"0 3 * * 2"}`, []string{`multi-region-ha:compute.patchWindow: is "0 3 * * 2"`}},
		{"hour out of range", `{"patchWindow":"cron(0 24 ? * TUE *)"}`, []string{`multi-region-ha:compute.patchWindow: is "cron(0 24 ? * TUE *)" (minute 0, hour 24)`}},
		{"installs with no room above desired", `{"patchInstall":true,"minSize":2,"maxSize":3,"desiredCapacity":3}`,
			[]string{"multi-region-ha:compute.patchInstall: needs compute.maxSize above the desired capacity (desiredCapacity 3, standbyDesiredCapacity 2", "maxSize is 3: raise it to at least 4"}},
		{"installs with the standby at maxSize", `{"patchInstall":true,"minSize":1,"maxSize":2,"desiredCapacity":1,"standbyMinSize":2,"standbyDesiredCapacity":2}`,
			[]string{"multi-region-ha:compute.patchInstall: needs compute.maxSize above", "raise it to at least 3"}},
		{"window checked while installs are off", `{"patchInstall":false,"patchWindow":"rate(7 days)"}`,
			[]string{`multi-region-ha:compute.patchWindow: is "rate(7 days)"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT("prod", withEdge(map[string]string{"compute": tc.compute}), nil)
			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}
