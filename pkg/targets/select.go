// Package targets is `go run . targets --stack S --region R`: the last-resort flags that limit a
// `pulumi up` to one surviving region while the other is dark. It runs the program under the offline
// model (no AWS call) and selects every regional, non-IAM resource of the surviving region; it never
// selects IAM, Route 53, CloudFront, CloudFront's certificate (the us-east-1 viewer certificate),
// WAF of CLOUDFRONT scope, Budgets, or anything of another region. IAM, Route 53 and CloudFront are
// controlled from us-east-1; an update touching them needs that region's control planes.
package targets

import (
	"sort"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// Reasons a resource of the surviving region is left out.
const (
	ReasonOtherRegion = "other region"
	ReasonNoRegion    = "no region (not an AWS resource)"
	ReasonGlobal      = "global control plane (us-east-1)"
	ReasonIAM         = "IAM (global, controlled from us-east-1)"
)

// globalPrefixes are type prefixes of services whose control plane is global (us-east-1), whatever
// provider registers them.
var globalPrefixes = []string{
	"aws:iam/",        // IAM
	"aws:route53/",    // Route 53 records, zones, health checks
	"aws:cloudfront/", // CloudFront distributions, policies, functions
	"aws:budgets/",    // AWS Budgets
}

// Selection is the outcome for one stack and surviving region.
type Selection struct {
	Region   string    `json:"region"`
	Dark     []string  `json:"darkRegions"`
	Targets  []string  `json:"targets"`  // URNs to pass as --target
	Excluded []Skipped `json:"excluded"` // every other custom resource and why
}

// Skipped is a resource the selection leaves out.
type Skipped struct {
	URN    string `json:"urn"`
	Reason string `json:"reason"`
}

// Select picks the URNs a targeted update of region may touch from a whole-program recording.
func Select(resources []*offline.Resource, region string, dark []string) Selection {
	viewerCerts := map[string]bool{}    // ARNs of certificates CloudFront serves
	cloudFrontAcls := map[string]bool{} // ARNs/ids of WebACLs of CLOUDFRONT scope
	for _, r := range resources {
		switch {
		case r.Type == "aws:cloudfront/distribution:Distribution":
			if arn := r.Str("viewerCertificate.acmCertificateArn"); arn != "" {
				viewerCerts[arn] = true
			}
		case r.Type == "aws:wafv2/webAcl:WebAcl" && r.Str("scope") == "CLOUDFRONT":
			if v := r.Outputs["arn"]; v.IsString() {
				cloudFrontAcls[v.StringValue()] = true
			}
		}
	}
	s := Selection{Region: region, Dark: dark, Targets: []string{}, Excluded: []Skipped{}}
	for _, r := range resources {
		if r.Type == "pulumi:providers:aws" && (r.Region == region || r.Str("region") == region) {
			// The surviving region's provider is targeted explicitly. Older engines treat every provider
			// as implicitly targeted (pulumi/pulumi#17746); pulumi/pulumi#24259 (2026) stops configuring
			// untargeted providers, and whether one that targeted resources use then takes the program's
			// new settings (defaultTags after a `tags` change) or its old state is not documented.
			// Targeting it removes the doubt, and a provider update is state-only (it touches no AWS
			// resource). The dark region's provider stays untargeted: newer engines do not configure it,
			// older ones configure it with unavailableRegion's settings, which call no API of that region.
			s.Targets = append(s.Targets, r.URN)
			continue
		}
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue // components hold nothing; other providers are configured, never targeted
		}
		reason := reasonToSkip(r, region, viewerCerts, cloudFrontAcls)
		if reason == "" {
			s.Targets = append(s.Targets, r.URN)
			continue
		}
		s.Excluded = append(s.Excluded, Skipped{URN: r.URN, Reason: reason})
	}
	sort.Strings(s.Targets)
	sort.Slice(s.Excluded, func(i, j int) bool { return s.Excluded[i].URN < s.Excluded[j].URN })
	return s
}

// reasonToSkip says why r is not part of region's targeted update, or "" when it is.
func reasonToSkip(r *offline.Resource, region string, viewerCerts, cloudFrontAcls map[string]bool) string {
	switch {
	case r.Region == "":
		return ReasonNoRegion
	case r.Region != region:
		return ReasonOtherRegion
	case strings.HasPrefix(r.Type, "aws:iam/"):
		return ReasonIAM
	}
	for _, p := range globalPrefixes {
		if strings.HasPrefix(r.Type, p) {
			return ReasonGlobal
		}
	}
	switch r.Type {
	case "aws:acm/certificate:Certificate":
		if arn := r.Outputs["arn"]; arn.IsString() && viewerCerts[arn.StringValue()] {
			return ReasonGlobal + ": CloudFront's viewer certificate"
		}
	case "aws:acm/certificateValidation:CertificateValidation":
		if viewerCerts[r.Str("certificateArn")] {
			return ReasonGlobal + ": CloudFront's viewer certificate"
		}
	}
	if strings.HasPrefix(r.Type, "aws:wafv2/") {
		if r.Str("scope") == "CLOUDFRONT" || cloudFrontAcls[r.Str("resourceArn")] || strings.Contains(r.Str("resourceArn"), ":global/webacl/") {
			return ReasonGlobal + ": WAF of CLOUDFRONT scope"
		}
	}
	return ""
}
