package observability

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/observability/accessspec"
)

// AccessAnalyzerFindingPattern matches IAM Access Analyzer's "Access Analyzer Finding" events
// (sent straight to EventBridge in the analyzer's region; EventBridge reference, "AWS Identity and
// Access Management Access Analyzer events") whose finding is active: a resource of the account,
// a role's trust above all, that a principal outside the account may use. Archived and resolved
// findings page no one.
var AccessAnalyzerFindingPattern = mustJSON(map[string]any{
	"source":      []string{"aws.access-analyzer"},
	"detail-type": []string{"Access Analyzer Finding"},
	"detail":      map[string]any{"status": []string{"ACTIVE"}},
})

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// AnalyzerName is the analyzer's name in a region: per stack, so two stacks of an account that
// both keep one in a region do not collide (an analyzer's name is unique per account and region).
func AnalyzerName(project, stack string) string { return project + "-" + stack + "-external-access" }

// Who creates the analyzer of a region (config observability.accessAnalyzer, accessspec).
const (
	AnalyzerCreate   = accessspec.Create
	AnalyzerExisting = accessspec.Existing
	AnalyzerOff      = accessspec.Off
)

func checkAnalyzerMode(mode string) error {
	if err := accessspec.Check(mode); err != nil {
		return fmt.Errorf("AccessAnalyzer %w", err)
	}
	return nil
}

// newAccessAnalyzer detects an open door in one region: an IAM Access Analyzer with the account as
// zone of trust (findings for resources shared outside the account: role trusts, key, bucket,
// topic, secret and snapshot policies) and an EventBridge rule that sends its active findings to
// the region's alarm topic. A deployment can change a program role's trust (IAM has no condition
// key on a trust document), so this is the control that sees it afterwards. With AnalyzerExisting
// the analyzer is another stack's (or the organisation's): findings reach EventBridge in the
// region whoever owns the analyzer, so the rule alone pages this stack's topic.
func (o *Observability) newAccessAnalyzer(ctx *pulumi.Context, name string, r *regional, args *Args) error {
	prefix := fmt.Sprintf("%s-%s", name, r.region)
	var ruleDeps []pulumi.Resource
	if args.AccessAnalyzer == AnalyzerCreate {
		analyzer, err := accessanalyzer.NewAnalyzer(ctx, prefix+"-access-analyzer", &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(AnalyzerName(ctx.Project(), ctx.Stack())),
			Type:         pulumi.String("ACCOUNT"),
			Tags:         nameTag(prefix + "-access-analyzer"),
		}, o.opts(r.site)...)
		if err != nil {
			return err
		}
		if err := o.newArchiveRules(ctx, prefix, r, analyzer, args.IntendedAccess); err != nil {
			return err
		}
		ruleDeps = append(ruleDeps, analyzer)
	}
	rule, err := cloudwatch.NewEventRule(ctx, prefix+"-access-findings", &cloudwatch.EventRuleArgs{
		Description:  pulumi.String("Active IAM Access Analyzer findings in " + r.region + ": something of the account is open to outside principals"),
		EventPattern: pulumi.String(AccessAnalyzerFindingPattern),
		Tags:         nameTag(prefix + "-access-findings"),
	}, o.opts(r.site, pulumi.DependsOn(ruleDeps))...)
	if err != nil {
		return err
	}
	// The topic policy and key already admit this account's EventBridge rules (publisherConditions,
	// keyGrants); the target waits for the policy so the first finding is not dropped.
	_, err = cloudwatch.NewEventTarget(ctx, prefix+"-access-findings-topic", &cloudwatch.EventTargetArgs{
		Rule: rule.Name,
		Arn:  r.topicArn,
	}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{r.topicPolicy}))...)
	return err
}
