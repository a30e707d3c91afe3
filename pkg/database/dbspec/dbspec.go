// Package dbspec holds the rules AWS applies to an Aurora global database, as plain Go: which engines,
// engine versions and instance classes it accepts, each engine's port, parameter group family, log
// types and TLS parameters, and the ranges of the numeric settings. The stack configuration validates
// with it before any resource exists, and the database component builds from it, so both agree.
package dbspec

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Engines.
const (
	Postgres = "aurora-postgresql"
	MySQL    = "aurora-mysql"
)

// Engines lists the engines a global database can run.
func Engines() []string { return []string{Postgres, MySQL} }

// CheckEngine reports whether engine is supported.
func CheckEngine(engine string) error {
	if !slices.Contains(Engines(), engine) {
		return fmt.Errorf("is %q; allowed: %s", engine, strings.Join(Engines(), ", "))
	}
	return nil
}

// Port is the port the engine listens on.
func Port(engine string) int {
	if engine == MySQL {
		return 3306
	}
	return 5432
}

// CheckTopologyViews reports an error unless the engine version answers the global-database
// topology views the default application reads to decide whether its region hosts the global
// primary: aurora_global_db_status() / aurora_global_db_instance_status() on every PostgreSQL version
// that supports global databases, information_schema.aurora_global_db_status and
// aurora_global_db_instance_status on Aurora MySQL from 3.04.0 only (Aurora User Guide, "Monitoring
// Aurora global databases"). Below that the application's primary path would answer 503 for good,
// and Route 53 would keep every viewer on the standby. The version must be valid.
func CheckTopologyViews(engine, version string) error {
	if engine != MySQL {
		return nil
	}
	m := mysqlVersion.FindStringSubmatch(version)
	if m == nil {
		return nil // CheckVersion reports it
	}
	if minor, _ := strconv.Atoi(m[1]); minor < 4 {
		return fmt.Errorf("is %q; allowed with the default application: 8.0.mysql_aurora.3.04.0 or newer, the first Aurora MySQL with the global-database topology tables its failover paths read (or bring your own compute.userData)", version)
	}
	return nil
}

// SecretEngine is the engine name a Secrets Manager database secret carries ("postgres", "mysql"),
// the form AWS's rotation functions and most client libraries expect.
func SecretEngine(engine string) string {
	if engine == MySQL {
		return "mysql"
	}
	return "postgres"
}

// DefaultVersion is a version of engine that supports global databases: the engine's long-term
// support (LTS) minor, which Aurora keeps available for new clusters for about three years. A
// regular minor is typically withdrawn about a year after release, after which creating a cluster
// with it fails ("Cannot find version ... for aurora-postgresql"); an LTS default keeps the first
// `pulumi up` of a new stack working. Both regions must offer the version: check with
// `aws rds describe-db-engine-versions --engine <engine> --region <region>`.
func DefaultVersion(engine string) string {
	if engine == MySQL {
		return "8.0.mysql_aurora.3.10.3" // Aurora MySQL 3.10, the LTS minor of version 3
	}
	return "16.8" // Aurora PostgreSQL 16.8, the LTS minor of 16
}

var (
	postgresVersion = regexp.MustCompile(`^([1-9][0-9])\.([0-9]{1,2})$`)
	mysqlVersion    = regexp.MustCompile(`^8\.0\.mysql_aurora\.3\.([0-9]{2})\.([0-9]{1,2})$`)
)

// postgresGlobalMinimum is the first minor version of each Aurora PostgreSQL major that supports
// global databases. Majors before 13 are past AWS's standard support; majors after 17 are accepted
// from minor 0 (AWS answers for them at deploy time).
var postgresGlobalMinimum = map[int]int{13: 3, 14: 3, 15: 2, 16: 1, 17: 4}

const (
	minPostgresMajor = 13
	maxKnownMajor    = 17
)

// CheckVersion validates an engine version's format for engine and that it supports global databases.
func CheckVersion(engine, version string) error {
	switch engine {
	case Postgres:
		m := postgresVersion.FindStringSubmatch(version)
		if m == nil {
			return fmt.Errorf("is %q; allowed: an Aurora PostgreSQL version major.minor such as %s", version, DefaultVersion(Postgres))
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if major < minPostgresMajor {
			return fmt.Errorf("is %q; allowed: Aurora PostgreSQL %d or newer (older majors are past standard support), such as %s", version, minPostgresMajor, DefaultVersion(Postgres))
		}
		if least, ok := postgresGlobalMinimum[major]; ok && minor < least {
			return fmt.Errorf("is %q; allowed: %d.%d or newer, the first %d.x that supports global databases", version, major, least, major)
		}
		return nil
	case MySQL:
		if strings.HasPrefix(version, "5.7.") {
			return fmt.Errorf("is %q; allowed: Aurora MySQL version 3 (8.0.mysql_aurora.3.xx.y such as %s): version 2 is past standard support", version, DefaultVersion(MySQL))
		}
		m := mysqlVersion.FindStringSubmatch(version)
		if m == nil {
			return fmt.Errorf("is %q; allowed: an Aurora MySQL version 3 such as %s (8.0.mysql_aurora.3.<minor>.<patch>)", version, DefaultVersion(MySQL))
		}
		if minor, _ := strconv.Atoi(m[1]); minor < 1 {
			return fmt.Errorf("is %q; allowed: 8.0.mysql_aurora.3.01.0 or newer, the first Aurora MySQL 3 that supports global databases", version)
		}
		return nil
	}
	return fmt.Errorf("cannot be checked for engine %q; allowed engines: %s", engine, strings.Join(Engines(), ", "))
}

// ParameterFamily is the DB cluster parameter group family of an engine version (aurora-postgresql16,
// aurora-mysql8.0). The version must be valid.
func ParameterFamily(engine, version string) string {
	if engine == MySQL {
		return "aurora-mysql8.0"
	}
	major, _, _ := strings.Cut(version, ".")
	return Postgres + major
}

// LogExports are the CloudWatch Logs types the engine's clusters export.
func LogExports(engine string) []string {
	if engine == MySQL {
		return []string{"audit", "error", "general", "slowquery"}
	}
	return []string{"postgresql"}
}

// Parameter is one DB cluster parameter.
type Parameter struct {
	Name, Value string
	// ApplyMethod is "immediate" for dynamic parameters, "pending-reboot" for static ones.
	ApplyMethod string
}

// Apply methods.
const (
	Immediate     = "immediate"
	PendingReboot = "pending-reboot"
)

// RPO bounds of rds.global_db_rpo, in seconds.
const (
	MinRpoSeconds = 20
	MaxRpoSeconds = 2147483647
)

// ClusterParameters are the cluster parameters both regions' groups carry: TLS is required (1.2 or
// newer), MySQL writes its audit and slow query logs so the exports carry something, and with
// rpoSeconds > 0 (PostgreSQL only) rds.global_db_rpo bounds the data a failover may lose.
func ClusterParameters(engine string, rpoSeconds int) []Parameter {
	if engine == MySQL {
		return []Parameter{
			{Name: "require_secure_transport", Value: "ON", ApplyMethod: Immediate},
			{Name: "tls_version", Value: "TLSv1.2,TLSv1.3", ApplyMethod: PendingReboot},
			{Name: "server_audit_logging", Value: "1", ApplyMethod: Immediate},
			{Name: "server_audit_events", Value: "CONNECT,QUERY_DCL,QUERY_DDL", ApplyMethod: Immediate},
			{Name: "slow_query_log", Value: "1", ApplyMethod: Immediate},
			{Name: "long_query_time", Value: "2", ApplyMethod: Immediate},
		}
	}
	params := []Parameter{
		{Name: "rds.force_ssl", Value: "1", ApplyMethod: Immediate},
		{Name: "ssl_min_protocol_version", Value: "TLSv1.2", ApplyMethod: Immediate},
	}
	if rpoSeconds > 0 {
		params = append(params, Parameter{Name: "rds.global_db_rpo", Value: strconv.Itoa(rpoSeconds), ApplyMethod: Immediate})
	}
	return params
}

// CheckRpo validates rds.global_db_rpo: 0 turns it off; otherwise PostgreSQL only, 20..2147483647 s.
func CheckRpo(engine string, seconds int) error {
	if seconds == 0 {
		return nil
	}
	if engine != Postgres {
		return fmt.Errorf("is %d; allowed: 0 (off) for %s: rds.global_db_rpo exists only for %s", seconds, engine, Postgres)
	}
	if seconds < MinRpoSeconds || seconds > MaxRpoSeconds {
		return fmt.Errorf("is %d; allowed: 0 (off) or %d to %d seconds", seconds, MinRpoSeconds, MaxRpoSeconds)
	}
	return nil
}

var instanceClassPattern = regexp.MustCompile(`^db\.([a-z0-9-]+)\.([a-z0-9]+)$`)

var (
	globalFamily = regexp.MustCompile(`^(r[5-9][a-z]{0,3}|x2g)$`)
	instanceSize = regexp.MustCompile(`^(large|[0-9]*xlarge)$`)
)

// CheckInstanceClass accepts the provisioned classes Aurora global databases run on: memory-optimized
// db.r5 and newer, and db.x2g. Burstable db.t* classes are refused by AWS for global databases.
func CheckInstanceClass(class string) error {
	const allowed = "a memory-optimized class such as db.r6g.large, db.r7g.xlarge, db.r6i.2xlarge or db.x2g.large"
	m := instanceClassPattern.FindStringSubmatch(class)
	if class == "db.serverless" {
		return fmt.Errorf("is %q; allowed: %s (this component provisions instances; Serverless v2 is not supported here)", class, allowed)
	}
	if m == nil {
		return fmt.Errorf("is %q; allowed: %s", class, allowed)
	}
	if strings.HasPrefix(m[1], "t") {
		return fmt.Errorf("is %q: burstable db.t* classes are not supported by Aurora global databases; allowed: %s", class, allowed)
	}
	if !globalFamily.MatchString(m[1]) || !instanceSize.MatchString(m[2]) {
		return fmt.Errorf("is %q; allowed: %s", class, allowed)
	}
	return nil
}

// CheckBackupRetention validates the automated backup retention (AWS allows 1..35 days).
func CheckBackupRetention(days int) error {
	if days < 1 || days > 35 {
		return fmt.Errorf("is %d; allowed: 1 to 35 days", days)
	}
	return nil
}

// CheckPerformanceInsightsRetention validates Performance Insights retention: 7 days (free tier),
// a multiple of 31 up to 713, or 731 days.
func CheckPerformanceInsightsRetention(days int) error {
	if days == 7 || days == 731 || (days >= 31 && days <= 713 && days%31 == 0) {
		return nil
	}
	return fmt.Errorf("is %d; allowed: 7, a multiple of 31 from 31 to 713 (months), or 731 days", days)
}

// MonitoringIntervals are the enhanced monitoring intervals RDS accepts (0 turns it off).
var MonitoringIntervals = []int{0, 1, 5, 10, 15, 30, 60}

// CheckMonitoringInterval validates the enhanced monitoring interval.
func CheckMonitoringInterval(seconds int) error {
	if !slices.Contains(MonitoringIntervals, seconds) {
		return fmt.Errorf("is %d; allowed: 0 (off), 1, 5, 10, 15, 30 or 60 seconds", seconds)
	}
	return nil
}

// MaxInstances is how many instances an Aurora cluster holds (a writer and 15 replicas).
const MaxInstances = 16

var (
	identifierPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	reservedUsernames = []string{"rdsadmin", "rdsrepladmin", "rds_superuser", "rds_replication", "rdsproxyadmin", "admin_rds", "mysql.sys", "root"}
)

// CheckDatabaseName validates the initial database's name: a letter, then letters, digits or
// underscores, at most 63 characters (PostgreSQL's identifier limit; MySQL allows 64).
func CheckDatabaseName(engine, name string) error {
	if len(name) > 63 || !identifierPattern.MatchString(name) {
		return fmt.Errorf("is %q; allowed: 1 to 63 characters, a letter followed by letters, digits or underscores", name)
	}
	if engine == Postgres && slices.Contains([]string{"postgres", "template0", "template1", "rdsadmin"}, strings.ToLower(name)) {
		return fmt.Errorf("is %q, which PostgreSQL or RDS reserves; allowed: another name such as app", name)
	}
	return nil
}

// CheckMasterUsername validates the master user's name: a letter, then letters, digits or
// underscores, at most 16 characters (CreateDBCluster's limit), not one RDS or the engine reserves.
func CheckMasterUsername(engine, name string) error {
	const limit = 16
	if len(name) > limit || !identifierPattern.MatchString(name) {
		return fmt.Errorf("is %q; allowed: 1 to %d characters, a letter followed by letters, digits or underscores", name, limit)
	}
	if slices.Contains(reservedUsernames, strings.ToLower(name)) || (engine == Postgres && strings.HasPrefix(strings.ToLower(name), "pg_")) {
		return fmt.Errorf("is %q, which RDS or the engine reserves; allowed: another name such as dbadmin", name)
	}
	return nil
}

// writeForwardingPostgres is the first minor of each Aurora PostgreSQL major that supports global
// write forwarding (AWS: "Using write forwarding in an Aurora PostgreSQL global database": 14.9 and
// higher 14 minors, 15.4 and higher 15 minors, every minor of 16 and higher majors).
var writeForwardingPostgres = map[int]int{14: 9, 15: 4}

// CheckWriteForwarding validates database.writeForwarding for an engine version that is otherwise
// valid: Aurora PostgreSQL 14.9+, 15.4+ or 16 and newer; every Aurora MySQL 3 (which also gets
// aurora_replica_read_consistency in both parameter groups, see ClusterParametersFor).
func CheckWriteForwarding(engine, version string) error {
	switch engine {
	case MySQL:
		if !mysqlVersion.MatchString(version) {
			return fmt.Errorf("is true for %s %q; allowed: Aurora MySQL version 3 (8.0.mysql_aurora.3.xx.y)", engine, version)
		}
		return nil
	case Postgres:
		m := postgresVersion.FindStringSubmatch(version)
		if m == nil {
			return fmt.Errorf("is true for %s %q; allowed: Aurora PostgreSQL 14.9 or newer 14, 15.4 or newer 15, or 16 and newer", engine, version)
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		if major >= 16 {
			return nil
		}
		if least, ok := writeForwardingPostgres[major]; ok && minor >= least {
			return nil
		}
		return fmt.Errorf("is true, but Aurora PostgreSQL %s has no global write forwarding; allowed: 14.9 or newer 14, 15.4 or newer 15, or 16 and newer (or set writeForwarding false)", version)
	}
	return fmt.Errorf("cannot be checked for engine %q; allowed engines: %s", engine, strings.Join(Engines(), ", "))
}

// ReadConsistencyParameter is the Aurora MySQL setting write forwarding needs in the parameter
// group of every cluster that may forward (both, since the writer is runtime state): SESSION makes
// a session read its own forwarded writes.
var ReadConsistencyParameter = Parameter{Name: "aurora_replica_read_consistency", Value: "SESSION", ApplyMethod: Immediate}

// PostgresConsistencyParameter is the Aurora PostgreSQL cluster parameter that enables forwarding
// for sessions ("apg_write_forward.consistency_mode is a DB parameter and DB cluster parameter that
// enables write forwarding"; SESSION, EVENTUAL or GLOBAL forward, OFF does not). SESSION is AWS's
// default; the groups set it so a changed default or an operator's OFF cannot silently stop forwarding.
var PostgresConsistencyParameter = Parameter{Name: "apg_write_forward.consistency_mode", Value: "SESSION", ApplyMethod: Immediate}

// ClusterParametersFor is ClusterParameters plus what write forwarding needs on the engine.
func ClusterParametersFor(engine string, rpoSeconds int, writeForwarding bool) []Parameter {
	params := ClusterParameters(engine, rpoSeconds)
	if !writeForwarding {
		return params
	}
	if engine == MySQL {
		return append(params, ReadConsistencyParameter)
	}
	return append(params, PostgresConsistencyParameter)
}
