package stacks

import (
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// Edge is the `edge` config object: the public name of the application, CloudFront, WAF and the
// Route 53 failover between the regions.
type Edge struct {
	// DomainName is the public hosted zone's domain (required), e.g. example.com.
	DomainName string `json:"domainName"`
	// Hostname is the label(s) left of DomainName users browse to; "" serves the apex.
	Hostname string `json:"hostname"`
	// CreateHostedZone creates the public hosted zone (its name servers become a stack output)
	// instead of using the existing one named by HostedZoneId.
	CreateHostedZone bool `json:"createHostedZone"`
	// HostedZoneId is the existing public hosted zone of DomainName (required unless CreateHostedZone).
	HostedZoneId string `json:"hostedZoneId"`
	// PriceClass is CloudFront's price class.
	PriceClass string `json:"priceClass"`
	// WafRateLimit is how many requests one IP may send in 5 minutes before WAF blocks it.
	WafRateLimit int `json:"wafRateLimit"`
	// HealthCheckIntervalSeconds x HealthCheckFailureThreshold is how long Route 53's checkers must see
	// a region's liveness or global-primary path fail before they call it unhealthy (the detection of
	// the traffic budget). The checks steer on the database topology, not on momentary writability,
	// so a low threshold does not flap on a writer blip.
	HealthCheckIntervalSeconds  int `json:"healthCheckIntervalSeconds"`
	HealthCheckFailureThreshold int `json:"healthCheckFailureThreshold"`
	// LogRetentionDays is how long WAF logs and CloudFront access logs are kept.
	LogRetentionDays int `json:"logRetentionDays"`
}

// CloudFront price classes.
var priceClasses = []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}

// MinWafRateLimit is the lowest limit AWS WAF accepts for a rate-based rule.
const MinWafRateLimit = 100

// MaxWafRateLimit is the highest limit AWS WAF accepts for a rate-based rule.
const MaxWafRateLimit = 2000000000

var healthCheckIntervals = []int{10, 30}

func defaultEdge(prod bool) Edge {
	e := Edge{
		Hostname:                    "app",
		PriceClass:                  "PriceClass_100",
		WafRateLimit:                2000,
		HealthCheckIntervalSeconds:  30,
		HealthCheckFailureThreshold: 3,
		LogRetentionDays:            30,
	}
	if prod {
		// 10 s x 3: every application process restarting for 15 s is never 3 consecutive failures
		// to any checker (issue 22 case 10), and the dark-region bound stays within 120 s (105 s
		// typical, 114 s bound; docs/edge.md).
		e.HealthCheckIntervalSeconds = 10
		e.HealthCheckFailureThreshold = 3
		e.LogRetentionDays = 365
	}
	return e
}

// Names is the edge's naming scheme (viewer, failover origin, regional origin names).
func (e Edge) Names() edgecalc.Names { return edgecalc.NewNames(e.Hostname, e.DomainName) }

// FailoverBudget is how long after the home region fails or is demoted viewers reach the region that
// serves (see docs/edge.md), from the settings the program builds.
func (e Edge) FailoverBudget() edgecalc.FailoverBudget {
	return edgecalc.BudgetFor(e.HealthCheckIntervalSeconds, e.HealthCheckFailureThreshold)
}

func validateEdge(c *Config, p *problems) {
	e := &c.Edge
	e.DomainName = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(e.DomainName)), ".")
	e.Hostname = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(e.Hostname)), ".")
	domainOK := true
	if e.DomainName == "" {
		p.addf("edge.domainName", "is required: the public domain the application is served under (its Route 53 hosted zone), e.g. example.com")
		domainOK = false
	} else if err := edgecalc.ValidateDomainName(e.DomainName); err != nil {
		p.addf("edge.domainName", "%v; allowed: a DNS name such as example.com", err)
		domainOK = false
	}
	if domainOK {
		if err := e.Names().Validate(c.Regions()...); err != nil {
			p.addf("edge.hostname", "is %q: %v; allowed: \"\" (the apex) or DNS labels such as app", e.Hostname, err)
		}
	}
	if !contains(priceClasses, e.PriceClass) {
		p.addf("edge.priceClass", "is %q; allowed: %s", e.PriceClass, strings.Join(priceClasses, ", "))
	}
	if e.WafRateLimit < MinWafRateLimit || e.WafRateLimit > MaxWafRateLimit {
		p.addf("edge.wafRateLimit", "is %d; allowed: %d to %d requests per 5 minutes per IP", e.WafRateLimit, MinWafRateLimit, MaxWafRateLimit)
	}
	if !contains(healthCheckIntervals, e.HealthCheckIntervalSeconds) {
		p.addf("edge.healthCheckIntervalSeconds", "is %d; allowed: 10, 30", e.HealthCheckIntervalSeconds)
	}
	if e.HealthCheckFailureThreshold < 1 || e.HealthCheckFailureThreshold > 10 {
		p.addf("edge.healthCheckFailureThreshold", "is %d; allowed: 1 to 10", e.HealthCheckFailureThreshold)
	}
	if !contains(logRetentionDays, e.LogRetentionDays) {
		p.addf("edge.logRetentionDays", "is %d; CloudWatch Logs allows %s", e.LogRetentionDays, joinInts(logRetentionDays))
	}
}
