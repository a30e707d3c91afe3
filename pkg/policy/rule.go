package policy

import (
	"fmt"
	"sort"
)

// Rule checks one resource at a time. Check is pure: it reads only the resource (type, inputs,
// provider default tags, options) and returns one message per problem, none when it complies.
type Rule struct {
	Name          string
	Description   string
	ResourceTypes []string // type tokens it applies to; empty means every type (Check filters)
	Check         func(r *Resource) []string
}

// StackRule checks relations between resources (a bucket and its encryption configuration, a VPC
// and its flow log). It sees every resource of the stack and reports findings per resource.
type StackRule struct {
	Name          string
	Description   string
	ResourceTypes []string // the types whose resources it reports on
	Check         func(all []*Resource) []Finding
}

// Finding is one problem a stack rule found with one resource.
type Finding struct {
	URN     string
	Message string
}

// Violation is one broken rule on one resource.
type Violation struct {
	Rule    string
	Type    string
	Name    string
	URN     string
	Message string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s %s: %s", v.Rule, v.Type, v.Name, v.Message)
}

// AppliesTo reports whether the rule checks resources of typ.
func (r Rule) AppliesTo(typ string) bool {
	return len(r.ResourceTypes) == 0 || containsString(r.ResourceTypes, typ)
}

// Rules returns every per-resource rule.
func Rules() []Rule {
	var out []Rule
	for _, group := range [][]Rule{encryptionRules, networkRules, computeRules, databaseRules, edgeRules, iamRules, trustRules, resourcePolicyRules, secretRules, tagRules} {
		out = append(out, group...)
	}
	return out
}

// StackRules returns every rule over the whole resource list.
func StackRules() []StackRule {
	return []StackRule{
		s3EncryptionRule, s3PublicAccessRule, s3TLSOnlyRule,
		securityGroupMixedRule, vpcFlowLogRule, vpcDefaultSecurityGroupRule,
		listenerHTTPForwardRule, auroraGlobalSecondaryRule,
		cloudFrontLoggingRule, wafLoggingRule,
	}
}

// CheckResource runs every per-resource rule that applies to r.
func CheckResource(r *Resource) []Violation {
	var out []Violation
	for _, rule := range Rules() {
		if !rule.AppliesTo(r.Type) {
			continue
		}
		for _, msg := range rule.Check(r) {
			out = append(out, Violation{Rule: rule.Name, Type: r.Type, Name: r.Name, URN: r.URN, Message: msg})
		}
	}
	return out
}

// CheckStack runs every stack rule over all.
func CheckStack(all []*Resource) []Violation {
	byURN := map[string]*Resource{}
	for _, r := range all {
		byURN[r.URN] = r
	}
	var out []Violation
	for _, rule := range StackRules() {
		for _, f := range rule.Check(all) {
			v := Violation{Rule: rule.Name, URN: f.URN, Message: f.Message}
			if r := byURN[f.URN]; r != nil {
				v.Type, v.Name = r.Type, r.Name
			}
			out = append(out, v)
		}
	}
	return out
}

// Check runs every rule, per resource and over the stack, and returns the violations sorted.
func Check(all []*Resource) []Violation {
	var out []Violation
	for _, r := range all {
		out = append(out, CheckResource(r)...)
	}
	out = append(out, CheckStack(all)...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].URN < out[j].URN
	})
	return out
}

// ofType returns the resources of any of types.
func ofType(all []*Resource, types ...string) []*Resource {
	var out []*Resource
	for _, r := range all {
		if containsString(types, r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// referrers returns the resources of types whose input prop points at target.
func referrers(all []*Resource, target *Resource, prop string, types ...string) []*Resource {
	var out []*Resource
	for _, r := range ofType(all, types...) {
		if r.refersTo(prop, target) {
			out = append(out, r)
		}
	}
	return out
}
