package patching

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Patching is one region's patch baseline, daily compliance scan, non-compliance alarm and,
// optionally, in-place install window.
type Patching struct {
	pulumi.ResourceState

	BaselineId    pulumi.StringOutput `pulumi:"baselineId"`
	AssociationId pulumi.StringOutput `pulumi:"associationId"`
	// OutputBucket holds the scan and install output (scan/, install/), KMS-encrypted.
	OutputBucket pulumi.StringOutput `pulumi:"outputBucket"`
	// AlarmRuleArn is the EventBridge rule that reports non-compliant instances to the topic.
	AlarmRuleArn pulumi.StringOutput `pulumi:"alarmRuleArn"`
	// WindowId is the install window ("" without Install): the id an operator disables to pause.
	WindowId pulumi.StringOutput `pulumi:"windowId"`
}

// NewPatching builds the patching of one region. Pass that region's provider with pulumi.Provider.
func NewPatching(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Patching, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("patching %s: %w", name, err)
	}
	p := &Patching{}
	if err := ctx.RegisterComponentResource("multi-region-ha:patching:Patching", name, p, opts...); err != nil {
		return nil, fmt.Errorf("patching %s: %w", name, err)
	}
	if err := p.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("patching %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(p, pulumi.Map{
		"baselineId":    p.BaselineId,
		"associationId": p.AssociationId,
		"outputBucket":  p.OutputBucket,
		"alarmRuleArn":  p.AlarmRuleArn,
		"windowId":      p.WindowId,
	}); err != nil {
		return nil, fmt.Errorf("patching %s: %w", name, err)
	}
	return p, nil
}

func (p *Patching) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(p)
	acct := awsenv.AccountIn(args.AccountId, args.Region)
	if err := acct.Validate(); err != nil {
		return err
	}
	baseline, err := newBaseline(ctx, name, args, child)
	if err != nil {
		return err
	}
	out, err := newOutput(ctx, name, args, acct, child)
	if err != nil {
		return err
	}
	scan, err := newScan(ctx, name, args, acct, out, baseline, child)
	if err != nil {
		return err
	}
	rule, err := newAlarm(ctx, name, args, child)
	if err != nil {
		return err
	}
	p.BaselineId = baseline.baseline.ID().ToStringOutput()
	p.AssociationId = scan.AssociationId
	p.OutputBucket = out.bucket.Bucket.Bucket
	p.AlarmRuleArn = rule.Arn
	p.WindowId = pulumi.String("").ToStringOutput()
	if args.Install {
		window, err := newInstall(ctx, name, args, acct, out, child)
		if err != nil {
			return err
		}
		p.WindowId = window.ID().ToStringOutput()
	}
	return nil
}

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }
