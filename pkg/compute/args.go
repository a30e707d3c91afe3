// Package compute is the Compute component: one region's application tier. An internet-facing
// Application Load Balancer that only CloudFront can reach (AWS-managed origin-facing prefix list plus
// a secret origin header), HTTPS only, in front of an Auto Scaling group of hardened instances in the
// private subnets that heal (ELB health checks), scale (target tracking) and roll (instance refresh).
package compute

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// Roles of a region. The role decides settings (user data, tags), never names.
const (
	RolePrimary   = "primary"
	RoleSecondary = "secondary"
)

// Defaults the component applies to optional Args left at their zero value.
const (
	DefaultRootVolumeSize         = 20          // GiB
	DefaultRootDeviceName         = "/dev/xvda" // Amazon Linux root device
	DefaultHealthCheckGracePeriod = 300         // seconds
	// DefaultTargetRequestsPerInstance is the request-count target (requests a minute per instance).
	DefaultTargetRequestsPerInstance = 1000
)

// OriginVerifyHeader is the header CloudFront sends to the origin with the shared secret. The ALB
// forwards a request only when it carries this header with the right value.
const OriginVerifyHeader = "X-Origin-Verify"

// PrimaryPath is the application's "global primary" path: 200 only while this region hosts the
// Aurora global cluster's primary cluster. With the liveness path (HealthCheckPath) it is the only
// path the ALB forwards without the origin secret, for Route 53's health checkers.
const PrimaryPath = edgecalc.DefaultPrimaryPath

// TLSPolicy is the ALB listener's security policy: TLS 1.3 and 1.2 with forward-secret ciphers only.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// Args configures one region's compute tier.
type Args struct {
	VpcId            pulumi.StringInput
	PublicSubnetIds  pulumi.StringArrayInput // the ALB's subnets
	PrivateSubnetIds pulumi.StringArrayInput // the Auto Scaling group's subnets
	// DatabaseSubnetCidrs are the only destinations of the instances' egress on DatabasePort.
	DatabaseSubnetCidrs []string
	DatabasePort        int
	// CertificateArn is a validated ACM certificate of this region for the listener.
	CertificateArn pulumi.StringInput
	// OriginVerifySecret is the value CloudFront sends in X-Origin-Verify. One secret serves both
	// regions. It must be 32 to 128 characters of letters, digits, '-', '_' or '.': the ALB treats '*'
	// and '?' in a header condition as wildcards.
	OriginVerifySecret pulumi.StringInput
	// HealthCheckPrefixListId is the id of this region's AWS-managed prefix list
	// com.amazonaws.<region>.route53-healthchecks (Route53HealthChecksPrefixList): Route 53's health
	// checkers reach the liveness and primary paths from it, through a second security group.
	HealthCheckPrefixListId pulumi.StringInput
	// HealthCheckHost is the name Route 53's health checks of this region send as Host (the region's
	// origin name): the rule that admits the health paths without the origin secret also requires it,
	// so another account's checks or CloudFront distributions cannot reach them by the ALB's name.
	// Empty leaves the host unchecked.
	HealthCheckHost string
	// Role is RolePrimary or RoleSecondary: it only reaches user data and tags.
	Role string

	// AccountId and Region are where the tier lives (from config, never looked up): key policies,
	// the log bucket's grant and ARNs are built from them.
	AccountId string
	Region    string
	// CloudFrontPrefixListId is the id of com.amazonaws.global.cloudfront.origin-facing in Region.
	CloudFrontPrefixListId string
	// ElbAccountId is the regional Elastic Load Balancing account that writes access logs, or "" in
	// regions where the log delivery service principal does (awsenv.ElbAccount).
	ElbAccountId string

	InstanceType string
	// AmiId is the pinned image (compute.amiIds): it changes only when someone changes it, so no
	// Amazon Linux release starts an instance refresh by itself.
	AmiId string
	// UserData is the script content; "" boots the embedded default service.
	UserData string
	// Database tells the default application where the database is (ignored with UserData).
	Database DatabaseDiscovery

	// MinSize, MaxSize and DesiredCapacity size the group. Main passes them by home/standby region
	// (config), never by which region writes; DesiredCapacity applies at creation only (the group
	// ignores it afterwards: scaling and the failover runbook own it at runtime).
	MinSize, MaxSize, DesiredCapacity int
	// TargetRequestsPerInstance is the target tracking value on ALBRequestCountPerTarget (requests a
	// minute per instance); 0 means DefaultTargetRequestsPerInstance.
	TargetRequestsPerInstance int
	AppPort                   int
	HealthCheckPath           string
	// HealthCheckGracePeriod is how long (seconds) a new instance may boot before ELB health checks count.
	HealthCheckGracePeriod int

	// RootVolumeSize (GiB) and RootDeviceName describe the encrypted root volume. RootDeviceName must
	// be the AMI's root device, or the mapping adds a second volume instead of replacing the root.
	RootVolumeSize int
	RootDeviceName string

	// DeletionProtection (prod) turns on ALB deletion protection, protects the EBS key and keeps the
	// log bucket from being emptied on destroy.
	DeletionProtection     bool
	AccessLogRetentionDays int

	// Tags are propagated to instances and their volumes (provider defaultTags do not reach them).
	Tags map[string]string
	// InstanceTags reach the instances only, through the group's tags (propagated at launch), never
	// the launch template: adding one (the patch group) starts no instance refresh.
	InstanceTags map[string]string
}

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	for _, in := range []struct {
		name string
		set  bool
	}{
		{"VpcId", a.VpcId != nil},
		{"PublicSubnetIds", a.PublicSubnetIds != nil},
		{"PrivateSubnetIds", a.PrivateSubnetIds != nil},
		{"CertificateArn", a.CertificateArn != nil},
		{"OriginVerifySecret", a.OriginVerifySecret != nil},
		{"HealthCheckPrefixListId", a.HealthCheckPrefixListId != nil},
	} {
		if !in.set {
			return fmt.Errorf("%s is required", in.name)
		}
	}
	if a.Role != RolePrimary && a.Role != RoleSecondary {
		return fmt.Errorf("Role %q is not %s or %s", a.Role, RolePrimary, RoleSecondary)
	}
	if a.InstanceType == "" {
		return errors.New("InstanceType is required")
	}
	if !amiIdPattern.MatchString(a.AmiId) {
		return fmt.Errorf("AmiId %q is not an AMI id (ami- and 8 or 17 hex digits)", a.AmiId)
	}
	if !prefixListIdPattern.MatchString(a.CloudFrontPrefixListId) {
		return fmt.Errorf("CloudFrontPrefixListId %q is not a prefix list id (pl- and 8 or 17 hex digits)", a.CloudFrontPrefixListId)
	}
	if err := awsenv.AccountIn(a.AccountId, a.Region).Validate(); err != nil {
		return err
	}
	if a.MinSize < 0 || a.MinSize > a.DesiredCapacity || a.DesiredCapacity > a.MaxSize || a.MaxSize < 1 {
		return fmt.Errorf("capacity must satisfy 0 <= MinSize (%d) <= DesiredCapacity (%d) <= MaxSize (%d), MaxSize >= 1",
			a.MinSize, a.DesiredCapacity, a.MaxSize)
	}
	if !validPort(a.AppPort) {
		return fmt.Errorf("AppPort %d is not a port (1-65535)", a.AppPort)
	}
	if !ValidHealthCheckPath(a.HealthCheckPath) {
		return fmt.Errorf("HealthCheckPath %q must start with / and use only letters, digits and / . _ ~ - (at most 1024 characters)", a.HealthCheckPath)
	}
	if a.HealthCheckPath == PrimaryPath {
		return fmt.Errorf("HealthCheckPath %q is the global-primary path; the liveness path must differ", a.HealthCheckPath)
	}
	if len(a.HealthCheckPath) > 255 {
		return fmt.Errorf("HealthCheckPath %q is longer than the 255 characters of a Route 53 health check path", a.HealthCheckPath)
	}
	if len(a.DatabaseSubnetCidrs) > 0 && !validPort(a.DatabasePort) {
		return fmt.Errorf("DatabasePort %d is not a port (1-65535)", a.DatabasePort)
	}
	for _, c := range a.DatabaseSubnetCidrs {
		if p, err := netip.ParsePrefix(c); err != nil || p.Masked() != p || !p.Addr().Is4() {
			return fmt.Errorf("DatabaseSubnetCidrs: %q is not an IPv4 network CIDR", c)
		}
	}
	if a.AccessLogRetentionDays < 1 {
		return fmt.Errorf("AccessLogRetentionDays must be at least 1, got %d", a.AccessLogRetentionDays)
	}
	if a.HealthCheckGracePeriod < 0 || a.RootVolumeSize < 0 || a.TargetRequestsPerInstance < 0 {
		return errors.New("HealthCheckGracePeriod, RootVolumeSize and TargetRequestsPerInstance cannot be negative")
	}
	return nil
}

// withDefaults returns a copy of the args with optional settings filled in.
func (a Args) withDefaults() Args {
	if a.RootVolumeSize == 0 {
		a.RootVolumeSize = DefaultRootVolumeSize
	}
	if a.RootDeviceName == "" {
		a.RootDeviceName = DefaultRootDeviceName
	}
	if a.HealthCheckGracePeriod == 0 {
		a.HealthCheckGracePeriod = DefaultHealthCheckGracePeriod
	}
	if a.TargetRequestsPerInstance == 0 {
		a.TargetRequestsPerInstance = DefaultTargetRequestsPerInstance
	}
	return a
}

var (
	amiIdPattern        = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	prefixListIdPattern = regexp.MustCompile(`^pl-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

var healthCheckPathPattern = regexp.MustCompile(`^/[A-Za-z0-9/._~-]*$`)

// ValidHealthCheckPath reports whether p can be the health check path: absolute, URL-safe, no query,
// at most 1024 characters (the target group's limit). It also keeps the path safe in user data.
func ValidHealthCheckPath(p string) bool {
	return len(p) <= 1024 && healthCheckPathPattern.MatchString(p)
}

func validPort(p int) bool { return p >= 1 && p <= 65535 }
