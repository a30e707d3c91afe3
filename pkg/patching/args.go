// Package patching is the Patching component: one region's security patching of the application
// instances. A patch baseline for Amazon Linux 2023 registered for the stack's patch group, a daily
// State Manager scan of exactly that region's Auto Scaling instances with its output in an encrypted,
// retained bucket, an EventBridge rule that turns a non-compliant instance into a message on the
// stack's topic, and, optionally, a maintenance window that installs patches one instance at a time
// through Auto Scaling standby. Images stay the patch vehicle (compute.amiIds); this component
// measures and, for urgent fixes, installs in place.
package patching

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// PatchGroupTag is the instance tag AWS-RunPatchBaseline reads to choose the baseline. The form
// without a space is the one instance metadata tags also accept.
const PatchGroupTag = "PatchGroup"

// AutoScalingGroupTag is the tag Auto Scaling puts on every instance it launches, naming its group:
// the scan and the window target it, so they reach exactly that group's instances, including those
// launched later (a failover's scale-out, an instance refresh).
const AutoScalingGroupTag = "aws:autoscaling:groupName"

// Args configures one region's patching.
type Args struct {
	// AccountId and Region are where the component lives (config accountId and the provider's
	// region, never looked up): key policies and ARNs are built from them.
	AccountId, Region string
	// AutoScalingGroupName is the group whose instances are scanned and patched.
	AutoScalingGroupName pulumi.StringInput
	// TargetGroupArn is the group's target group: an install waits for the instance to be healthy
	// there again before it takes the next one out.
	TargetGroupArn pulumi.StringInput
	// InstanceRoleName is the instances' role (owned by compute): this component adds the one inline
	// policy the patch document needs (reading Patch Manager's buckets, writing its output).
	InstanceRoleName pulumi.StringInput
	// TopicArn is the stack's alarm topic of this region.
	TopicArn pulumi.StringInput

	// Stack names the stack in the alarm text (`go run . pin --stack <Stack> --images`).
	Stack string
	// PatchGroup is the value of the PatchGroup tag the instances carry.
	PatchGroup string
	// ApproveAfterDays approves a patch that many days after its release (0-100).
	ApproveAfterDays int

	// Install adds the maintenance window that installs patches in place.
	Install bool
	// InstallWindow is this region's window, an SSM cron in UTC (patchspec.Windows derives both).
	InstallWindow string

	// OutputRetentionDays is how long scan and install output is kept.
	OutputRetentionDays int
	// Protect (prod) protects the output bucket and its key and keeps the bucket from being emptied.
	Protect bool
}

var patchGroupPattern = regexp.MustCompile(`^[a-zA-Z0-9_.:/=+@-]{1,256}$`)

func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	for _, in := range []struct {
		name string
		set  bool
	}{
		{"AutoScalingGroupName", a.AutoScalingGroupName != nil},
		{"TargetGroupArn", a.TargetGroupArn != nil},
		{"InstanceRoleName", a.InstanceRoleName != nil},
		{"TopicArn", a.TopicArn != nil},
	} {
		if !in.set {
			return fmt.Errorf("%s is required", in.name)
		}
	}
	if a.Stack == "" {
		return errors.New("Stack is required")
	}
	if !patchGroupPattern.MatchString(a.PatchGroup) {
		return fmt.Errorf("PatchGroup %q is not a valid patch group (1-256 of letters, digits and _ . : / = + @ -)", a.PatchGroup)
	}
	if a.ApproveAfterDays < patchspec.MinApproveAfterDays || a.ApproveAfterDays > patchspec.MaxApproveAfterDays {
		return fmt.Errorf("ApproveAfterDays %d is outside %d-%d", a.ApproveAfterDays, patchspec.MinApproveAfterDays, patchspec.MaxApproveAfterDays)
	}
	if a.Install {
		if _, err := patchspec.ParseWindow(a.InstallWindow); err != nil {
			return fmt.Errorf("InstallWindow %w", err)
		}
	}
	if a.OutputRetentionDays < 1 {
		return fmt.Errorf("OutputRetentionDays must be at least 1, got %d", a.OutputRetentionDays)
	}
	return nil
}
