package patching

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// ssmPrincipal assumes both the maintenance window's role and the automation's role.
const ssmPrincipal = "ssm.amazonaws.com"

// Output prefixes in the output bucket: the daily scans and the window's installs.
const (
	scanPrefix    = "scan/"
	installPrefix = "install/"
)

// patchDocument is the AWS-owned command document that scans and installs.
const patchDocument = "AWS-RunPatchBaseline"

// patchManagerBuckets are the AWS-owned buckets AWS-RunPatchBaseline downloads its code and the
// baseline snapshot from. They are public, but an instance reaching S3 through a VPC endpoint (the
// network's S3 gateway endpoint) needs them granted in its instance profile (AWS Systems Manager
// User Guide, "SSM Agent communications with AWS managed S3 buckets"); me-south-1 names them
// differently.
func patchManagerBuckets(partition, region string) []string {
	snapshot, code := "patch-baseline-snapshot-"+region, "aws-ssm-"+region
	if region == "me-south-1" {
		snapshot, code = "patch-baseline-snapshot-me-south-1-uduvl7q8", "aws-patch-manager-me-south-1-a53fc9dce"
	}
	return []string{
		fmt.Sprintf("arn:%s:s3:::%s/*", partition, snapshot),
		fmt.Sprintf("arn:%s:s3:::%s/*", partition, code),
	}
}

// instancePolicy is what the patch document needs beyond AmazonSSMManagedInstanceCore (which the
// compute component attaches): read Patch Manager's buckets, and write its output, scan and
// install, to this region's output bucket under its two prefixes, encrypted with the bucket's key
// (through S3 only). Nothing else: no listing, no reading back, no other bucket.
func instancePolicy(acct kmskey.Account, bucketArn, keyArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "ReadPatchManagerBuckets", Effect: "Allow",
			Action:   []string{"s3:GetObject"},
			Resource: patchManagerBuckets(acct.Partition, acct.Region),
		},
		iampolicy.Statement{
			Sid: "WritePatchOutput", Effect: "Allow",
			Action:   []string{"s3:PutObject"},
			Resource: []string{bucketArn + "/" + scanPrefix + "*", bucketArn + "/" + installPrefix + "*"},
		},
		iampolicy.Statement{
			Sid: "EncryptPatchOutput", Effect: "Allow",
			Action:   []string{"kms:GenerateDataKey", "kms:Decrypt"},
			Resource: []string{keyArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", acct.Region)},
			},
		},
	)
}

// serviceTrust lets Systems Manager of this account, and no other, assume a role (confused-deputy
// protection: aws:SourceAccount, which AWS documents for Systems Manager service roles).
func serviceTrust(acct kmskey.Account) iampolicy.Document {
	return iampolicy.AssumeRole(ssmPrincipal, acct.ID)
}

// groupArn matches exactly one Auto Scaling group by name (the group id in the ARN is AWS's).
func groupArn(acct kmskey.Account, group string) string {
	return acct.Arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/"+group)
}

// automationPolicy is the install runbook's role: move instances of this one group in and out of
// standby, send AWS-RunPatchBaseline to instances of that group only, and read what it waits on.
// No IAM action at all: the runbook creates nothing (AWS-PatchAsgInstance creates roles at run
// time, which the deploy role's boundary forbids).
func automationPolicy(acct kmskey.Account, group string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "StandbyOfThisGroupOnly", Effect: "Allow",
			Action:   []string{"autoscaling:EnterStandby", "autoscaling:ExitStandby"},
			Resource: []string{groupArn(acct, group)},
		},
		iampolicy.Statement{
			Sid: "RunPatchDocument", Effect: "Allow",
			Action:   []string{"ssm:SendCommand"},
			Resource: []string{fmt.Sprintf("arn:%s:ssm:%s::document/%s", acct.Partition, acct.Region, patchDocument)},
		},
		iampolicy.Statement{
			Sid: "OnInstancesOfThisGroupOnly", Effect: "Allow",
			Action:   []string{"ssm:SendCommand"},
			Resource: []string{acct.Arn("ec2", "instance/*")},
			Condition: map[string]map[string]any{
				"StringEquals": {"ssm:resourceTag/" + AutoScalingGroupTag: group},
			},
		},
		iampolicy.Statement{
			// These describe and list calls support no resource-level permissions.
			Sid: "WatchProgress", Effect: "Allow",
			Action: []string{
				"autoscaling:DescribeAutoScalingInstances",
				"elasticloadbalancing:DescribeTargetHealth",
				"ssm:ListCommands", "ssm:ListCommandInvocations", "ssm:GetCommandInvocation",
				"ssm:DescribeInstanceInformation",
			},
			Resource: []string{"*"},
		},
	)
}

// windowPolicy is the maintenance window's role: start this one runbook, follow its executions,
// and hand it the automation role (to Systems Manager only).
func windowPolicy(acct kmskey.Account, document, automationRoleArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "StartTheInstallRunbook", Effect: "Allow",
			Action:   []string{"ssm:StartAutomationExecution"},
			Resource: []string{acct.Arn("ssm", "automation-definition/"+document+":*")},
		},
		iampolicy.Statement{
			Sid: "FollowItsExecutions", Effect: "Allow",
			Action:   []string{"ssm:GetAutomationExecution"},
			Resource: []string{acct.Arn("ssm", "automation-execution/*")},
		},
		iampolicy.Statement{
			Sid: "PassTheAutomationRole", Effect: "Allow",
			Action:   []string{"iam:PassRole"},
			Resource: []string{automationRoleArn},
			Condition: map[string]map[string]any{
				"StringEquals": {"iam:PassedToService": ssmPrincipal},
			},
		},
	)
}
