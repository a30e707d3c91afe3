package edgecalc

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNames(t *testing.T) {
	cases := []struct {
		hostname, domain         string
		viewer, failover, region string
	}{
		{"app", "example.com", "app.example.com", "origin.app.example.com", "eu-west-1.origin.app.example.com"},
		{"", "example.com", "example.com", "origin.example.com", "eu-west-1.origin.example.com"},
		{"App", "Example.COM.", "app.example.com", "origin.app.example.com", "eu-west-1.origin.app.example.com"},
		{"www.shop", "staging.example.com", "www.shop.staging.example.com", "origin.www.shop.staging.example.com", "eu-west-1.origin.www.shop.staging.example.com"},
	}
	for _, tc := range cases {
		n := NewNames(tc.hostname, tc.domain)
		assert.Equal(t, tc.viewer, n.Viewer())
		assert.Equal(t, tc.failover, n.FailoverOrigin())
		assert.Equal(t, tc.region, n.Regional("eu-west-1"))
		assert.NoError(t, n.Validate("eu-west-1", "eu-central-1"))
	}
	assert.Equal(t, []string{"app.example.com", "origin.app.example.com", "a.origin.app.example.com", "b.origin.app.example.com"},
		NewNames("app", "example.com").All("a", "b"))
}

func TestInvalidNames(t *testing.T) {
	cases := []struct {
		hostname, domain, want string
	}{
		{"app", "", "is empty"},
		{"app", "localhost", "single label"},
		{"app", "exa_mple.com", `label "exa_mple"`},
		{"app", "-example.com", `label "-example"`},
		{"app", "10.0.0.1", "numeric label"},
		{"app", "example..com", `label ""`},
		{"bad host", "example.com", `hostname "bad host"`},
		{strings.Repeat("a", 50), "example.com", "ACM allows 64"},
		{"app", strings.Repeat("a", 64) + ".com", "not a DNS label"},
	}
	for _, tc := range cases {
		err := NewNames(tc.hostname, tc.domain).Validate("us-east-1")
		if assert.Error(t, err, "%q %q", tc.hostname, tc.domain) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
}
