package database

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientReadPolicyIsOneSecretAndOneKeyThroughSecretsManager(t *testing.T) {
	doc := clientReadPolicy("arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf",
		"arn:aws:kms:us-west-2:123456789012:key/k", "us-west-2")
	var parsed struct {
		Statement []struct {
			Action    []string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(doc.JSON()), &parsed))
	require.Len(t, parsed.Statement, 2)
	assert.Equal(t, []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}, parsed.Statement[0].Action)
	assert.Equal(t, []string{"arn:aws:secretsmanager:us-west-2:123456789012:secret:db-AbCdEf"}, parsed.Statement[0].Resource)
	assert.Equal(t, []string{"kms:Decrypt"}, parsed.Statement[1].Action)
	assert.Equal(t, []string{"arn:aws:kms:us-west-2:123456789012:key/k"}, parsed.Statement[1].Resource)
	assert.Equal(t, "secretsmanager.us-west-2.amazonaws.com", parsed.Statement[1].Condition["StringEquals"]["kms:ViaService"])
}
