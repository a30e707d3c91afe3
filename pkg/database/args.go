// Package database is the GlobalDatabase component: one Aurora global database whose writer cluster
// lives in one region and whose read-only secondary cluster lives in the other, built the way AWS
// accepts it, and laid out so that `pulumi up` after a managed switchover or failover neither fights
// nor undoes it (see docs/database.md, "After a switchover or failover").
package database

import (
	"errors"
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
)

// RegionArgs is what the database needs of one region.
type RegionArgs struct {
	Region   string
	Provider *aws.Provider
	VpcId    pulumi.StringInput
	// SubnetIds are the region's database subnets (isolated tier).
	SubnetIds pulumi.StringArrayInput
	// ClientSecurityGroupId is the region's compute instance security group: the only client.
	ClientSecurityGroupId pulumi.StringInput
	// Instances is how many DB instances the region's cluster runs (1..16).
	Instances int
	// ClientRoleName, when set, is the IAM role of the region's instances: the component lets it read
	// the credentials secret in this region (and decrypt it with this region's key), nothing else.
	ClientRoleName pulumi.StringInput
}

// Args configures the global database. Home and Standby are the two regions by config, never by
// which one writes now: the writer is runtime state (a switchover or failover moves it with no
// deploy), and nothing here depends on it.
type Args struct {
	// AccountId is the 12-digit account the stack deploys to (config accountId, never looked up).
	AccountId string
	// Home is primaryRegion: where the global cluster was created (its first cluster carried the
	// credentials) and where the rds.GlobalCluster and the credentials secret live. Standby is the
	// other region, whose cluster joined as a secondary. Neither ever changes after the first deploy.
	Home, Standby RegionArgs
	// RandomProvider is the explicit random provider for the master password.
	RandomProvider pulumi.ProviderResource

	Engine, EngineVersion, InstanceClass, DatabaseName, MasterUsername string

	BackupRetentionDays              int
	PerformanceInsightsRetentionDays int
	// MonitoringIntervalSeconds is the enhanced monitoring interval; 0 turns it (and its role) off.
	MonitoringIntervalSeconds int
	// RpoSeconds would set rds.global_db_rpo; it must be 0 (see validate): the database spans two regions.
	RpoSeconds int
	// WriteForwarding (database.writeForwarding) enables Aurora global write forwarding on both
	// clusters: AWS applies it on a secondary and keeps it on a primary for the day it is demoted,
	// so both carry it and nothing depends on which region writes. (Added field, opt-in.)
	WriteForwarding bool
	// BackupWindow and MaintenanceWindow are UTC windows; empty means 03:00-04:00 daily and
	// Sunday 04:30-05:30. (Added fields, optional.)
	BackupWindow, MaintenanceWindow string

	DeletionProtection bool
	// Protect (prod) protects the global cluster, both clusters and both KMS keys, and keeps a final
	// snapshot when a cluster is deleted.
	Protect bool
}

// Default UTC windows: backups at night, maintenance afterwards, never overlapping.
const (
	defaultBackupWindow      = "03:00-04:00"
	defaultMaintenanceWindow = "sun:04:30-sun:05:30"
)

var (
	backupWindowPattern      = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$`)
	maintenanceWindowPattern = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// validate checks the arguments and fills in optional ones.
func (a *Args) validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	if err := awsenv.AccountIn(a.AccountId, "us-east-1").Validate(); err != nil {
		return err
	}
	for _, r := range []struct {
		role string
		args RegionArgs
	}{{"Home", a.Home}, {"Standby", a.Standby}} {
		switch {
		case r.args.Region == "":
			return fmt.Errorf("%s.Region is required", r.role)
		case r.args.Provider == nil:
			return fmt.Errorf("%s.Provider is required (the provider of %s)", r.role, r.args.Region)
		case r.args.VpcId == nil || r.args.SubnetIds == nil || r.args.ClientSecurityGroupId == nil:
			return fmt.Errorf("%s (%s) needs VpcId, SubnetIds and ClientSecurityGroupId", r.role, r.args.Region)
		case r.args.Instances < 1 || r.args.Instances > dbspec.MaxInstances:
			return fmt.Errorf("%s.Instances is %d; allowed: 1 to %d", r.role, r.args.Instances, dbspec.MaxInstances)
		}
	}
	if a.Home.Region == a.Standby.Region {
		return fmt.Errorf("Home and Standby are both %s; a global database spans two regions", a.Home.Region)
	}
	if a.RandomProvider == nil {
		return errors.New("RandomProvider is required (the program uses no default providers)")
	}
	checks := []check{
		{"Engine", dbspec.CheckEngine(a.Engine)},
		{"InstanceClass", dbspec.CheckInstanceClass(a.InstanceClass)},
		{"BackupRetentionDays", dbspec.CheckBackupRetention(a.BackupRetentionDays)},
		{"PerformanceInsightsRetentionDays", dbspec.CheckPerformanceInsightsRetention(a.PerformanceInsightsRetentionDays)},
		{"MonitoringIntervalSeconds", dbspec.CheckMonitoringInterval(a.MonitoringIntervalSeconds)},
	}
	if dbspec.CheckEngine(a.Engine) == nil {
		checks = append(checks,
			check{"EngineVersion", dbspec.CheckVersion(a.Engine, a.EngineVersion)},
			check{"DatabaseName", dbspec.CheckDatabaseName(a.Engine, a.DatabaseName)},
			check{"MasterUsername", dbspec.CheckMasterUsername(a.Engine, a.MasterUsername)},
			check{"RpoSeconds", dbspec.CheckRpo(a.Engine, a.RpoSeconds)},
		)
		if a.WriteForwarding {
			checks = append(checks, check{"WriteForwarding", dbspec.CheckWriteForwarding(a.Engine, a.EngineVersion)})
		}
	}
	for _, c := range checks {
		if c.err != nil {
			return fmt.Errorf("%s %w", c.field, c.err)
		}
	}
	// The database always spans two regions, so its only secondary is the other region: with
	// rds.global_db_rpo set, the promoted cluster pauses every commit once the old primary is gone.
	if a.RpoSeconds > 0 {
		return fmt.Errorf("RpoSeconds is %d; allowed: 0 for a two-region global database (rds.global_db_rpo would stop the promoted writer while the other region is down)", a.RpoSeconds)
	}
	if a.BackupWindow == "" {
		a.BackupWindow = defaultBackupWindow
	}
	if a.MaintenanceWindow == "" {
		a.MaintenanceWindow = defaultMaintenanceWindow
	}
	if !backupWindowPattern.MatchString(a.BackupWindow) {
		return fmt.Errorf("BackupWindow is %q; allowed: hh24:mi-hh24:mi in UTC such as %s", a.BackupWindow, defaultBackupWindow)
	}
	if !maintenanceWindowPattern.MatchString(a.MaintenanceWindow) {
		return fmt.Errorf("MaintenanceWindow is %q; allowed: ddd:hh24:mi-ddd:hh24:mi in UTC such as %s", a.MaintenanceWindow, defaultMaintenanceWindow)
	}
	return nil
}

// check is one field's validation result.
type check struct {
	field string
	err   error
}

// regions returns the home and the standby region, in that order.
func (a *Args) regions() []RegionArgs { return []RegionArgs{a.Home, a.Standby} }
