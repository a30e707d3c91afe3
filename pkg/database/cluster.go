package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
)

// ClusterIgnoredChanges are the cluster inputs `pulumi up` must never act on after creation, on
// both clusters alike (which one writes changes with a switchover, the ignore list must not):
//   - masterUsername, masterPassword, databaseName: only the writer's creation carries them (AWS
//     rejects them on a cross-region member); after a switchover they would appear on the new writer
//     and vanish from the old one. masterUsername and databaseName force replacement.
//   - globalClusterIdentifier, replicationSourceIdentifier: a managed switchover or failover (or a
//     detach during an outage) rewrites membership; acting on it would detach or re-create a cluster.
//   - engineVersion: the global cluster owns the version and upgrades its members (the provider's
//     documented pattern); members report the version AWS upgraded them to.
//   - snapshotIdentifier, sourceRegion: never set here; a cluster restored from a snapshot by an
//     operator must not be re-created to drop them.
var ClusterIgnoredChanges = []string{
	"masterUsername", "masterPassword", "databaseName",
	"globalClusterIdentifier", "replicationSourceIdentifier",
	"engineVersion", "snapshotIdentifier", "sourceRegion",
}

// credentials are what only the writer's creation carries.
type credentials struct {
	username, database string
	password           pulumi.StringInput
}

// newCluster creates a region's member cluster of the global database. Every input is the same
// whether the region writes or reads, except the credentials (writer only, ignored afterwards) and
// the dependency on the writer's instances (reader only; dependencies never replace).
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
