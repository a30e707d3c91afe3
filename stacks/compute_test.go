package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestComputeDefaultsPerEnvironment(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	staging, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)

	p := prod.Compute
	assert.Equal(t, "m7i.large", p.InstanceType)
	assert.Equal(t, []int{2, 6, 3, 2, 2}, []int{p.MinSize, p.MaxSize, p.DesiredCapacity, p.StandbyMinSize, p.StandbyDesiredCapacity})
	assert.Equal(t, 365, p.AccessLogRetentionDays)

	s := staging.Compute
	assert.Equal(t, "t3.small", s.InstanceType)
	assert.Equal(t, []int{1, 2, 1, 1, 1}, []int{s.MinSize, s.MaxSize, s.DesiredCapacity, s.StandbyMinSize, s.StandbyDesiredCapacity})
	assert.Equal(t, 30, s.AccessLogRetentionDays)

	for _, c := range []Compute{p, s} {
		assert.Equal(t, 8080, c.AppPort)
		assert.Equal(t, "/health", c.HealthCheckPath)
		assert.Equal(t, AmiAl2023X86, c.AmiSsmParameter)
		assert.Equal(t, 300, c.HealthCheckGracePeriod)
		assert.Equal(t, 20, c.RootVolumeSize)
		assert.Equal(t, "/dev/xvda", c.RootDeviceName)
		assert.Empty(t, c.UserData)
		assert.Empty(t, c.UserDataScript, "the component's default script")
	}
}

// Sizes go by home and standby region (config), never by which region writes.
func TestComputeCapacityByHomeRegion(t *testing.T) {
	c := defaultCompute(true)
	minSize, maxSize, desired := c.Capacity(true)
	assert.Equal(t, []int{2, 6, 3}, []int{minSize, maxSize, desired})
	minSize, maxSize, desired = c.Capacity(false)
	assert.Equal(t, []int{2, 6, 2}, []int{minSize, maxSize, desired}, "the standby scales to the same maximum")
	assert.Equal(t, 1000, c.TargetRequestsPerInstance)
}

func TestComputeTargetRequestsPerInstance(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"compute": `{"targetRequestsPerInstance":250}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, 250, c.Compute.TargetRequestsPerInstance)
	_, err = parseT("prod", withEdge(map[string]string{"compute": `{"targetRequestsPerInstance":0}`}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:compute.targetRequestsPerInstance: is 0; allowed: 1 to 1000000")
}

func TestComputeOverrides(t *testing.T) {
	c, err := parseT("staging", withEdge(map[string]string{"compute": `{"instanceType":"c7g.xlarge","minSize":2,"maxSize":4,
		"desiredCapacity":2,"standbyMinSize":0,"standbyDesiredCapacity":0,"appPort":3000,"healthCheckPath":"/healthz"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, "c7g.xlarge", c.Compute.InstanceType)
	assert.Equal(t, AmiAl2023Arm64, c.Compute.AmiSsmParameter, "an unset AMI follows the instance architecture")
	assert.Equal(t, 3000, c.Compute.AppPort)
	assert.Equal(t, 0, c.Compute.StandbyDesiredCapacity, "a pilot-light standby is allowed")
}

func TestInstanceArch(t *testing.T) {
	cases := map[string]string{
		"t3.small": "x86_64", "m7i.large": "x86_64", "m7i-flex.large": "x86_64", "c6in.2xlarge": "x86_64",
		"r7iz.metal-16xl": "x86_64", "g5.xlarge": "x86_64", "p5.48xlarge": "x86_64", "inf2.xlarge": "x86_64",
		"t4g.small": "arm64", "m7g.large": "arm64", "c7gn.medium": "arm64", "r8g.metal-24xl": "arm64",
		"im4gn.large": "arm64", "is4gen.medium": "arm64", "a1.large": "arm64", "g5g.xlarge": "arm64", "x2gd.large": "arm64",
		"m7i": "", "large": "", "m7i.huge": "", "n5.large": "", "M7i.large": "", "mac2.metal": "", "t3.small ": "",
	}
	for typ, want := range cases {
		assert.Equal(t, want, instanceArch(typ), typ)
	}
}

func TestComputeUserDataIsReadFromTheProject(t *testing.T) {
	dir := t.TempDir()
	old := projectDir
	projectDir = dir
	t.Cleanup(func() { projectDir = old })
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "scripts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scripts", "app.sh"), []byte("#!/bin/bash\necho hi\n"), 0o644))

	c, err := parseT("prod", withEdge(map[string]string{"compute": `{"userData":"scripts/app.sh"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, "scripts/app.sh", c.Compute.UserData)
	assert.Equal(t, "#!/bin/bash\necho hi\n", c.Compute.UserDataScript)
}

func TestComputeBadConfig(t *testing.T) {
	dir := t.TempDir()
	old := projectDir
	projectDir = dir
	t.Cleanup(func() { projectDir = old })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.sh"), []byte(strings.Repeat("#", maxUserDataBytes+1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.sh"), nil, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "scripts"), 0o755))

	cases := []struct {
		name, stack, compute string
		want                 []string
	}{
		{"instance type shape", "prod", `{"instanceType":"m7i-large"}`,
			[]string{`multi-region-ha:compute.instanceType: is "m7i-large"; allowed: an EC2 instance type family.size such as m7i.large`}},
		{"unknown family", "prod", `{"instanceType":"n5.large"}`, []string{`multi-region-ha:compute.instanceType: is "n5.large"`}},
		{"arm type with x86 image", "prod", `{"instanceType":"m7g.large","amiSsmParameter":"` + AmiAl2023X86 + `"}`,
			[]string{"multi-region-ha:compute.amiSsmParameter: is an x86_64 image but instanceType m7g.large is arm64; allowed: an arm64 parameter such as " + AmiAl2023Arm64}},
		{"x86 type with arm image", "staging", `{"instanceType":"t3.micro","amiSsmParameter":"` + AmiAl2023Arm64 + `"}`,
			[]string{"multi-region-ha:compute.amiSsmParameter: is an arm64 image but instanceType t3.micro is x86_64"}},
		{"ami not a parameter path", "prod", `{"amiSsmParameter":"ami-0123456789abcdef0"}`,
			[]string{`multi-region-ha:compute.amiSsmParameter: is "ami-0123456789abcdef0"; allowed: an SSM parameter path`}},
		{"desired above max", "prod", `{"desiredCapacity":7}`,
			[]string{"multi-region-ha:compute.desiredCapacity: is 7; allowed: minSize (2) to maxSize (6)"}},
		{"desired below min", "prod", `{"desiredCapacity":1}`,
			[]string{"multi-region-ha:compute.desiredCapacity: is 1; allowed: minSize (2) to maxSize (6)"}},
		{"min above max", "staging", `{"minSize":3}`, []string{"multi-region-ha:compute.minSize: is 3; allowed: at most maxSize (2)"}},
		{"primary with no instance", "staging", `{"minSize":0,"desiredCapacity":0}`,
			[]string{"multi-region-ha:compute.minSize: is 0; allowed: at least 1"}},
		{"max zero", "staging", `{"maxSize":0}`, []string{"multi-region-ha:compute.maxSize: is 0; allowed: at least 1"}},
		{"standby min above max", "prod", `{"standbyMinSize":7,"standbyDesiredCapacity":7}`,
			[]string{"multi-region-ha:compute.standbyMinSize: is 7; allowed: 0 to maxSize (6)", "multi-region-ha:compute.standbyDesiredCapacity: is 7"}},
		{"standby negative", "prod", `{"standbyMinSize":-1}`, []string{"multi-region-ha:compute.standbyMinSize: is -1; allowed: 0 to maxSize (6)"}},
		{"standby desired below its min", "prod", `{"standbyDesiredCapacity":1}`,
			[]string{"multi-region-ha:compute.standbyDesiredCapacity: is 1; allowed: standbyMinSize (2) to maxSize (6)"}},
		{"port out of range", "prod", `{"appPort":70000}`, []string{"multi-region-ha:compute.appPort: is 70000; allowed: a port from 1 to 65535"}},
		{"port zero", "prod", `{"appPort":0}`, []string{"multi-region-ha:compute.appPort: is 0"}},
		{"relative health path", "prod", `{"healthCheckPath":"health"}`,
			[]string{`multi-region-ha:compute.healthCheckPath: is "health"; allowed: a path starting with /`}},
		{"health path with query", "prod", `{"healthCheckPath":"/health?deep=1"}`, []string{`multi-region-ha:compute.healthCheckPath: is "/health?deep=1"`}},
		{"health path too long for Route 53", "prod", `{"healthCheckPath":"/` + strings.Repeat("a", 255) + `"}`,
			[]string{"multi-region-ha:compute.healthCheckPath: is", "at most 255 characters"}},
		{"health path is the primary path", "prod", `{"healthCheckPath":"/health/global-primary"}`,
			[]string{"multi-region-ha:compute.healthCheckPath: is \"/health/global-primary\", the global-primary path"}},
		{"retention", "prod", `{"accessLogRetentionDays":0}`, []string{"multi-region-ha:compute.accessLogRetentionDays: is 0; allowed: at least 1 day"}},
		{"grace period", "prod", `{"healthCheckGracePeriod":10}`, []string{"multi-region-ha:compute.healthCheckGracePeriod: is 10; allowed: 60 to 7200 seconds"}},
		{"root volume", "prod", `{"rootVolumeSize":4}`, []string{"multi-region-ha:compute.rootVolumeSize: is 4; allowed: 8 to 16384 GiB"}},
		{"root device", "prod", `{"rootDeviceName":"xvda"}`, []string{`multi-region-ha:compute.rootDeviceName: is "xvda"; allowed: the AMI's root device`}},
		{"user data missing", "prod", `{"userData":"scripts/nope.sh"}`,
			[]string{`multi-region-ha:compute.userData: "scripts/nope.sh" does not exist; allowed: a script file, relative to the project directory`}},
		{"user data absolute", "prod", `{"userData":"/etc/passwd"}`, []string{`multi-region-ha:compute.userData: "/etc/passwd" is absolute`}},
		{"user data outside", "prod", `{"userData":"../secrets.sh"}`, []string{`multi-region-ha:compute.userData: "../secrets.sh" leaves the project directory`}},
		{"user data directory", "prod", `{"userData":"scripts"}`, []string{`multi-region-ha:compute.userData: "scripts" is not a regular file`}},
		{"user data too big", "prod", `{"userData":"big.sh"}`, []string{`multi-region-ha:compute.userData: "big.sh" has 16385 bytes; allowed: 1 to 16384 bytes`}},
		{"user data empty", "prod", `{"userData":"empty.sh"}`, []string{`multi-region-ha:compute.userData: "empty.sh" has 0 bytes`}},
		{"unknown key", "prod", `{"instanceSize":"large"}`,
			[]string{"multi-region-ha:compute.instanceSize: unknown key; did you mean instanceType?"}},
		{"wrong type", "prod", `{"minSize":"two"}`, []string{"multi-region-ha:compute.minSize: must be a whole number"}},
		{"not an object", "prod", `m7i.large`, []string{"multi-region-ha:compute: must be an object"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT(tc.stack, withEdge(map[string]string{"compute": tc.compute}), nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			for _, p := range cfgErr.Problems {
				assert.True(t, strings.HasPrefix(p.Key, "multi-region-ha:compute"), "only compute problems: %s", p)
			}
		})
	}
}
