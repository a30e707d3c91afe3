package stacks

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/network"
)

// Network is the `network` config object.
type Network struct {
	NatGateways          string        `json:"natGateways"`
	AzCount              int           `json:"azCount"`
	FlowLogRetentionDays int           `json:"flowLogRetentionDays"`
	Primary              RegionNetwork `json:"primary"`
	Secondary            RegionNetwork `json:"secondary"`
}

// RegionNetwork is `network.primary` or `network.secondary`. After Load, the subnet lists are always
// complete (explicit or carved), one CIDR per AZ in tier order.
type RegionNetwork struct {
	Cidr            string   `json:"cidr"`
	Azs             []string `json:"azs"`
	PublicSubnets   []string `json:"publicSubnets"`
	PrivateSubnets  []string `json:"privateSubnets"`
	DatabaseSubnets []string `json:"databaseSubnets"`
}

// NAT strategies for `network.natGateways`.
const (
	NatPerAz  = "perAz"
	NatSingle = "single"
	NatNone   = "none"
)

var natStrategies = []string{NatPerAz, NatSingle, NatNone}

// logRetentionDays are the values CloudWatch Logs accepts for a log group's retention.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func validateNetwork(c *Config, p *problems) {
	n := &c.Network
	if !contains(natStrategies, n.NatGateways) {
		p.addf("network.natGateways", "is %q; allowed: %s", n.NatGateways, strings.Join(natStrategies, ", "))
	}
	if !contains(logRetentionDays, n.FlowLogRetentionDays) {
		p.addf("network.flowLogRetentionDays", "is %d; CloudWatch Logs allows %s", n.FlowLogRetentionDays, joinInts(logRetentionDays))
	}
	if n.AzCount < 2 {
		p.addf("network.azCount", "is %d; at least 2 Availability Zones are needed for high availability", n.AzCount)
	}
	for _, r := range []struct {
		role   string
		region string
		net    *RegionNetwork
	}{{"primary", c.PrimaryRegion, &n.Primary}, {"secondary", c.SecondaryRegion, &n.Secondary}} {
		if zones, ok := ZonesIn(r.region); ok && n.AzCount > zones {
			p.addf("network.azCount", "is %d but %s (%sRegion) offers %d Availability Zones", n.AzCount, r.region, r.role, zones)
		}
		resolveRegionNetwork("network."+r.role, r.region, n.AzCount, r.net, p)
	}
	a, errA := network.ParseCIDR(n.Primary.Cidr)
	b, errB := network.ParseCIDR(n.Secondary.Cidr)
	if errA == nil && errB == nil && a.Overlaps(b) {
		p.addf("network.secondary.cidr", "%s overlaps network.primary.cidr %s; the regions' VPCs must not overlap so they can be peered or routed later", b, a)
	}
}

// resolveRegionNetwork validates one region's network and fills in carved subnet lists.
func resolveRegionNetwork(key, region string, azCount int, rn *RegionNetwork, p *problems) {
	vpc, err := network.ParseCIDR(rn.Cidr)
	if err != nil {
		p.addf(key+".cidr", "%v", err)
		return
	}
	if vpc.Bits() < network.MinSubnetBits || vpc.Bits() > network.MaxSubnetBits {
		p.addf(key+".cidr", "is /%d; AWS allows VPCs from /16 to /28", vpc.Bits())
		return
	}
	if len(rn.Azs) > 0 {
		if len(rn.Azs) != azCount {
			p.addf(key+".azs", "lists %d zones but network.azCount is %d; list exactly one per AZ", len(rn.Azs), azCount)
		}
		for _, az := range rn.Azs {
			if !isZoneOf(az, region) {
				if _, known := ZonesIn(region); !known {
					p.addf(key+".azs", "%q is not an Availability Zone of %s", az, region)
					continue
				}
				p.addf(key+".azs", "%q is not an Availability Zone of %s (expected e.g. %sa)", az, region, region)
			}
		}
		if dup := firstDuplicate(rn.Azs); dup != "" {
			p.addf(key+".azs", "lists %q twice", dup)
		}
	}

	tiers := []struct {
		tier network.Tier
		name string
		list *[]string
	}{
		{network.TierPublic, "publicSubnets", &rn.PublicSubnets},
		{network.TierPrivate, "privateSubnets", &rn.PrivateSubnets},
		{network.TierDatabase, "databaseSubnets", &rn.DatabaseSubnets},
	}
	type placed struct {
		key    string
		prefix netip.Prefix
	}
	var all []placed
	for _, t := range tiers {
		tierKey := key + "." + t.name
		if len(*t.list) == 0 {
			carved, err := network.CarveTier(vpc, t.tier, azCount)
			if err != nil {
				p.addf(key+".cidr", "%v", err)
				return
			}
			*t.list = carved
		} else if len(*t.list) != azCount {
			p.addf(tierKey, "lists %d subnets but network.azCount is %d; list exactly one per AZ", len(*t.list), azCount)
		}
		for _, s := range *t.list {
			sp, err := network.ParseCIDR(s)
			if err != nil {
				p.addf(tierKey, "%v", err)
				continue
			}
			if sp.Bits() > network.MaxSubnetBits {
				p.addf(tierKey, "%s is smaller than /28, the smallest subnet AWS allows", s)
			}
			if !network.Contains(vpc, sp) {
				p.addf(tierKey, "%s is outside the VPC CIDR %s", s, vpc)
				continue
			}
			for _, other := range all {
				if other.prefix.Overlaps(sp) {
					p.addf(tierKey, "%s overlaps %s in %s", s, other.prefix, other.key)
				}
			}
			all = append(all, placed{tierKey, sp})
		}
	}
}

// isZoneOf reports whether az names a zone of region (us-east-1a, or a Local Zone such as us-east-1-bos-1a is refused).
func isZoneOf(az, region string) bool {
	suffix, ok := strings.CutPrefix(az, region)
	return ok && len(suffix) == 1 && suffix[0] >= 'a' && suffix[0] <= 'z'
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func firstDuplicate(list []string) string {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}

func joinInts(list []int) string {
	parts := make([]string, len(list))
	for i, v := range list {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}
