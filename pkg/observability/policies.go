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

// publisherConditions are the source conditions of each service that publishes to the topics, the
// same in the topic policy and the key policy (AWS's SNS guide conditions both, against the confused
// deputy): only this account's alarms, budgets and EventBridge rules, and AWS Backup on behalf of
// this account (its vault notifications document aws:SourceAccount).
func publisherConditions(acct kmskey.Account) map[string]map[string]map[string]any {
	sourceAccount := map[string]any{"aws:SourceAccount": acct.ID}
	return map[string]map[string]map[string]any{
		cloudWatchPrincipal: {"StringEquals": sourceAccount, "ArnLike": {"aws:SourceArn": acct.Arn("cloudwatch", "alarm:*")}},
		backupPrincipal:     {"StringEquals": sourceAccount},
		budgetsPrincipal:    {"StringEquals": sourceAccount, "ArnLike": {"aws:SourceArn": fmt.Sprintf("arn:%s:budgets::%s:*", acct.Partition, acct.ID)}},
		eventsPrincipal:     {"StringEquals": sourceAccount, "ArnLike": {"aws:SourceArn": acct.Arn("events", "rule/*")}},
	}
}

// keyGrants lets CloudWatch alarms, AWS Backup, Budgets and EventBridge (failed backup and copy
// jobs) publish to the topic this key encrypts, each only on behalf of this account.
func keyGrants(acct kmskey.Account) []kmskey.ServiceGrant {
	c := publisherConditions(acct)
	return []kmskey.ServiceGrant{
		{Sid: "CloudWatchAlarmsPublishToTopic", Principal: cloudWatchPrincipal, Actions: publishKeyActions, Condition: c[cloudWatchPrincipal]},
		{Sid: "BackupPublishesToTopic", Principal: backupPrincipal, Actions: publishKeyActions, Condition: c[backupPrincipal]},
		{Sid: "BudgetsPublishToTopic", Principal: budgetsPrincipal, Actions: publishKeyActions, Condition: c[budgetsPrincipal]},
		{Sid: "EventBridgePublishesToTopic", Principal: eventsPrincipal, Actions: publishKeyActions, Condition: c[eventsPrincipal]},
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
	c := publisherConditions(acct)
	publish := func(sid, principal string) iampolicy.Statement {
		return iampolicy.Statement{
			Sid: sid, Effect: "Allow", Principal: iampolicy.Service(principal),
			Action: []string{"sns:Publish"}, Resource: []string{topicArn}, Condition: c[principal],
		}
	}
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "AccountOwnsTopic", Effect: "Allow", Principal: iampolicy.AWS(acct.RootArn()),
			Action: topicOwnerActions, Resource: []string{topicArn},
		},
		publish("CloudWatchAlarmsPublish", cloudWatchPrincipal),
		publish("BackupPublishes", backupPrincipal),
		publish("BudgetsPublish", budgetsPrincipal),
		publish("EventBridgePublishes", eventsPrincipal),
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
