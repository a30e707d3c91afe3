package observability

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Service principals that publish to the topics.
const (
	cloudWatchPrincipal = "cloudwatch.amazonaws.com"
	backupPrincipal     = "backup.amazonaws.com"
	budgetsPrincipal    = "budgets.amazonaws.com"
	configPrincipal     = "config.amazonaws.com"
	eventsPrincipal     = "events.amazonaws.com"
)

// publishKeyActions are what a service needs to publish to a KMS-encrypted SNS topic.
var publishKeyActions = []string{"kms:GenerateDataKey*", "kms:Decrypt"}

// keyGrants lets CloudWatch alarms, AWS Backup, Budgets and EventBridge (failed backup and copy
// jobs) publish to the topic this key encrypts.
func keyGrants() []kmskey.ServiceGrant {
	return []kmskey.ServiceGrant{
		{Sid: "CloudWatchAlarmsPublishToTopic", Principal: cloudWatchPrincipal, Actions: publishKeyActions},
		{Sid: "BackupPublishesToTopic", Principal: backupPrincipal, Actions: publishKeyActions},
		{Sid: "BudgetsPublishToTopic", Principal: budgetsPrincipal, Actions: publishKeyActions},
		{Sid: "EventBridgePublishesToTopic", Principal: eventsPrincipal, Actions: publishKeyActions},
	}
}

// topicOwnerActions are what the account itself may do on its topic.
var topicOwnerActions = []string{
	"sns:Publish", "sns:Subscribe", "sns:Receive", "sns:GetTopicAttributes", "sns:SetTopicAttributes",
	"sns:ListSubscriptionsByTopic", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic",
}

// topicPolicy admits the account and exactly four publishing services, each only on behalf of
// this account (confused-deputy protection), and refuses publishing over plain HTTP.
func topicPolicy(acct kmskey.Account, topicArn string) iampolicy.Document {
	sourceAccount := map[string]any{"aws:SourceAccount": acct.ID}
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "AccountOwnsTopic", Effect: "Allow", Principal: iampolicy.AWS(acct.RootArn()),
			Action: topicOwnerActions, Resource: []string{topicArn},
		},
		iampolicy.Statement{
			Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: iampolicy.Service(cloudWatchPrincipal),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": sourceAccount,
				"ArnLike":      {"aws:SourceArn": acct.Arn("cloudwatch", "alarm:*")},
			},
		},
		iampolicy.Statement{
			Sid: "BackupPublishes", Effect: "Allow", Principal: iampolicy.Service(backupPrincipal),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn},
			Condition: map[string]map[string]any{"StringEquals": sourceAccount},
		},
		iampolicy.Statement{
			Sid: "BudgetsPublish", Effect: "Allow", Principal: iampolicy.Service(budgetsPrincipal),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": sourceAccount,
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:budgets::%s:*", acct.Partition, acct.ID)},
			},
		},
		iampolicy.Statement{
			Sid: "EventBridgePublishes", Effect: "Allow", Principal: iampolicy.Service(eventsPrincipal),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn},
			Condition: map[string]map[string]any{
				"StringEquals": sourceAccount,
				"ArnLike":      {"aws:SourceArn": acct.Arn("events", "rule/*")},
			},
		},
		iampolicy.Statement{
			Sid: "DenyInsecureTransport", Effect: "Deny", Principal: iampolicy.AllPrincipals(),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
	)
}

// configBucketPolicy lets AWS Config (for this account only) check and write its bucket, under
// AWSLogs/<account>/Config/, and refuses plain HTTP.
func configBucketPolicy(acct kmskey.Account, bucketArn string) iampolicy.Document {
	sourceAccount := map[string]any{"aws:SourceAccount": acct.ID}
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "ConfigChecksBucket", Effect: "Allow", Principal: iampolicy.Service(configPrincipal),
			Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{bucketArn},
			Condition: map[string]map[string]any{"StringEquals": sourceAccount},
		},
		iampolicy.Statement{
			Sid: "ConfigDelivers", Effect: "Allow", Principal: iampolicy.Service(configPrincipal),
			Action:   []string{"s3:PutObject"},
			Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", bucketArn, acct.ID)},
			Condition: map[string]map[string]any{"StringEquals": {
				"aws:SourceAccount": acct.ID, "s3:x-amz-acl": "bucket-owner-full-control",
			}},
		},
		iampolicy.DenyInsecureTransport(bucketArn),
	)
}

// configDeliveryPolicy is the Config role's own permission to deliver to its bucket with its key.
func configDeliveryPolicy(acct kmskey.Account, bucketArn, keyArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "CheckBucket", Effect: "Allow", Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{bucketArn}},
		iampolicy.Statement{Sid: "Deliver", Effect: "Allow", Action: []string{"s3:PutObject"}, Resource: []string{fmt.Sprintf("%s/AWSLogs/%s/Config/*", bucketArn, acct.ID)}},
		iampolicy.Statement{Sid: "EncryptDeliveries", Effect: "Allow", Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: []string{keyArn}},
	)
}

// managedPolicyArn is an AWS managed policy in the account's partition.
func managedPolicyArn(acct kmskey.Account, path string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", acct.Partition, path)
}
