package kmskey

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

var (
	acct  = Account{ID: "123456789012", Partition: "aws", Region: "eu-west-1"}
	users = Users{Path: "/multi-region-ha/prod/"}
)

func TestPolicyGrantsAccountAdministrationStackUseAndNamedServicesOnly(t *testing.T) {
	doc := Policy(Args{Account: acct, Users: users, Services: []ServiceGrant{{
		Sid:       "Logs",
		Principal: "logs.eu-west-1.amazonaws.com",
		Condition: map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": acct.Arn("logs", "log-group:*")}},
	}}})
	var parsed map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc.JSON()), &parsed))
	statements := parsed["Statement"].([]any)
	require.Len(t, statements, 4)

	admin := statements[0].(map[string]any)
	assert.Equal(t, map[string]any{"AWS": []any{"arn:aws:iam::123456789012:root"}}, admin["Principal"])
	assert.NotContains(t, admin["Action"], "kms:*")
	assert.NotContains(t, admin["Action"], "kms:Decrypt")
	assert.NotContains(t, admin["Action"], "kms:CreateGrant", "a grant is a use")
	assert.Contains(t, admin["Action"], "kms:PutKeyPolicy", "the key can never become unmanageable")

	logs := statements[3].(map[string]any)
	assert.Equal(t, "Logs", logs["Sid"])
	assert.Equal(t, map[string]any{"Service": []any{"logs.eu-west-1.amazonaws.com"}}, logs["Principal"])
	assert.NotContains(t, logs["Action"], "kms:*", "services get data-key actions, never key administration")
	assert.Contains(t, logs["Action"], "kms:GenerateDataKey*")
}

func decide(doc iampolicy.Document, principal, action string, ctx map[string]string) string {
	// Every principal here holds kms:* in IAM (PowerUserAccess): only the key policy decides.
	kmsAll := iampolicy.New(iampolicy.Statement{Effect: "Allow", Action: []string{"kms:*"}, Resource: []string{"*"}})
	return iampolicy.Decide(iampolicy.Request{Principal: iampolicy.Role(principal), Action: action, Resource: "*", Context: ctx}, doc, kmsAll)
}

func TestStackRolesUseTheKeyOthersOnlyAdministerIt(t *testing.T) {
	operator := "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
	policy, err := WithOperators(Policy(Args{Account: acct, Users: users}).JSON(), []string{operator})
	require.NoError(t, err)
	doc, err := iampolicy.Parse(policy)
	require.NoError(t, err)
	stackRole := "arn:aws:iam::123456789012:role/multi-region-ha/prod/multi-region-ha-prod-instance-role-1"
	for _, p := range []string{stackRole, operator} {
		assert.Equal(t, iampolicy.Allowed, decide(doc, p, "kms:Decrypt", nil), p)
		assert.Equal(t, iampolicy.Allowed, decide(doc, p, "kms:CreateGrant", map[string]string{"kms:GrantIsForAWSResource": "true"}), p)
		assert.NotEqual(t, iampolicy.Allowed, decide(doc, p, "kms:CreateGrant", nil), "%s: grants only for AWS resources", p)
	}
	for _, p := range []string{
		"arn:aws:iam::123456789012:role/PowerUser",
		"arn:aws:iam::123456789012:role/multi-region-ha/prod-eu/multi-region-ha-prod-eu-deploy",
		"arn:aws:iam::123456789012:role/multi-region-ha-prod-instance-role-1", // the name prefix without the path
		"arn:aws:iam::210987654321:role/multi-region-ha/prod/x",               // the path in another account
	} {
		for _, a := range []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"} {
			assert.NotEqual(t, iampolicy.Allowed, decide(doc, p, a, map[string]string{"kms:GrantIsForAWSResource": "true"}), "%s %s", p, a)
		}
	}
	assert.Equal(t, iampolicy.Allowed, decide(doc, "arn:aws:iam::123456789012:role/PowerUser", "kms:PutKeyPolicy", nil), "the account administers the key through IAM")
}

func TestViaLimitsStackUseToTheServices(t *testing.T) {
	doc := Policy(Args{Account: acct, Users: users, Via: []string{"secretsmanager.eu-west-1.amazonaws.com"}})
	role := "arn:aws:iam::123456789012:role/multi-region-ha/prod/reader"
	assert.NotEqual(t, iampolicy.Allowed, decide(doc, role, "kms:Decrypt", nil))
	assert.Equal(t, iampolicy.Allowed, decide(doc, role, "kms:Decrypt", map[string]string{"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "kms:CallerAccount": acct.ID}))
}

func TestWithOperatorsLeavesOtherPoliciesAlone(t *testing.T) {
	plain := iampolicy.New(iampolicy.Statement{Sid: "X", Effect: "Allow", Principal: iampolicy.Service("sns.amazonaws.com"), Action: []string{"kms:Decrypt"}, Resource: []string{"*"}}).JSON()
	got, err := WithOperators(plain, []string{"arn:aws:iam::123456789012:role/op"})
	require.NoError(t, err)
	assert.JSONEq(t, plain, got)
}
