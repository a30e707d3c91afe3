package patching

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// failedInstallStatuses are the end states of an automation execution that did not patch an
// instance: a failed step (the runbook's recovery has put the instance back in service), a step
// timing out, or the execution being cancelled (the window's cutoff, an operator).
var failedInstallStatuses = []string{"Failed", "TimedOut", "Cancelled"}

// installFailureEventPattern matches an execution of the install runbook ending in one of
// failedInstallStatuses. Systems Manager emits "EC2 Automation Execution Status-change
// Notification" (source aws.ssm) with the runbook's name in detail.Definition.
func installFailureEventPattern(document string) string {
	b, _ := json.Marshal(map[string]any{
		"source":      []string{"aws.ssm"},
		"detail-type": []string{"EC2 Automation Execution Status-change Notification"},
		"detail": map[string]any{
			"Definition": []string{document},
			"Status":     failedInstallStatuses,
		},
	})
	return string(b)
}

// installFailureText is the page: which execution, its status, and what to look at.
func installFailureText(stack string) string {
	text := fmt.Sprintf("Patch install failed: automation execution <execution> in <region> ended <status> (stack %s). "+
		"The runbook put the instance back in service (check it is InService and healthy: aws ssm get-automation-execution "+
		"--automation-execution-id <execution>); the window stopped, no other instance was taken out. Fix the cause or bump "+
		"the images (docs/compute.md, Patching).", stack)
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(text)
	return strings.TrimSpace(b.String())
}

// newInstallFailureAlarm pages the region's topic whenever an execution of the install runbook
// ends without patching: whatever step failed, and also when the execution died in a way the
// runbook's own recovery cannot see (a timeout, a cancellation).
func newInstallFailureAlarm(ctx *pulumi.Context, name string, args *Args, document pulumi.StringOutput, opts ...pulumi.ResourceOption) error {
	rule, err := cloudwatch.NewEventRule(ctx, name+"-install-failed", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("An in-place patch install ended without patching its instance: page"),
		EventPattern: document.ApplyT(installFailureEventPattern).(pulumi.StringOutput),
		Tags:         nameTag(name + "-install-failed"),
	}, opts...)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewEventTarget(ctx, name+"-install-failed-topic", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  args.TopicArn,
		InputTransformer: &cloudwatch.EventTargetInputTransformerArgs{
			InputPaths: pulumi.StringMap{
				"execution": pulumi.String("$.detail.ExecutionId"),
				"status":    pulumi.String("$.detail.Status"),
				"region":    pulumi.String("$.region"),
			},
			InputTemplate: pulumi.String(installFailureText(args.Stack)),
		},
	}, opts...)
	return err
}
