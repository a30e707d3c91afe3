package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// Compute is the `compute` config object: the application tier both regions run.
type Compute struct {
	InstanceType string `json:"instanceType"`
	// MinSize and DesiredCapacity size the home region's (primaryRegion) Auto Scaling group; MaxSize
	// bounds both regions alike. DesiredCapacity is also what the failover runbook raises the
	// promoted region to at once (never lower than it already runs).
	MinSize         int `json:"minSize"`
	MaxSize         int `json:"maxSize"`
	DesiredCapacity int `json:"desiredCapacity"`
	// StandbyMinSize and StandbyDesiredCapacity size the standby region (secondaryRegion): a warm
	// standby that scales to the same MaxSize when traffic arrives. Both go by region, never by which
	// region writes now.
	StandbyMinSize         int `json:"standbyMinSize"`
	StandbyDesiredCapacity int `json:"standbyDesiredCapacity"`
	// TargetRequestsPerInstance is the target tracking value on ALBRequestCountPerTarget (requests a
	// minute per instance) in both regions: capacity follows traffic to whichever region serves.
	TargetRequestsPerInstance int    `json:"targetRequestsPerInstance"`
	AppPort                   int    `json:"appPort"`
	HealthCheckPath           string `json:"healthCheckPath"`
	// AmiIds pins the image of each region (required, region -> ami-...): an image changes only when
	// someone changes it, never because Amazon Linux released one.
	AmiIds map[string]string `json:"amiIds"`
	// AmiSsmParameter names the public SSM parameter `go run . pin --images` reads the current image
	// from. Left empty, it is Amazon Linux 2023 of the instance type's architecture. The program
	// itself never reads it.
	AmiSsmParameter string `json:"amiSsmParameter"`
	// CloudFrontPrefixListIds and HealthCheckPrefixListIds override the known ids (pkg/awsenv) of
	// com.amazonaws.global.cloudfront.origin-facing and com.amazonaws.<region>.route53-healthchecks
	// per region; a region the table lacks must be listed.
	CloudFrontPrefixListIds  map[string]string `json:"cloudFrontPrefixListIds"`
	HealthCheckPrefixListIds map[string]string `json:"healthCheckPrefixListIds"`
	// UserData is the path of a script in the repository, relative to the project directory; empty
	// boots the built-in service that answers the health check path and reports its region.
	UserData               string `json:"userData"`
	AccessLogRetentionDays int    `json:"accessLogRetentionDays"`
	HealthCheckGracePeriod int    `json:"healthCheckGracePeriod"`
	RootVolumeSize         int    `json:"rootVolumeSize"`
	RootDeviceName         string `json:"rootDeviceName"`

	// Patching (stacks/patching.go): the baseline's approval delay, and the optional in-place
	// install window (the secondary region's; the home region's opens a day later).
	PatchApproveAfterDays int    `json:"patchApproveAfterDays"`
	PatchInstall          bool   `json:"patchInstall"`
	PatchWindow           string `json:"patchWindow"`

	// ZonalAutoshift lets AWS shift each ALB's traffic away from an impaired zone, with weekly
	// practice runs (stacks/zonal.go, docs/failover.md). Zonal shift itself is always allowed.
	ZonalAutoshift bool `json:"zonalAutoshift"`

	// UserDataScript is the content of the UserData file, read during validation ("" when UserData
	// is not set: the component then uses its default script).
	UserDataScript string `json:"-"`
}

// Amazon Linux 2023 AMI parameters (public, in every region).
const (
	AmiAl2023X86   = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	AmiAl2023Arm64 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
)

// maxUserDataBytes is EC2's user data limit (before base64).
const maxUserDataBytes = 16 * 1024

// projectDir is where `compute.userData` paths are resolved: the Pulumi project directory, which is
// the program's working directory under `pulumi up`.
var projectDir = "."

// Prod runs three instances across three AZs on a general-purpose m7i.large and keeps two in the
// standby region, so a failover lands on a region that already serves in two AZs while it scales out.
// Staging runs one burstable t3.small per region: same shape, failover drills still work.
func defaultCompute(prod bool) Compute {
	c := Compute{
		InstanceType:              "t3.small",
		MinSize:                   1,
		MaxSize:                   2,
		DesiredCapacity:           1,
		StandbyMinSize:            1,
		StandbyDesiredCapacity:    1,
		TargetRequestsPerInstance: 1000,
		AppPort:                   8080,
		HealthCheckPath:           "/health",
		AccessLogRetentionDays:    30,
		HealthCheckGracePeriod:    300,
		RootVolumeSize:            20,
		RootDeviceName:            "/dev/xvda",
		PatchApproveAfterDays:     patchspec.DefaultApproveAfterDays,
		PatchWindow:               patchspec.DefaultWindow,
	}
	if prod {
		c.InstanceType = "m7i.large"
		c.MinSize, c.MaxSize, c.DesiredCapacity = 2, 6, 3
		c.StandbyMinSize, c.StandbyDesiredCapacity = 2, 2
		c.AccessLogRetentionDays = 365
		c.ZonalAutoshift = true
	}
	return c
}

// Capacity returns the Auto Scaling group sizes of a region: the configured sizes for the home region
// (primaryRegion), the standby sizes (same maximum) for the other. home is a fact of config; which
// region writes never changes a size.
func (c Compute) Capacity(home bool) (minSize, maxSize, desired int) {
	if home {
		return c.MinSize, c.MaxSize, c.DesiredCapacity
	}
	return c.StandbyMinSize, c.MaxSize, c.StandbyDesiredCapacity
}

// instanceTypePattern is family.size: class letters, generation, attributes, optional -flex.
var instanceTypePattern = regexp.MustCompile(`^([a-z]+)([0-9]+)([a-z]*)(-flex)?\.(nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$`)

// instanceClasses are the EC2 instance classes an Auto Scaling group can launch without dedicated hosts.
var instanceClasses = []string{"a", "c", "d", "dl", "f", "g", "gr", "h", "hpc", "i", "im", "inf", "is", "m", "p", "r", "t", "trn", "vt", "x", "z"}

// instanceArch returns "arm64" or "x86_64" for a valid instance type, "" otherwise. Graviton types carry
// a g among their attributes (t4g, m7g, c7gn, r8g, im4gn, is4gen); a1 is Graviton too.
func instanceArch(instanceType string) string {
	m := instanceTypePattern.FindStringSubmatch(instanceType)
	if m == nil || !contains(instanceClasses, m[1]) {
		return ""
	}
	if m[1] == "a" || strings.Contains(m[3], "g") {
		return "arm64"
	}
	return "x86_64"
}

// amiArch returns the architecture an AMI parameter name states, or "" when it does not say.
func amiArch(param string) string {
	switch {
	case strings.Contains(param, "arm64"), strings.Contains(param, "aarch64"):
		return "arm64"
	case strings.Contains(param, "x86_64"), strings.Contains(param, "amd64"):
		return "x86_64"
	}
	return ""
}

var (
	ssmParameterPattern    = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
	healthCheckPathPattern = regexp.MustCompile(`^/[A-Za-z0-9/._~-]*$`)
	rootDevicePattern      = regexp.MustCompile(`^/dev/[a-z0-9]+$`)
)

func validateCompute(c *Config, p *problems) {
	k := &c.Compute
	arch := instanceArch(k.InstanceType)
	if arch == "" {
		p.addf("compute.instanceType", "is %q; allowed: an EC2 instance type family.size such as m7i.large, c7g.xlarge or t3.small (families %s)",
			k.InstanceType, strings.Join(instanceClasses, ", "))
	}
	if k.AmiSsmParameter == "" {
		k.AmiSsmParameter = AmiAl2023X86
		if arch == "arm64" {
			k.AmiSsmParameter = AmiAl2023Arm64
		}
	} else if !ssmParameterPattern.MatchString(k.AmiSsmParameter) {
		p.addf("compute.amiSsmParameter", "is %q; allowed: an SSM parameter path such as %s", k.AmiSsmParameter, AmiAl2023X86)
	} else if ami := amiArch(k.AmiSsmParameter); arch != "" && ami != "" && ami != arch {
		want := AmiAl2023X86
		if arch == "arm64" {
			want = AmiAl2023Arm64
		}
		p.addf("compute.amiSsmParameter", "is an %s image but instanceType %s is %s; allowed: an %s parameter such as %s", ami, k.InstanceType, arch, arch, want)
	}

	if k.MaxSize < 1 {
		p.addf("compute.maxSize", "is %d; allowed: at least 1", k.MaxSize)
	}
	if k.MinSize < 1 {
		p.addf("compute.minSize", "is %d; allowed: at least 1 (the primary region must serve)", k.MinSize)
	} else if k.MinSize > k.MaxSize {
		p.addf("compute.minSize", "is %d; allowed: at most maxSize (%d)", k.MinSize, k.MaxSize)
	}
	if k.DesiredCapacity < k.MinSize || k.DesiredCapacity > k.MaxSize {
		p.addf("compute.desiredCapacity", "is %d; allowed: minSize (%d) to maxSize (%d)", k.DesiredCapacity, k.MinSize, k.MaxSize)
	}
	if k.StandbyMinSize < 0 || k.StandbyMinSize > k.MaxSize {
		p.addf("compute.standbyMinSize", "is %d; allowed: 0 to maxSize (%d)", k.StandbyMinSize, k.MaxSize)
	}
	if k.StandbyDesiredCapacity < max(k.StandbyMinSize, 0) || k.StandbyDesiredCapacity > k.MaxSize {
		p.addf("compute.standbyDesiredCapacity", "is %d; allowed: standbyMinSize (%d) to maxSize (%d)", k.StandbyDesiredCapacity, k.StandbyMinSize, k.MaxSize)
	}

	if k.TargetRequestsPerInstance < 1 || k.TargetRequestsPerInstance > 1000000 {
		p.addf("compute.targetRequestsPerInstance", "is %d; allowed: 1 to 1000000 requests a minute per instance", k.TargetRequestsPerInstance)
	}
	if k.AppPort < 1 || k.AppPort > 65535 {
		p.addf("compute.appPort", "is %d; allowed: a port from 1 to 65535", k.AppPort)
	}
	// It is also the liveness path Route 53 checks, whose resource paths hold at most 255 characters,
	// and must differ from the global-primary path.
	if len(k.HealthCheckPath) > 255 || !healthCheckPathPattern.MatchString(k.HealthCheckPath) {
		p.addf("compute.healthCheckPath", "is %q; allowed: a path starting with / of letters, digits and / . _ ~ - (no query, at most 255 characters)", k.HealthCheckPath)
	} else if k.HealthCheckPath == edgecalc.DefaultPrimaryPath {
		p.addf("compute.healthCheckPath", "is %q, the global-primary path; allowed: any other path (the liveness path)", k.HealthCheckPath)
	}
	if k.AccessLogRetentionDays < 1 {
		p.addf("compute.accessLogRetentionDays", "is %d; allowed: at least 1 day", k.AccessLogRetentionDays)
	}
	if k.HealthCheckGracePeriod < 60 || k.HealthCheckGracePeriod > 7200 {
		p.addf("compute.healthCheckGracePeriod", "is %d; allowed: 60 to 7200 seconds", k.HealthCheckGracePeriod)
	}
	if k.RootVolumeSize < 8 || k.RootVolumeSize > 16384 {
		p.addf("compute.rootVolumeSize", "is %d; allowed: 8 to 16384 GiB (gp3)", k.RootVolumeSize)
	}
	if !rootDevicePattern.MatchString(k.RootDeviceName) {
		p.addf("compute.rootDeviceName", "is %q; allowed: the AMI's root device such as /dev/xvda (Amazon Linux) or /dev/sda1 (Ubuntu)", k.RootDeviceName)
	}

	k.UserDataScript = ""
	if k.UserData != "" {
		script, err := readUserData(k.UserData)
		if err != nil {
			p.addf("compute.userData", "%v", err)
		} else {
			k.UserDataScript = script
		}
	}
}

// readUserData reads a user data script given relative to the project directory.
func readUserData(path string) (string, error) {
	if filepath.IsAbs(path) {
		return "", fmt.Errorf("%q is absolute; allowed: a path relative to the project directory, such as scripts/app.sh", path)
	}
	clean := filepath.Clean(path)
	if clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q leaves the project directory; allowed: a path inside the repository", path)
	}
	full := filepath.Join(projectDir, clean)
	info, err := os.Stat(full)
	if err != nil {
		return "", fmt.Errorf("%q does not exist; allowed: a script file, relative to the project directory", path)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("%q is not a regular file; allowed: a script file", path)
	}
	if info.Size() == 0 || info.Size() > maxUserDataBytes {
		return "", fmt.Errorf("%q has %d bytes; allowed: 1 to %d bytes (EC2's user data limit)", path, info.Size(), maxUserDataBytes)
	}
	b, err := os.ReadFile(full)
	if err != nil {
		return "", fmt.Errorf("%q cannot be read: %v", path, err)
	}
	return string(b), nil
}
