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
