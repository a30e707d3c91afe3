package stacks

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// testDomain is the domain tests give stacks whose own values leave `edge` out (it is required).
const testDomain = "example.com"

// withEdge returns values with a minimal `edge` object (the required domainName) when values has none.
func withEdge(values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		out[k] = v
	}
	if _, ok := out["edge"]; !ok {
		out["edge"] = `{"domainName":"` + testDomain + `"}`
	}
	return out
}

// parseT is Parse with the values every stack must pin added where the test did not set them.
func parseT(stack string, values map[string]string, unknown []string) (*Config, error) {
	return Parse(stack, withPinned(stack, values), unknown)
}

// testAccount is the account id the test stacks pin.
const testAccount = "111122223333"

// testHostedZone is the hosted zone id the test stacks pin.
const testHostedZone = "Z0TESTZONE00001"

// withPinned adds what every stack must pin (accountId, zones, images, the health-check prefix
// lists, the hosted zone) for its regions, wherever the test did not set them itself.
func withPinned(stack string, values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		out[k] = v
	}
	primary, secondary := "us-east-1", "us-west-2"
	if v, ok := out["primaryRegion"]; ok {
		primary = v
	}
	if v, ok := out["secondaryRegion"]; ok {
		secondary = v
	}
	if _, ok := out["accountId"]; !ok {
		out["accountId"] = testAccount
	}
	object := func(key string) map[string]any {
		v := map[string]any{}
		if raw, ok := out[key]; ok {
			if json.Unmarshal([]byte(raw), &v) != nil || v == nil {
				return nil // a deliberately malformed value stays as the test wrote it
			}
		}
		return v
	}
	store := func(key string, v map[string]any) {
		b, _ := json.Marshal(v)
		out[key] = string(b)
	}
	if n := object("network"); n != nil {
		azCount := 3
		if env, ok := out["environment"]; (ok && env == Staging) || (!ok && stack != Prod) {
			azCount = 2
		}
		if c, ok := n["azCount"].(float64); ok {
			azCount = int(c)
		}
		for role, region := range map[string]string{"primary": primary, "secondary": secondary} {
			r, isObject := n[role].(map[string]any)
			if _, set := n[role]; set && !isObject {
				continue // a deliberately wrong value stays as the test wrote it
			}
			if r == nil {
				r = map[string]any{}
			}
			if _, set := r["azs"]; !set && azCount > 0 && azCount <= 6 {
				zones := make([]any, azCount)
				for i := range zones {
					zones[i] = region + string(rune('a'+i))
				}
				r["azs"] = zones
			}
			if _, set := r["cidr"]; !set {
				r["cidr"] = map[string]string{"primary": "10.0.0.0/16", "secondary": "10.1.0.0/16"}[role]
			}
			n[role] = r
		}
		store("network", n)
	}
	if c := object("compute"); c != nil {
		if _, set := c["amiIds"]; !set {
			c["amiIds"] = map[string]any{primary: "ami-0123456789abcdef0", secondary: "ami-0fedcba9876543210"}
		}
		if _, set := c["healthCheckPrefixListIds"]; !set {
			c["healthCheckPrefixListIds"] = map[string]any{primary: "pl-0a1b2c3d4e5f60718", secondary: "pl-0b1c2d3e4f5a60718"}
		}
		store("compute", c)
	}
	if e := object("edge"); e != nil {
		_, set := e["hostedZoneId"]
		if create, _ := e["createHostedZone"].(bool); !set && !create {
			e["hostedZoneId"] = testHostedZone
		}
		store("edge", e)
	}
	return out
}

func TestEdgeDefaultsPerEnvironment(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	staging, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, Edge{DomainName: "example.com", Hostname: "app", HostedZoneId: testHostedZone, PriceClass: "PriceClass_100", WafRateLimit: 2000,
		HealthCheckIntervalSeconds: 10, HealthCheckFailureThreshold: 3, LogRetentionDays: 365}, prod.Edge)
	assert.Equal(t, Edge{DomainName: "example.com", Hostname: "app", HostedZoneId: testHostedZone, PriceClass: "PriceClass_100", WafRateLimit: 2000,
		HealthCheckIntervalSeconds: 30, HealthCheckFailureThreshold: 3, LogRetentionDays: 30}, staging.Edge)
	assert.Equal(t, "app.example.com", prod.Edge.Names().Viewer())
	assert.Equal(t, "origin.app.example.com", prod.Edge.Names().FailoverOrigin())
	assert.Equal(t, "us-west-2.origin.app.example.com", prod.Edge.Names().Regional(prod.SecondaryRegion))
}

func TestEdgeSettings(t *testing.T) {
	c, err := parseT("staging", map[string]string{"edge": `{"domainName":"Staging.Example.com.","hostname":"","createHostedZone":true,
		"priceClass":"PriceClass_All","wafRateLimit":100,"healthCheckIntervalSeconds":10,"healthCheckFailureThreshold":1,"logRetentionDays":7}`}, nil)
	require.NoError(t, err)
	assert.Equal(t, Edge{DomainName: "staging.example.com", Hostname: "", CreateHostedZone: true, PriceClass: "PriceClass_All",
		WafRateLimit: 100, HealthCheckIntervalSeconds: 10, HealthCheckFailureThreshold: 1, LogRetentionDays: 7}, c.Edge)
	assert.Equal(t, "staging.example.com", c.Edge.Names().Viewer(), "an empty hostname serves the apex")
	assert.Equal(t, "origin.staging.example.com", c.Edge.Names().FailoverOrigin())
}

// The traffic side of the region failure scenario: with the committed prod stack, viewers reach the
// standby typically 105 s and at most 120 s after a dark primary region (issue 22 case 8), with
// checks that a 15 s restart of every process does not flip (case 10).
func TestCommittedProdFailsOverWithin120Seconds(t *testing.T) {
	raw, err := offline.StackConfig("..", "prod")
	require.NoError(t, err)
	values := map[string]string{}
	for k, v := range raw {
		if name, ok := strings.CutPrefix(k, Namespace+":"); ok {
			values[name] = v
		}
	}
	c, err := parseT("prod", withEdge(values), nil)
	require.NoError(t, err)
	b := c.Edge.FailoverBudget()
	assert.LessOrEqual(t, b.Bound.Total, 120*time.Second, "prod's dark-region bound %v (%+v)", b.Bound.Total, b)
	assert.Equal(t, 105*time.Second, b.Total, "10 s x 3 + 10 s evaluation + 60 s TTL/keep-alive + 1 x 5 s origin attempt")
	assert.Equal(t, 114*time.Second, b.Bound.Total, "10 s x 3 + 4 s checker timeout + 10 s + 60 s TTL + 1 x 10 s read timeout")
	assert.Equal(t, 10, c.Edge.HealthCheckIntervalSeconds)
	assert.Equal(t, 3, c.Edge.HealthCheckFailureThreshold)

	s, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, 185*time.Second, s.Edge.FailoverBudget().Total, "staging trades speed for fewer false failovers (30 s x 3)")
}

func TestEdgeBadConfig(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"missing edge", nil, `multi-region-ha:edge.domainName: is required`},
		{"missing domain", map[string]string{"edge": `{"hostname":"www"}`}, `multi-region-ha:edge.domainName: is required`},
		{"single label", map[string]string{"edge": `{"domainName":"localhost"}`}, `multi-region-ha:edge.domainName: "localhost" has a single label`},
		{"bad characters", map[string]string{"edge": `{"domainName":"exa mple.com"}`}, `multi-region-ha:edge.domainName: label "exa mple" of "exa mple.com" is not a DNS label`},
		{"url not name", map[string]string{"edge": `{"domainName":"https://example.com"}`}, `multi-region-ha:edge.domainName: label "https://example"`},
		{"ip address", map[string]string{"edge": `{"domainName":"10.0.0.1"}`}, `numeric label`},
		{"bad hostname", map[string]string{"edge": `{"domainName":"example.com","hostname":"my_app"}`}, `multi-region-ha:edge.hostname: is "my_app"`},
		{"name too long for ACM", map[string]string{"edge": `{"domainName":"example.com","hostname":"` + strings.Repeat("a", 50) + `"}`},
			`ACM allows 64 for a certificate's domain name`},
		{"price class", map[string]string{"edge": `{"domainName":"example.com","priceClass":"PriceClass_50"}`},
			`multi-region-ha:edge.priceClass: is "PriceClass_50"; allowed: PriceClass_100, PriceClass_200, PriceClass_All`},
		{"rate limit", map[string]string{"edge": `{"domainName":"example.com","wafRateLimit":99}`},
			`multi-region-ha:edge.wafRateLimit: is 99; allowed: 100 to 2000000000`},
		{"interval", map[string]string{"edge": `{"domainName":"example.com","healthCheckIntervalSeconds":20}`},
			`multi-region-ha:edge.healthCheckIntervalSeconds: is 20; allowed: 10, 30`},
		{"threshold low", map[string]string{"edge": `{"domainName":"example.com","healthCheckFailureThreshold":0}`},
			`multi-region-ha:edge.healthCheckFailureThreshold: is 0; allowed: 1 to 10`},
		{"threshold high", map[string]string{"edge": `{"domainName":"example.com","healthCheckFailureThreshold":11}`},
			`multi-region-ha:edge.healthCheckFailureThreshold: is 11; allowed: 1 to 10`},
		{"retention", map[string]string{"edge": `{"domainName":"example.com","logRetentionDays":10}`},
			`multi-region-ha:edge.logRetentionDays: is 10; CloudWatch Logs allows 1, 3, 5`},
		{"unknown key", map[string]string{"edge": `{"domainName":"example.com","domain":"example.org"}`},
			`multi-region-ha:edge.domain: unknown key; allowed keys are createHostedZone, domainName, healthCheckFailureThreshold`},
		{"wrong type", map[string]string{"edge": `{"domainName":"example.com","createHostedZone":"yes"}`},
			`multi-region-ha:edge.createHostedZone: must be a boolean`},
		{"not an object", map[string]string{"edge": `example.com`}, `multi-region-ha:edge: must be an object`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT("prod", tc.values, nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			assert.Contains(t, err.Error(), tc.want)
			for _, p := range cfgErr.Problems {
				assert.True(t, strings.HasPrefix(p.Key, "multi-region-ha:edge"), "only edge problems: %s", p)
			}
		})
	}
}
