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
	// PrimaryInstances and SecondaryInstances count the instances of the home region's (primaryRegion)
	// and the standby region's (secondaryRegion) cluster. They go by region, never by which cluster
	// writes now: a failover changes neither count.
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
	// RpoSeconds would set rds.global_db_rpo. It must stay 0: this stack spans exactly two regions,
	// and the bound pauses every commit on the writer while no secondary is within it, so after a
	// failover (the old primary gone) the promoted cluster could not write (see validateDatabase).
	RpoSeconds int `json:"rpoSeconds"`
	// AutoFailover is off (staging's default), notify (prod's default) or auto: each region's detector watches the other region
	// from its own data plane and, after AutoFailoverAfterMinutes minutes of region-level evidence,
	// pages (notify, auto) and starts its own region's runbook (auto). See docs/database.md.
	AutoFailover string `json:"autoFailover" choices:"off,notify,auto"`
	// AutoFailoverAfterMinutes is N of the detector's N-of-N alarm: consecutive minutes of evidence
	// (1..30, default 3).
	AutoFailoverAfterMinutes int `json:"autoFailoverAfterMinutes"`
	// WriteForwarding enables Aurora global write forwarding on both clusters (opt-in): the standby's
	// application then writes through its own region's cluster (forwarded) without a promotion.
	WriteForwarding bool `json:"writeForwarding"`
}

// Prod runs a writer and a replica in both regions and keeps a month of backups: the standby's second
// instance is the new writer's replica from the moment of a promotion (with one, an instance or AZ
// fault right after a failover means about 10 minutes without a database while Aurora rebuilds it).
// It is preferred to a runbook that adds a reader after promotion: nothing to absorb in
// ignoreChanges, no instance outside Pulumi's state, and the replica is warm when it is needed.
// Staging runs two instances in its home region, one in the standby, and a week of backups: with a
// single instance, replacing the writer (a failure, a class change) takes minutes, longer than the
// 60 s the global-primary path holds its last answer (edgecalc.PrimaryHoldSeconds), so every such
// replacement moved viewers to the read-only standby; a replica fails over in about 30 s, within
// the hold. A longer hold would delay every real failover instead.
func defaultDatabase(prod bool) Database {
	d := Database{
		Engine:                           dbspec.Postgres,
		InstanceClass:                    "db.r6g.large",
		PrimaryInstances:                 2,
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
		// Someone always hears: with off nothing pages when the home region is the dark one and
		// it is us-east-1 (Route 53's metrics and their alarms live there). notify runs the
		// detectors in both regions and pages from the standby; a person still decides.
		d.AutoFailover = detector.ModeNotify
		d.SecondaryInstances = 2
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
		} else if err := dbspec.CheckTopologyViews(d.Engine, d.EngineVersion); err != nil && c.Compute.UserData == "" {
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
		} else if d.RpoSeconds > 0 {
			p.addf("database.rpoSeconds", "is %d; allowed: 0 in a two-region stack: rds.global_db_rpo pauses every commit on the writer "+
				"while no secondary is within the bound, so once the old primary is gone the promoted region (which then has no secondary) "+
				"could not write; watch the replication lag alarm (observability.replicationLagAlarmMs) instead", d.RpoSeconds)
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
}

// Port is the port the configured engine listens on.
func (d Database) Port() int { return dbspec.Port(d.Engine) }

// DatabaseInstances is how many DB instances region's cluster runs: PrimaryInstances for the home
// region (primaryRegion), SecondaryInstances for the standby, whichever writes now.
func (c *Config) DatabaseInstances(region string) int {
	if region == c.PrimaryRegion {
		return c.Database.PrimaryInstances
	}
	return c.Database.SecondaryInstances
}
