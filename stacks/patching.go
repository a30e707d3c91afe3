package stacks

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/patching/patchspec"
)

// validatePatching checks the compute.patch* keys. The window is checked even while patchInstall
// is off, so turning installs on during an incident cannot fail on a value set months ago.
func validatePatching(c *Config, p *problems) {
	k := &c.Compute
	if k.PatchApproveAfterDays < patchspec.MinApproveAfterDays || k.PatchApproveAfterDays > patchspec.MaxApproveAfterDays {
		p.addf("compute.patchApproveAfterDays", "is %d; allowed: %d to %d days after a patch's release",
			k.PatchApproveAfterDays, patchspec.MinApproveAfterDays, patchspec.MaxApproveAfterDays)
	}
	// The install runbook puts an instance in standby without lowering desired (the group launches a
	// replacement), and ExitStandby raises desired by one: the group needs room above desired.
	if top := max(k.DesiredCapacity, k.StandbyDesiredCapacity); k.PatchInstall && k.MaxSize <= top {
		p.addf("compute.patchInstall", "needs compute.maxSize above the desired capacity (desiredCapacity %d, standbyDesiredCapacity %d) so a replacement can serve while an instance patches in standby; maxSize is %d: raise it to at least %d or leave patchInstall off",
			k.DesiredCapacity, k.StandbyDesiredCapacity, k.MaxSize, top+1)
	}
	if _, _, err := patchspec.Windows(k.PatchWindow); err != nil {
		p.addf("compute.patchWindow", "%v (the secondary region's window; the home region's opens %d day later at the same time)", err, patchspec.HomeDelayDays)
	}
}

// PatchWindow returns the install window of region, an SSM cron in UTC: compute.patchWindow for the
// secondary region, a day later for the home region (primaryRegion), which never changes with a
// failover. Call it only on a validated Config.
func (c *Config) PatchWindow(region string) string {
	secondary, home, err := patchspec.Windows(c.Compute.PatchWindow)
	if err != nil {
		panic(fmt.Sprintf("stacks: PatchWindow on an unvalidated config: %v", err))
	}
	if region == c.PrimaryRegion {
		return home.Cron()
	}
	return secondary.Cron()
}

// PatchGroup is the patch group of the stack's instances: one per stack, the same in both regions
// (each region registers its own baseline for it), so two stacks in one account never share one.
func (c *Config) PatchGroup() string { return Namespace + "-" + c.Stack }
