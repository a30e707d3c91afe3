package compute

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

func TestAccessLogBucketPolicy(t *testing.T) {
	acct := kmskey.Account{ID: "111122223333", Partition: "aws", Region: "eu-central-2"}
	doc := accessLogBucketPolicy("arn:aws:s3:::logs", acct, "")
	require.Len(t, doc.Statement, 2)
	assert.Equal(t, map[string]any{"Service": []string{ElbLogDeliveryService}}, doc.Statement[0].Principal)
	assert.Equal(t, []string{"arn:aws:s3:::logs/AWSLogs/111122223333/*"}, doc.Statement[0].Resource)
	assert.Equal(t, "Deny", doc.Statement[1].Effect)

	doc = accessLogBucketPolicy("arn:aws:s3:::logs", acct, "arn:aws:iam::127311923021:root")
	assert.Equal(t, map[string]any{"AWS": []string{"arn:aws:iam::127311923021:root"}}, doc.Statement[0].Principal)
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			assert.True(t, st.Effect == "Deny" || !strings.Contains(a, "*"), "no wildcard actions granted: %s", a)
		}
	}
}

func TestEbsKeyPolicyAdmitsTheServiceLinkedRoleOfThePartitionWithoutNamingIt(t *testing.T) {
	doc := ebsKeyPolicy(kmskey.Account{ID: "111122223333", Partition: "aws-us-gov", Region: "us-gov-west-1"})
	require.Len(t, doc.Statement, 3)
	slr := "arn:aws-us-gov:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	assert.Equal(t, map[string]any{"AWS": []string{"arn:aws-us-gov:iam::111122223333:root"}}, doc.Statement[0].Principal)
	for _, st := range doc.Statement[1:] {
		// KMS rejects a key policy whose principal is a role that does not exist yet, and the
		// service-linked role only exists once the account had an Auto Scaling group.
		assert.NotContains(t, st.Principal["AWS"], slr, "%s: the service-linked role may not exist yet", st.Sid)
		assert.Equal(t, "*", st.Principal["AWS"], st.Sid)
		assert.Equal(t, slr, st.Condition["ArnEquals"]["aws:PrincipalArn"], "%s admits only the service-linked role", st.Sid)
		assert.Equal(t, "111122223333", st.Condition["StringEquals"]["kms:CallerAccount"], "%s admits only this account", st.Sid)
		assert.Equal(t, "Allow", st.Effect)
	}
	assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, doc.Statement[1].Action)
	assert.Equal(t, []string{"kms:CreateGrant"}, doc.Statement[2].Action)
	assert.Equal(t, true, doc.Statement[2].Condition["Bool"]["kms:GrantIsForAWSResource"])
	assert.Nil(t, doc.Statement[1].Condition["Bool"], "using the key needs no grant condition")
}

func TestInstanceManagedPolicies(t *testing.T) {
	assert.Equal(t, []string{
		"arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore",
		"arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy",
	}, instanceManagedPolicies("aws-cn"))
}

func TestCheckOriginSecret(t *testing.T) {
	cases := []struct {
		secret string
		ok     bool
	}{
		{strings.Repeat("a", 32), true},
		{strings.Repeat("Z9", 64), true},
		{"abc-DEF_123." + strings.Repeat("x", 20), true},
		{strings.Repeat("a", 31), false},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("a", 32) + "*", false},
		{strings.Repeat("a", 32) + "?", false},
		{strings.Repeat("a", 32) + " ", false},
		{strings.Repeat("a", 32) + "é", false},
	}
	for _, tc := range cases {
		err := checkOriginSecret(tc.secret)
		assert.Equal(t, tc.ok, err == nil, "%q: %v", tc.secret, err)
		if err != nil {
			assert.NotContains(t, err.Error(), tc.secret)
		}
	}
}

func TestValidHealthCheckPath(t *testing.T) {
	for path, ok := range map[string]bool{
		"/health": true, "/": true, "/api/v1/health-check.json": true, "/~status": true,
		"health": false, "": false, "/health?full=1": false, "/a b": false, `/h";reboot;"`: false, "/$(id)": false,
		"/" + strings.Repeat("a", 1023): true, "/" + strings.Repeat("a", 1024): false,
	} {
		assert.Equal(t, ok, ValidHealthCheckPath(path), path)
	}
}

func TestRenderUserData(t *testing.T) {
	encoded, err := renderUserData("", 8080, "/health", RolePrimary)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	script := string(raw)
	assert.True(t, strings.HasPrefix(script, "#!/bin/bash\n"))
	assert.Contains(t, script, `APP_PORT="8080"`)
	assert.Contains(t, script, "placement/region", "the default service reports its region")
	assert.Contains(t, script, "X-aws-ec2-metadata-token", "IMDSv2")
	assert.Contains(t, script, "systemctl enable --now webapp.service")
	for _, p := range []string{PlaceholderAppPort, PlaceholderHealthCheckPath} {
		assert.Contains(t, DefaultUserData, p)
		assert.NotContains(t, script, p)
	}
	assert.NotContains(t, DefaultUserData, PlaceholderRole, "the role changes at failover; baking it in would roll the fleet")
	secondary, err := renderUserData("", 8080, "/health", RoleSecondary)
	require.NoError(t, err)
	assert.Equal(t, encoded, secondary)
	custom, err := renderUserData("role="+PlaceholderRole, 8080, "/health", RoleSecondary)
	require.NoError(t, err)
	raw, err = base64.StdEncoding.DecodeString(custom)
	require.NoError(t, err)
	assert.Equal(t, "role=secondary", string(raw), "custom scripts may still use the role")

	_, err = renderUserData(strings.Repeat("#", MaxUserDataBytes+1), 8080, "/health", RolePrimary)
	assert.ErrorContains(t, err, "EC2 allows 16384")
	_, err = renderUserData(strings.Repeat("#", MaxUserDataBytes), 8080, "/health", RolePrimary)
	assert.NoError(t, err)
}
