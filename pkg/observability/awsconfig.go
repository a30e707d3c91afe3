package observability

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/privatebucket"
)

// configRule is one AWS managed Config rule.
type configRule struct {
	id         string // logical-name suffix (the rule's console name)
	identifier string // the managed rule's SourceIdentifier
	params     map[string]string
}

// configRules are the managed rules matching the stack's promises. The CloudFront rule exists only
// in us-east-1, where CloudFront distributions are recorded.
func configRules(region string, retentionDays int) []configRule {
	rules := []configRule{
		{"encrypted-volumes", "ENCRYPTED_VOLUMES", nil},
		{"rds-storage-encrypted", "RDS_STORAGE_ENCRYPTED", nil},
		{"vpc-flow-logs-enabled", "VPC_FLOW_LOGS_ENABLED", nil},
		{"restricted-ssh", "INCOMING_SSH_DISABLED", nil},
		{"alb-http-to-https-redirection-check", "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", nil},
		{"elb-deletion-protection-enabled", "ELB_DELETION_PROTECTION_ENABLED", nil},
		// The rule's own default demands 35 days; hold the plan to what the stack promises.
		{"backup-plan-min-frequency-and-min-retention-check", "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", map[string]string{
			"requiredFrequencyValue": "1", "requiredFrequencyUnit": "days", "requiredRetentionDays": strconv.Itoa(retentionDays),
		}},
	}
	if region == EdgeRegion {
		rules = append(rules, configRule{"cloudfront-origin-failover-enabled", "CLOUDFRONT_ORIGIN_FAILOVER_ENABLED", nil})
	}
	return rules
}

// recordsGlobalTypes reports whether region's recorder includes the global IAM resource types:
// us-east-1 when it is one of the regions, else the primary, so they are recorded exactly once.
func recordsGlobalTypes(region string, args *Args) bool {
	if args.Primary.Region == EdgeRegion || args.Secondary.Region == EdgeRegion {
		return region == EdgeRegion
	}
	return region == args.Primary.Region
}

// newAwsConfig evaluates the managed rules in one region. With AwsConfigRecorder it also records
// every supported resource of the region into an encrypted, private bucket and turns the recorder
// on; without, the rules rely on the account's own recorder and delivery channel (AWS allows one of
// each per account and region, and Control Tower, Security Hub or another stack often owns them).
func (o *Observability) newAwsConfig(ctx *pulumi.Context, name string, r *regional, args *Args) error {
	prefix := fmt.Sprintf("%s-%s-config", name, r.region)
	var ruleOpts []pulumi.ResourceOption
	if args.AwsConfigRecorder {
		status, err := o.newConfigRecorder(ctx, name, prefix, r, args)
		if err != nil {
			return err
		}
		// A rule needs a running recorder to evaluate anything.
		ruleOpts = append(ruleOpts, pulumi.DependsOn([]pulumi.Resource{status}))
	}
	for _, rule := range configRules(r.region, args.BackupRetentionDays) {
		ra := &cfg.RuleArgs{
			Description: pulumi.String("AWS managed rule " + rule.identifier),
			Source: cfg.RuleSourceArgs{
				Owner:            pulumi.String("AWS"),
				SourceIdentifier: pulumi.String(rule.identifier),
			},
			Tags: nameTag(prefix + "-" + rule.id),
		}
		if rule.params != nil {
			b, _ := json.Marshal(rule.params)
			ra.InputParameters = pulumi.String(string(b))
		}
		if _, err := cfg.NewRule(ctx, prefix+"-"+rule.id, ra, o.opts(r.site, ruleOpts...)...); err != nil {
			return err
		}
	}
	return nil
}

// newConfigRecorder creates the recorder, its role and bucket, the delivery channel, and turns the
// recorder on; it returns the recorder status the rules wait for.
func (o *Observability) newConfigRecorder(ctx *pulumi.Context, name, prefix string, r *regional, args *Args) (pulumi.Resource, error) {
	b, err := privatebucket.New(ctx, prefix+"-bucket", privatebucket.Args{
		KmsKeyArn: r.keyArn,
		Policy:    func(arn string) iampolicy.Document { return configBucketPolicy(r.acct, arn) },
		// Outside prod, pulumi destroy empties the bucket (S3 refuses to delete a non-empty one).
		ForceDestroy: !args.Protect,
		Tags:         nameTag(prefix + "-bucket"),
	}, o.opts(r.site)...)
	if err != nil {
		return nil, err
	}
	bucket, policy := b.Bucket, b.Policy

	role, err := iam.NewRole(ctx, prefix+"-role", &iam.RoleArgs{
		Description:      pulumi.String("AWS Config recorder of " + name + " in " + r.region),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole(configPrincipal, r.acct.ID).JSON()),
		Tags:             nameTag(prefix + "-role"),
	}, o.opts(r.site)...)
	if err != nil {
		return nil, err
	}
	managed, err := iam.NewRolePolicyAttachment(ctx, prefix+"-role-config", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(managedPolicyArn(r.acct, "service-role/AWS_ConfigRole")),
	}, o.opts(r.site)...)
	if err != nil {
		return nil, err
	}
	delivery, err := iam.NewRolePolicy(ctx, prefix+"-role-delivery", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(bucket.Arn, r.keyArn).ApplyT(func(v []any) string {
			return configDeliveryPolicy(r.acct, v[0].(string), v[1].(string)).JSON()
		}).(pulumi.StringOutput),
	}, o.opts(r.site)...)
	if err != nil {
		return nil, err
	}

	recorder, err := cfg.NewRecorder(ctx, prefix+"-recorder", &cfg.RecorderArgs{
		RoleArn: role.Arn,
		RecordingGroup: cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(recordsGlobalTypes(r.region, args)),
		},
	}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{managed, delivery}))...) // the role holds all its permissions before first use
	if err != nil {
		return nil, err
	}
	// AWS refuses a delivery channel before a recorder exists, and checks the bucket when it is created.
	channel, err := cfg.NewDeliveryChannel(ctx, prefix+"-delivery", &cfg.DeliveryChannelArgs{
		S3BucketName: bucket.Bucket,
		S3KmsKeyArn:  r.keyArn,
		SnapshotDeliveryProperties: cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String("TwentyFour_Hours"),
		},
	}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{recorder, policy, delivery}))...)
	if err != nil {
		return nil, err
	}
	return cfg.NewRecorderStatus(ctx, prefix+"-recorder-status", &cfg.RecorderStatusArgs{
		Name:      recorder.Name,
		IsEnabled: pulumi.Bool(true),
	}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{channel}))...)
}
