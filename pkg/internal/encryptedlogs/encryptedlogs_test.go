package encryptedlogs

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
)

func TestGrantPinsCloudWatchLogsOfTheRegionToTheAccountsGroups(t *testing.T) {
	acct := awsenv.AccountIn("123456789012", "eu-central-1")
	g := Grant("Sid", acct, "")
	assert.Equal(t, "logs.eu-central-1.amazonaws.com", g.Principal)
	assert.Equal(t, map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-central-1:123456789012:log-group:*"}}, g.Condition)
	narrow := Grant("Sid", acct, "aws-waf-logs-*")
	assert.Equal(t, "arn:aws:logs:eu-central-1:123456789012:log-group:aws-waf-logs-*", narrow.Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
}
