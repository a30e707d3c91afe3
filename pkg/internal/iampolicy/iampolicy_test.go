package iampolicy

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssumeRoleLimitsToAccount(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(AssumeRole("vpc-flow-logs.amazonaws.com", "123456789012").JSON()), &doc))
	st := doc["Statement"].([]any)[0].(map[string]any)
	assert.Equal(t, "2012-10-17", doc["Version"])
	assert.Equal(t, []any{"sts:AssumeRole"}, st["Action"])
	assert.Equal(t, map[string]any{"Service": []any{"vpc-flow-logs.amazonaws.com"}}, st["Principal"])
	assert.Equal(t, map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"}}, st["Condition"])
}

func TestDenyInsecureTransportCoversBucketAndObjects(t *testing.T) {
	st := DenyInsecureTransport("arn:aws:s3:::logs")
	assert.Equal(t, "Deny", st.Effect)
	assert.Equal(t, []string{"arn:aws:s3:::logs", "arn:aws:s3:::logs/*"}, st.Resource)
	assert.Equal(t, "false", st.Condition["Bool"]["aws:SecureTransport"])
}

func TestOmitsEmptyFields(t *testing.T) {
	got := New(Statement{Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}}).JSON()
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}`, got)
}

func TestAssumeRoleFromAddsTheSourceArn(t *testing.T) {
	cases := []struct {
		name, account, source string
		want                  map[string]any
	}{
		{"account and source", "123456789012", "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*", map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
			"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"},
		}},
		{"source only", "", "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*", map[string]any{
			"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"},
		}},
		{"account only", "123456789012", "", map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(AssumeRoleFrom("vpc-flow-logs.amazonaws.com", tc.account, tc.source).JSON()), &doc))
			st := doc["Statement"].([]any)[0].(map[string]any)
			assert.Equal(t, tc.want, st["Condition"])
			assert.Equal(t, []any{"sts:AssumeRole"}, st["Action"])
		})
	}
}
