package stacks

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/observability/accessspec"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDatabaseDefaultsPerEnvironment(t *testing.T) {
	cases := []struct {
		stack              string
		primary, secondary int
		backup, interval   int
		deletionProtection bool
	}{
		// Prod: the standby's second instance is the new writer's replica after a promotion; staging:
		// the home writer's replacement fails over to a replica within the primary path's 60 s hold.
		{"prod", 2, 2, 30, 15, true},
		{"staging", 2, 1, 7, 60, false},
	}
	for _, tc := range cases {
		t.Run(tc.stack, func(t *testing.T) {
			c, err := parseT(tc.stack, withEdge(nil), nil)
			require.NoError(t, err)
			d := c.Database
			assert.Equal(t, "aurora-postgresql", d.Engine)
			assert.Equal(t, "16.8", d.EngineVersion, "resolved from the engine: the LTS minor")
			assert.Equal(t, "db.r6g.large", d.InstanceClass)
			assert.Equal(t, tc.primary, d.PrimaryInstances)
			assert.Equal(t, tc.secondary, d.SecondaryInstances)
			assert.Equal(t, "app", d.DatabaseName)
			assert.Equal(t, "dbadmin", d.MasterUsername)
			assert.Equal(t, tc.backup, d.BackupRetentionDays)
			assert.Equal(t, tc.deletionProtection, d.DeletionProtection)
			assert.Equal(t, 7, d.PerformanceInsightsRetentionDays)
			assert.Equal(t, tc.interval, d.MonitoringIntervalSeconds)
			assert.Equal(t, 0, d.RpoSeconds, "no RPO bound in a two-region stack")
			// Someone always hears (issue 22 case 5): prod's detectors page; promotion stays a person's call.
			wantMode := map[string]string{"prod": "notify", "staging": "off"}[tc.stack]
			assert.Equal(t, wantMode, d.AutoFailover, "prod pages (notify); automatic promotion is opt-in")
			assert.Equal(t, 3, d.AutoFailoverAfterMinutes)
			assert.False(t, d.WriteForwarding, "write forwarding is opt-in")
			assert.Equal(t, 5432, d.Port())
			assert.Equal(t, tc.primary, c.DatabaseInstances("us-east-1"))
			assert.Equal(t, tc.secondary, c.DatabaseInstances("us-west-2"))
		})
	}
}

func TestDatabaseMySQLGetsItsOwnDefaultsAndPort(t *testing.T) {
	c, err := parseT("staging", withEdge(map[string]string{"database": `{"engine":"aurora-mysql"}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, "8.0.mysql_aurora.3.10.3", c.Database.EngineVersion, "the LTS minor")
	assert.Equal(t, 3306, c.Database.Port())
}

func TestDatabaseSettings(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"database": `{"engineVersion":"17.4","instanceClass":"db.r7g.xlarge",
		"primaryInstances":3,"secondaryInstances":2,"databaseName":"orders","masterUsername":"owner","backupRetentionDays":35,
		"deletionProtection":false,"performanceInsightsRetentionDays":731,"monitoringIntervalSeconds":0,"rpoSeconds":0,"autoFailover":"auto","autoFailoverAfterMinutes":5,"writeForwarding":true}`}), nil)
	require.NoError(t, err)
	d := c.Database
	assert.Equal(t, Database{
		Engine: "aurora-postgresql", EngineVersion: "17.4", InstanceClass: "db.r7g.xlarge",
		PrimaryInstances: 3, SecondaryInstances: 2, DatabaseName: "orders", MasterUsername: "owner",
		BackupRetentionDays: 35, DeletionProtection: false, PerformanceInsightsRetentionDays: 731,
		MonitoringIntervalSeconds: 0, RpoSeconds: 0, AutoFailover: "auto",
		AutoFailoverAfterMinutes: 5, WriteForwarding: true,
	}, d)
}

// The writer is runtime state: a stack file that still names it is refused with an error that
// names the key and says where the writer is found now.
func TestDatabaseWriterRegionIsRefused(t *testing.T) {
	for _, region := range []string{"us-east-1", "us-west-2"} {
		_, err := parseT("prod", withEdge(map[string]string{"database": `{"writerRegion":"` + region + `"}`}), nil)
		require.Error(t, err)
		var cfgErr *Error
		require.ErrorAs(t, err, &cfgErr)
		require.Len(t, cfgErr.Problems, 1)
		assert.Equal(t, "multi-region-ha:database.writerRegion", cfgErr.Problems[0].Key)
		assert.Contains(t, cfgErr.Problems[0].Message, "the writer is found at runtime")
		assert.NotContains(t, cfgErr.Problems[0].Message, "unknown key")
	}
}

// Instance counts go by home and standby region, never by which region writes.
func TestDatabaseInstancesGoByHomeRegion(t *testing.T) {
	c, err := parseT("prod", withEdge(map[string]string{"primaryRegion": "eu-west-1", "secondaryRegion": "eu-central-1",
		"network":  `{"primary":{"cidr":"10.0.0.0/16"},"secondary":{"cidr":"10.1.0.0/16"}}`,
		"database": `{"secondaryInstances":1}`}), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, c.DatabaseInstances("eu-west-1"), "the home region gets primaryInstances")
	assert.Equal(t, 1, c.DatabaseInstances("eu-central-1"))
}

func TestDatabaseBadConfig(t *testing.T) {
	cases := []struct {
		name, database, want string
	}{
		{"engine", `{"engine":"postgres"}`, `multi-region-ha:database.engine: is "postgres"; allowed: aurora-postgresql, aurora-mysql`},
		{"burstable class", `{"instanceClass":"db.t4g.medium"}`, `multi-region-ha:database.instanceClass: is "db.t4g.medium": burstable db.t* classes are not supported by Aurora global databases; allowed:`},
		{"serverless", `{"instanceClass":"db.serverless"}`, `multi-region-ha:database.instanceClass: is "db.serverless"; allowed:`},
		{"general purpose", `{"instanceClass":"db.m6g.large"}`, `multi-region-ha:database.instanceClass: is "db.m6g.large"; allowed: a memory-optimized class`},
		{"postgres version format", `{"engineVersion":"16"}`, `multi-region-ha:database.engineVersion: is "16"; allowed: an Aurora PostgreSQL version major.minor such as 16.8`},
		{"postgres version too old", `{"engineVersion":"12.22"}`, `multi-region-ha:database.engineVersion: is "12.22"; allowed: Aurora PostgreSQL 13 or newer`},
		{"postgres minor without global", `{"engineVersion":"15.1"}`, `multi-region-ha:database.engineVersion: is "15.1"; allowed: 15.2 or newer`},
		{"mysql version on postgres", `{"engineVersion":"8.0.mysql_aurora.3.08.0"}`, `multi-region-ha:database.engineVersion: is "8.0.mysql_aurora.3.08.0"; allowed: an Aurora PostgreSQL version`},
		{"postgres version on mysql", `{"engine":"aurora-mysql","engineVersion":"16.6"}`, `multi-region-ha:database.engineVersion: is "16.6"; allowed: an Aurora MySQL version 3 such as 8.0.mysql_aurora.3.10.3`},
		{"mysql 2", `{"engine":"aurora-mysql","engineVersion":"5.7.mysql_aurora.2.12.1"}`, `version 2 is past standard support`},
		{"primary instances", `{"primaryInstances":0}`, `multi-region-ha:database.primaryInstances: is 0; allowed: 1 to 16`},
		{"secondary instances", `{"secondaryInstances":17}`, `multi-region-ha:database.secondaryInstances: is 17; allowed: 1 to 16`},
		{"headless secondary", `{"secondaryInstances":0}`, `multi-region-ha:database.secondaryInstances: is 0; allowed: 1 to 16`},
		{"database name", `{"databaseName":"my-app"}`, `multi-region-ha:database.databaseName: is "my-app"; allowed: 1 to 63 characters`},
		{"reserved database", `{"databaseName":"postgres"}`, `multi-region-ha:database.databaseName: is "postgres", which PostgreSQL or RDS reserves`},
		{"master username", `{"masterUsername":"rdsadmin"}`, `multi-region-ha:database.masterUsername: is "rdsadmin", which RDS or the engine reserves`},
		{"long username", `{"masterUsername":"` + strings.Repeat("a", 17) + `"}`, `multi-region-ha:database.masterUsername: is "aaaaaaaaaaaaaaaaa"; allowed: 1 to 16 characters`},
		{"backup retention low", `{"backupRetentionDays":0}`, `multi-region-ha:database.backupRetentionDays: is 0; allowed: 1 to 35 days`},
		{"backup retention high", `{"backupRetentionDays":36}`, `multi-region-ha:database.backupRetentionDays: is 36; allowed: 1 to 35 days`},
		{"pi retention", `{"performanceInsightsRetentionDays":30}`, `multi-region-ha:database.performanceInsightsRetentionDays: is 30; allowed: 7, a multiple of 31 from 31 to 713 (months), or 731 days`},
		{"monitoring interval", `{"monitoringIntervalSeconds":45}`, `multi-region-ha:database.monitoringIntervalSeconds: is 45; allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds`},
		{"rpo too low", `{"rpoSeconds":10}`, `multi-region-ha:database.rpoSeconds: is 10; allowed: 0 (off) or 20 to 2147483647 seconds`},
		{"rpo on mysql", `{"engine":"aurora-mysql","rpoSeconds":60}`, `multi-region-ha:database.rpoSeconds: is 60; allowed: 0 (off) for aurora-mysql: rds.global_db_rpo exists only for aurora-postgresql`},
		{"mysql without topology tables", `{"engine":"aurora-mysql","engineVersion":"8.0.mysql_aurora.3.03.1"}`, `multi-region-ha:database.engineVersion: is "8.0.mysql_aurora.3.03.1"; allowed with the default application: 8.0.mysql_aurora.3.04.0 or newer`},
		{"writer region", `{"writerRegion":"eu-west-1"}`, `multi-region-ha:database.writerRegion: was removed: the writer is found at runtime`},
		{"rpo in two regions", `{"rpoSeconds":60}`, `multi-region-ha:database.rpoSeconds: is 60; allowed: 0 in a two-region stack`},
		{"auto failover boolean", `{"autoFailover":true}`, `multi-region-ha:database.autoFailover: is the boolean true, not one of its words; allowed: off, notify, auto`},
		{"auto failover false", `{"autoFailover":false}`, `multi-region-ha:database.autoFailover: is the boolean false, not one of its words; allowed: off, notify, auto`},
		{"auto failover word", `{"autoFailover":"yes"}`, `multi-region-ha:database.autoFailover: is "yes"; allowed: off, notify, auto`},
		{"auto failover minutes low", `{"autoFailoverAfterMinutes":0}`, `multi-region-ha:database.autoFailoverAfterMinutes: is 0; allowed: 1 to 30 minutes`},
		{"auto failover minutes high", `{"autoFailoverAfterMinutes":31}`, `multi-region-ha:database.autoFailoverAfterMinutes: is 31; allowed: 1 to 30 minutes`},
		{"write forwarding on old postgres", `{"engineVersion":"15.3","writeForwarding":true}`, `multi-region-ha:database.writeForwarding: is true, but Aurora PostgreSQL 15.3 has no global write forwarding; allowed: 14.9 or newer 14, 15.4 or newer 15, or 16 and newer`},
		{"write forwarding on postgres 14.8", `{"engineVersion":"14.8","writeForwarding":true}`, `multi-region-ha:database.writeForwarding`},
		{"unknown key", `{"engineVerison":"16.6"}`, `multi-region-ha:database.engineVerison: unknown key; did you mean engineVersion?`},
		{"not an object", `aurora`, `multi-region-ha:database: must be an object`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT("prod", withEdge(map[string]string{"database": tc.database}), nil)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			assert.Contains(t, err.Error(), tc.want)
			for _, p := range cfgErr.Problems {
				assert.True(t, strings.HasPrefix(p.Key, "multi-region-ha:database"), "only database problems: %s", p)
			}
		})
	}
}

func TestDatabaseReportsEveryProblemAtOnce(t *testing.T) {
	_, err := parseT("prod", withEdge(map[string]string{"database": `{"instanceClass":"db.t3.medium","backupRetentionDays":0,"rpoSeconds":5,"writerRegion":"x"}`}), nil)
	var cfgErr *Error
	require.ErrorAs(t, err, &cfgErr)
	var keys []string
	for _, p := range cfgErr.Problems {
		keys = append(keys, strings.TrimPrefix(p.Key, "multi-region-ha:database."))
	}
	assert.ElementsMatch(t, []string{"instanceClass", "backupRetentionDays", "rpoSeconds", "writerRegion"}, keys)
}

// The words the decoder names for a boolean where a setting has fixed words are the words its
// validation allows, not a copy that can drift.
func TestChoicesTagsAreTheValidatedWords(t *testing.T) {
	for _, tc := range []struct {
		typ   reflect.Type
		field string
		words []string
	}{
		{reflect.TypeOf(Database{}), "AutoFailover", detector.Modes()},
		{reflect.TypeOf(Observability{}), "AccessAnalyzer", accessspec.Modes},
	} {
		f, ok := tc.typ.FieldByName(tc.field)
		require.True(t, ok, tc.field)
		assert.Equal(t, strings.Join(tc.words, ","), f.Tag.Get("choices"), tc.field)
	}
}
