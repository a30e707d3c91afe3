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
	doc := ebsKeyPolicy(kmskey.Account{ID: "111122223333", Partition: "aws-us-gov", Region: "us-gov-west-1"}, kmskey.Users{Path: "/multi-region-ha/prod/"})
	require.Len(t, doc.Statement, 5)
	slr := "arn:aws-us-gov:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
	assert.Equal(t, map[string]any{"AWS": []string{"arn:aws-us-gov:iam::111122223333:root"}}, doc.Statement[0].Principal)
	for _, st := range doc.Statement[3:] {
		// KMS rejects a key policy whose principal is a role that does not exist yet, and the
		// service-linked role only exists once the account had an Auto Scaling group.
		assert.NotContains(t, st.Principal["AWS"], slr, "%s: the service-linked role may not exist yet", st.Sid)
		assert.Equal(t, "*", st.Principal["AWS"], st.Sid)
		assert.Equal(t, slr, st.Condition["ArnEquals"]["aws:PrincipalArn"], "%s admits only the service-linked role", st.Sid)
		assert.Equal(t, "111122223333", st.Condition["StringEquals"]["kms:CallerAccount"], "%s admits only this account", st.Sid)
		assert.Equal(t, "Allow", st.Effect)
	}
	assert.Equal(t, []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}, doc.Statement[3].Action)
	assert.Equal(t, []string{"kms:CreateGrant"}, doc.Statement[4].Action)
	assert.Equal(t, true, doc.Statement[4].Condition["Bool"]["kms:GrantIsForAWSResource"])
	assert.Nil(t, doc.Statement[3].Condition["Bool"], "using the key needs no grant condition")
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

// userDataArgs are the user data inputs of a region's compute.
func userDataArgs(script, role string) *Args {
	return &Args{UserData: script, AppPort: 8080, HealthCheckPath: "/health", Role: role,
		Database: DatabaseDiscovery{GlobalClusterIdentifier: "multi-region-ha-prod-database", SecretNamePrefix: "database-credentials-"},
		Tags:     map[string]string{"Stack": "prod"}}
}

func decodeUserData(t *testing.T, args *Args) string {
	t.Helper()
	encoded, err := renderUserData(args)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	return string(raw)
}

func TestRenderUserData(t *testing.T) {
	script := decodeUserData(t, userDataArgs("", RolePrimary))
	assert.True(t, strings.HasPrefix(script, "#!/bin/bash\n"))
	for _, want := range []string{
		"APP_PORT=8080", "HEALTH_CHECK_PATH=/health", "PRIMARY_PATH=/health/global-primary",
		"PRIMARY_REFRESH_SECONDS=5", "PRIMARY_HOLD_SECONDS=60",
		"GLOBAL_CLUSTER_ID=multi-region-ha-prod-database", "DB_SECRET_PREFIX=database-credentials-", "STACK=prod",
		"WRITE_FORWARDING=false",
	} {
		assert.Contains(t, script, want)
	}
	assert.Contains(t, script, "placement/region", "the default service reports its region")
	assert.Contains(t, script, "X-aws-ec2-metadata-token", "IMDSv2")
	assert.Contains(t, script, "systemctl enable --now webapp.service")
	for _, p := range []string{PlaceholderAppPort, PlaceholderHealthCheckPath, PlaceholderPrimaryPath, PlaceholderPrimaryRefresh,
		PlaceholderPrimaryHold, PlaceholderGlobalCluster, PlaceholderSecretPrefix, PlaceholderStack, PlaceholderWriteForwarding} {
		assert.Contains(t, DefaultUserData, p)
		assert.NotContains(t, script, p)
	}
	assert.NotContains(t, DefaultUserData, PlaceholderRole, "the role changes at failover; baking it in would roll the fleet")
	assert.Equal(t, script, decodeUserData(t, userDataArgs("", RoleSecondary)), "both roles boot the same instances")
	assert.Equal(t, "role=secondary", decodeUserData(t, userDataArgs("role="+PlaceholderRole, RoleSecondary)), "custom scripts may still use the role")

	_, err := renderUserData(userDataArgs(strings.Repeat("#", MaxUserDataBytes+1), RolePrimary))
	assert.ErrorContains(t, err, "EC2 allows 16384")
	_, err = renderUserData(userDataArgs(strings.Repeat("#", MaxUserDataBytes), RolePrimary))
	assert.NoError(t, err)
}

// The default application implements the contract for both engines: the global-primary path reads
// the topology (which region hosts the primary cluster), never momentary writability, from both
// views, answers from a background cache with a hold, and writes go to the global writer endpoint.
func TestDefaultApplicationContract(t *testing.T) {
	script := decodeUserData(t, userDataArgs("", RolePrimary))
	for _, want := range []string{
		// Aurora PostgreSQL: the primary cluster's row has durability lag -1; the global writer's session is MASTER_SESSION_ID.
		"FROM aurora_global_db_status() WHERE durability_lag_in_msec = -1",
		"FROM aurora_global_db_instance_status() WHERE session_id = 'MASTER_SESSION_ID'",
		// Aurora MySQL: the information_schema tables (3.04+).
		"FROM information_schema.aurora_global_db_status WHERE DURABILITY_LAG_IN_MILLISECONDS = -1",
		"FROM information_schema.aurora_global_db_instance_status WHERE SESSION_ID = 'MASTER_SESSION_ID'",
		// Cached in the background, answered from memory, last answer held for HOLD seconds.
		"threading.Thread(target=refresh_forever", "time.time() - state[\"at\"] <= HOLD", "200 if ok else 503",
		// Topology from this region's own cluster (writes: TestDefaultApplicationForwardsWritesWhileSecondary runs them).
		`cluster["ReaderEndpoint"]`,
		"sslmode=require", "--ssl",
	} {
		assert.Contains(t, script, want)
	}
	for _, never := range []string{"pg_is_in_recovery", "innodb_read_only", "@@read_only", "transaction_read_only"} {
		assert.NotContains(t, script, never, "momentary writability must not steer traffic")
	}
	assert.NotContains(t, script, "PGPASSWORD=$", "no secret on a command line or in user data")
	assert.Less(t, len(script), MaxUserDataBytes)
}

func TestDiscoveryPolicy(t *testing.T) {
	doc := discoveryPolicy(kmskey.Account{ID: "123456789012", Partition: "aws", Region: "eu-west-1"},
		DatabaseDiscovery{GlobalClusterIdentifier: "multi-region-ha-prod-database", SecretNamePrefix: "database-credentials-"})
	require.Len(t, doc.Statement, 3)
	assert.Equal(t, []string{"rds:DescribeGlobalClusters"}, doc.Statement[0].Action)
	assert.Equal(t, []string{"arn:aws:rds::123456789012:global-cluster:multi-region-ha-prod-database"}, doc.Statement[0].Resource)
	assert.Equal(t, []string{"rds:DescribeDBClusters"}, doc.Statement[1].Action)
	assert.Equal(t, []string{"arn:aws:rds:eu-west-1:123456789012:cluster:*"}, doc.Statement[1].Resource)
	assert.Equal(t, []string{"secretsmanager:ListSecrets"}, doc.Statement[2].Action, "metadata only; the value is the database's grant")
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		for _, a := range st.Action {
			assert.NotContains(t, a, "*")
		}
	}
}
