package database

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIdentifiers(t *testing.T) {
	cases := []struct {
		limit int
		parts []string
		want  string
	}{
		{63, []string{"multi-region-ha", "prod", "database"}, "multi-region-ha-prod-database"},
		{63, []string{"My_Project", "dev.eu", "db"}, "my-project-dev-eu-db"},
		{63, []string{"proj", "stack--x", "db-"}, "proj-stack-x-db"},
		{63, []string{"1proj", "s", "db"}, "db-1proj-s-db"},
		{20, []string{"multi-region-ha", "production", "database"}, "multi-region-ha-prod"},
		{16, []string{"multi-region-ha", "prod"}, "multi-region-ha"},
	}
	for _, tc := range cases {
		got := identifier(tc.limit, tc.parts...)
		assert.Equal(t, tc.want, got, "%v", tc.parts)
		assert.LessOrEqual(t, len(got), tc.limit)
		assert.NotContains(t, got, "--")
		assert.Regexp(t, `^[a-z][a-z0-9-]*[a-z0-9]$`, got)
	}
	assert.Equal(t, "multi-region-ha-prod-database-us-east-1-final", finalSnapshotIdentifier("multi-region-ha", "prod", "database", "us-east-1"))
}

func TestSecretArnIn(t *testing.T) {
	arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:database-credentials-AbCdEf"
	assert.Equal(t, "arn:aws:secretsmanager:us-west-2:123456789012:secret:database-credentials-AbCdEf", secretArnIn(arn, "us-west-2"))
	assert.Equal(t, arn, secretArnIn(arn, "us-east-1"))
	assert.Equal(t, "not-an-arn", secretArnIn("not-an-arn", "us-west-2"))
}

func TestSecretJSON(t *testing.T) {
	assert.JSONEq(t, `{"engine":"mysql","host":"h.example","port":3306,"username":"u","password":"p-_.~","dbname":"app"}`,
		secretJSON("aurora-mysql", "h.example", "u", "p-_.~", "app"))
}
