package patching

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Baseline settings for Amazon Linux 2023.
const (
	operatingSystem = "AMAZON_LINUX_2023"
	// complianceLevel is how severe a missing approved patch is in Compliance (and in the event).
	complianceLevel = "HIGH"
)

// Approved classifications and severities (Patch Manager's values for Amazon Linux 2023).
var (
	classifications = []string{"Security", "Bugfix"}
	severities      = []string{"Critical", "Important"}
)

type baseline struct {
	baseline *ssm.PatchBaseline
	group    *ssm.PatchGroup
}

// newBaseline creates the baseline and registers it for the stack's patch group, not as the
// region's default baseline: the default is one per account and region, and a landing zone (Quick
// Setup, an organization's patch policy) usually owns it; two stacks or a landing zone setting it
// would fight on every deploy. Instances without the PatchGroup tag keep whatever default the
// account has.
func newBaseline(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*baseline, error) {
	b, err := ssm.NewPatchBaseline(ctx, name+"-baseline", &ssm.PatchBaselineArgs{
		Description:     pulumi.String("Amazon Linux 2023: security and bugfix updates of critical and important severity, approved after a delay"),
		OperatingSystem: pulumi.String(operatingSystem),
		ApprovalRules: ssm.PatchBaselineApprovalRuleArray{&ssm.PatchBaselineApprovalRuleArgs{
			ApproveAfterDays:  pulumi.Int(args.ApproveAfterDays),
			ComplianceLevel:   pulumi.String(complianceLevel),
			EnableNonSecurity: pulumi.Bool(false),
			PatchFilters: ssm.PatchBaselineApprovalRulePatchFilterArray{
				&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("CLASSIFICATION"), Values: pulumi.ToStringArray(classifications)},
				&ssm.PatchBaselineApprovalRulePatchFilterArgs{Key: pulumi.String("SEVERITY"), Values: pulumi.ToStringArray(severities)},
			},
		}},
		Tags: nameTag(name + "-baseline"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	group, err := ssm.NewPatchGroup(ctx, name+"-patch-group", &ssm.PatchGroupArgs{
		BaselineId: b.ID(),
		PatchGroup: pulumi.String(args.PatchGroup),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &baseline{baseline: b, group: group}, nil
}
