package observability

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

var testAccount = kmskey.Account{ID: "111122223333", Partition: "aws", Region: "eu-west-1"}

func TestTopicPolicyConditions(t *testing.T) {
	doc := topicPolicy(testAccount, "arn:aws:sns:eu-west-1:111122223333:t")
	bySid := map[string]map[string]map[string]any{}
	for _, s := range doc.Statement {
		bySid[s.Sid] = s.Condition
	}
	cases := []struct {
		sid, op, key string
		want         any
	}{
		{"CloudWatchAlarmsPublish", "StringEquals", "aws:SourceAccount", "111122223333"},
		{"CloudWatchAlarmsPublish", "ArnLike", "aws:SourceArn", "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:*"},
		{"BackupPublishes", "StringEquals", "aws:SourceAccount", "111122223333"},
		{"BudgetsPublish", "StringEquals", "aws:SourceAccount", "111122223333"},
		{"BudgetsPublish", "ArnLike", "aws:SourceArn", "arn:aws:budgets::111122223333:*"},
		{"EventBridgePublishes", "StringEquals", "aws:SourceAccount", "111122223333"},
		{"EventBridgePublishes", "ArnLike", "aws:SourceArn", "arn:aws:events:eu-west-1:111122223333:rule/*"},
		{"DenyInsecureTransport", "Bool", "aws:SecureTransport", "false"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, bySid[tc.sid][tc.op][tc.key], "%s %s %s", tc.sid, tc.op, tc.key)
	}
	assert.Nil(t, bySid["AccountOwnsTopic"], "the account needs no condition")
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			assert.NotContains(t, a, "*", "no wildcard actions on the topic")
		}
	}
}

func TestKeyGrantsAreLimitedToPublishing(t *testing.T) {
	principals := map[string]bool{}
	for _, g := range keyGrants(testAccount) {
		principals[g.Principal] = true
		assert.Equal(t, []string{"kms:GenerateDataKey*", "kms:Decrypt"}, g.Actions, g.Principal)
		// Confused deputy: each service may use the key only for this account's alarms, budgets,
		// rules and vaults, as in the topic policy.
		assert.Equal(t, "111122223333", g.Condition["StringEquals"]["aws:SourceAccount"], g.Principal)
	}
	topic := map[string]map[string]map[string]any{}
	for _, s := range topicPolicy(testAccount, "arn:aws:sns:eu-west-1:111122223333:t").Statement {
		if s.Principal["Service"] != nil {
			topic[s.Principal["Service"].([]string)[0]] = s.Condition
		}
	}
	for _, g := range keyGrants(testAccount) {
		assert.Equal(t, topic[g.Principal], g.Condition, "%s: the key and the topic condition alike", g.Principal)
	}
	assert.Equal(t, map[string]bool{"cloudwatch.amazonaws.com": true, "backup.amazonaws.com": true, "budgets.amazonaws.com": true, "events.amazonaws.com": true}, principals)
}

func TestConfigPolicies(t *testing.T) {
	bucket := configBucketPolicy(testAccount, "arn:aws:s3:::cfg")
	assert.Equal(t, []string{"arn:aws:s3:::cfg/AWSLogs/111122223333/Config/*"}, bucket.Statement[1].Resource)
	assert.Equal(t, "bucket-owner-full-control", bucket.Statement[1].Condition["StringEquals"]["s3:x-amz-acl"])
	assert.Equal(t, "111122223333", bucket.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	assert.Equal(t, "Deny", bucket.Statement[2].Effect)

	role := configDeliveryPolicy(testAccount, "arn:aws:s3:::cfg", "arn:aws:kms:eu-west-1:111122223333:key/k")
	assert.Equal(t, []string{"arn:aws:kms:eu-west-1:111122223333:key/k"}, role.Statement[2].Resource)
	assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole", managedPolicyArn(testAccount, "service-role/AWS_ConfigRole"))
}

func TestCompositeRule(t *testing.T) {
	assert.Equal(t, `ALARM("arn:a") OR ALARM("arn:b")`, compositeRule([]string{"arn:a", "arn:b"}))
	assert.Equal(t, `ALARM("arn:a")`, compositeRule([]string{"arn:a"}))
}

func TestBudgetTagFilter(t *testing.T) {
	assert.Equal(t, "user:Stack$prod", budgetTagFilter("Stack", "prod"))
	assert.Equal(t, "user:Project$multi-region-ha", budgetTagFilter("Project", "multi-region-ha"))
}

func TestConfigRulesAndGlobalRecording(t *testing.T) {
	ids := func(region string) []string {
		var out []string
		for _, r := range configRules(region, 30) {
			out = append(out, r.identifier)
		}
		return out
	}
	assert.Contains(t, ids("us-east-1"), "CLOUDFRONT_ORIGIN_FAILOVER_ENABLED")
	assert.NotContains(t, ids("us-west-2"), "CLOUDFRONT_ORIGIN_FAILOVER_ENABLED", "CloudFront rules exist only in us-east-1")
	assert.Len(t, ids("eu-west-1"), 7)

	cases := []struct {
		primary, secondary, region string
		want                       bool
	}{
		{"us-west-2", "us-east-1", "us-east-1", true},
		{"us-west-2", "us-east-1", "us-west-2", false},
		{"eu-west-1", "eu-central-1", "eu-west-1", true},
		{"eu-west-1", "eu-central-1", "eu-central-1", false},
	}
	for _, tc := range cases {
		a := &Args{Primary: RegionTargets{Region: tc.primary}, Secondary: RegionTargets{Region: tc.secondary}}
		assert.Equal(t, tc.want, recordsGlobalTypes(tc.region, a), "%+v", tc)
	}
}
