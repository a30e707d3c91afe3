// Package targets is `go run . targets --stack S --region R`: the last-resort flags that limit a
// `pulumi up` to what is reachable while a region is dark. It runs the program under the offline
// model (no AWS call) and selects every resource of the surviving region and, while us-east-1 is up,
// the global ones whose control plane lives there (IAM, Route 53, CloudFront, CloudFront's viewer
// certificate, CLOUDFRONT-scope WAF, Budgets) and the edge's other resources in us-east-1. It never
// selects a resource of a dark region (nor its provider); when us-east-1 is dark it leaves the
// global ones out and says so.
package targets

import (
	"sort"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
)

// EdgeRegion hosts the control planes of IAM, Route 53, CloudFront (and its ACM certificates and
// CLOUDFRONT-scope WAF) and Budgets.
const EdgeRegion = "us-east-1"

// Reasons a resource is left out.
const (
	ReasonOtherRegion = "other region"
	ReasonNoRegion    = "no region (not an AWS resource)"
	ReasonGlobal      = "global control plane in us-east-1, which is dark"
	ReasonIAM         = "IAM (global, controlled from us-east-1, which is dark)"
)

// Selection is the outcome for one stack and surviving region.
type Selection struct {
	Region   string    `json:"region"`
	Dark     []string  `json:"darkRegions"`
	Targets  []string  `json:"targets"`  // URNs to pass as --target
	Excluded []Skipped `json:"excluded"` // every other custom resource and why
	// GlobalLeftOut names the global services left out because us-east-1 is dark (empty otherwise).
	GlobalLeftOut []string `json:"globalLeftOut"`
}

// Skipped is a resource the selection leaves out.
type Skipped struct {
	URN    string `json:"urn"`
	Reason string `json:"reason"`
}

// Select picks the URNs a targeted update may touch from a whole-program recording, with region
// surviving and the dark regions down: everything of region, and of us-east-1 unless it is dark
// (global services included). A region that is neither region nor us-east-1 is never selected.
func Select(resources []*offline.Resource, region string, dark []string) Selection {
	reachable := map[string]bool{region: true}
	if !contains(dark, EdgeRegion) {
		reachable[EdgeRegion] = true
	}
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
	s := Selection{Region: region, Dark: dark, Targets: []string{}, Excluded: []Skipped{}, GlobalLeftOut: []string{}}
	leftOut := map[string]bool{}
	for _, r := range resources {
		if r.Type == "pulumi:providers:aws" && (reachable[r.Region] || reachable[r.Str("region")]) {
			// The reachable regions' providers (the surviving region's, and us-east-1's while it is up)
			// are targeted explicitly. Older engines treat every provider
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
		service := globalService(r, viewerCerts, cloudFrontAcls)
		reason := reasonToSkip(r, reachable, service)
		if reason == "" {
			s.Targets = append(s.Targets, r.URN)
			continue
		}
		if service != "" && !reachable[EdgeRegion] {
			leftOut[service] = true
		}
		s.Excluded = append(s.Excluded, Skipped{URN: r.URN, Reason: reason})
	}
	for service := range leftOut {
		s.GlobalLeftOut = append(s.GlobalLeftOut, service)
	}
	sort.Strings(s.GlobalLeftOut)
	sort.Strings(s.Targets)
	sort.Slice(s.Excluded, func(i, j int) bool { return s.Excluded[i].URN < s.Excluded[j].URN })
	return s
}

// Global services, as Selection.GlobalLeftOut names them.
const (
	ServiceIAM         = "IAM"
	ServiceRoute53     = "Route 53"
	ServiceCloudFront  = "CloudFront"
	ServiceBudgets     = "Budgets"
	ServiceViewerCert  = "CloudFront's viewer certificate"
	ServiceCloudFrontW = "WAF of CLOUDFRONT scope"
)

// globalPrefixes map type prefixes of services whose control plane is global (us-east-1), whatever
// provider registers them.
var globalPrefixes = map[string]string{
	"aws:iam/":        ServiceIAM,
	"aws:route53/":    ServiceRoute53,
	"aws:cloudfront/": ServiceCloudFront,
	"aws:budgets/":    ServiceBudgets,
}

// globalService names the global service r belongs to, or "" for a regional resource.
func globalService(r *offline.Resource, viewerCerts, cloudFrontAcls map[string]bool) string {
	for p, service := range globalPrefixes {
		if strings.HasPrefix(r.Type, p) {
			return service
		}
	}
	switch r.Type {
	case "aws:acm/certificate:Certificate":
		if arn := r.Outputs["arn"]; arn.IsString() && viewerCerts[arn.StringValue()] {
			return ServiceViewerCert
		}
	case "aws:acm/certificateValidation:CertificateValidation":
		if viewerCerts[r.Str("certificateArn")] {
			return ServiceViewerCert
		}
	}
	if strings.HasPrefix(r.Type, "aws:wafv2/") {
		if r.Str("scope") == "CLOUDFRONT" || cloudFrontAcls[r.Str("resourceArn")] || strings.Contains(r.Str("resourceArn"), ":global/webacl/") {
			return ServiceCloudFrontW
		}
	}
	return ""
}

// reasonToSkip says why r is not part of the targeted update, or "" when it is. A global service's
// resource needs us-east-1 up and its own provider's region reachable (never the dark region's
// provider).
func reasonToSkip(r *offline.Resource, reachable map[string]bool, service string) string {
	switch {
	case r.Region == "":
		return ReasonNoRegion
	case service != "" && !reachable[EdgeRegion]:
		switch service {
		case ServiceIAM:
			return ReasonIAM
		case ServiceViewerCert, ServiceCloudFrontW:
			return ReasonGlobal + ": " + service
		}
		return ReasonGlobal
	case !reachable[r.Region]:
		return ReasonOtherRegion
	}
	return ""
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
