package policy

import (
	"fmt"
	"strings"
)

// s3 rules are stack rules: since provider v6 a bucket's encryption, public access block and policy
// are companion resources that point at the bucket through their `bucket` input.

// albLogBuckets returns the buckets some load balancer ships access logs to: AWS accepts only
// SSE-S3 (AES256) there, so they are the one exception to customer-managed keys.
func albLogBuckets(all []*Resource) []*Resource {
	var out []*Resource
	for _, b := range ofType(all, bucketTypes...) {
		for _, lb := range ofType(all, loadBalancerTypes...) {
			if lb.refersTo("accessLogs.bucket", b) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

func containsResource(list []*Resource, r *Resource) bool {
	for _, e := range list {
		if e == r {
			return true
		}
	}
	return false
}

// bucketEncryption returns a problem with the default encryption of bucket, "" when it complies.
func bucketEncryption(all []*Resource, bucket *Resource, sseS3Allowed bool) string {
	var rules []*Resource
	for _, c := range referrers(all, bucket, "bucket", TypeBucketEncryption) {
		for _, rule := range c.list("rules") {
			rules = append(rules, sub(rule))
		}
	}
	// Inline configuration (deprecated on BucketV2, the only way on the legacy Bucket).
	for _, rule := range bucket.list("serverSideEncryptionConfiguration.rule") {
		rules = append(rules, sub(rule))
	}
	if v := bucket.get("serverSideEncryptionConfiguration.rule"); v.IsObject() {
		rules = append(rules, sub(v))
	}
	if len(rules) == 0 {
		return "has no server-side encryption configuration"
	}
	for _, rule := range rules {
		alg := rule.str("applyServerSideEncryptionByDefault.sseAlgorithm")
		switch {
		case strings.HasPrefix(alg, "aws:kms"):
			if !rule.set("applyServerSideEncryptionByDefault.kmsMasterKeyId") || awsManagedKey(rule.str("applyServerSideEncryptionByDefault.kmsMasterKeyId")) {
				return "uses aws:kms without a customer-managed key (kmsMasterKeyId is unset or an alias/aws/ key)"
			}
		case alg == "AES256" && sseS3Allowed:
		case alg == "AES256":
			return "uses SSE-S3 (AES256); only ALB access-log buckets may, every other bucket uses aws:kms with a customer-managed key"
		case rule.unknown("applyServerSideEncryptionByDefault.sseAlgorithm"):
		default:
			return fmt.Sprintf("has sseAlgorithm %q; use aws:kms with a customer-managed key", alg)
		}
	}
	return ""
}

var s3EncryptionRule = StackRule{
	Name:          "s3-bucket-encrypted",
	Description:   "S3 buckets have default encryption with a customer-managed KMS key (SSE-S3 only for ALB access-log buckets, which AWS requires).",
	ResourceTypes: bucketTypes,
	Check: func(all []*Resource) []Finding {
		logBuckets := albLogBuckets(all)
		var out []Finding
		for _, b := range ofType(all, bucketTypes...) {
			if msg := bucketEncryption(all, b, containsResource(logBuckets, b)); msg != "" {
				out = append(out, Finding{URN: b.URN, Message: "the bucket " + msg})
			}
		}
		return out
	},
}

var s3PublicAccessRule = StackRule{
	Name:          "s3-bucket-public-access-blocked",
	Description:   "S3 buckets have a public access block with all four settings on.",
	ResourceTypes: bucketTypes,
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, b := range ofType(all, bucketTypes...) {
			blocks := referrers(all, b, "bucket", TypeBucketPublicBlock)
			if len(blocks) == 0 {
				out = append(out, Finding{URN: b.URN, Message: "the bucket has no aws:s3/bucketPublicAccessBlock"})
				continue
			}
			for _, block := range blocks {
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if !block.boolean(k) {
						out = append(out, Finding{URN: b.URN, Message: fmt.Sprintf("the public access block %s leaves %s off", block.Name, k)})
					}
				}
			}
		}
		return out
	},
}

// deniesInsecureTransport reports whether a bucket policy denies every request without TLS.
func deniesInsecureTransport(doc map[string]any) bool {
	statements, _ := doc["Statement"].([]any)
	if s, ok := doc["Statement"].(map[string]any); ok {
		statements = []any{s}
	}
	for _, raw := range statements {
		s, _ := raw.(map[string]any)
		if s["Effect"] != "Deny" || !anyPrincipal(s["Principal"]) || !allS3Actions(s["Action"]) {
			continue
		}
		cond, _ := s["Condition"].(map[string]any)
		b, _ := cond["Bool"].(map[string]any)
		if v := fmt.Sprint(b["aws:SecureTransport"]); v == "false" || v == "[false]" {
			return true
		}
	}
	return false
}

func anyPrincipal(p any) bool {
	if p == "*" {
		return true
	}
	m, _ := p.(map[string]any)
	return m["AWS"] == "*"
}

func allS3Actions(a any) bool {
	switch v := a.(type) {
	case string:
		return v == "*" || v == "s3:*"
	case []any:
		for _, e := range v {
			if e == "*" || e == "s3:*" {
				return true
			}
		}
	}
	return false
}

var s3TLSOnlyRule = StackRule{
	Name:          "s3-bucket-tls-only",
	Description:   "S3 bucket policies deny every request that does not use TLS (aws:SecureTransport false).",
	ResourceTypes: bucketTypes,
	Check: func(all []*Resource) []Finding {
		var out []Finding
		for _, b := range ofType(all, bucketTypes...) {
			policies := referrers(all, b, "bucket", TypeBucketPolicy)
			ok := false
			for _, p := range policies {
				doc, known := p.policyJSON("policy")
				if !known && p.unknown("policy") {
					ok = true // a preview cannot read a policy built from unknown ARNs; go test sees it
				}
				if known && deniesInsecureTransport(doc) {
					ok = true
				}
			}
			if !ok {
				out = append(out, Finding{URN: b.URN, Message: "no bucket policy of the bucket denies requests with aws:SecureTransport false"})
			}
		}
		return out
	},
}
