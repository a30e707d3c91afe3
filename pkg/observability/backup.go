package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// BackupTagKey and BackupTagValue select any other resource for backup: tag it Backup=true.
const (
	BackupTagKey   = "Backup"
	BackupTagValue = "true"
)

// vaultEvents are the vault events worth a notification. Failed backup and copy jobs arrive through
// EventBridge instead (backupFailurePattern): the vault's BACKUP_JOB_COMPLETED would also mail every
// daily success, and BACKUP_JOB_FAILED is no longer sent.
var vaultEvents = []string{"RESTORE_JOB_COMPLETED"}

// backupFailurePattern matches backup and copy jobs of this region that did not complete.
const backupFailurePattern = `{"source":["aws.backup"],"detail-type":["Backup Job State Change","Copy Job State Change"],` +
	`"detail":{"state":["FAILED","ABORTED","EXPIRED","PARTIAL"]}}`

// backupManagedPolicies are the only policies the AWS Backup role holds.
var backupManagedPolicies = []string{
	"service-role/AWSBackupServiceRolePolicyForBackup",
	"service-role/AWSBackupServiceRolePolicyForRestores",
}

// newBackups builds a vault per application region (encrypted with that region's key) and, because
// backup plans act only on resources of their own region, a plan per region whose one rule copies
// every recovery point to the other region's vault. Each region's selection covers the resources
// tagged Backup=true there plus that region's own Aurora cluster, in both regions alike: which
// cluster writes changes at runtime, the backup resources must not.
func (o *Observability) newBackups(ctx *pulumi.Context, name string, regions map[string]*regional, args *Args) error {
	primary := regions[args.Primary.Region]
	role, err := iam.NewRole(ctx, name+"-backup-role", &iam.RoleArgs{
		Description: pulumi.String("AWS Backup service role of " + name + ": backup and restore only"),
		// No aws:SourceAccount condition: AWS Backup documents none for its service role (its
		// confused-deputy guidance covers KMS and SNS resource policies), and a condition the service
		// does not send would fail every backup job. A role cannot be passed to another account anyway.
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole(backupPrincipal, "").JSON()),
		Tags:             nameTag(name + "-backup-role"),
	}, o.opts(primary.site)...)
	if err != nil {
		return err
	}
	var attachments []pulumi.Resource
	for _, policy := range backupManagedPolicies {
		a, err := iam.NewRolePolicyAttachment(ctx, name+"-backup-role-"+policyShortName(policy), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(managedPolicyArn(primary.acct, policy)),
		}, o.opts(primary.site)...)
		if err != nil {
			return err
		}
		attachments = append(attachments, a)
	}

	apps := []*RegionTargets{&args.Primary, &args.Secondary}
	vaults := map[string]*backup.Vault{}
	arns := pulumi.StringMap{}
	for _, t := range apps {
		r := regions[t.Region]
		prefix := fmt.Sprintf("%s-%s", name, t.Region)
		vault, err := backup.NewVault(ctx, prefix+"-vault", &backup.VaultArgs{
			KmsKeyArn: r.keyArn,
			// AWS refuses to delete a vault that holds recovery points: outside prod, pulumi
			// destroy deletes them first, so staging tears down after its first nightly backup.
			// Prod's vaults are protected and never force-destroyed.
			ForceDestroy: pulumi.Bool(!args.Protect),
			Tags:         nameTag(prefix + "-vault"),
		}, o.opts(r.site, pulumi.Protect(args.Protect))...)
		if err != nil {
			return err
		}
		if _, err := backup.NewVaultNotifications(ctx, prefix+"-vault-notifications", &backup.VaultNotificationsArgs{
			BackupVaultName:   vault.Name,
			SnsTopicArn:       r.topicArn,
			BackupVaultEvents: pulumi.ToStringArray(vaultEvents),
		}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{r.topicPolicy}))...); err != nil {
			return err
		}
		failures, err := cloudwatch.NewEventRule(ctx, prefix+"-backup-failures", &cloudwatch.EventRuleArgs{
			Description:  pulumi.String("Backup and copy jobs in " + t.Region + " that did not complete"),
			EventPattern: pulumi.String(backupFailurePattern),
			Tags:         nameTag(prefix + "-backup-failures"),
		}, o.opts(r.site)...)
		if err != nil {
			return err
		}
		// EventBridge publishes through the topic's resource policy: a target created before it
		// drops the first failure events (FailedInvocations).
		if _, err := cloudwatch.NewEventTarget(ctx, prefix+"-backup-failures-topic", &cloudwatch.EventTargetArgs{
			Rule: failures.Name,
			Arn:  r.topicArn,
		}, o.opts(r.site, pulumi.DependsOn([]pulumi.Resource{r.topicPolicy}))...); err != nil {
			return err
		}
		vaults[t.Region] = vault
		arns[t.Region] = vault.Arn
	}
	o.BackupVaultArns = arns.ToStringMapOutput()

	for _, t := range apps {
		r := regions[t.Region]
		prefix := fmt.Sprintf("%s-%s", name, t.Region)
		plan, err := backup.NewPlan(ctx, prefix+"-backup-plan", &backup.PlanArgs{
			Rules: backup.PlanRuleArray{backup.PlanRuleArgs{
				RuleName:         pulumi.String(fmt.Sprintf("scheduled-copy-to-%s", r.peer)),
				TargetVaultName:  vaults[t.Region].Name,
				Schedule:         pulumi.String(args.BackupSchedule),
				StartWindow:      pulumi.Int(60),
				CompletionWindow: pulumi.Int(360),
				Lifecycle:        backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(args.BackupRetentionDays)},
				CopyActions: backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{
					DestinationVaultArn: vaults[r.peer].Arn,
					Lifecycle:           backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(args.BackupRetentionDays)},
				}},
			}},
			Tags: nameTag(prefix + "-backup-plan"),
		}, o.opts(r.site)...)
		if err != nil {
			return err
		}
		sel := &backup.SelectionArgs{
			Name:       pulumi.String(backupSelectionName(name, t.Region)),
			PlanId:     plan.ID(),
			IamRoleArn: role.Arn,
			SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
				Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(BackupTagKey), Value: pulumi.String(BackupTagValue),
			}},
			Resources: pulumi.StringArray{t.ClusterArn},
		}
		// The role must hold its policies before AWS Backup validates the selection.
		if _, err := backup.NewSelection(ctx, prefix+"-backup-selection", sel, o.opts(r.site, pulumi.DependsOn(attachments))...); err != nil {
			return err
		}
	}
	return nil
}

// maxBackupSelectionName is AWS Backup's limit on a selection name (1-50 of A-Z a-z 0-9 - _ .).
const maxBackupSelectionName = 50

// backupSelectionName names a region's selection explicitly: the auto-name of
// "<name>-<region>-backup-selection" plus Pulumi's 8-character suffix passes 50 characters for
// regions such as eu-central-1 or ap-southeast-2, and AWS rejects it. A selection name only has to
// be unique within its plan.
func backupSelectionName(name, region string) string {
	n := name + "-" + region
	if len(n) > maxBackupSelectionName {
		n = n[len(n)-maxBackupSelectionName:]
	}
	return n
}

// policyShortName turns "service-role/AWSBackupServiceRolePolicyForBackup" into "backup".
func policyShortName(path string) string {
	switch path {
	case "service-role/AWSBackupServiceRolePolicyForBackup":
		return "backup"
	case "service-role/AWSBackupServiceRolePolicyForRestores":
		return "restores"
	case "service-role/AWS_ConfigRole":
		return "config"
	}
	return path
}
