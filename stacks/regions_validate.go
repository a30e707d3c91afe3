package stacks

import "strings"

// validateRegions checks the region pair. A bad region is a root cause: every problem that names
// it (a per-region map key, a zone, a prefix list) follows from it and is folded under it.
func validateRegions(c *Config, p *problems) {
	bad := map[string]bool{}
	for _, r := range []struct{ key, region string }{
		{"primaryRegion", c.PrimaryRegion},
		{"secondaryRegion", c.SecondaryRegion},
	} {
		caused := anyOf(mentions(r.region), underKey("network."+strings.TrimSuffix(r.key, "Region")))
		if !regionPattern.MatchString(r.region) {
			p.rootf(caused, r.key, "%q is not an AWS region code such as us-east-1 or eu-west-1", r.region)
			bad[r.region] = true
			continue
		}
		if _, ok := ZonesIn(r.region); !ok {
			p.rootf(caused, r.key, "%q is not a region this program knows%s known regions: %s", r.region, regionHint(r.region), strings.Join(KnownRegions(), ", "))
			bad[r.region] = true
		}
	}
	if c.PrimaryRegion == c.SecondaryRegion && !bad[c.SecondaryRegion] {
		p.rootf(anyOf(underKey("network.secondary"), func(q Problem) bool { return strings.Contains(q.Message, "the stack's regions") }),
			"secondaryRegion", "is %q, the same as primaryRegion; the two regions must differ", c.SecondaryRegion)
	}
}

// regionHint suggests the known region a typo meant ("us-west-9" is not one letter from a region,
// "us-wset-2" is).
func regionHint(region string) string {
	if near := Closest(region, KnownRegions()); near != "" {
		return "; did you mean " + near + "?"
	}
	return ";"
}
