package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

// powerUser is a principal of the account outside the stack holding PowerUserAccess (kms:* in
// IAM): before keys named their users, the account root's kms:* let it decrypt everything.
var powerUser = "arn:aws:iam::" + offline.AccountID + ":role/PowerUser"

func keyPolicyOf(t *testing.T, key *offline.Resource) deployaccess.Document {
	t.Helper()
	doc, err := deployaccess.ParsePolicy(key.Str("policy"))
	require.NoError(t, err, key.Name)
	return doc
}

// Every key of the program: the account administers it (the deploy role may put the next key
// policy, so KMS's lockout check passes and IAM can always manage the key) and no statement grants
// kms:*; a PowerUser of the account outside the stack can neither use it nor grant itself a use.
func TestKeysNameWhoMayUseThem(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", everyRoleConfig(t, "prod"), run)
	deployRole := m.Named("aws:iam/role:Role", "deploy-access-role").Outputs["arn"].StringValue()
	keys := m.OfType("aws:kms/key:Key")
	require.GreaterOrEqual(t, len(keys), 14)
	power := deployaccess.PowerUserAccess()
	for _, key := range keys {
		doc := keyPolicyOf(t, key)
		for _, st := range doc.Statement {
			assert.NotContains(t, st.Action, "kms:*", "%s %s", key.Name, st.Sid)
		}
		for _, a := range []string{"kms:PutKeyPolicy", "kms:DescribeKey", "kms:ScheduleKeyDeletion"} {
			assert.Equal(t, deployaccess.Allowed, deployaccess.DecideAs(deployRole, deployaccess.Request{Action: a, Resource: "*"}, doc, power), "%s: deploy role %s", key.Name, a)
		}
		for _, a := range []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"} {
			for _, via := range []string{"", "secretsmanager.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com", "secretsmanager.us-west-2.amazonaws.com"} {
				req := deployaccess.Request{Action: a, Resource: "*", Context: map[string]string{"kms:CallerAccount": offline.AccountID, "kms:GrantIsForAWSResource": "true"}}
				if via != "" {
					req.Context["kms:ViaService"] = via
				}
				assert.NotEqual(t, deployaccess.Allowed, deployaccess.DecideAs(powerUser, req, doc, power), "%s: a PowerUser outside the stack may %s via %q", key.Name, a, via)
			}
		}
	}
}

// The database key: the instances read the credentials secret through Secrets Manager and the
// deploy role creates the clusters and the secret through RDS and Secrets Manager; a PowerUser of
// the account cannot read the secret.
func TestDatabaseKeyServesTheStackOnly(t *testing.T) {
	m := offlinetest.MustRun(t, "prod", everyRoleConfig(t, "prod"), run)
	var key *offline.Resource
	for _, k := range m.OfType("aws:kms/key:Key") {
		if k.Region == "us-east-1" && strings.HasPrefix(k.Str("description"), "Aurora global database") {
			key = k
		}
	}
	require.NotNil(t, key)
	doc := keyPolicyOf(t, key)
	viaSecrets := map[string]string{"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount": offline.AccountID}
	viaRds := map[string]string{"kms:ViaService": "rds.us-east-1.amazonaws.com", "kms:CallerAccount": offline.AccountID, "kms:GrantIsForAWSResource": "true"}

	// The role that reads the secret (the instances', granted by the database's client-read policy).
	var reader string
	var readerPolicies []deployaccess.Document
	for _, p := range m.OfType("aws:iam/rolePolicy:RolePolicy") {
		if strings.HasSuffix(p.Name, "us-east-1-client-read") {
			for _, r := range m.OfType("aws:iam/role:Role") {
				if identifies(r, p.Str("role")) {
					reader = r.Outputs["arn"].StringValue()
					for _, rp := range policiesOf(m, r) {
						if rp.Type == "aws:iam/rolePolicy:RolePolicy" {
							readerPolicies = append(readerPolicies, keyPolicyOf(t, rp))
						}
					}
				}
			}
		}
	}
	require.NotEmpty(t, reader, "the secret's reader role")
	assert.True(t, strings.Contains(reader, ":role/multi-region-ha/prod/"), reader)
	assert.Equal(t, deployaccess.Allowed, deployaccess.DecideAs(reader, deployaccess.Request{Action: "kms:Decrypt", Resource: key.Outputs["arn"].StringValue(), Context: viaSecrets}, doc, readerPolicies...))
	assert.NotEqual(t, deployaccess.Allowed, deployaccess.DecideAs(reader, deployaccess.Request{Action: "kms:Decrypt", Resource: key.Outputs["arn"].StringValue()}, doc, readerPolicies...), "not directly, only through Secrets Manager")

	deployRole := m.Named("aws:iam/role:Role", "deploy-access-role").Outputs["arn"].StringValue()
	power := deployaccess.PowerUserAccess()
	for _, req := range []deployaccess.Request{
		{Action: "kms:CreateGrant", Resource: "*", Context: viaRds},
		{Action: "kms:GenerateDataKeyWithoutPlaintext", Resource: "*", Context: viaRds},
		{Action: "kms:GenerateDataKey", Resource: "*", Context: viaSecrets},
		{Action: "kms:Decrypt", Resource: "*", Context: viaSecrets},
	} {
		assert.Equal(t, deployaccess.Allowed, deployaccess.DecideAs(deployRole, req, doc, power), "deploy role: %s %v", req.Action, req.Context)
		assert.NotEqual(t, deployaccess.Allowed, deployaccess.DecideAs(powerUser, req, doc, power), "PowerUser: %s %v", req.Action, req.Context)
		other := "arn:aws:iam::" + offline.AccountID + ":role/multi-region-ha/prod-eu/multi-region-ha-prod-eu-deploy"
		assert.NotEqual(t, deployaccess.Allowed, deployaccess.DecideAs(other, req, doc, power), "prod-eu's deploy role: %s %v", req.Action, req.Context)
	}
}

// The committed stacks name an operator role (deployments.operatorRoleArns): every key lets it
// create and read the stack's encrypted resources from a workstation, and only through the same
// services as the stack's roles where a key demands them.
func TestOperatorsUseEveryKey(t *testing.T) {
	cfg := stackConfig(t, "prod")
	m := offlinetest.MustRun(t, "prod", cfg, run)
	operator := "arn:aws:iam::" + offline.AccountID + ":role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
	admin := deployaccess.PowerUserAccess()
	keys := m.OfType("aws:kms/key:Key")
	require.NotEmpty(t, keys)
	for _, key := range keys {
		doc := keyPolicyOf(t, key)
		ctx := map[string]string{"kms:CallerAccount": offline.AccountID, "kms:GrantIsForAWSResource": "true",
			"kms:ViaService": "rds." + key.Region + ".amazonaws.com"}
		for _, a := range []string{"kms:GenerateDataKey", "kms:Decrypt", "kms:CreateGrant"} {
			assert.Equal(t, deployaccess.Allowed, deployaccess.DecideAs(operator, deployaccess.Request{Action: a, Resource: "*", Context: ctx}, doc, admin), "%s: operator %s", key.Name, a)
		}
	}
	cfg["multi-region-ha:deployments"] = `{"operatorRoleArns":["arn:aws:iam::123456789012:role/admins/*","arn:aws:iam::210987654321:role/x"]}`
	_, err := offlinetest.Run(t, "prod", cfg, run)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `multi-region-ha:deployments.operatorRoleArns: lists "arn:aws:iam::123456789012:role/admins/*"; allowed: exact IAM role ARNs`)
	assert.Contains(t, err.Error(), `of account 210987654321; allowed: roles of accountId 123456789012`)
}
