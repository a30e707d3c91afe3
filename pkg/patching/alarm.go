package patching

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// complianceEventPattern matches Patch Manager reporting an instance non-compliant. There is no
// CloudWatch metric for patch compliance; Systems Manager emits this event (source aws.ssm,
// detail-type "Configuration Compliance State Change") on every change of an instance's state.
func complianceEventPattern() string {
	b, _ := json.Marshal(map[string]any{
		"source":      []string{"aws.ssm"},
		"detail-type": []string{"Configuration Compliance State Change"},
		"detail": map[string]any{
			"compliance-type":   []string{"Patch"},
			"compliance-status": []string{"non_compliant"},
		},
	})
	return string(b)
}

// alarmText is the message on the topic: which instance, and what to do (images are the patch
// vehicle; an in-place install is for urgent fixes only).
func alarmText(stack string) string {
	text := fmt.Sprintf("Patch compliance: instance <instance> in <region> is missing approved security or bugfix patches (stack %s). "+
		"Bump the images: go run . pin --stack %s --images, then roll them region by region (the region that does not write first, "+
		"see docs/compute.md, Patching). For an urgent fix, compute.patchInstall installs in place in the next window.", stack, stack)
	// No HTML escaping: EventBridge must see <instance> and <region>, not \u003cinstance\u003e.
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(text)
	return strings.TrimSpace(b.String())
}

// newAlarm sends every non-compliance event of this region to the stack's topic of this region
// (the topic's policy admits EventBridge rules of this account and region; its key admits
// events.amazonaws.com).
func newAlarm(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*cloudwatch.EventRule, error) {
	rule, err := cloudwatch.NewEventRule(ctx, name+"-noncompliant", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("An application instance is non-compliant with its patch baseline: bump the images"),
		EventPattern: pulumi.String(complianceEventPattern()),
		Tags:         nameTag(name + "-noncompliant"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if _, err := cloudwatch.NewEventTarget(ctx, name+"-noncompliant-topic", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  args.TopicArn,
		InputTransformer: &cloudwatch.EventTargetInputTransformerArgs{
			InputPaths: pulumi.StringMap{
				"instance": pulumi.String("$.detail.resource-id"),
				"region":   pulumi.String("$.region"),
			},
			InputTemplate: pulumi.String(alarmText(args.Stack)),
		},
	}, opts...); err != nil {
		return nil, err
	}
	return rule, nil
}
