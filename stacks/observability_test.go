package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObservabilityDefaultsPerEnvironment(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	staging, err := parseT("staging", withEdge(nil), nil)
	require.NoError(t, err)

	assert.Equal(t, ProdMonthlyBudgetUsd, prod.Observability.MonthlyBudgetUsd)
	assert.True(t, prod.Observability.EnableAwsConfig)
	assert.Equal(t, StagingMonthlyBudgetUsd, staging.Observability.MonthlyBudgetUsd)
	assert.False(t, staging.Observability.EnableAwsConfig)
	// The committed prod and staging stacks share an account, and an account outside an
	// organisation's management/delegated administrator holds one account analyzer per region.
	assert.Equal(t, "create", prod.Observability.AccessAnalyzer)
	assert.Equal(t, "existing", staging.Observability.AccessAnalyzer)
	for _, c := range []*Config{prod, staging} {
		assert.Equal(t, 30, c.Observability.BackupRetentionDays)
		assert.Equal(t, "cron(0 5 * * ? *)", c.Observability.BackupSchedule)
		assert.Equal(t, 1000, c.Observability.ReplicationLagAlarmMs)
		assert.Empty(t, c.Observability.AlarmEmails)
		assert.False(t, c.Observability.ActivateCostAllocationTag, "off by default: AWS refuses to activate a key not yet in billing data (a new account's first pulumi up) and in member accounts")
	}
}

func TestObservabilityOverrides(t *testing.T) {
	c, err := parseT("staging", withEdge(map[string]string{"observability": `{"alarmEmails":["ops@example.com","Oncall+ha@corp.example.org"],
		"monthlyBudgetUsd":750.5,"backupRetentionDays":7,"backupSchedule":"cron(30 */6 ? * MON-FRI *)","enableAwsConfig":true,"replicationLagAlarmMs":250,"activateCostAllocationTag":true}`}), nil)
	require.NoError(t, err)
	o := c.Observability
	assert.Equal(t, []string{"ops@example.com", "Oncall+ha@corp.example.org"}, o.AlarmEmails)
	assert.Equal(t, 750.5, o.MonthlyBudgetUsd)
	assert.Equal(t, 7, o.BackupRetentionDays)
	assert.Equal(t, "cron(30 */6 ? * MON-FRI *)", o.BackupSchedule)
	assert.True(t, o.EnableAwsConfig)
	assert.Equal(t, 250, o.ReplicationLagAlarmMs)
	assert.True(t, o.ActivateCostAllocationTag)
	for _, mode := range []string{"create", "existing", "off"} {
		c, err := parseT("staging", withEdge(map[string]string{"observability": `{"accessAnalyzer":"` + mode + `"}`}), nil)
		require.NoError(t, err, mode)
		assert.Equal(t, mode, c.Observability.AccessAnalyzer)
	}
}

func TestBadObservabilityConfig(t *testing.T) {
	cases := []struct {
		name, json, want string
	}{
		{"not an email", `{"alarmEmails":["ops-at-example.com"]}`, `observability.alarmEmails: "ops-at-example.com" is not an email address; allowed:`},
		{"display name", `{"alarmEmails":["Ops <ops@example.com>"]}`, `observability.alarmEmails: "Ops <ops@example.com>" is not an email address`},
		{"undotted domain", `{"alarmEmails":["ops@localhost"]}`, `observability.alarmEmails: "ops@localhost" is not an email address`},
		{"duplicate email", `{"alarmEmails":["ops@example.com","OPS@example.com"]}`, `observability.alarmEmails: lists "OPS@example.com" twice`},
		{"emails not a list", `{"alarmEmails":"ops@example.com"}`, `observability.alarmEmails: must be a list of strings`},
		{"too many emails", `{"alarmEmails":["a1@x.io","a2@x.io","a3@x.io","a4@x.io","a5@x.io","a6@x.io","a7@x.io","a8@x.io","a9@x.io","a10@x.io","a11@x.io"]}`, `observability.alarmEmails: lists 11 addresses; at most 10`},
		{"zero budget", `{"monthlyBudgetUsd":0}`, `observability.monthlyBudgetUsd: is 0; must be a positive amount`},
		{"negative budget", `{"monthlyBudgetUsd":-5}`, `observability.monthlyBudgetUsd: is -5; must be a positive amount`},
		{"zero retention", `{"backupRetentionDays":0}`, `observability.backupRetentionDays: is 0; allowed: 1 to 36500 days`},
		{"rate not cron", `{"backupSchedule":"rate(1 day)"}`, `observability.backupSchedule: is "rate(1 day)"; allowed: an AWS cron expression`},
		{"unix cron", `{"backupSchedule":"cron(0 5 * * *)"}`, `observability.backupSchedule: is "cron(0 5 * * *)"; has 5 fields`},
		{"no question mark", `{"backupSchedule":"cron(0 5 * * * *)"}`, `needs ? in exactly one of day-of-month and day-of-week`},
		{"two question marks", `{"backupSchedule":"cron(0 5 ? * ? *)"}`, `needs ? in exactly one of day-of-month and day-of-week`},
		{"every minute", `{"backupSchedule":"cron(* 5 * * ? *)"}`, `minutes must be one value 0-59`},
		{"bad characters", `{"backupSchedule":"cron(0 5 * * ? 20%)"}`, `field 6 (20%) has characters cron does not allow`},
		{"zero lag", `{"replicationLagAlarmMs":0}`, `observability.replicationLagAlarmMs: is 0; must be a positive number of milliseconds`},
		{"config not bool", `{"enableAwsConfig":"yes"}`, `observability.enableAwsConfig: must be a boolean`},
		{"analyzer old boolean", `{"accessAnalyzer":true}`, `observability.accessAnalyzer: is the boolean true, not one of its words; allowed: create, existing, off`},
		{"analyzer old false", `{"accessAnalyzer":false}`, `observability.accessAnalyzer: is the boolean false, not one of its words; allowed: create, existing, off`},
		{"analyzer unknown word", `{"accessAnalyzer":"shared"}`, `observability.accessAnalyzer: is "shared"; allowed: create, existing, off`},
		{"unknown key", `{"alarmEmail":["ops@example.com"]}`, `observability.alarmEmail: unknown key; did you mean alarmEmails?`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT("prod", withEdge(map[string]string{"observability": tc.json}), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "multi-region-ha:observability.", "names the full key")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestValidateBackupCron(t *testing.T) {
	for expr, ok := range map[string]bool{
		"cron(0 5 * * ? *)":       true,
		"cron(15 0/12 * * ? *)":   true,
		"cron(0 3 ? * SUN *)":     true,
		"cron(0 3 1 * ? *)":       true,
		"cron(0 3 L * ? 2027)":    true,
		"cron(0 5 * * ? *":        false,
		"cron(0/5 5 * * ? *)":     false,
		"cron(60 5 * * ? *)":      false,
		"cron(0 5 * * ? * extra)": false,
		"0 5 * * ? *":             false,
		"":                        false,
	} {
		assert.Equal(t, ok, ValidateBackupCron(expr) == "", expr)
	}
}

func TestAwsConfigRecorderDefaultsOnAndCanDeferToTheAccount(t *testing.T) {
	prod, err := parseT("prod", withEdge(nil), nil)
	require.NoError(t, err)
	assert.True(t, prod.Observability.EnableAwsConfig)
	assert.True(t, prod.Observability.AwsConfigRecorder, "as before: the stack creates its recorder")
	off, err := parseT("prod", withEdge(map[string]string{"observability": `{"awsConfigRecorder":false}`}), nil)
	require.NoError(t, err)
	assert.True(t, off.Observability.EnableAwsConfig, "the rules stay")
	assert.False(t, off.Observability.AwsConfigRecorder)
	_, err = parseT("prod", withEdge(map[string]string{"observability": `{"awsConfigRecorder":"no"}`}), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi-region-ha:observability.awsConfigRecorder: must be a boolean")
}
