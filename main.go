// Command multi-region-ha is a Pulumi program that deploys a highly available web application across
// two AWS regions, active-passive, and fails over when the primary region goes dark.
//
// main.go only composes: it loads the typed stack configuration, makes one explicit AWS provider per
// region, and wires the components together through their typed outputs, one step per component.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
	"github.com/multi-region-ha/multi-region-ha/pkg/database"
	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/deploysettings"
	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge"
	"github.com/multi-region-ha/multi-region-ha/pkg/failover"
	"github.com/multi-region-ha/multi-region-ha/pkg/network"
	"github.com/multi-region-ha/multi-region-ha/pkg/observability"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// main runs the Pulumi program. Two subcommands work without AWS or the engine (which never passes
// arguments): `plan` prints what a stack builds, costs and survives, offline; `deployment-settings`
// checks or applies a stack's Pulumi Deployments settings.
func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "plan":
			os.Exit(plan.Main(os.Args[2:], run, os.Stdout, os.Stderr))
		case "deployment-settings":
			os.Exit(deploysettings.Main(os.Args[2:], os.Stdout, os.Stderr))
		}
	}
	pulumi.Run(run)
}

// run composes the whole stack. Tests drive the entire program through it under mocks.
func run(ctx *pulumi.Context) error {
	cfg, err := stacks.Load(ctx)
	if err != nil {
		return err
	}
	d := &deployment{cfg: cfg}
	steps := []struct {
		name string
		run  func(*pulumi.Context) error
	}{
		{"providers", d.newProviders},
		{"network", d.newNetworks},
		{"certificates", d.newCertificates},
		{"compute", d.newComputes},
		{"edge", d.newEdge},
		{"database", d.newDatabase},
		{"observability", d.newObservability},
		{"failover", d.newFailovers},
		{"detector", d.newDetectors},
		{"deployments", d.newDeployAccess},
	}
	for _, step := range steps {
		if err := step.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}
	return nil
}

// deployment carries what one step hands the next: the config and every component built so far.
type deployment struct {
	cfg *stacks.Config
	providerSet
	networkStep
	computeStep
	edgeStep
	databaseStep
	observabilityStep
	failoverStep
}

// activeRegion is the region that serves traffic and writes: the database writer, primaryRegion
// until an operator records a failover with database.writerRegion. Capacity, the Route 53 PRIMARY
// record and the alarms follow it; names never do, so the swap replaces nothing.
func (d *deployment) activeRegion() string { return d.cfg.WriterRegion() }

// standbyRegion is the other region.
func (d *deployment) standbyRegion() string { return d.cfg.ReaderRegion() }

// otherRegion returns the region of the pair that is not region.
func (d *deployment) otherRegion(region string) string {
	if region == d.cfg.PrimaryRegion {
		return d.cfg.SecondaryRegion
	}
	return d.cfg.PrimaryRegion
}

// export publishes a stack output. It is a variable so tests and the planner can watch the outputs,
// which the mock monitor never sees.
var export = func(ctx *pulumi.Context, name string, value pulumi.Input) { ctx.Export(name, value) }

// edgeRegion is where CloudFront's viewer certificate and its CLOUDFRONT-scope WebACL must live.
const edgeRegion = "us-east-1"

// providerSet holds one explicit AWS provider per region and one random provider. Nothing in the
// program uses an ambient default provider (the stack files disable them all).
type providerSet struct {
	providers map[string]*aws.Provider
	random    *random.Provider
}

// newProviders creates a provider per region, plus one for us-east-1 when neither region is it.
// Providers are named by region, not role, so swapping primaryRegion and secondaryRegion after a
// failover changes no URN.
func (d *deployment) newProviders(ctx *pulumi.Context) error {
	var err error
	if d.random, err = random.NewProvider(ctx, "random", &random.ProviderArgs{}); err != nil {
		return err
	}
	d.providers = map[string]*aws.Provider{}
	regions := d.cfg.Regions()
	if regions[0] != edgeRegion && regions[1] != edgeRegion {
		regions = append(regions, edgeRegion)
	}
	for _, region := range regions {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{
			Region: pulumi.String(region),
			DefaultTags: &aws.ProviderDefaultTagsArgs{
				Tags: pulumi.ToStringMap(d.cfg.DefaultTags()),
			},
		})
		if err != nil {
			return err
		}
		d.providers[region] = p
	}
	return nil
}

// provider returns the provider of region.
func (d *deployment) provider(region string) *aws.Provider { return d.providers[region] }

// edgeProvider returns the us-east-1 provider used for CloudFront's certificate and WAF.
func (d *deployment) edgeProvider() *aws.Provider { return d.providers[edgeRegion] }

type networkStep struct {
	networks map[string]*network.Network // by region
}

// newNetworks builds one Network per region from the same component, on that region's provider.
func (d *deployment) newNetworks(ctx *pulumi.Context) error {
	d.networks = map[string]*network.Network{}
	vpcIds := pulumi.StringMap{}
	public, private, database := pulumi.StringArrayMap{}, pulumi.StringArrayMap{}, pulumi.StringArrayMap{}
	for _, r := range []struct {
		region string
		cfg    stacks.RegionNetwork
	}{{d.cfg.PrimaryRegion, d.cfg.Network.Primary}, {d.cfg.SecondaryRegion, d.cfg.Network.Secondary}} {
		n, err := network.NewNetwork(ctx, "network-"+r.region, &network.Args{
			Cidr:                 r.cfg.Cidr,
			AvailabilityZones:    r.cfg.Azs,
			AzCount:              d.cfg.Network.AzCount,
			PublicSubnets:        r.cfg.PublicSubnets,
			PrivateSubnets:       r.cfg.PrivateSubnets,
			DatabaseSubnets:      r.cfg.DatabaseSubnets,
			NatGateways:          d.cfg.Network.NatGateways,
			DatabasePorts:        []int{d.cfg.Database.Port()},
			FlowLogRetentionDays: d.cfg.Network.FlowLogRetentionDays,
			Protect:              d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(r.region)))
		if err != nil {
			return err
		}
		d.networks[r.region] = n
		vpcIds[r.region] = n.VpcId
		public[r.region] = n.PublicSubnetIds
		private[r.region] = n.PrivateSubnetIds
		database[r.region] = n.DatabaseSubnetIds
	}
	export(ctx, "vpcIds", vpcIds)
	export(ctx, "publicSubnetIds", public)
	export(ctx, "privateSubnetIds", private)
	export(ctx, "databaseSubnetIds", database)
	return nil
}

// regionNetwork returns the network config of region (primary or secondary).
func (d *deployment) regionNetwork(region string) stacks.RegionNetwork {
	if region == d.cfg.PrimaryRegion {
		return d.cfg.Network.Primary
	}
	return d.cfg.Network.Secondary
}

type computeStep struct {
	computes map[string]*compute.Compute // by region
	// originSecret is the one X-Origin-Verify value both ALBs accept and CloudFront sends.
	originSecret pulumi.StringOutput
}

// newComputes builds the application tier of both regions from the same component. The active
// region (the database writer) gets the configured capacity, the other the warm standby, which can
// scale to the same maximum on failover.
func (d *deployment) newComputes(ctx *pulumi.Context) error {
	// One secret for both regions: CloudFront's default behaviour targets the failover origin name,
	// which resolves to either ALB, with a single header value. Letters and digits only, because the
	// ALB reads '*' and '?' in a header condition as wildcards.
	secret, err := random.NewRandomPassword(ctx, "origin-verify-secret", &random.RandomPasswordArgs{
		Length:  pulumi.Int(48),
		Special: pulumi.Bool(false),
	}, pulumi.Provider(d.random))
	if err != nil {
		return err
	}
	d.originSecret = pulumi.ToSecret(secret.Result).(pulumi.StringOutput)

	c := d.cfg.Compute
	d.computes = map[string]*compute.Compute{}
	albs, asgs := pulumi.StringMap{}, pulumi.StringMap{}
	for _, region := range d.cfg.Regions() {
		active := region == d.activeRegion()
		role := compute.RoleSecondary
		if active {
			role = compute.RolePrimary
		}
		minSize, maxSize, desired := c.Capacity(active)
		n := d.networks[region]
		comp, err := compute.NewCompute(ctx, "compute-"+region, &compute.Args{
			VpcId:                  n.VpcId,
			PublicSubnetIds:        n.PublicSubnetIds,
			PrivateSubnetIds:       n.PrivateSubnetIds,
			DatabaseSubnetCidrs:    d.regionNetwork(region).DatabaseSubnets,
			DatabasePort:           d.cfg.Database.Port(),
			CertificateArn:         d.certificates.RegionalCertificateArn(region),
			OriginVerifySecret:     d.originSecret,
			Role:                   role,
			InstanceType:           c.InstanceType,
			AmiSsmParameter:        c.AmiSsmParameter,
			UserData:               c.UserDataScript,
			MinSize:                minSize,
			MaxSize:                maxSize,
			DesiredCapacity:        desired,
			AppPort:                c.AppPort,
			HealthCheckPath:        c.HealthCheckPath,
			HealthCheckGracePeriod: c.HealthCheckGracePeriod,
			RootVolumeSize:         c.RootVolumeSize,
			RootDeviceName:         c.RootDeviceName,
			DeletionProtection:     d.cfg.IsProd(),
			AccessLogRetentionDays: c.AccessLogRetentionDays,
			Tags:                   d.cfg.DefaultTags(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		d.computes[region] = comp
		albs[region] = comp.AlbDnsName
		asgs[region] = comp.AutoScalingGroupName
	}
	export(ctx, "albDnsNames", albs)
	export(ctx, "autoScalingGroupNames", asgs)
	return nil
}

type edgeStep struct {
	certificates *edge.Certificates
	edge         *edge.Edge
}

// newCertificates looks up (or creates) the hosted zone and issues the ALB certificates of both
// regions and CloudFront's viewer certificate in us-east-1. It runs before compute, whose
// listeners need their region's certificate.
func (d *deployment) newCertificates(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	certs, err := edge.NewCertificates(ctx, "certificates", &edge.CertificatesArgs{
		DomainName:        e.DomainName,
		CreateHostedZone:  e.CreateHostedZone,
		Names:             e.Names(),
		Regions:           d.cfg.Regions(),
		RegionalProviders: d.providers,
		EdgeProvider:      d.edgeProvider(),
		Protect:           d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.certificates = certs
	if e.CreateHostedZone {
		export(ctx, "nameServers", certs.NameServers)
	}
	return nil
}

// newEdge puts CloudFront, WAF and the Route 53 failover records in front of both regions. The
// active region's ALB is the PRIMARY record.
func (d *deployment) newEdge(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	origin := func(region string) edge.RegionOrigin {
		c := d.computes[region]
		return edge.RegionOrigin{
			Region:               region,
			Provider:             d.provider(region),
			AlbDnsName:           c.AlbDnsName,
			AlbZoneId:            c.AlbZoneId,
			AlbArnSuffix:         c.AlbArnSuffix,
			TargetGroupArnSuffix: c.TargetGroupArnSuffix,
		}
	}
	ed, err := edge.NewEdge(ctx, "edge", &edge.Args{
		EdgeProvider:                d.edgeProvider(),
		Names:                       e.Names(),
		ZoneId:                      d.certificates.ZoneId,
		ViewerCertificateArn:        d.certificates.ViewerCertificateArn,
		OriginVerifySecret:          d.originSecret,
		Primary:                     origin(d.activeRegion()),
		Secondary:                   origin(d.standbyRegion()),
		PriceClass:                  e.PriceClass,
		WafRateLimit:                e.WafRateLimit,
		HealthCheckIntervalSeconds:  e.HealthCheckIntervalSeconds,
		HealthCheckFailureThreshold: e.HealthCheckFailureThreshold,
		LogRetentionDays:            e.LogRetentionDays,
		Protect:                     d.cfg.IsProd(),
		ProbePath:                   d.probePath(),
	})
	if err != nil {
		return err
	}
	d.edge = ed
	export(ctx, "url", ed.Url)
	export(ctx, "distributionId", ed.DistributionId)
	export(ctx, "failoverRecordName", ed.FailoverRecordName)
	export(ctx, "healthCheckId", ed.HealthCheckId)
	return nil
}

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
		WriteForwarding:                  db.WriteForwarding,
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

type observabilityStep struct {
	observability *observability.Observability
}

// newObservability watches both regions and the edge: alarms to each region's topic, one
// dashboard, cross-region backups, the budget and (optionally) AWS Config.
func (d *deployment) newObservability(ctx *pulumi.Context) error {
	o := d.cfg.Observability
	targets := func(region string) observability.RegionTargets {
		c := d.computes[region]
		minSize, _, _ := d.cfg.Compute.Capacity(region == d.activeRegion())
		return observability.RegionTargets{
			Region:               region,
			Provider:             d.provider(region),
			Writer:               region == d.activeRegion(),
			AlbArnSuffix:         c.AlbArnSuffix,
			TargetGroupArnSuffix: c.TargetGroupArnSuffix,
			AutoScalingGroupName: c.AutoScalingGroupName,
			MinInstances:         minSize,
			ClusterIdentifier:    d.database.ClusterIdentifiers.MapIndex(pulumi.String(region)),
			ClusterArn:           d.database.ClusterArns.MapIndex(pulumi.String(region)),
		}
	}
	obs, err := observability.NewObservability(ctx, "observability", &observability.Args{
		Primary:               targets(d.activeRegion()),
		Secondary:             targets(d.standbyRegion()),
		EdgeProvider:          d.edgeProvider(),
		DistributionId:        d.edge.DistributionId,
		WebAclName:            d.edge.WebAclMetricName,
		HealthCheckId:         d.edge.HealthCheckId,
		AlarmEmails:           o.AlarmEmails,
		MonthlyBudgetUsd:      o.MonthlyBudgetUsd,
		BudgetTagKey:          "Stack",
		BudgetTagValue:        d.cfg.Stack,
		BackupRetentionDays:   o.BackupRetentionDays,
		BackupSchedule:        o.BackupSchedule,
		EnableAwsConfig:       o.EnableAwsConfig,
		ReplicationLagAlarmMs: o.ReplicationLagAlarmMs,
		Protect:               d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.observability = obs
	export(ctx, "alarmTopicArns", obs.TopicArns)
	export(ctx, "dashboardUrl", obs.DashboardUrl)
	export(ctx, "backupVaultArns", obs.BackupVaultArns)
	export(ctx, "budgetName", obs.BudgetName)
	export(ctx, "regionUnhealthyAlarmNames", obs.RegionUnhealthyAlarmNames)
	return nil
}

type failoverStep struct {
	failovers map[string]*failover.Failover // by region
}

// runbookLogDays is the retention of the runbook's and the detector's logs.
func (d *deployment) runbookLogDays() int {
	if d.cfg.IsProd() {
		return 365
	}
	return 90
}

// newFailovers puts the failover runbook (a Step Functions state machine) in each region, each
// promoting only its own region. Nothing here starts one: a person does, or the detector of the
// same region (database.autoFailover: auto).
func (d *deployment) newFailovers(ctx *pulumi.Context) error {
	minSize, maxSize, desired := d.cfg.Compute.Capacity(true)
	arns := pulumi.StringMap{}
	d.failovers = map[string]*failover.Failover{}
	for _, region := range d.cfg.Regions() {
		other := d.otherRegion(region)
		f, err := failover.NewFailover(ctx, "failover-"+region, &failover.Args{
			Region:                  region,
			GlobalClusterIdentifier: d.database.GlobalClusterId,
			TargetClusterArn:        d.database.ClusterArns.MapIndex(pulumi.String(region)),
			ClusterArns: pulumi.StringArray{
				d.database.ClusterArns.MapIndex(pulumi.String(region)),
				d.database.ClusterArns.MapIndex(pulumi.String(other)),
			},
			AutoScalingGroupName: d.computes[region].AutoScalingGroupName,
			MinSize:              minSize,
			DesiredCapacity:      desired,
			MaxSize:              maxSize,
			TopicArn:             d.observability.TopicArns.MapIndex(pulumi.String(region)),
			TopicKmsKeyArn:       d.observability.KmsKeyArns.MapIndex(pulumi.String(region)),
			LogRetentionDays:     d.runbookLogDays(),
			Protect:              d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		d.failovers[region] = f
		arns[region] = f.StateMachineArn
	}
	export(ctx, "failoverStateMachineArns", arns)
	return nil
}

// probePath is the liveness path CloudFront's /_probe/<region>/* behaviours are rewritten to, for
// the detectors; empty (no probe behaviours) while database.autoFailover is off.
func (d *deployment) probePath() string {
	if d.cfg.Database.AutoFailover == detector.ModeOff {
		return ""
	}
	return d.cfg.Compute.HealthCheckPath
}

// newDetectors builds, with database.autoFailover notify or auto, one detector per region on that
// region's provider: each watches the other region (its application through CloudFront, the
// replication its own cluster sees) and may start only its own region's runbook, so automation keeps
// working after a failover with no deploy. Its only inputs from the other region are probe targets:
// the pinned CloudFront URL and the other cluster's ARN (read-only).
func (d *deployment) newDetectors(ctx *pulumi.Context) error {
	db := d.cfg.Database
	if db.AutoFailover == detector.ModeOff {
		return nil
	}
	out := pulumi.Map{}
	for _, region := range d.cfg.Regions() {
		other := d.otherRegion(region)
		det, err := detector.New(ctx, "detector-"+region, &detector.Args{
			Region:                  region,
			WatchedRegion:           other,
			Mode:                    db.AutoFailover,
			AfterMinutes:            db.AutoFailoverAfterMinutes,
			ProbeUrl:                edge.ProbeURL(d.cfg.Edge.Names().Viewer(), other, d.cfg.Compute.HealthCheckPath),
			GlobalClusterIdentifier: d.database.GlobalClusterId,
			ClusterIdentifier:       d.database.ClusterIdentifiers.MapIndex(pulumi.String(region)),
			ClusterArn:              d.database.ClusterArns.MapIndex(pulumi.String(region)),
			WatchedClusterArn:       d.database.ClusterArns.MapIndex(pulumi.String(other)),
			StateMachineArn:         d.failovers[region].StateMachineArn,
			TopicArn:                d.observability.TopicArns.MapIndex(pulumi.String(region)),
			LogRetentionDays:        d.runbookLogDays(),
			Protect:                 d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		out[region] = pulumi.Map{
			"functionName":      det.FunctionName,
			"logGroupName":      det.LogGroupName,
			"promoteAlarmName":  det.PromoteAlarmName,
			"degradedAlarmName": det.DegradedAlarmName,
			"startRuleName":     det.StartRuleName,
			"scheduleRuleName":  det.ScheduleRuleName,
		}
	}
	export(ctx, "failoverDetectors", out)
	return nil
}

// newDeployAccess creates the IAM OIDC provider for Pulumi Deployments and the stack's deploy role,
// when deployments.oidc is on.
func (d *deployment) newDeployAccess(ctx *pulumi.Context) error {
	dep := d.cfg.Deployments
	if !dep.Oidc {
		return nil
	}
	// IAM is global: the us-east-1 provider is one a failover never changes.
	access, err := deployaccess.NewDeployAccess(ctx, "deploy-access", &deployaccess.Args{
		Organization:   dep.Organization,
		Project:        stacks.Namespace,
		Stacks:         dep.Stacks,
		Issuer:         dep.Issuer,
		CreateProvider: dep.CreateProvider,
		RoleName:       deployaccess.RoleName(stacks.Namespace, d.cfg.Stack),
		PolicyArns:     dep.PolicyArns,
	}, pulumi.Provider(d.edgeProvider()))
	if err != nil {
		return err
	}
	export(ctx, "deployRoleArn", access.RoleArn)
	return nil
}
