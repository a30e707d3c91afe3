package kmskey

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyGrantsAccountAndNamedServicesOnly(t *testing.T) {
	acct := Account{ID: "123456789012", Partition: "aws", Region: "eu-west-1"}
	doc := Policy(Args{Account: acct, Services: []ServiceGrant{{
		Sid:       "Logs",
		Principal: "logs.eu-west-1.amazonaws.com",
		Condition: map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": acct.Arn("logs", "log-group:*")}},
	}}})
	var parsed map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc.JSON()), &parsed))
	statements := parsed["Statement"].([]any)
	require.Len(t, statements, 2)

	admin := statements[0].(map[string]any)
	assert.Equal(t, map[string]any{"AWS": []any{"arn:aws:iam::123456789012:root"}}, admin["Principal"])

	logs := statements[1].(map[string]any)
	assert.Equal(t, "Logs", logs["Sid"])
	assert.Equal(t, map[string]any{"Service": []any{"logs.eu-west-1.amazonaws.com"}}, logs["Principal"])
	assert.NotContains(t, logs["Action"], "kms:*", "services get data-key actions, never key administration")
	assert.Contains(t, logs["Action"], "kms:GenerateDataKey*")
	assert.Equal(t, "arn:aws:logs:eu-west-1:123456789012:log-group:*",
		logs["Condition"].(map[string]any)["ArnLike"].(map[string]any)["kms:EncryptionContext:aws:logs:arn"])
}
