// Package edgecalc holds the pure logic of the edge: the one DNS naming scheme and the traffic
// failover budget. It imports nothing but the standard library, so stack configuration (package
// stacks) and planning tools can use it without compiling the AWS SDK.
package edgecalc

import (
	"fmt"
	"regexp"
	"strings"
)

// Names is the one naming scheme of the edge.
//
//	Viewer            <hostname>.<domain>          (the domain itself when hostname is "")
//	FailoverOrigin    origin.<viewer>              PRIMARY/SECONDARY failover pair, CloudFront's default origin
//	Regional(region)  <region>.origin.<viewer>     one alias per region, CloudFront's origin-group members
type Names struct {
	Hostname string
	Domain   string
}

// NewNames returns the naming scheme of hostname under domain (both lower-cased, trailing dots dropped).
func NewNames(hostname, domain string) Names {
	return Names{Hostname: normalize(hostname), Domain: normalize(domain)}
}

// Viewer is the name users type: <hostname>.<domain>, or the domain (apex) when hostname is empty.
func (n Names) Viewer() string {
	if n.Hostname == "" {
		return n.Domain
	}
	return n.Hostname + "." + n.Domain
}

// FailoverOrigin is the name Route 53 answers with the primary ALB while it is healthy, else the secondary.
func (n Names) FailoverOrigin() string { return "origin." + n.Viewer() }

// Regional is the name of one region's ALB.
func (n Names) Regional(region string) string { return region + ".origin." + n.Viewer() }

// All returns every name a certificate of regions covers, without duplicates: viewer, failover
// origin, then one regional name per region.
func (n Names) All(regions ...string) []string {
	out := []string{n.Viewer(), n.FailoverOrigin()}
	for _, r := range regions {
		out = append(out, n.Regional(r))
	}
	return out
}

// MaxCertificateDomainLength is ACM's limit on a certificate's first domain name (it becomes the
// subject's common name, which X.509 caps at 64 characters). SANs may be up to 253.
const MaxCertificateDomainLength = 64

// Validate reports the first reason these names cannot be DNS names of ACM certificates in regions.
func (n Names) Validate(regions ...string) error {
	if err := ValidateDomainName(n.Domain); err != nil {
		return err
	}
	if n.Hostname != "" {
		if err := validLabels(n.Hostname); err != nil {
			return fmt.Errorf("hostname %q: %w", n.Hostname, err)
		}
	}
	// The viewer and the failover origin are the first domain names of their certificates.
	for _, name := range []string{n.Viewer(), n.FailoverOrigin()} {
		if len(name) > MaxCertificateDomainLength {
			return fmt.Errorf("%q is %d characters; ACM allows %d for a certificate's domain name: shorten hostname or domainName",
				name, len(name), MaxCertificateDomainLength)
		}
	}
	for _, r := range regions {
		if name := n.Regional(r); len(name) > 253 {
			return fmt.Errorf("%q is longer than 253 characters", name)
		}
	}
	return nil
}

var labelPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidateDomainName checks a public DNS name: at least two labels, each 1..63 of a-z, 0-9 and '-'
// (not at either end), a non-numeric top-level label, at most 253 characters.
func ValidateDomainName(name string) error {
	if name == "" {
		return fmt.Errorf("is empty")
	}
	if len(name) > 253 {
		return fmt.Errorf("is %d characters; a DNS name has at most 253", len(name))
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q has a single label; use a registered domain such as example.com", name)
	}
	if err := validLabels(name); err != nil {
		return err
	}
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return fmt.Errorf("%q ends in a numeric label; use a domain name, not an IP address", name)
	}
	return nil
}

func validLabels(name string) error {
	for _, l := range strings.Split(name, ".") {
		if !labelPattern.MatchString(l) {
			return fmt.Errorf("label %q of %q is not a DNS label (1-63 of a-z, 0-9, '-', not starting or ending with '-')", l, name)
		}
	}
	return nil
}

func normalize(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
}
