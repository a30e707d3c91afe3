package stacks

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
)

// Database is the `database` config object: the Aurora global database across both regions.
type Database struct {
	// Engine is aurora-postgresql or aurora-mysql.
	Engine string `json:"engine"`
	// EngineVersion must support global databases; empty picks the engine's default.
	EngineVersion string `json:"engineVersion"`
	// InstanceClass of every instance, both regions (no burstable classes: global databases refuse them).
	InstanceClass string `json:"instanceClass"`
	// PrimaryInstances and SecondaryInstances count the instances of the writer's and the reader's
	// cluster. They follow the role: after writerRegion moves, the new writer gets PrimaryInstances.
	PrimaryInstances   int    `json:"primaryInstances"`
	SecondaryInstances int    `json:"secondaryInstances"`
	DatabaseName       string `json:"databaseName"`
	MasterUsername     string `json:"masterUsername"`
	// BackupRetentionDays is the automated backup retention (1..35).
	BackupRetentionDays int  `json:"backupRetentionDays"`
	DeletionProtection  bool `json:"deletionProtection"`
	// PerformanceInsightsRetentionDays is 7, a multiple of 31 up to 713, or 731.
	PerformanceInsightsRetentionDays int `json:"performanceInsightsRetentionDays"`
	// MonitoringIntervalSeconds is the enhanced monitoring interval (0 turns it off).
	MonitoringIntervalSeconds int `json:"monitoringIntervalSeconds"`
	// RpoSeconds sets rds.global_db_rpo (PostgreSQL only, >= 20); 0 leaves it off. While no
	// secondary is within the RPO, the writer blocks commits.
	RpoSeconds int `json:"rpoSeconds"`
	// WriterRegion is the region whose cluster writes: primaryRegion until an Aurora switchover or
	// failover moves the writer, after which the operator sets it to the new writer's region.
	// Empty means primaryRegion.
	WriterRegion string `json:"writerRegion"`
	// AutoFailover is off (default), notify or auto: each region's detector watches the other region
	// from its own data plane and, after AutoFailoverAfterMinutes minutes of region-level evidence,
	// pages (notify, auto) and starts its own region's runbook (auto). See docs/database.md.
	AutoFailover string `json:"autoFailover"`
	// AutoFailoverAfterMinutes is N of the detector's N-of-N alarm: consecutive minutes of evidence
	// (1..30, default 3).
	AutoFailoverAfterMinutes int `json:"autoFailoverAfterMinutes"`
	// WriteForwarding enables Aurora global write forwarding on both clusters (opt-in): the standby's
	// application then writes through its own region's cluster (forwarded) without a promotion.
	WriteForwarding bool `json:"writeForwarding"`
}

// Prod runs a writer and a replica in the writer region (an instance failure fails over within the
// region) and keeps a month of backups; staging runs one instance per region and a week of backups.
func defaultDatabase(prod bool) Database {
	d := Database{
		Engine:                           dbspec.Postgres,
		InstanceClass:                    "db.r6g.large",
		PrimaryInstances:                 1,
		SecondaryInstances:               1,
		DatabaseName:                     "app",
		MasterUsername:                   "dbadmin",
		BackupRetentionDays:              7,
		DeletionProtection:               false,
		PerformanceInsightsRetentionDays: 7,
		MonitoringIntervalSeconds:        60,
		AutoFailover:                     detector.ModeOff,
		AutoFailoverAfterMinutes:         detector.DefaultAfterMinutes,
	}
	if prod {
		d.PrimaryInstances = 2
		d.BackupRetentionDays = 30
		d.DeletionProtection = true
		d.MonitoringIntervalSeconds = 15
	}
	return d
}

func validateDatabase(c *Config, p *problems) {
	d := &c.Database
	engineOK := true
	if err := dbspec.CheckEngine(d.Engine); err != nil {
		p.addf("database.engine", "%v", err)
		engineOK = false
	}
	if engineOK {
		if d.EngineVersion == "" {
			d.EngineVersion = dbspec.DefaultVersion(d.Engine)
		} else if err := dbspec.CheckVersion(d.Engine, d.EngineVersion); err != nil {
			p.addf("database.engineVersion", "%v", err)
		}
		if err := dbspec.CheckDatabaseName(d.Engine, d.DatabaseName); err != nil {
			p.addf("database.databaseName", "%v", err)
		}
		if err := dbspec.CheckMasterUsername(d.Engine, d.MasterUsername); err != nil {
			p.addf("database.masterUsername", "%v", err)
		}
		if err := dbspec.CheckRpo(d.Engine, d.RpoSeconds); err != nil {
			p.addf("database.rpoSeconds", "%v", err)
		}
		if d.WriteForwarding {
			if err := dbspec.CheckWriteForwarding(d.Engine, d.EngineVersion); err != nil {
				p.addf("database.writeForwarding", "%v", err)
			}
		}
	}
	if err := detector.CheckMode(d.AutoFailover); err != nil {
		p.addf("database.autoFailover", "%v", err)
	}
	if err := detector.CheckAfterMinutes(d.AutoFailoverAfterMinutes); err != nil {
		p.addf("database.autoFailoverAfterMinutes", "%v", err)
	}
	if err := dbspec.CheckInstanceClass(d.InstanceClass); err != nil {
		p.addf("database.instanceClass", "%v", err)
	}
	if d.PrimaryInstances < 1 || d.PrimaryInstances > dbspec.MaxInstances {
		p.addf("database.primaryInstances", "is %d; allowed: 1 to %d (a writer and up to 15 replicas)", d.PrimaryInstances, dbspec.MaxInstances)
	}
	if d.SecondaryInstances < 1 || d.SecondaryInstances > dbspec.MaxInstances {
		p.addf("database.secondaryInstances", "is %d; allowed: 1 to %d (the secondary needs an instance to serve reads and to take over)", d.SecondaryInstances, dbspec.MaxInstances)
	}
	if err := dbspec.CheckBackupRetention(d.BackupRetentionDays); err != nil {
		p.addf("database.backupRetentionDays", "%v", err)
	}
	if err := dbspec.CheckPerformanceInsightsRetention(d.PerformanceInsightsRetentionDays); err != nil {
		p.addf("database.performanceInsightsRetentionDays", "%v", err)
	}
	if err := dbspec.CheckMonitoringInterval(d.MonitoringIntervalSeconds); err != nil {
		p.addf("database.monitoringIntervalSeconds", "%v", err)
	}
	if d.WriterRegion == "" {
		d.WriterRegion = c.PrimaryRegion
	} else if d.WriterRegion != c.PrimaryRegion && d.WriterRegion != c.SecondaryRegion {
		p.addf("database.writerRegion", "is %q; allowed: primaryRegion (%s) or secondaryRegion (%s), the region whose Aurora cluster writes",
			d.WriterRegion, c.PrimaryRegion, c.SecondaryRegion)
	}
}

// Port is the port the configured engine listens on.
func (d Database) Port() int { return dbspec.Port(d.Engine) }

// WriterRegion is the region whose Aurora cluster writes: database.writerRegion, primaryRegion by default.
func (c *Config) WriterRegion() string {
	if c.Database.WriterRegion == "" {
		return c.PrimaryRegion
	}
	return c.Database.WriterRegion
}

// ReaderRegion is the other region: the one whose cluster is the read-only secondary.
func (c *Config) ReaderRegion() string {
	if c.WriterRegion() == c.SecondaryRegion {
		return c.PrimaryRegion
	}
	return c.SecondaryRegion
}

// DatabaseInstances is how many DB instances region's cluster runs: PrimaryInstances for the writer,
// SecondaryInstances for the reader.
func (c *Config) DatabaseInstances(region string) int {
	if region == c.WriterRegion() {
		return c.Database.PrimaryInstances
	}
	return c.Database.SecondaryInstances
}
