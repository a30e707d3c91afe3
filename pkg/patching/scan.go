package patching

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/privatebucket"
)

// ScanSchedule runs the scan every day at 02:00 UTC. A State Manager association also runs at
// creation and on every instance that joins its targets, so an instance launched during a failover
// is scanned at launch, not only the next night. Association cron expressions take six fields and
// a ? in day-of-month or day-of-week.
const ScanSchedule = "cron(0 2 ? * * *)"

type output struct {
	bucket *privatebucket.Bucket
	key    *kms.Key
	policy *iam.RolePolicy
}

// newOutput creates the bucket the patch document writes to (an association's output location is
// S3 only), encrypted with a key of its own, expiring after the retention, and the instance role's
// one inline policy for it.
func newOutput(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, opts ...pulumi.ResourceOption) (*output, error) {
	key, err := kmskey.New(ctx, name+"-output-key", kmskey.Args{
		Description: "Patch scan and install output of " + name,
		Account:     acct,
	}, append(opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	bucket, err := privatebucket.New(ctx, name+"-output", privatebucket.Args{
		KmsKeyArn:        key.Arn,
		ExpireDays:       args.OutputRetentionDays,
		ExpirationRuleId: "expire-patch-output",
		ForceDestroy:     !args.Protect,
		Tags:             nameTag(name + "-output"),
	}, append(opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-instance-patching", &iam.RolePolicyArgs{
		Role: args.InstanceRoleName,
		Policy: pulumi.All(bucket.Bucket.Arn, key.Arn).ApplyT(func(v []any) string {
			return instancePolicy(acct, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &output{bucket: bucket, key: key, policy: policy}, nil
}

// associationTargets selects the instances of exactly this region's Auto Scaling group.
func associationTargets(group pulumi.StringInput) ssm.AssociationTargetArray {
	return ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
		Key:    pulumi.String("tag:" + AutoScalingGroupTag),
		Values: pulumi.StringArray{group},
	}}
}

// newScan is the daily AWS-RunPatchBaseline Scan on the group's instances. It waits for the patch
// group registration (or an instance would be scanned against the account's default) and for the
// instance policy and bucket (or the first run could not write its output).
func newScan(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, out *output, b *baseline, opts ...pulumi.ResourceOption) (*ssm.Association, error) {
	deps := append([]pulumi.Resource{b.group, out.policy}, out.bucket.Ready...)
	return ssm.NewAssociation(ctx, name+"-scan", &ssm.AssociationArgs{
		Name:               pulumi.String(patchDocument),
		Parameters:         pulumi.StringMap{"Operation": pulumi.String("Scan")},
		ScheduleExpression: pulumi.String(ScanSchedule),
		Targets:            associationTargets(args.AutoScalingGroupName),
		OutputLocation: &ssm.AssociationOutputLocationArgs{
			S3BucketName: out.bucket.Bucket.Bucket,
			S3KeyPrefix:  pulumi.String(scanPrefix),
			S3Region:     pulumi.String(acct.Region),
		},
		ComplianceSeverity: pulumi.String(complianceLevel),
		SyncCompliance:     pulumi.String("AUTO"),
		// A scan changes nothing: every instance at once, and one failing stops no other.
		MaxConcurrency: pulumi.String("100%"),
		MaxErrors:      pulumi.String("100%"),
		Tags:           nameTag(name + "-scan"),
	}, append(opts, pulumi.DependsOn(deps))...)
}
