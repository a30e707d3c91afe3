package stacks

import (
	"net/mail"
	"strconv"
	"strings"

	"github.com/multi-region-ha/multi-region-ha/pkg/observability/accessspec"
)

// Observability is the `observability` config object: who hears about trouble, what the stack may
// cost, how data is backed up, and whether AWS Config watches the account's regions.
type Observability struct {
	// AlarmEmails receive every alarm, backup and budget notification (each must confirm once per topic).
	AlarmEmails []string `json:"alarmEmails"`
	// MonthlyBudgetUsd is the monthly cost budget of the stack (by its cost allocation tag), in USD.
	MonthlyBudgetUsd float64 `json:"monthlyBudgetUsd"`
	// BackupRetentionDays is how long AWS Backup keeps each recovery point, and its cross-region copy.
	BackupRetentionDays int `json:"backupRetentionDays"`
	// BackupSchedule is the AWS cron expression of the backup rule (UTC).
	BackupSchedule string `json:"backupSchedule"`
	// EnableAwsConfig turns on an AWS Config recorder, delivery channel and managed rules in both regions.
	// An account allows one recorder per region: turn it off where one exists already.
	EnableAwsConfig bool `json:"enableAwsConfig"`
	// AccessAnalyzer says who creates the IAM Access Analyzer (zone of trust: the account) of each
	// region of the stack: create (this stack creates it, with archive rules for the access the
	// program intends, and pages the region's alarm topic on each active finding), existing (another
	// stack of the account or the organisation owns it: only the EventBridge rule that pages this
	// stack's topic) or off. Outside an organisation's management or delegated administrator
	// account AWS allows one such analyzer per account and region, so exactly one stack of an
	// account creates it. Default: create in prod, existing in staging (the committed stacks share
	// an account: staging's first pulumi up would otherwise fail); set create where staging has an
	// account of its own.
	AccessAnalyzer string `json:"accessAnalyzer" choices:"create,existing,off"`
	// AwsConfigRecorder (default true; only read with EnableAwsConfig) creates the recorder and the
	// delivery channel. false keeps the rules and relies on the account's existing recorder and
	// delivery channel, where Control Tower, Security Hub or another stack owns them.
	AwsConfigRecorder bool `json:"awsConfigRecorder"`
	// ReplicationLagAlarmMs is the Aurora global replication lag (the RPO) above which the alarm fires.
	ReplicationLagAlarmMs int `json:"replicationLagAlarmMs"`
	// ActivateCostAllocationTag activates the budget's `Stack` tag key for cost allocation as code.
	// AWS ignores a tag in budgets until it is activated; only the management (payer) account may
	// activate, and only once the key has appeared in billing data (up to 24 hours after first use),
	// so it is off by default: AWS refuses the activation during a new account's first pulumi up and
	// in every member account. Turn it on in a payer account a day after the first deploy.
	ActivateCostAllocationTag bool `json:"activateCostAllocationTag"`
}

// DefaultBackupSchedule is daily at 05:00 UTC.
const DefaultBackupSchedule = "cron(0 5 * * ? *)"

func defaultObservability(prod bool) Observability {
	o := Observability{
		AlarmEmails:           []string{},
		MonthlyBudgetUsd:      StagingMonthlyBudgetUsd,
		BackupRetentionDays:   30,
		BackupSchedule:        DefaultBackupSchedule,
		EnableAwsConfig:       false,
		AwsConfigRecorder:     true,
		AccessAnalyzer:        accessspec.Existing,
		ReplicationLagAlarmMs: 1000,

		ActivateCostAllocationTag: false,
	}
	if prod {
		o.MonthlyBudgetUsd, o.EnableAwsConfig = ProdMonthlyBudgetUsd, true
		o.AccessAnalyzer = accessspec.Create
	}
	return o
}

// maxAlarmEmails is what one AWS Budgets notification accepts as email subscribers.
const maxAlarmEmails = 10

// maxBackupRetentionDays is AWS Backup's upper bound on a recovery point's lifetime (100 years).
const maxBackupRetentionDays = 36500

func validateObservability(c *Config, p *problems) {
	o := &c.Observability
	if len(o.AlarmEmails) > maxAlarmEmails {
		p.addf("observability.alarmEmails", "lists %d addresses; at most %d (an AWS Budgets notification takes 10 email subscribers): use a distribution list", len(o.AlarmEmails), maxAlarmEmails)
	}
	seen := map[string]bool{}
	for _, e := range o.AlarmEmails {
		if !validEmail(e) {
			p.addf("observability.alarmEmails", "%q is not an email address; allowed: plain addresses such as ops@example.com", e)
			continue
		}
		if seen[strings.ToLower(e)] {
			p.addf("observability.alarmEmails", "lists %q twice; each address may appear once", e)
		}
		seen[strings.ToLower(e)] = true
	}
	if !(o.MonthlyBudgetUsd > 0) {
		p.addf("observability.monthlyBudgetUsd", "is %v; must be a positive amount in USD, e.g. 800", o.MonthlyBudgetUsd)
	}
	if o.BackupRetentionDays < 1 || o.BackupRetentionDays > maxBackupRetentionDays {
		p.addf("observability.backupRetentionDays", "is %d; allowed: 1 to %d days", o.BackupRetentionDays, maxBackupRetentionDays)
	}
	if err := ValidateBackupCron(o.BackupSchedule); err != "" {
		p.addf("observability.backupSchedule", "is %q; %s", o.BackupSchedule, err)
	}
	if err := accessspec.Check(o.AccessAnalyzer); err != nil {
		p.addf("observability.accessAnalyzer", "%v (who creates the account's analyzer in each region: this stack, another stack or the organisation, nobody)", err)
	}
	if o.ReplicationLagAlarmMs < 1 {
		p.addf("observability.replicationLagAlarmMs", "is %d; must be a positive number of milliseconds, e.g. 1000", o.ReplicationLagAlarmMs)
	}
}

// validEmail accepts a bare address (no display name) with a dotted domain.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndex(s, "@")
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// ValidateBackupCron checks the shape AWS Backup accepts: cron(minutes hours day-of-month month
// day-of-week year), six fields, exactly one of day-of-month and day-of-week being "?", and a single
// minute (AWS Backup runs at most once an hour). It returns "" when valid, else what is allowed.
func ValidateBackupCron(expr string) string {
	const allowed = "allowed: an AWS cron expression such as cron(0 5 * * ? *) (minutes hours day-of-month month day-of-week year, with ? in exactly one of day-of-month and day-of-week)"
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok {
		return allowed
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok {
		return allowed
	}
	f := strings.Fields(inner)
	if len(f) != 6 {
		return "has " + strconv.Itoa(len(f)) + " fields; " + allowed
	}
	if (f[2] == "?") == (f[4] == "?") {
		return "needs ? in exactly one of day-of-month and day-of-week; " + allowed
	}
	if m, err := strconv.Atoi(f[0]); err != nil || m < 0 || m > 59 {
		return "minutes must be one value 0-59 (AWS Backup runs at most hourly); " + allowed
	}
	for i, field := range f[1:] {
		if !cronFieldChars(field) {
			return "field " + strconv.Itoa(i+2) + " (" + field + ") has characters cron does not allow; " + allowed
		}
	}
	return ""
}

func cronFieldChars(s string) bool {
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case strings.ContainsRune("*?,-/#", r):
		default:
			return false
		}
	}
	return s != ""
}
