package policy

import "fmt"

var openCidrs = []string{"0.0.0.0/0", "::/0"}

// sgRule is one security group rule, inline or standalone, in one shape.
type sgRule struct {
	ingress       bool
	where         string // "ingress[0]" or the standalone resource's name
	description   string
	cidrs         []string
	prefixLists   []string
	groups        []string // referenced security groups
	self          bool
	protocol      string
	from, to      int
	descriptionOK bool // description set (or unknown)
}

// inlineRules returns the inline ingress and egress blocks of a (default) security group.
func inlineRules(r *Resource) []sgRule {
	var out []sgRule
	for _, dir := range []string{"ingress", "egress"} {
		for i, e := range r.list(dir) {
			b := sub(e)
			out = append(out, sgRule{
				ingress:       dir == "ingress",
				where:         fmt.Sprintf("%s[%d]", dir, i),
				description:   b.str("description"),
				descriptionOK: b.set("description"),
				cidrs:         append(b.strings("cidrBlocks"), b.strings("ipv6CidrBlocks")...),
				prefixLists:   b.strings("prefixListIds"),
				groups:        b.strings("securityGroups"),
				self:          b.boolean("self"),
				protocol:      b.str("protocol"),
				from:          intOf(b, "fromPort"),
				to:            intOf(b, "toPort"),
			})
		}
	}
	return out
}

// standaloneRule reads a SecurityGroupRule / SecurityGroupIngressRule / SecurityGroupEgressRule.
func standaloneRule(r *Resource) sgRule {
	rule := sgRule{where: r.Name, description: r.str("description"), descriptionOK: r.set("description"),
		from: intOf(r, "fromPort"), to: intOf(r, "toPort")}
	switch r.Type {
	case TypeSecurityGroupRule:
		rule.ingress = r.str("type") == "ingress"
		rule.cidrs = append(r.strings("cidrBlocks"), r.strings("ipv6CidrBlocks")...)
		rule.prefixLists = r.strings("prefixListIds")
		if r.set("sourceSecurityGroupId") {
			rule.groups = []string{r.str("sourceSecurityGroupId")}
		}
		rule.self = r.boolean("self")
		rule.protocol = r.str("protocol")
	default:
		rule.ingress = r.Type == TypeIngressRule
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			if r.set(k) {
				rule.cidrs = append(rule.cidrs, r.str(k))
			}
		}
		if r.set("prefixListId") {
			rule.prefixLists = []string{r.str("prefixListId")}
		}
		if r.set("referencedSecurityGroupId") {
			rule.groups = []string{r.str("referencedSecurityGroupId")}
		}
		rule.protocol = r.str("ipProtocol")
	}
	if rule.protocol == "-1" || rule.protocol == "all" {
		rule.from, rule.to = 0, 65535
	}
	return rule
}

func intOf(r *Resource, path string) int {
	n, _ := r.number(path)
	return int(n)
}

// rulesOf returns the rules a resource declares: inline blocks of groups, or itself when standalone.
func rulesOf(r *Resource) []sgRule {
	switch r.Type {
	case TypeSecurityGroup, TypeDefaultSecurityGroup:
		return inlineRules(r)
	case TypeSecurityGroupRule, TypeIngressRule, TypeEgressRule:
		return []sgRule{standaloneRule(r)}
	}
	return nil
}

var sgTypes = []string{TypeSecurityGroup, TypeDefaultSecurityGroup, TypeSecurityGroupRule, TypeIngressRule, TypeEgressRule}
var standaloneRuleTypes = []string{TypeSecurityGroupRule, TypeIngressRule, TypeEgressRule}

var networkRules = []Rule{
	{
		Name:          "security-group-no-public-ingress",
		Description:   "No security group rule allows ingress from 0.0.0.0/0 or ::/0 (the public edge is CloudFront's prefix list).",
		ResourceTypes: sgTypes,
		Check: func(r *Resource) []string {
			var out []string
			for _, rule := range rulesOf(r) {
				for _, c := range rule.cidrs {
					if rule.ingress && containsString(openCidrs, c) {
						out = append(out, fmt.Sprintf("%s allows ingress from %s", rule.where, c))
					}
				}
			}
			return out
		},
	},
	{
		Name:          "security-group-rule-description",
		Description:   "Every security group rule, inline or standalone, has a description.",
		ResourceTypes: sgTypes,
		Check: func(r *Resource) []string {
			var out []string
			for _, rule := range rulesOf(r) {
				if !rule.descriptionOK {
					out = append(out, fmt.Sprintf("%s has no description", rule.where))
				}
			}
			return out
		},
	},
}

var securityGroupMixedRule = StackRule{
	Name:          "security-group-no-mixed-rules",
	Description:   "No security group has both inline rules and standalone rule resources (they overwrite each other).",
	ResourceTypes: []string{TypeSecurityGroup},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, sg := range ofType(all, TypeSecurityGroup) {
			if !sg.set("ingress") && !sg.set("egress") {
				continue
			}
			for _, rule := range referrers(all, sg, "securityGroupId", standaloneRuleTypes...) {
				out = append(out, Finding{URN: sg.URN, Message: fmt.Sprintf("has inline rules and the standalone rule %s", rule.Name)})
			}
		}
		return out
	},
}

var vpcFlowLogRule = StackRule{
	Name:          "vpc-flow-logs",
	Description:   "Every VPC has a flow log.",
	ResourceTypes: []string{TypeVpc},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, vpc := range ofType(all, TypeVpc) {
			if len(referrers(all, vpc, "vpcId", TypeFlowLog)) == 0 {
				out = append(out, Finding{URN: vpc.URN, Message: "the VPC has no aws:ec2/flowLog"})
			}
		}
		return out
	},
}

var vpcDefaultSecurityGroupRule = StackRule{
	Name:          "vpc-default-security-group-closed",
	Description:   "Every VPC adopts its default security group (aws:ec2/defaultSecurityGroup) with no rules.",
	ResourceTypes: []string{TypeVpc, TypeDefaultSecurityGroup},
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, vpc := range ofType(all, TypeVpc) {
			if len(referrers(all, vpc, "vpcId", TypeDefaultSecurityGroup)) == 0 {
				out = append(out, Finding{URN: vpc.URN, Message: "the VPC's default security group is not adopted, so it keeps AWS's allow rules"})
			}
		}
		for _, d := range ofType(all, TypeDefaultSecurityGroup) {
			for _, rule := range inlineRules(d) {
				out = append(out, Finding{URN: d.URN, Message: fmt.Sprintf("the default security group has the rule %s", rule.where)})
			}
		}
		return out
	},
}
