package policy

import "fmt"

// viewerTLSPolicies are the CloudFront minimum protocol versions the project accepts (TLSv1.2_2021 or newer).
var viewerTLSPolicies = []string{"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

// knownBadInputs is the AWS managed rule group that blocks Log4j (Log4JRCE) and other known-bad inputs.
const knownBadInputs = "AWSManagedRulesKnownBadInputsRuleSet"

var edgeRules = []Rule{
	{
		Name:          "cloudfront-waf",
		Description:   "CloudFront distributions have a WAF web ACL attached.",
		ResourceTypes: []string{TypeDistribution},
		Check: func(r *Resource) []string {
			if !r.set("webAclId") {
				return []string{"webAclId is not set"}
			}
			return nil
		},
	},
	{
		Name:          "cloudfront-viewer-tls",
		Description:   "CloudFront serves viewers a custom certificate with minimum protocol TLSv1.2_2021 and never allow-all (plain HTTP).",
		ResourceTypes: []string{TypeDistribution},
		Check: func(r *Resource) []string {
			var out []string
			if r.boolean("viewerCertificate.cloudfrontDefaultCertificate") {
				out = append(out, "viewerCertificate uses the CloudFront default certificate, which allows TLSv1")
			}
			if v := r.str("viewerCertificate.minimumProtocolVersion"); !containsString(viewerTLSPolicies, v) {
				out = append(out, fmt.Sprintf("viewerCertificate.minimumProtocolVersion is %q; allowed: %v", v, viewerTLSPolicies))
			}
			behaviors := append([]*Resource{sub(r.get("defaultCacheBehavior"))}, subs(r, "orderedCacheBehaviors")...)
			for i, b := range behaviors {
				if p := b.str("viewerProtocolPolicy"); p == "allow-all" || (p == "" && !b.unknown("viewerProtocolPolicy")) {
					out = append(out, fmt.Sprintf("cache behaviour %d has viewerProtocolPolicy %q", i, p))
				}
			}
			return out
		},
	},
	{
		Name:          "cloudfront-origin-tls",
		Description:   "CloudFront reaches custom origins with https-only and TLSv1.2 only.",
		ResourceTypes: []string{TypeDistribution},
		Check: func(r *Resource) []string {
			var out []string
			for i, o := range subs(r, "origins") {
				if !o.set("customOriginConfig") {
					continue // S3 origins go through origin access control over HTTPS
				}
				if p := o.str("customOriginConfig.originProtocolPolicy"); p != "https-only" {
					out = append(out, fmt.Sprintf("origins[%d] has originProtocolPolicy %q", i, p))
				}
				protocols := o.strings("customOriginConfig.originSslProtocols")
				if len(protocols) != 1 || protocols[0] != "TLSv1.2" {
					out = append(out, fmt.Sprintf("origins[%d] allows originSslProtocols %v; only TLSv1.2", i, protocols))
				}
			}
			return out
		},
	},
	{
		Name:          "cloudfront-origin-failover",
		Description:   "CloudFront has an origin group of two origins with failover status codes.",
		ResourceTypes: []string{TypeDistribution},
		Check: func(r *Resource) []string {
			for _, g := range subs(r, "originGroups") {
				if g.set("failoverCriteria.statusCodes") && len(g.list("members")) == 2 {
					return nil
				}
			}
			return []string{"no origin group with two members and failoverCriteria.statusCodes"}
		},
	},
	{
		Name:          "waf-known-bad-inputs",
		Description:   "Web ACLs run AWSManagedRulesKnownBadInputsRuleSet (Log4j) with its own actions, not overridden to count.",
		ResourceTypes: []string{TypeWebAcl},
		Check: func(r *Resource) []string {
			if r.set("ruleJson") {
				return []string{"rules are given as ruleJson, which the guardrails cannot read; use rules"}
			}
			for _, rule := range subs(r, "rules") {
				stmt := sub(rule.get("statement.managedRuleGroupStatement"))
				if stmt.str("name") != knownBadInputs || stmt.str("vendorName") != "AWS" {
					continue
				}
				var out []string
				if rule.set("overrideAction.count") || !rule.set("overrideAction.none") {
					out = append(out, fmt.Sprintf("rule %s does not use overrideAction none", rule.str("name")))
				}
				for _, o := range subs(stmt, "ruleActionOverrides") {
					if !o.set("actionToUse.block") {
						out = append(out, fmt.Sprintf("rule %s overrides %s to something other than block", rule.str("name"), o.str("name")))
					}
				}
				return out
			}
			return []string{"no rule runs the AWS managed rule group " + knownBadInputs}
		},
	},
}

var cloudFrontLoggingRule = StackRule{
	Name: "cloudfront-logging",
	Description: "CloudFront distributions log access: legacy loggingConfig, or a CloudWatch log delivery " +
		"source (ACCESS_LOGS) for the distribution with a delivery.",
	ResourceTypes: []string{TypeDistribution},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, d := range ofType(all, TypeDistribution) {
			if d.set("loggingConfig.bucket") {
				continue
			}
			logged := false
			for _, src := range referrers(all, d, "resourceArn", TypeLogDeliverySource) {
				if src.str("logType") != "ACCESS_LOGS" && !src.unknown("logType") {
					continue
				}
				for _, del := range ofType(all, TypeLogDelivery) {
					if del.refersTo("deliverySourceName", src) {
						logged = true
					}
				}
			}
			if !logged {
				out = append(out, Finding{URN: d.URN, Message: "the distribution has neither loggingConfig nor an ACCESS_LOGS log delivery"})
			}
		}
		return out
	},
}

var wafLoggingRule = StackRule{
	Name:          "waf-logging",
	Description:   "Every WAF web ACL has a logging configuration.",
	ResourceTypes: []string{TypeWebAcl},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, acl := range ofType(all, TypeWebAcl) {
			if len(referrers(all, acl, "resourceArn", TypeWebAclLogging)) == 0 {
				out = append(out, Finding{URN: acl.URN, Message: "the web ACL has no aws:wafv2/webAclLoggingConfiguration"})
			}
		}
		return out
	},
}
