package dbspec

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckVersion(t *testing.T) {
	cases := []struct {
		engine, version string
		ok              bool
		says            string
	}{
		{Postgres, "16.6", true, ""},
		{Postgres, "17.4", true, ""},
		{Postgres, "13.3", true, ""},
		{Postgres, "15.10", true, ""},
		{Postgres, "18.0", true, ""}, // newer majors: AWS answers at deploy time
		{Postgres, "16.0", false, "16.1 or newer"},
		{Postgres, "17.2", false, "17.4 or newer"},
		{Postgres, "12.22", false, "13 or newer"},
		{Postgres, "11.9", false, "13 or newer"},
		{Postgres, "16", false, "major.minor"},
		{Postgres, "16.6.1", false, "major.minor"},
		{Postgres, "16.4-limitless", false, "major.minor"},
		{Postgres, "8.0.mysql_aurora.3.08.0", false, "Aurora PostgreSQL"},
		{MySQL, "8.0.mysql_aurora.3.08.0", true, ""},
		{MySQL, "8.0.mysql_aurora.3.10.1", true, ""},
		{MySQL, "8.0.mysql_aurora.3.00.0", false, "3.01.0 or newer"},
		{MySQL, "5.7.mysql_aurora.2.11.2", false, "version 2 is past standard support"},
		{MySQL, "8.0", false, "8.0.mysql_aurora.3"},
		{MySQL, "8.0.mysql_aurora.3.8.0", false, "8.0.mysql_aurora.3"},
		{MySQL, "16.6", false, "Aurora MySQL version 3"},
		{"aurora", "5.6.10a", false, "engine"},
	}
	for _, tc := range cases {
		err := CheckVersion(tc.engine, tc.version)
		if tc.ok {
			assert.NoError(t, err, "%s %s", tc.engine, tc.version)
			continue
		}
		if assert.Error(t, err, "%s %s", tc.engine, tc.version) {
			assert.Contains(t, err.Error(), tc.says, "%s %s", tc.engine, tc.version)
			assert.Contains(t, err.Error(), "allowed", "the message says what is allowed")
		}
	}
	for _, e := range Engines() {
		assert.NoError(t, CheckVersion(e, DefaultVersion(e)), "the default of %s is valid", e)
	}
}

// The defaults are the engines' long-term-support minors (Aurora PostgreSQL 16.8, Aurora MySQL
// 3.10): a regular minor is withdrawn for new clusters about a year after release, which would
// make the first `pulumi up` of a new stack fail with a default nobody chose.
func TestDefaultVersionsAreLongTermSupportMinors(t *testing.T) {
	assert.Equal(t, "16.8", DefaultVersion(Postgres))
	assert.True(t, strings.HasPrefix(DefaultVersion(MySQL), "8.0.mysql_aurora.3.10."), DefaultVersion(MySQL))
}

func TestCheckInstanceClass(t *testing.T) {
	cases := map[string]string{
		"db.r6g.large": "", "db.r7g.xlarge": "", "db.r6i.2xlarge": "", "db.r5.24xlarge": "", "db.r8g.48xlarge": "",
		"db.r6gd.xlarge": "", "db.r6id.large": "", "db.x2g.large": "", "db.r7i.16xlarge": "",
		"db.t4g.medium": "burstable", "db.t3.large": "burstable", "db.t4g.large": "burstable",
		"db.m5.large": "memory-optimized", "db.r4.large": "memory-optimized", "db.r6g.medium": "memory-optimized",
		"db.serverless": "Serverless", "r6g.large": "memory-optimized", "db.r6g": "memory-optimized", "": "memory-optimized",
		"DB.R6G.LARGE": "memory-optimized",
	}
	for class, says := range cases {
		err := CheckInstanceClass(class)
		if says == "" {
			assert.NoError(t, err, class)
			continue
		}
		if assert.Error(t, err, class) {
			assert.Contains(t, err.Error(), says, class)
			assert.Contains(t, err.Error(), "allowed", class)
		}
	}
}

func TestEngineFacts(t *testing.T) {
	cases := []struct {
		engine, version, family, secretEngine string
		port                                  int
		logs                                  []string
	}{
		{Postgres, "16.6", "aurora-postgresql16", "postgres", 5432, []string{"postgresql"}},
		{Postgres, "13.18", "aurora-postgresql13", "postgres", 5432, []string{"postgresql"}},
		{MySQL, "8.0.mysql_aurora.3.08.0", "aurora-mysql8.0", "mysql", 3306, []string{"audit", "error", "general", "slowquery"}},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.family, ParameterFamily(tc.engine, tc.version))
		assert.Equal(t, tc.port, Port(tc.engine))
		assert.Equal(t, tc.secretEngine, SecretEngine(tc.engine))
		assert.Equal(t, tc.logs, LogExports(tc.engine))
	}
	assert.NoError(t, CheckEngine(Postgres))
	assert.NoError(t, CheckEngine(MySQL))
	assert.ErrorContains(t, CheckEngine("aurora"), "allowed: aurora-postgresql, aurora-mysql")
}

func TestClusterParameters(t *testing.T) {
	byName := func(ps []Parameter) map[string]Parameter {
		out := map[string]Parameter{}
		for _, p := range ps {
			out[p.Name] = p
		}
		return out
	}
	pg := byName(ClusterParameters(Postgres, 0))
	assert.Equal(t, Parameter{"rds.force_ssl", "1", Immediate}, pg["rds.force_ssl"])
	assert.NotContains(t, pg, "rds.global_db_rpo", "RPO is opt-in")
	rpo := byName(ClusterParameters(Postgres, 20))
	assert.Equal(t, Parameter{"rds.global_db_rpo", "20", Immediate}, rpo["rds.global_db_rpo"])
	my := byName(ClusterParameters(MySQL, 60))
	assert.Equal(t, Parameter{"require_secure_transport", "ON", Immediate}, my["require_secure_transport"])
	assert.Equal(t, PendingReboot, my["tls_version"].ApplyMethod, "tls_version is static")
	assert.NotContains(t, my, "rds.global_db_rpo")
	assert.NotContains(t, my, "rds.force_ssl")
}

func TestNumericRanges(t *testing.T) {
	rpo := []struct {
		engine  string
		seconds int
		ok      bool
	}{
		{Postgres, 0, true}, {Postgres, 20, true}, {Postgres, 2147483647, true}, {Postgres, 19, false}, {Postgres, -1, false},
		{MySQL, 0, true}, {MySQL, 20, false},
	}
	for _, tc := range rpo {
		assert.Equal(t, tc.ok, CheckRpo(tc.engine, tc.seconds) == nil, "%s rpo %d", tc.engine, tc.seconds)
	}
	for days, ok := range map[int]bool{7: true, 31: true, 62: true, 713: true, 731: true, 0: false, 8: false, 30: false, 744: false, 732: false} {
		assert.Equal(t, ok, CheckPerformanceInsightsRetention(days) == nil, "PI retention %d", days)
	}
	for s, ok := range map[int]bool{0: true, 1: true, 5: true, 10: true, 15: true, 30: true, 60: true, 2: false, 20: false, 120: false, -1: false} {
		assert.Equal(t, ok, CheckMonitoringInterval(s) == nil, "interval %d", s)
	}
	for d, ok := range map[int]bool{1: true, 7: true, 35: true, 0: false, 36: false} {
		assert.Equal(t, ok, CheckBackupRetention(d) == nil, "backup retention %d", d)
	}
}

func TestNames(t *testing.T) {
	for name, ok := range map[string]bool{"app": true, "App_1": true, "a": true, "1app": false, "my-app": false, "": false, "postgres": false, "template1": false} {
		assert.Equal(t, ok, CheckDatabaseName(Postgres, name) == nil, "database %q", name)
	}
	assert.NoError(t, CheckDatabaseName(MySQL, "postgres"), "only PostgreSQL reserves postgres")
	for user, ok := range map[string]bool{"dbadmin": true, "app_admin": true, "rdsadmin": false, "RDSADMIN": false, "pg_admin": false, "a_very_long_username": false, "1admin": false, "db-admin": false} {
		assert.Equal(t, ok, CheckMasterUsername(Postgres, user) == nil, "user %q", user)
	}
	assert.NoError(t, CheckMasterUsername(MySQL, "pg_admin"))
}

func TestCheckWriteForwarding(t *testing.T) {
	for _, tc := range []struct {
		engine, version string
		ok              bool
	}{
		{Postgres, "13.9", false},
		{Postgres, "14.8", false},
		{Postgres, "14.9", true},
		{Postgres, "14.13", true},
		{Postgres, "15.3", false},
		{Postgres, "15.4", true},
		{Postgres, "16.1", true},
		{Postgres, "16.8", true},
		{Postgres, "17.4", true},
		{MySQL, "8.0.mysql_aurora.3.10.3", true},
		{MySQL, "8.0.mysql_aurora.3.01.0", true},
		{MySQL, "5.7.mysql_aurora.2.12.1", false},
	} {
		err := CheckWriteForwarding(tc.engine, tc.version)
		if tc.ok {
			assert.NoError(t, err, "%s %s", tc.engine, tc.version)
		} else {
			assert.Error(t, err, "%s %s", tc.engine, tc.version)
		}
	}
	assert.ErrorContains(t, CheckWriteForwarding(Postgres, "15.3"), "15.4 or newer 15")
}

func TestWriteForwardingParameters(t *testing.T) {
	names := func(ps []Parameter) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	assert.Contains(t, names(ClusterParametersFor(MySQL, 0, true)), "aurora_replica_read_consistency")
	assert.NotContains(t, names(ClusterParametersFor(MySQL, 0, false)), "aurora_replica_read_consistency")
	assert.Equal(t, append(ClusterParameters(Postgres, 0), PostgresConsistencyParameter), ClusterParametersFor(Postgres, 0, true), "PostgreSQL enables forwarding for sessions")
	assert.Equal(t, ClusterParameters(Postgres, 0), ClusterParametersFor(Postgres, 0, false))
}

// The default application's global-primary path reads the topology views: Aurora MySQL has their
// information_schema tables from 3.04.0 only; every PostgreSQL version that supports global
// databases has the functions.
func TestCheckTopologyViews(t *testing.T) {
	for _, tc := range []struct {
		engine, version string
		ok              bool
	}{
		{MySQL, "8.0.mysql_aurora.3.03.1", false},
		{MySQL, "8.0.mysql_aurora.3.01.0", false},
		{MySQL, "8.0.mysql_aurora.3.04.0", true},
		{MySQL, DefaultVersion(MySQL), true},
		{Postgres, DefaultVersion(Postgres), true},
	} {
		err := CheckTopologyViews(tc.engine, tc.version)
		assert.Equal(t, tc.ok, err == nil, "%s %s: %v", tc.engine, tc.version, err)
	}
}
