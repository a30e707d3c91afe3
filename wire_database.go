package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database"
)

type databaseStep struct {
	database *database.GlobalDatabase
}

// newDatabase builds one Aurora Global Database across both regions: the writer cluster in the
// active region, the read-only secondary in the other, each admitting only its own region's
// instances. Nothing in compute or edge waits for it: instances read the endpoint from the secret
// at boot, so a first `pulumi up` is not serialised behind Aurora's creation.
func (d *deployment) newDatabase(ctx *pulumi.Context) error {
	db := d.cfg.Database
	region := func(r string) database.RegionArgs {
		return database.RegionArgs{
			Region:                r,
			Provider:              d.provider(r),
			VpcId:                 d.networks[r].VpcId,
			SubnetIds:             d.networks[r].DatabaseSubnetIds,
			ClientSecurityGroupId: d.computes[r].AppSecurityGroupId,
			ClientRoleName:        d.computes[r].InstanceRoleName,
			Instances:             d.cfg.DatabaseInstances(r),
		}
	}
	g, err := database.NewGlobalDatabase(ctx, "database", &database.Args{
		Writer: region(d.activeRegion()),
		Reader: region(d.standbyRegion()),
		// The global cluster and the credentials secret live in the home region, which a failover
		// never changes, so swapping writer and reader replaces nothing.
		HomeRegion:                       d.cfg.PrimaryRegion,
		RandomProvider:                   d.random,
		Engine:                           db.Engine,
		EngineVersion:                    db.EngineVersion,
		InstanceClass:                    db.InstanceClass,
		DatabaseName:                     db.DatabaseName,
		MasterUsername:                   db.MasterUsername,
		BackupRetentionDays:              db.BackupRetentionDays,
		PerformanceInsightsRetentionDays: db.PerformanceInsightsRetentionDays,
		MonitoringIntervalSeconds:        db.MonitoringIntervalSeconds,
		RpoSeconds:                       db.RpoSeconds,
		DeletionProtection:               db.DeletionProtection,
		Protect:                          d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.database = g
	export(ctx, "globalClusterId", g.GlobalClusterId)
	export(ctx, "databaseWriterEndpoint", g.PrimaryEndpoint)
	export(ctx, "databaseReaderEndpoints", g.ReaderEndpoints)
	export(ctx, "databaseSecretArns", g.SecretArns)
	export(ctx, "databaseWriterRegion", g.WriterRegion)
	return nil
}
