package stacks

import (
	"regexp"
	"sort"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
)

// Static stability: the program makes no data-source call during preview or update. What it used to
// look up is pinned in config (accountId, network.<role>.azs, compute.amiIds, edge.hostedZoneId) or
// read from a table in code with a config override (the prefix list ids, pkg/awsenv). `go run . pin`
// reads these values from the live account once and writes them into Pulumi.<stack>.yaml.

var (
	accountIdPattern    = regexp.MustCompile(`^[0-9]{12}$`)
	amiIdPattern        = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	prefixListIdPattern = regexp.MustCompile(`^pl-([0-9a-f]{8}|[0-9a-f]{17})$`)
	hostedZoneIdPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`) // the form edge.HostedZoneIdPattern checks
)

// PrefixLists are the ids of the AWS-managed prefix lists one region's ALB admits.
type PrefixLists struct {
	// CloudFront is com.amazonaws.global.cloudfront.origin-facing.
	CloudFront string
	// HealthCheck is com.amazonaws.<region>.route53-healthchecks (Route 53 health checkers).
	HealthCheck string
}

// PrefixLists returns the resolved prefix list ids of region (one of the stack's two regions):
// the config override where set, else the table in pkg/awsenv. Load has refused a region that has
// neither, so the values are always set after Load.
func (c *Config) PrefixLists(region string) PrefixLists {
	k := c.Compute
	cf, ok := k.CloudFrontPrefixListIds[region]
	if !ok {
		cf, _ = awsenv.CloudFrontPrefixList(region)
	}
	hc, ok := k.HealthCheckPrefixListIds[region]
	if !ok {
		hc, _ = awsenv.HealthCheckPrefixList(region)
	}
	return PrefixLists{CloudFront: cf, HealthCheck: hc}
}

// AmiId returns the pinned image of region.
func (c *Config) AmiId(region string) string { return c.Compute.AmiIds[region] }

// ElbAccountId returns the regional Elastic Load Balancing account that writes region's ALB access
// logs, or "" where the log delivery service principal does.
func (c *Config) ElbAccountId(region string) string {
	id, _ := awsenv.ElbAccount(region)
	return id
}

// Partition returns the partition and DNS suffix of the stack's regions.
func (c *Config) Partition() (partition, dnsSuffix string) { return awsenv.Partition(c.PrimaryRegion) }

// ProviderRegions are the regions the program registers an AWS provider for: the stack's two, and
// us-east-1 (CloudFront's certificate and WAF, IAM, Route 53) when neither is it.
func (c *Config) ProviderRegions() []string {
	regions := c.Regions()
	if !contains(regions, EdgeRegion) {
		regions = append(regions, EdgeRegion)
	}
	return regions
}

// EdgeRegion is where CloudFront's viewer certificate and its CLOUDFRONT-scope WebACL must live.
const EdgeRegion = "us-east-1"

// validatePinned checks accountId, unavailableRegion, the pinned per-region values and the prefix
// lists, after the regions themselves were validated.
func validatePinned(c *Config, p *problems) {
	switch {
	case c.AccountId == "":
		p.addf("accountId", "is required: the 12-digit AWS account id the stack deploys to (every provider refuses other accounts); `go run . pin --stack %s` writes it", c.Stack)
	case lostLeadingZeros(c.AccountId):
		padded := strings.Repeat("0", 12-len(c.AccountId)) + c.AccountId
		p.addf("accountId", "is %s, %d digits: YAML read an unquoted %s as a number and dropped its leading zero; quote it: accountId: \"%s\"", c.AccountId, len(c.AccountId), padded, padded)
	case !accountIdPattern.MatchString(c.AccountId):
		p.addf("accountId", "is %q; allowed: exactly 12 digits, such as 123456789012", c.AccountId)
	}
	if pa, _ := awsenv.Partition(c.PrimaryRegion); pa != func() string { s, _ := awsenv.Partition(c.SecondaryRegion); return s }() {
		p.addf("secondaryRegion", "is in partition %s but primaryRegion %s is in %s; both regions must share a partition", func() string { s, _ := awsenv.Partition(c.SecondaryRegion); return s }(), c.PrimaryRegion, pa)
	}
	if u := c.UnavailableRegion; u != "" && !contains(c.ProviderRegions(), u) {
		p.addf("unavailableRegion", "is %q; allowed: one of the regions the stack registers a provider for (%s), or unset", u, strings.Join(c.ProviderRegions(), ", "))
	}
	if c.UnavailableRegion != "" && c.UnavailableRegion == c.PrimaryRegion && c.UnavailableRegion == c.SecondaryRegion {
		p.addf("unavailableRegion", "cannot name both regions")
	}

	for _, r := range []struct {
		role string
		net  *RegionNetwork
	}{{"primary", &c.Network.Primary}, {"secondary", &c.Network.Secondary}} {
		if len(r.net.Azs) == 0 {
			p.addf("network."+r.role+".azs", "is required: list the %d Availability Zones of the %s region (zone names map to different zones per account; `go run . pin --stack %s` writes them)", c.Network.AzCount, r.role, c.Stack)
		}
	}

	k := &c.Compute
	checkRegionMap(c, p, "compute.amiIds", k.AmiIds, true, amiIdPattern, "an AMI id such as ami-0123456789abcdef0 (`go run . pin --stack "+c.Stack+" --images` writes the current Amazon Linux 2023 images)")
	checkRegionMap(c, p, "compute.cloudFrontPrefixListIds", k.CloudFrontPrefixListIds, false, prefixListIdPattern, "a prefix list id such as pl-3b927c52")
	checkRegionMap(c, p, "compute.healthCheckPrefixListIds", k.HealthCheckPrefixListIds, false, prefixListIdPattern, "a prefix list id such as pl-08c8dbfdeb99a899b")
	for _, region := range c.Regions() {
		if _, known := ZonesIn(region); !known {
			continue // validateRegions reported it
		}
		pl := c.PrefixLists(region)
		if pl.CloudFront == "" {
			p.addf("compute.cloudFrontPrefixListIds."+region, "is required: no known id of %s in %s; set it (`go run . pin --stack %s` reads it)", awsenv.CloudFrontOriginFacing, region, c.Stack)
		}
		if pl.HealthCheck == "" {
			p.addf("compute.healthCheckPrefixListIds."+region, "is required: no known id of %s; set it (`go run . pin --stack %s` reads it)", awsenv.Route53HealthChecks(region), c.Stack)
		}
	}

	e := &c.Edge
	switch {
	case e.CreateHostedZone && e.HostedZoneId != "":
		p.addf("edge.hostedZoneId", "is set but edge.createHostedZone creates the zone; set one or the other")
	case !e.CreateHostedZone && e.HostedZoneId == "":
		p.addf("edge.hostedZoneId", "is required unless edge.createHostedZone: the id of the public hosted zone of %s (`go run . pin --stack %s` reads it)", zoneDomain(e.DomainName), c.Stack)
	case !e.CreateHostedZone && !hostedZoneIdPattern.MatchString(e.HostedZoneId):
		p.addf("edge.hostedZoneId", "is %q; allowed: a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without /hostedzone/)", e.HostedZoneId)
	}
}

// describeRegions names the stack's regions for a message, without listing one region twice.
func describeRegions(c *Config) string {
	if c.PrimaryRegion == c.SecondaryRegion {
		return "primaryRegion and secondaryRegion are both " + c.PrimaryRegion
	}
	return "primaryRegion " + c.PrimaryRegion + ", secondaryRegion " + c.SecondaryRegion
}

// lostLeadingZeros reports an account id that is all digits but shorter than 12: a YAML number
// whose leading zeros are gone.
func lostLeadingZeros(id string) bool {
	if len(id) == 0 || len(id) >= 12 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkRegionMap checks a map of region to value: keys must be the stack's regions, values of form;
// required maps must hold both regions.
func checkRegionMap(c *Config, p *problems, key string, m map[string]string, required bool, form *regexp.Regexp, allowed string) {
	regions := c.Regions()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, region := range keys {
		if !contains(regions, region) {
			p.addf(key+"."+region, "is not one of the stack's regions (%s)", describeRegions(c))
			continue
		}
		if !form.MatchString(m[region]) {
			p.addf(key+"."+region, "is %q; allowed: %s", m[region], allowed)
		}
	}
	if !required {
		return
	}
	for _, region := range regions {
		if _, ok := m[region]; !ok {
			p.addf(key+"."+region, "is required: the map lists no value for %s; allowed: %s", region, allowed)
		}
	}
}

// Draft reads a stack's config the way Parse does (defaults of its environment, then the values)
// but without validation, for `go run . pin`, which fills the pinned values a first stack lacks.
// The AMI parameter defaults to Amazon Linux 2023 of the instance type's architecture.
func Draft(stack string, values map[string]string) *Config {
	env := stack
	if v, ok := values["environment"]; ok {
		env = v
	}
	if env != Prod {
		env = Staging
	}
	cfg := defaults(env)
	cfg.Stack = stack
	var ignored problems
	decodeStrict("", topLevelObject(values), cfg, &ignored)
	cfg.Edge.DomainName = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(cfg.Edge.DomainName)), ".")
	if cfg.Compute.AmiSsmParameter == "" {
		cfg.Compute.AmiSsmParameter = AmiAl2023X86
		if instanceArch(cfg.Compute.InstanceType) == "arm64" {
			cfg.Compute.AmiSsmParameter = AmiAl2023Arm64
		}
	}
	return cfg
}

// zoneDomain names the hosted zone's domain in a message, or the key that sets it while it is unset
// (never "the hosted zone of  (").
func zoneDomain(domain string) string {
	if domain == "" {
		return "edge.domainName"
	}
	return domain
}
