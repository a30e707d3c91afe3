package stacks

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift/zonalspec"
)

// validateZonalAutoshift is the capacity rule of compute.zonalAutoshift: AWS, and every weekly
// practice run, takes one zone's share of a region's requests away without moving an instance, so
// each region's minimum (compute.minSize at home, compute.standbyMinSize in the standby) must still
// serve from network.azCount-1 zones. The three keys are checked together, once.
func validateZonalAutoshift(c *Config, p *problems) {
	k := c.Compute
	if !k.ZonalAutoshift || c.Network.AzCount < 2 {
		return // network.azCount below 2 is reported by the network section
	}
	for _, r := range []struct {
		key     string
		minimum int
	}{{"compute.minSize", k.MinSize}, {"compute.standbyMinSize", k.StandbyMinSize}} {
		if r.minimum < 1 {
			continue // a pilot-light standby (0) serves nothing at rest; a negative size is the compute section's
		}
		if err := zonalspec.CheckCapacity(r.minimum, c.Network.AzCount); err != nil {
			p.addf(r.key, "is %d with compute.zonalAutoshift on and network.azCount %d: %v; raise %s to at least %d, or set compute.zonalAutoshift false",
				r.minimum, c.Network.AzCount, err, r.key, zonalspec.MinimumForAutoshift(c.Network.AzCount))
		}
	}
}

// ZonalCapacity is what each region keeps serving when one zone's traffic is shifted away: its
// minimum, and how many of those instances still serve (plan report).
func (c *Config) ZonalCapacity(region string) (minimum, left int) {
	minimum, _, _ = c.Compute.Capacity(region == c.PrimaryRegion)
	return minimum, zonalspec.LeftAfterShift(minimum, c.Network.AzCount)
}
