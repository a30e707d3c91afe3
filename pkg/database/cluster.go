package database

import (
	"fmt"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
)

// ClusterIgnoredChangeReasons are the cluster inputs `pulumi up` must not act on, each with the
// runtime change (by AWS or by the failover runbook) that makes its recorded value stale. Both
// clusters carry the same list: which one writes changes at runtime, the list must not. Nothing else
// is ignored; in particular globalClusterIdentifier is NOT: a cluster that left the global database
// (a detach, or an old primary AWS could not rejoin) must show in `pulumi preview` as drift an
// operator has to act on (the runbook reports the rejoin commands), never be hidden.
var ClusterIgnoredChangeReasons = map[string]string{
	// Provider docs (rds.Cluster): for a member of a global cluster, ignore it instead of setting it.
	// AWS points a secondary at the current primary and moves it at every switchover and failover.
	"replicationSourceIdentifier": "AWS sets it on the secondary to the current primary and moves it at every switchover and failover",
	// The global cluster owns the version (provider docs, "Upgrading Engine Versions"): AWS upgrades
	// every member with it, and upgrades a version that reaches end of support itself.
	"engineVersion": "AWS upgrades members with the global cluster (and itself when a version reaches end of support)",
	// Only the home cluster's creation carries the credentials. After a failover the home cluster may
	// be the old primary rebuilt into the global database as a secondary (the runbook's rejoin
	// commands), created without them as AWS requires ("Cannot specify user name for cross region
	// replication cluster"); AWS then reports them from the global cluster, and masterUsername and
	// databaseName force replacement, which would delete the rebuilt cluster.
	"masterUsername": "a home cluster rebuilt as a secondary after a failover is created without it (forces replacement)",
	"masterPassword": "a home cluster rebuilt as a secondary after a failover is created without it (AWS refuses it on a secondary)",
	"databaseName":   "a home cluster rebuilt as a secondary after a failover is created without it (forces replacement)",
}

// ClusterIgnoredChanges is ClusterIgnoredChangeReasons' keys, sorted: the clusters' ignoreChanges.
var ClusterIgnoredChanges = sortedKeys(ClusterIgnoredChangeReasons)

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// credentials are what only the writer's creation carries.
type credentials struct {
	username, database string
	password           pulumi.StringInput
}

// newCluster creates a region's member cluster of the global database. Every input is the same
// whichever region writes now: the credentials go to the home cluster (created first) and the
// standby waits for the home cluster's instances, both facts of config, not of the current role.
func newCluster(ctx *pulumi.Context, reg *regional, global *rds.GlobalCluster, args *Args, creds *credentials, project, stack, name string, dependsOn []pulumi.Resource) (*rds.Cluster, error) {
	clusterArgs := &rds.ClusterArgs{
		Engine:                           pulumi.String(args.Engine),
		EngineVersion:                    pulumi.String(args.EngineVersion),
		EngineMode:                       pulumi.String("provisioned"),
		GlobalClusterIdentifier:          global.ID(),
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         reg.key.Arn,
		DbSubnetGroupName:                reg.subnets.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{reg.sg.ID()},
		DbClusterParameterGroupName:      reg.params.Name,
		Port:                             pulumi.Int(dbspec.Port(args.Engine)),
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		EnableGlobalWriteForwarding:      pulumi.Bool(args.WriteForwarding),
		BackupRetentionPeriod:            pulumi.Int(args.BackupRetentionDays),
		PreferredBackupWindow:            pulumi.String(args.BackupWindow),
		PreferredMaintenanceWindow:       pulumi.String(args.MaintenanceWindow),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		EnabledCloudwatchLogsExports:     pulumi.ToStringArray(dbspec.LogExports(args.Engine)),
		DeletionProtection:               pulumi.Bool(args.DeletionProtection),
		SkipFinalSnapshot:                pulumi.Bool(!args.Protect),
		Tags:                             nameTag(reg.prefix + "-cluster"),
	}
	if args.Protect {
		clusterArgs.FinalSnapshotIdentifier = pulumi.String(finalSnapshotIdentifier(project, stack, name, reg.args.Region))
	}
	if creds != nil {
		clusterArgs.MasterUsername = pulumi.String(creds.username)
		clusterArgs.MasterPassword = creds.password
		clusterArgs.DatabaseName = pulumi.String(creds.database)
	}
	opts := append(append([]pulumi.ResourceOption(nil), reg.opts...),
		pulumi.Protect(args.Protect),
		pulumi.IgnoreChanges(ClusterIgnoredChanges),
	)
	if len(dependsOn) > 0 {
		opts = append(opts, pulumi.DependsOn(dependsOn))
	}
	cluster, err := rds.NewCluster(ctx, reg.prefix+"-cluster", clusterArgs, opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: %w", reg.args.Region, err)
	}
	return cluster, nil
}

// newInstances creates a region's DB instances: private, Performance Insights encrypted with the
// region's key, enhanced monitoring when configured, automatic minor version upgrades. The first
// instance has promotion tier 0, the others 1, in either role.
func newInstances(ctx *pulumi.Context, reg *regional, cluster *rds.Cluster, args *Args) ([]*rds.ClusterInstance, error) {
	opts := append([]pulumi.ResourceOption(nil), reg.opts...)
	if reg.monitoring != nil {
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{reg.monitoring.attachment}))
	}
	var instances []*rds.ClusterInstance
	for i := 1; i <= reg.args.Instances; i++ {
		name := fmt.Sprintf("%s-%d", reg.prefix, i)
		tier := 1
		if i == 1 {
			tier = 0
		}
		instanceArgs := &rds.ClusterInstanceArgs{
			ClusterIdentifier:                  cluster.ID(),
			Engine:                             pulumi.String(args.Engine),
			InstanceClass:                      pulumi.String(args.InstanceClass),
			DbSubnetGroupName:                  reg.subnets.Name,
			PubliclyAccessible:                 pulumi.Bool(false),
			AutoMinorVersionUpgrade:            pulumi.Bool(true),
			PerformanceInsightsEnabled:         pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:        reg.key.Arn,
			PerformanceInsightsRetentionPeriod: pulumi.Int(args.PerformanceInsightsRetentionDays),
			MonitoringInterval:                 pulumi.Int(args.MonitoringIntervalSeconds),
			PromotionTier:                      pulumi.Int(tier),
			CopyTagsToSnapshot:                 pulumi.Bool(true),
			PreferredMaintenanceWindow:         pulumi.String(args.MaintenanceWindow),
			Tags:                               nameTag(name),
		}
		if reg.monitoring != nil {
			instanceArgs.MonitoringRoleArn = reg.monitoring.role.Arn
		}
		instance, err := rds.NewClusterInstance(ctx, name, instanceArgs, opts...)
		if err != nil {
			return nil, fmt.Errorf("instance %s: %w", name, err)
		}
		instances = append(instances, instance)
	}
	return instances, nil
}
