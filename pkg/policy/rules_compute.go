package policy

import (
	"fmt"
	"strings"
)

var computeRules = []Rule{
	{
		Name:          "launch-template-imdsv2",
		Description:   "Launch templates require IMDSv2 (httpTokens required) with a hop limit of 1.",
		ResourceTypes: []string{TypeLaunchTemplate},
		Check: func(r *Resource) []string {
			var out []string
			if r.str("metadataOptions.httpTokens") != "required" {
				out = append(out, "metadataOptions.httpTokens is not \"required\"")
			}
			if n, ok := r.number("metadataOptions.httpPutResponseHopLimit"); !ok || n != 1 {
				out = append(out, "metadataOptions.httpPutResponseHopLimit is not 1")
			}
			return out
		},
	},
	{
		Name:          "launch-template-no-public-ip",
		Description:   "Launch templates give instances no public IP address and no SSH key pair.",
		ResourceTypes: []string{TypeLaunchTemplate},
		Check: func(r *Resource) []string {
			var out []string
			for i, ni := range r.list("networkInterfaces") {
				if sub(ni).boolean("associatePublicIpAddress") {
					out = append(out, fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress is true", i))
				}
			}
			if r.set("keyName") {
				out = append(out, "keyName is set: instances are reached through Session Manager, not SSH")
			}
			return out
		},
	},
	{
		Name:          "launch-template-encrypted-volumes",
		Description:   "Launch templates map their volumes explicitly, each EBS volume encrypted with a customer-managed key.",
		ResourceTypes: []string{TypeLaunchTemplate},
		Check: func(r *Resource) []string {
			mappings := r.list("blockDeviceMappings")
			if len(mappings) == 0 {
				return []string{"no blockDeviceMappings: the root volume would take the AMI's (possibly unencrypted) settings"}
			}
			var out []string
			for i, m := range mappings {
				ebs := sub(m)
				if !ebs.set("ebs") {
					continue // instance-store or no-device mapping
				}
				if !ebs.boolean("ebs.encrypted") {
					out = append(out, fmt.Sprintf("blockDeviceMappings[%d].ebs.encrypted is not \"true\"", i))
				}
				if msg := requireCMK(ebs, "ebs.kmsKeyId", fmt.Sprintf("blockDeviceMappings[%d]", i)); msg != nil {
					out = append(out, msg...)
				}
			}
			return out
		},
	},
	{
		Name:          "alb-hardened",
		Description:   "Application load balancers drop invalid header fields and ship access logs.",
		ResourceTypes: loadBalancerTypes,
		Check: func(r *Resource) []string {
			if t := r.str("loadBalancerType"); t != "" && t != "application" {
				return nil
			}
			var out []string
			if !r.boolean("dropInvalidHeaderFields") {
				out = append(out, "dropInvalidHeaderFields is not true")
			}
			if !r.boolean("accessLogs.enabled") || !r.set("accessLogs.bucket") {
				out = append(out, "accessLogs are not enabled with a bucket")
			}
			return out
		},
	},
	{
		Name:          "alb-deletion-protection-prod",
		Description:   "Load balancers of prod stacks have deletion protection.",
		ResourceTypes: loadBalancerTypes,
		Check: func(r *Resource) []string {
			if r.Prod() && !r.boolean("enableDeletionProtection") {
				return []string{"enableDeletionProtection is not true in a prod stack"}
			}
			return nil
		},
	},
	{
		Name:          "alb-zonal-shift",
		Description:   "Application and network load balancers allow zonal shift (enableZonalShift), so an operator or zonal autoshift can move traffic out of an impaired zone.",
		ResourceTypes: loadBalancerTypes,
		Check: func(r *Resource) []string {
			if t := r.str("loadBalancerType"); t == "gateway" {
				return nil // ARC zonal shift supports application and network load balancers only
			}
			if !r.boolean("enableZonalShift") && !r.unknown("enableZonalShift") {
				return []string{"enableZonalShift is not true: nobody can shift this load balancer's traffic out of an impaired zone"}
			}
			return nil
		},
	},
	{
		Name:          "listener-tls13",
		Description:   "HTTPS and TLS listeners use a TLS 1.3 security policy (ELBSecurityPolicy-TLS13-*).",
		ResourceTypes: listenerTypes,
		Check: func(r *Resource) []string {
			switch p := r.str("protocol"); p {
			case "HTTPS", "TLS":
				if !strings.HasPrefix(r.str("sslPolicy"), "ELBSecurityPolicy-TLS13-") && !r.unknown("sslPolicy") {
					return []string{fmt.Sprintf("%s listener has sslPolicy %q (unset means ELBSecurityPolicy-2016-08)", p, r.str("sslPolicy"))}
				}
			case "HTTP":
				// listener-http-redirect-only decides what an HTTP listener may do.
			default:
				if p == "" && !r.unknown("protocol") {
					return []string{"protocol is not set (AWS defaults to HTTP)"}
				}
			}
			return nil
		},
	},
	{
		Name:          "asg-elb-health-launch-template",
		Description:   "Auto Scaling groups use ELB health checks and a launch template (not a launch configuration).",
		ResourceTypes: []string{TypeAutoscalingGroup},
		Check: func(r *Resource) []string {
			var out []string
			if r.str("healthCheckType") != "ELB" {
				out = append(out, fmt.Sprintf("healthCheckType is %q, not \"ELB\"", r.str("healthCheckType")))
			}
			lt := r.set("launchTemplate.id") || r.set("launchTemplate.name") ||
				r.set("mixedInstancesPolicy.launchTemplate.launchTemplateSpecification")
			if !lt || r.set("launchConfiguration") {
				out = append(out, "the group does not launch from a launch template")
			}
			return out
		},
	},
}

// forwards reports whether any of the actions forwards or authenticates (anything but redirect and fixed-response).
func forwards(actions []*Resource) bool {
	for _, a := range actions {
		if t := a.str("type"); t != "redirect" && t != "fixed-response" {
			return true
		}
	}
	return false
}

func subs(r *Resource, path string) []*Resource {
	var out []*Resource
	for _, e := range r.list(path) {
		out = append(out, sub(e))
	}
	return out
}

var listenerHTTPForwardRule = StackRule{
	Name:          "listener-http-redirect-only",
	Description:   "Plain-HTTP listeners only redirect or answer fixed responses: neither they nor their rules forward.",
	ResourceTypes: listenerTypes,
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, l := range ofType(all, listenerTypes...) {
			if l.str("protocol") != "HTTP" {
				continue
			}
			if forwards(subs(l, "defaultActions")) {
				out = append(out, Finding{URN: l.URN, Message: "the HTTP listener's default action forwards"})
			}
			for _, rule := range referrers(all, l, "listenerArn", listenerRuleTypes...) {
				if forwards(subs(rule, "actions")) {
					out = append(out, Finding{URN: l.URN, Message: fmt.Sprintf("the listener rule %s forwards plain HTTP", rule.Name)})
				}
			}
		}
		return out
	},
}
