package stacks

func validateRegions(c *Config, p *problems) {
	for _, r := range []struct{ key, region string }{
		{"primaryRegion", c.PrimaryRegion},
		{"secondaryRegion", c.SecondaryRegion},
	} {
		if !regionPattern.MatchString(r.region) {
			p.addf(r.key, "%q is not an AWS region code such as us-east-1 or eu-west-1", r.region)
			continue
		}
		if _, ok := ZonesIn(r.region); !ok {
			p.addf(r.key, "%q is not a region this program knows; known regions: %v", r.region, KnownRegions())
		}
	}
	if c.PrimaryRegion == c.SecondaryRegion {
		p.addf("secondaryRegion", "is %q, the same as primaryRegion; the two regions must differ", c.SecondaryRegion)
	}
}
