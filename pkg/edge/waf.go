package edge

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/encryptedlogs"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// ManagedRuleGroups are the AWS managed rule groups of the WebACL, in priority order (after the
// rate limit). KnownBadInputs carries the Log4j (Log4JRCE) rules.
var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesAnonymousIpList",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesSQLiRuleSet",
}

// WafLogGroupPrefix is the prefix AWS WAF requires of a CloudWatch Logs logging destination.
const WafLogGroupPrefix = "aws-waf-logs-"

// wafRules returns the rules: block an IP above limit requests per 5 minutes first, then the managed
// groups with their own actions. metric prefixes every CloudWatch metric name.
func wafRules(metric string, limit int) wafv2.WebAclRuleArray {
	rules := wafv2.WebAclRuleArray{&wafv2.WebAclRuleArgs{
		Name:     pulumi.String("RateLimitPerIp"),
		Priority: pulumi.Int(0),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: &wafv2.WebAclRuleStatementArgs{RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
			Limit:               pulumi.Int(limit),
			AggregateKeyType:    pulumi.String("IP"),
			EvaluationWindowSec: pulumi.Int(300),
		}},
		VisibilityConfig: ruleVisibility(metric + "-RateLimitPerIp"),
	}}
	for i, group := range ManagedRuleGroups {
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(i + 1),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				VendorName: pulumi.String("AWS"),
				Name:       pulumi.String(group),
			}},
			VisibilityConfig: ruleVisibility(metric + "-" + group),
		})
	}
	return rules
}

// wafDescriptionPattern is what WAFv2 accepts as a description (1..256 characters): no parentheses,
// quotes or other punctuation; AWS answers anything else with a WAFInvalidParameterException.
var wafDescriptionPattern = regexp.MustCompile(`^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]$`)

// wafDescription describes the WebACL in the characters WAFv2 allows.
func wafDescription(viewer string) string { return "Protects " + viewer + " through CloudFront" }

var wafMetricUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// wafMetricPrefix prefixes the WebACL's and its rules' CloudWatch metric names: component and stack,
// so two stacks in one account (staging and prod) never share the WebACL dimension their alarms and
// dashboards read. WAF metric names allow only A-Z, a-z, 0-9, '-' and '_' (a stack name may hold '.').
func wafMetricPrefix(name, stack string) string {
	return wafMetricUnsafe.ReplaceAllString(name+"-"+stack, "-")
}

func ruleVisibility(metric string) *wafv2.WebAclRuleVisibilityConfigArgs {
	return &wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true),
		MetricName:               pulumi.String(metric),
		SampledRequestsEnabled:   pulumi.Bool(true),
	}
}

// newWaf builds the CLOUDFRONT-scope WebACL (which AWS keeps in us-east-1) and its logging to a
// KMS-encrypted aws-waf-logs-* log group in the same region.
func (e *Edge) newWaf(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account) (*wafv2.WebAcl, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(e), pulumi.Provider(args.EdgeProvider)}
	metric := wafMetricPrefix(name, ctx.Stack())
	acl, err := wafv2.NewWebAcl(ctx, name+"-waf", &wafv2.WebAclArgs{
		Description:   pulumi.String(wafDescription(args.Names.Viewer())),
		Scope:         pulumi.String("CLOUDFRONT"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         wafRules(metric, args.WafRateLimit),
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(metric + "-waf"),
			SampledRequestsEnabled:   pulumi.Bool(true),
		},
		Tags: nameTag(name + "-waf"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	_, group, err := encryptedlogs.New(ctx, name+"-waf-logs", encryptedlogs.Args{
		Account: acct, Description: "WAF logs of " + name, Sid: "CloudWatchLogsEncryptsWafLogs",
		NamePrefix: WafLogGroupPrefix + name + "-", GroupPattern: WafLogGroupPrefix + "*", RetentionDays: args.LogRetentionDays,
		Tags: nameTag(name + "-waf-logs"), Protect: args.Protect,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, name+"-waf-logging", &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{group.Arn},
		// Never log the credentials viewers send.
		RedactedFields: wafv2.WebAclLoggingConfigurationRedactedFieldArray{
			&wafv2.WebAclLoggingConfigurationRedactedFieldArgs{SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String("authorization")}},
			&wafv2.WebAclLoggingConfigurationRedactedFieldArgs{SingleHeader: &wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs{Name: pulumi.String("cookie")}},
		},
	}, opts...); err != nil {
		return nil, err
	}
	return acl, nil
}
