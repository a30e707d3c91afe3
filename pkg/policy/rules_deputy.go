package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Resource-policy resources and where their documents live.
const TypeSnsTopicPolicy = "aws:sns/topicPolicy:TopicPolicy"

// sourceConditionKeys name the account or resource on whose behalf a service acts. A grant to a
// service principal without one lets that service act for any account that points it at the
// resource (the confused deputy). AWS documents aws:SourceAccount and aws:SourceArn (and the
// organization keys) for the services that send them.
var sourceConditionKeys = []string{"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"}

// contextConditionKeys are documented equivalents for one service: CloudWatch Logs calls KMS with
// the log group's ARN (account and region in it) as encryption context, and AWS's key-policy
// example for encrypted log groups conditions on that instead of a source key.
var contextConditionKeys = map[string]string{"kms:encryptioncontext:aws:logs:arn": "logs."}

// SourceConditionExempt are the service principals AWS documents a grant for without any source
// condition, each with the documentation that says so. Nothing else may go without one.
var SourceConditionExempt = map[string]string{
	// Elastic Load Balancing user guide, "Enable access logs for your Application Load Balancer",
	// step 2 (Regions available as of August 2022 or later): the bucket policy grants s3:PutObject on
	// <bucket>/<prefix>/AWSLogs/<account>/* to this principal with no condition; the object path
	// carries the account. The ELB account principal of the older Regions is an AWS principal.
	"logdelivery.elasticloadbalancing.amazonaws.com": "ELB access logs (newer Regions): AWS documents the bucket grant without conditions",
}

// unconditionedServiceGrants returns one message per Allow statement that grants a service
// principal without a source condition (and is not exempt).
func unconditionedServiceGrants(doc map[string]any) []string {
	var out []string
	for i, s := range statementsOf(doc) {
		if s["Effect"] != "Allow" {
			continue
		}
		services := servicePrincipals(s["Principal"])
		if len(services) == 0 {
			continue
		}
		keys := conditionKeys(s["Condition"])
		for _, svc := range services {
			if _, ok := SourceConditionExempt[svc]; ok || hasSourceCondition(svc, keys) {
				continue
			}
			where := fmt.Sprintf("statement %d", i)
			if sid, _ := s["Sid"].(string); sid != "" {
				where = fmt.Sprintf("statement %q", sid)
			}
			out = append(out, fmt.Sprintf("%s grants %s with no aws:SourceAccount or aws:SourceArn condition (confused deputy)", where, svc))
		}
	}
	return out
}

func hasSourceCondition(service string, keys map[string]bool) bool {
	for _, k := range sourceConditionKeys {
		if keys[k] {
			return true
		}
	}
	for k, prefix := range contextConditionKeys {
		if keys[k] && strings.HasPrefix(service, prefix) {
			return true
		}
	}
	return false
}

func statementsOf(doc map[string]any) []map[string]any {
	raw, _ := doc["Statement"].([]any)
	if s, ok := doc["Statement"].(map[string]any); ok {
		raw = []any{s}
	}
	var out []map[string]any
	for _, r := range raw {
		if s, ok := r.(map[string]any); ok {
			out = append(out, s)
		}
	}
	return out
}

// servicePrincipals reads Principal.Service as a string or a list.
func servicePrincipals(principal any) []string {
	p, _ := principal.(map[string]any)
	var out []string
	switch v := p["Service"].(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// conditionKeys returns the (lower-cased) keys the statement's conditions test. Operators ending in
// IfExists do not count: they pass when the key is missing, which is what the deputy sends.
func conditionKeys(cond any) map[string]bool {
	out := map[string]bool{}
	c, _ := cond.(map[string]any)
	for op, block := range c {
		if strings.HasSuffix(op, "IfExists") {
			continue
		}
		b, _ := block.(map[string]any)
		for k := range b {
			out[strings.ToLower(k)] = true
		}
	}
	return out
}

var resourcePolicyRules = []Rule{
	{
		Name: "service-principal-source-condition",
		Description: "Every Allow to an AWS service principal in a KMS key, bucket or topic policy carries aws:SourceAccount or aws:SourceArn " +
			"(CloudWatch Logs: its documented kms:EncryptionContext:aws:logs:arn), except principals AWS documents without one.",
		ResourceTypes: []string{TypeKmsKey, TypeBucketPolicy, TypeSnsTopic, TypeSnsTopicPolicy},
		Check: func(r *Resource) []string {
			doc, ok := r.policyJSON("policy")
			if !ok {
				return nil
			}
			return unconditionedServiceGrants(doc)
		},
	},
}
