// Command multi-region-ha is a Pulumi program that deploys a highly available web application across
// two AWS regions, active-passive, and fails over when the primary region goes dark.
//
// main.go only composes: it loads the typed stack configuration, makes one explicit AWS provider per
// region, and wires the components together through their typed outputs, one step per component.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
	"github.com/multi-region-ha/multi-region-ha/pkg/database"
	"github.com/multi-region-ha/multi-region-ha/pkg/deployaccess"
	"github.com/multi-region-ha/multi-region-ha/pkg/deploysettings"
	"github.com/multi-region-ha/multi-region-ha/pkg/detector"
	"github.com/multi-region-ha/multi-region-ha/pkg/drill"
	"github.com/multi-region-ha/multi-region-ha/pkg/drills"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge"
	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
	"github.com/multi-region-ha/multi-region-ha/pkg/failover"
	"github.com/multi-region-ha/multi-region-ha/pkg/guardrails"
	"github.com/multi-region-ha/multi-region-ha/pkg/network"
	"github.com/multi-region-ha/multi-region-ha/pkg/observability"
	"github.com/multi-region-ha/multi-region-ha/pkg/ops/cli"
	"github.com/multi-region-ha/multi-region-ha/pkg/patching"
	"github.com/multi-region-ha/multi-region-ha/pkg/pin"
	"github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/pkg/stackoutputs"
	"github.com/multi-region-ha/multi-region-ha/pkg/targets"
	"github.com/multi-region-ha/multi-region-ha/pkg/verify"
	"github.com/multi-region-ha/multi-region-ha/pkg/zonalshift"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// init hands the program to `guardrails`, which evaluates it offline.
func init() { guardrails.Program = run }

// main runs the Pulumi program under the engine (which sets PULUMI_MONITOR and passes no
// arguments); anywhere else it is the operator's command line: `go run .` lists the commands,
// `go run . <command> --help` explains one (pkg/ops/cli holds what they share).
func main() {
	if os.Getenv(pulumi.EnvMonitor) != "" {
		pulumi.Run(run)
		return
	}
	os.Exit(cli.Dispatch(commands(), os.Args[1:], os.Stdout, os.Stderr))
}

// commands are the operator subcommands, in the order an operator meets them: offline first
// (plan, guardrails, targets), then those that talk to AWS or Pulumi Cloud.
func commands() []cli.Entry {
	withProgram := func(main func([]string, pulumi.RunFunc, io.Writer, io.Writer) int) func([]string, io.Writer, io.Writer) int {
		return func(args []string, stdout, stderr io.Writer) int { return main(args, run, stdout, stderr) }
	}
	return []cli.Entry{
		{Command: plan.Command, Main: withProgram(plan.Main)},
		{Command: guardrails.Command, Main: guardrails.Main},
		{Command: targets.Command, Main: withProgram(targets.Main)},
		{Command: pin.Command, Main: pin.Main},
		{Command: deploysettings.Command, Main: deploysettings.Main},
		{Command: drill.Command, Main: drill.Main},
		{Command: verify.Command, Main: verify.Main},
	}
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
		{"boundary", d.newBoundary},
		{"key users", d.newKeyUsers},
		{"network", d.newNetworks},
		{"certificates", d.newCertificates},
		{"compute", d.newComputes},
		{"edge", d.newEdge},
		{"database", d.newDatabase},
		{"observability", d.newObservability},
		{"patching", d.newPatching},
		{"failover", d.newFailovers},
		{"drills", d.newDrills},
		{"zonal autoshift", d.newZonalAutoshift},
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

// Which region writes is runtime state (a switchover, failover or failback moves it with no deploy),
// so nothing below asks it: every choice is by home region (primaryRegion) and standby
// (secondaryRegion), facts of config that never flip, or per region.

// isHome reports whether region is the home region (primaryRegion).
func (d *deployment) isHome(region string) bool { return region == d.cfg.PrimaryRegion }

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
	for _, region := range d.cfg.ProviderRegions() {
		p, err := aws.NewProvider(ctx, "aws-"+region, providerArgs(d.cfg, region))
		if err != nil {
			return err
		}
		d.providers[region] = p
	}
	return nil
}

// providerArgs are the settings of region's provider. Every provider refuses credentials of another
// account (allowedAccountIds), so a deploy with the wrong credentials stops before it changes
// anything. The provider of unavailableRegion instead configures without any call to that region: the
// engine configures every provider the program registers, even under --target (pulumi/pulumi#17746),
// and an aws provider calls STS (credential validation) and IAM/STS (account id) at configure time
// unless told not to. allowedAccountIds needs the account id those calls return, so that provider
// goes without it, and its STS calls (assuming a role) go to the surviving region (stsRegion).
// The metadata API stays on, explicitly: it is local to the host, not to a region, and
// skipMetadataApiCheck would also stop the provider authenticating with the host's instance role
// (an EC2 or CodeBuild runner); pulumi-aws defaulted it to true before pulumi/pulumi-aws#3960.
// Nothing else differs.
func providerArgs(cfg *stacks.Config, region string) *aws.ProviderArgs {
	args := &aws.ProviderArgs{
		Region: pulumi.String(region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.ToStringMap(cfg.DefaultTags()),
		},
		AllowedAccountIds: pulumi.StringArray{pulumi.String(cfg.AccountId)},
	}
	if region == cfg.UnavailableRegion {
		args.AllowedAccountIds = nil
		args.SkipCredentialsValidation = pulumi.Bool(true)
		args.SkipRequestingAccountId = pulumi.Bool(true)
		args.SkipMetadataApiCheck = pulumi.Bool(false) // keep instance-role credentials (see above)
		// Credentials that assume a role (a profile's role_arn, SSO, web identity) call STS in the
		// provider's region unless stsRegion says otherwise; the dark region's STS cannot answer.
		args.StsRegion = pulumi.String(survivingRegion(cfg, region))
	}
	return args
}

// survivingRegion is the region whose STS the provider of dark uses: the first of the stack's two
// regions that is not dark (the primary when the edge region us-east-1 is the dark one and neither
// of the pair).
func survivingRegion(cfg *stacks.Config, dark string) string {
	for _, r := range cfg.Regions() {
		if r != dark {
			return r
		}
	}
	return cfg.PrimaryRegion
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
			AccountId:            d.cfg.AccountId,
			Region:               r.region,
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

// newComputes builds the application tier of both regions from the same component. The home region
// gets the configured sizes, the standby its warm-standby sizes, both the same maximum; after a
// failover the runbook raises the promoted region's desired capacity and target tracking follows the
// traffic, so no size here depends on which region writes.
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
	albs, asgs, tgs, albArns := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, region := range d.cfg.Regions() {
		role := compute.RoleSecondary
		if d.isHome(region) {
			role = compute.RolePrimary
		}
		minSize, maxSize, desired := c.Capacity(d.isHome(region))
		n := d.networks[region]
		comp, err := compute.NewCompute(ctx, "compute-"+region, &compute.Args{
			VpcId:                     n.VpcId,
			PublicSubnetIds:           n.PublicSubnetIds,
			PrivateSubnetIds:          n.PrivateSubnetIds,
			DatabaseSubnetCidrs:       d.regionNetwork(region).DatabaseSubnets,
			DatabasePort:              d.cfg.Database.Port(),
			CertificateArn:            d.certificates.RegionalCertificateArn(region),
			OriginVerifySecret:        d.originSecret,
			Role:                      role,
			AccountId:                 d.cfg.AccountId,
			Region:                    region,
			CloudFrontPrefixListId:    d.cfg.PrefixLists(region).CloudFront,
			ElbAccountId:              d.cfg.ElbAccountId(region),
			InstanceType:              c.InstanceType,
			AmiId:                     d.cfg.AmiId(region),
			UserData:                  c.UserDataScript,
			MinSize:                   minSize,
			MaxSize:                   maxSize,
			DesiredCapacity:           desired,
			TargetRequestsPerInstance: c.TargetRequestsPerInstance,
			AppPort:                   c.AppPort,
			HealthCheckPath:           c.HealthCheckPath,
			HealthCheckGracePeriod:    c.HealthCheckGracePeriod,
			RootVolumeSize:            c.RootVolumeSize,
			RootDeviceName:            c.RootDeviceName,
			DeletionProtection:        d.cfg.IsProd(),
			AccessLogRetentionDays:    c.AccessLogRetentionDays,
			Tags:                      d.cfg.DefaultTags(),
			InstanceTags:              map[string]string{patching.PatchGroupTag: d.cfg.PatchGroup()},

			// Traffic (issue #12): Route 53's checkers' prefix list, and where the default application
			// finds the database.
			HealthCheckPrefixListId: pulumi.String(d.cfg.PrefixLists(region).HealthCheck),
			HealthCheckHost:         d.cfg.Edge.Names().Regional(region),
			Database: compute.DatabaseDiscovery{
				GlobalClusterIdentifier: database.GlobalClusterIdentifier(ctx.Project(), ctx.Stack(), databaseName),
				SecretNamePrefix:        database.SecretNamePrefix(databaseName),
				WriteForwarding:         d.cfg.Database.WriteForwarding,
			},
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		d.computes[region] = comp
		albs[region] = comp.AlbDnsName
		asgs[region] = comp.AutoScalingGroupName
		tgs[region] = comp.TargetGroupArn
		albArns[region] = comp.AlbArn
	}
	export(ctx, stackoutputs.AlbDNSNames, albs)
	// go run . drill az and verify start and check zonal shifts on each ALB by its ARN.
	export(ctx, stackoutputs.AlbArns, albArns)
	export(ctx, "autoScalingGroupNames", asgs)
	// go run . drill reads the target groups' health while a drill runs.
	export(ctx, stackoutputs.TargetGroupArns, tgs)
	return nil
}

type edgeStep struct {
	certificates *edge.Certificates
	edge         *edge.Edge
}

// newCertificates takes the pinned (or creates the) hosted zone and issues the ALB certificates of both
// regions and CloudFront's viewer certificate in us-east-1. It runs before compute, whose
// listeners need their region's certificate.
func (d *deployment) newCertificates(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	certs, err := edge.NewCertificates(ctx, "certificates", &edge.CertificatesArgs{
		DomainName:        e.DomainName,
		CreateHostedZone:  e.CreateHostedZone,
		HostedZoneId:      e.HostedZoneId,
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
// home region (primaryRegion) is the PRIMARY record and the other the SECONDARY, always: which region
// writes reaches the edge only through the applications' answers to the health checks.
func (d *deployment) newEdge(ctx *pulumi.Context) error {
	e := d.cfg.Edge
	origin := func(region string) edge.RegionOrigin {
		c := d.computes[region]
		return edge.RegionOrigin{Region: region, AlbDnsName: c.AlbDnsName, AlbZoneId: c.AlbZoneId}
	}
	ed, err := edge.NewEdge(ctx, "edge", &edge.Args{
		AccountId:                   d.cfg.AccountId,
		EdgeProvider:                d.edgeProvider(),
		Names:                       e.Names(),
		ZoneId:                      d.certificates.ZoneId,
		ViewerCertificateArn:        d.certificates.ViewerCertificateArn,
		OriginVerifySecret:          d.originSecret,
		Primary:                     origin(d.cfg.PrimaryRegion),
		Secondary:                   origin(d.cfg.SecondaryRegion),
		PriceClass:                  e.PriceClass,
		WafRateLimit:                e.WafRateLimit,
		HealthCheckIntervalSeconds:  e.HealthCheckIntervalSeconds,
		HealthCheckFailureThreshold: e.HealthCheckFailureThreshold,
		LivenessPath:                d.cfg.Compute.HealthCheckPath,
		PrimaryPath:                 compute.PrimaryPath,
		LogRetentionDays:            e.LogRetentionDays,
		Protect:                     d.cfg.IsProd(),
		ProbePath:                   d.probePath(),
	})
	if err != nil {
		return err
	}
	d.edge = ed
	export(ctx, stackoutputs.URL, ed.Url)
	export(ctx, "distributionId", ed.DistributionId)
	export(ctx, "failoverRecordName", ed.FailoverRecordName)
	export(ctx, stackoutputs.HealthCheckID, ed.HealthCheckId)
	export(ctx, stackoutputs.HealthCheckIDs, d.operatorHealthCheckIds())
	if probes := d.regionProbeUrls(); probes != nil {
		export(ctx, stackoutputs.RegionProbeURLs, probes)
	}
	return nil
}

// operatorHealthCheckIds are the health checks `go run . verify` and `go run . drill` read: the
// PRIMARY failover record's (the calculated "<home>-serves") and each region's liveness and
// global-primary checks, under the keys of pkg/stackoutputs.
func (d *deployment) operatorHealthCheckIds() pulumi.StringMap {
	out := pulumi.StringMap{stackoutputs.PrimaryRecordCheck: d.edge.HealthCheckId}
	at := func(key string) pulumi.StringOutput { return d.edge.HealthCheckIds.MapIndex(pulumi.String(key)) }
	for _, region := range d.cfg.Regions() {
		out[stackoutputs.LivenessCheck(region)] = at(edgecalc.CheckKey(region, edgecalc.CheckLive))
		out[stackoutputs.GlobalPrimaryCheck(region)] = at(edgecalc.CheckKey(region, edgecalc.CheckPrimary))
	}
	return out
}

// regionProbeUrls are the URLs that reach only one region's application through CloudFront: the
// detectors' /_probe/<region>/* behaviours, which exist only while database.autoFailover is not
// off (nil then). They are rewritten to the liveness path, so no URL outside Route 53's checkers
// reaches a region's global-primary path; `go run . verify` says so and reads those checks instead.
func (d *deployment) regionProbeUrls() pulumi.StringMap {
	if d.probePath() == "" {
		return nil
	}
	out := pulumi.StringMap{}
	for _, region := range d.cfg.Regions() {
		out[region] = pulumi.String(edge.ProbeURL(d.cfg.Edge.Names().Viewer(), region, d.probePath()))
	}
	return out
}

// databaseName is the database component's name ("database" in newDatabase; a test keeps them equal):
// compute's default application finds the global cluster and its credentials secret by it.
const databaseName = "database"

type databaseStep struct {
	database *database.GlobalDatabase
}

// newDatabase builds one Aurora Global Database across both regions: created in the home region,
// joined by the standby's secondary, each admitting only its own region's instances. Which cluster
// writes is runtime state; the program never asks. Nothing in compute or edge waits for it: instances read the endpoint from the secret
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
		AccountId:                        d.cfg.AccountId,
		Home:                             region(d.cfg.PrimaryRegion),
		Standby:                          region(d.cfg.SecondaryRegion),
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
	export(ctx, stackoutputs.GlobalClusterID, g.GlobalClusterId)
	// The global writer endpoint follows the writer through every switchover and failover.
	export(ctx, "databaseWriterEndpoint", g.GlobalEndpoint)
	export(ctx, "databaseReaderEndpoints", g.ReaderEndpoints)
	export(ctx, "databaseSecretArns", g.SecretArns)
	// go run . verify and drill read each region's replication lag by cluster identifier.
	export(ctx, stackoutputs.DatabaseClusterIDs, g.ClusterIdentifiers)
	return nil
}

type observabilityStep struct {
	observability *observability.Observability
}

// newObservability watches both regions and the edge with the same resources in each region
// (alarms, composite, dashboard, topic, backups with a copy to the other region), the budget and
// the health-check alarms on us-east-1, and (optionally) AWS Config.
func (d *deployment) newObservability(ctx *pulumi.Context) error {
	o := d.cfg.Observability
	targets := func(region string) observability.RegionTargets {
		c := d.computes[region]
		minSize, _, _ := d.cfg.Compute.Capacity(d.isHome(region))
		return observability.RegionTargets{
			Region:               region,
			Provider:             d.provider(region),
			AlbArnSuffix:         c.AlbArnSuffix,
			TargetGroupArnSuffix: c.TargetGroupArnSuffix,
			AutoScalingGroupName: c.AutoScalingGroupName,
			MinInstances:         minSize,
			ClusterIdentifier:    d.database.ClusterIdentifiers.MapIndex(pulumi.String(region)),
			ClusterArn:           d.database.ClusterArns.MapIndex(pulumi.String(region)),
		}
	}
	obs, err := observability.NewObservability(ctx, "observability", &observability.Args{
		AccountId:      d.cfg.AccountId,
		Primary:        targets(d.cfg.PrimaryRegion),
		Secondary:      targets(d.cfg.SecondaryRegion),
		EdgeProvider:   d.edgeProvider(),
		DistributionId: d.edge.DistributionId,
		WebAclName:     d.edge.WebAclMetricName,
		// Route 53 health-check metrics exist only in us-east-1: the alarms live there. They watch
		// each region's liveness check ("<region>-live"), which means the same whichever region
		// writes. The PRIMARY record's calculated check is only graphed (see
		// observability.Args.RoutingHealthCheckId): it is unhealthy for the whole time the standby
		// legitimately serves after a failover.
		HealthCheckIds:        d.livenessCheckIds(),
		RoutingHealthCheckId:  d.edge.HealthCheckId,
		AlarmEmails:           o.AlarmEmails,
		MonthlyBudgetUsd:      o.MonthlyBudgetUsd,
		BudgetTagKey:          "Stack",
		BudgetTagValue:        d.cfg.Stack,
		ActivateBudgetTag:     o.ActivateCostAllocationTag,
		BackupRetentionDays:   o.BackupRetentionDays,
		BackupSchedule:        o.BackupSchedule,
		EnableAwsConfig:       o.EnableAwsConfig,
		AccessAnalyzer:        o.AccessAnalyzer,
		IntendedAccess:        d.intendedAccess(),
		AwsConfigRecorder:     o.AwsConfigRecorder,
		ReplicationLagAlarmMs: o.ReplicationLagAlarmMs,
		Protect:               d.cfg.IsProd(),
	})
	if err != nil {
		return err
	}
	d.observability = obs
	export(ctx, "alarmTopicArns", obs.TopicArns)
	export(ctx, "dashboardUrl", obs.DashboardUrl)
	export(ctx, "dashboardUrls", obs.DashboardUrls)
	export(ctx, stackoutputs.BackupVaultArns, obs.BackupVaultArns)
	export(ctx, "budgetName", obs.BudgetName)
	export(ctx, stackoutputs.RegionUnhealthyAlarmNames, obs.RegionUnhealthyAlarmNames)
	return nil
}

// intendedAccess are the findings the program itself causes, archived on the analyzer the stack
// creates (docs/security.md, "Findings the program intends"): each region's access-log bucket
// granting its regional ELB account, and the deploy role trusting the Pulumi OIDC provider.
func (d *deployment) intendedAccess() []observability.IntendedAccess {
	partition, _ := d.cfg.Partition()
	var out []observability.IntendedAccess
	for _, region := range d.cfg.Regions() {
		if elb := d.cfg.ElbAccountId(region); elb != "" {
			out = append(out, observability.ElbLogDelivery(region, partition, d.computes[region].AccessLogsBucket, elb))
		}
	}
	if dep := d.cfg.Deployments; dep.Oidc {
		scope := deployaccess.NewScope(partition, d.cfg.AccountId, stacks.Namespace, d.cfg.Stack)
		out = append(out, observability.FederatedTrust("deploy-role-oidc", scope.DeployRoleArn(),
			deployaccess.ProviderArn(partition, d.cfg.AccountId, dep.Issuer)))
	}
	return out
}

// livenessCheckIds are the edge's liveness checks of both regions, by their plan keys
// ("<region>-live", edgecalc.CheckKey).
func (d *deployment) livenessCheckIds() map[string]pulumi.StringInput {
	out := map[string]pulumi.StringInput{}
	for _, region := range d.cfg.Regions() {
		key := edgecalc.CheckKey(region, edgecalc.CheckLive)
		out[key] = d.edge.HealthCheckIds.MapIndex(pulumi.String(key))
	}
	return out
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

// newFailovers puts the same runbook (a Step Functions state machine) in each region: the runbook of
// a region promotes that region only (a failover into the standby, a failback into home) and raises
// its desired capacity to the configured serving capacity. Nothing here starts one: a person
// does, or the detector of the same region (database.autoFailover: auto).
func (d *deployment) newFailovers(ctx *pulumi.Context) error {
	_, maxSize, desired := d.cfg.Compute.Capacity(true)
	db := d.cfg.Database
	arns, roles := pulumi.StringMap{}, pulumi.StringMap{}
	d.failovers = map[string]*failover.Failover{}
	for _, region := range d.cfg.Regions() {
		other := d.otherRegion(region)
		regionMin, _, _ := d.cfg.Compute.Capacity(d.isHome(region))
		at := func(m pulumi.StringMapOutput, r string) pulumi.StringOutput { return m.MapIndex(pulumi.String(r)) }
		f, err := failover.NewFailover(ctx, "failover-"+region, &failover.Args{
			AccountId:               d.cfg.AccountId,
			Region:                  region,
			GlobalClusterIdentifier: d.database.GlobalClusterId,
			TargetClusterArn:        at(d.database.ClusterArns, region),
			TargetClusterIdentifier: at(d.database.ClusterIdentifiers, region),
			PeerClusterArn:          at(d.database.ClusterArns, other),
			Peer: &failover.PeerArgs{
				Region:              other,
				ClusterIdentifier:   at(d.database.ClusterIdentifiers, other),
				KmsKeyArn:           at(d.database.KmsKeyArns, other),
				SubnetGroupName:     at(d.database.SubnetGroupNames, other),
				SecurityGroupId:     at(d.database.SecurityGroupIds, other),
				ParameterGroupName:  at(d.database.ParameterGroupNames, other),
				InstanceIdentifiers: d.database.InstanceIdentifiers.MapIndex(pulumi.String(other)),
				Engine:              db.Engine, InstanceClass: db.InstanceClass, Port: db.Port(),
			},
			ClusterArns: pulumi.StringArray{
				at(d.database.ClusterArns, region),
				at(d.database.ClusterArns, other),
			},
			AutoScalingGroupName: d.computes[region].AutoScalingGroupName,
			MinSize:              min(regionMin, desired),
			DesiredCapacity:      desired,
			MaxSize:              maxSize,
			TopicArn:             at(d.observability.TopicArns, region),
			TopicKmsKeyArn:       at(d.observability.KmsKeyArns, region),
			DatabaseKmsKeyArn:    at(d.database.KmsKeyArns, region),
			SnapshotTags:         d.cfg.DefaultTags(),
			LogRetentionDays:     d.runbookLogDays(),
			Protect:              d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		d.failovers[region] = f
		arns[region] = f.StateMachineArn
		roles[region] = f.RoleArn
	}
	export(ctx, stackoutputs.FailoverStateMachineArns, arns)
	export(ctx, stackoutputs.FailoverRoleArns, roles)
	return nil
}

// newDrills puts the fault-injection drills (AWS FIS experiment templates: instance, one per AZ,
// region) in each region, on that region's provider, when drills.enabled. Each region's templates
// act on that region only; `go run . drill` picks the region and template.
func (d *deployment) newDrills(ctx *pulumi.Context) error {
	dr := d.cfg.Drills
	if !dr.Enabled {
		return nil
	}
	ids := pulumi.Map{}
	for _, region := range d.cfg.Regions() {
		c, n := d.computes[region], d.networks[region]
		dd, err := drills.NewDrills(ctx, "drills-"+region, &drills.Args{
			Region:                  region,
			AccountId:               d.cfg.AccountId,
			Project:                 stacks.Namespace,
			Stack:                   d.cfg.Stack,
			AutoScalingGroupName:    c.AutoScalingGroupName,
			VpcId:                   n.VpcId,
			AvailabilityZones:       n.AvailabilityZones,
			AzCount:                 d.cfg.Network.AzCount,
			ClusterArn:              d.database.ClusterArns.MapIndex(pulumi.String(region)),
			RegionUnhealthyAlarmArn: d.observability.RegionUnhealthyAlarmArns.MapIndex(pulumi.String(region)),
			AlarmTopicArn:           d.observability.TopicArns.MapIndex(pulumi.String(region)),
			InstancePercent:         dr.InstancePercent,
			DurationMinutes:         dr.DurationMinutes,
			LogRetentionDays:        d.runbookLogDays(),
			Protect:                 d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		ids[region] = dd.TemplateIds
	}
	export(ctx, stackoutputs.DrillTemplateIDs, ids)
	return nil
}

// newZonalAutoshift, with compute.zonalAutoshift, lets AWS shift each region's ALB traffic away
// from an impaired zone, on that region's provider: the autoshift configuration with weekly
// practice runs judged by that region's own alarms, blocked during its patch window and while a
// drill runs there, their results paging that region's topic. Zonal shift itself is always allowed
// (compute); stacks.validateZonalAutoshift has checked that each region serves with one zone fewer.
func (d *deployment) newZonalAutoshift(ctx *pulumi.Context) error {
	if !d.cfg.Compute.ZonalAutoshift {
		return nil
	}
	out := pulumi.Map{}
	for _, region := range d.cfg.Regions() {
		at := func(m pulumi.StringMapOutput) pulumi.StringOutput { return m.MapIndex(pulumi.String(region)) }
		z, err := zonalshift.New(ctx, "zonal-"+region, &zonalshift.Args{
			AccountId:               d.cfg.AccountId,
			Region:                  region,
			Stack:                   d.cfg.Stack,
			AlbArn:                  d.computes[region].AlbArn,
			SufferingAlarmArns:      d.observability.ApplicationAlarmArns.MapIndex(pulumi.String(region)),
			RegionUnhealthyAlarmArn: at(d.observability.RegionUnhealthyAlarmArns),
			TopicArn:                at(d.observability.TopicArns),
			PatchWindow:             d.cfg.PatchWindow(region),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		out[region] = pulumi.Map{
			stackoutputs.ZonalOutcomeAlarm:     z.OutcomeAlarmName,
			stackoutputs.ZonalBlockingAlarm:    z.BlockingAlarmName,
			stackoutputs.ZonalDrillActiveAlarm: z.DrillActiveAlarmName,
			stackoutputs.ZonalEventRule:        z.EventRuleName,
		}
	}
	export(ctx, stackoutputs.ZonalAutoshift, out)
	return nil
}

// newBoundary places every role, customer-managed policy and instance profile of the program under
// the stack's IAM path (/multi-region-ha/<stack>/), which every grant, boundary condition and
// guardrail matches, and, when deployments.oidc is on, creates the permissions boundary the deploy
// role demands of every role it creates or changes and makes every program role carry it (and, as
// before, a name starting with the stack's prefix, for people reading the console). Every name is
// generated (a prefix and a random suffix), so a change of path creates the new role beside the old
// one and deletes the old one last (docs/security.md,
// "Upgrading to IAM paths").
func (d *deployment) newBoundary(ctx *pulumi.Context) error {
	path := deployaccess.StackPath(stacks.Namespace, d.cfg.Stack)
	prefix := deployaccess.NamePrefix(stacks.Namespace, d.cfg.Stack)
	var boundary pulumi.StringInput
	var deps []pulumi.Resource
	if d.cfg.Deployments.Oidc {
		b, err := deployaccess.NewBoundary(ctx, "deploy-boundary", &deployaccess.BoundaryArgs{
			AccountId: d.cfg.AccountId, Project: stacks.Namespace, Stack: d.cfg.Stack,
		}, pulumi.Provider(d.edgeProvider()))
		if err != nil {
			return err
		}
		boundary, deps = b.PolicyArn, []pulumi.Resource{b}
	}
	return ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		opts := append(args.Opts, pulumi.DependsOn(deps))
		switch props := args.Props.(type) {
		case *iam.RoleArgs:
			if args.Name == "deploy-access-role" || props == nil {
				return nil // the deploy role is created by an administrator, outside its own boundary
			}
			if props.Path == nil {
				props.Path = pulumi.String(path)
			}
			if boundary != nil && props.Name == nil && props.NamePrefix == nil {
				props.NamePrefix = pulumi.String(prefix)
			}
			if boundary != nil {
				props.PermissionsBoundary = boundary
			}
			return &pulumi.ResourceTransformationResult{Props: props, Opts: opts}
		case *iam.InstanceProfileArgs:
			if props == nil {
				return nil
			}
			if props.Path == nil {
				props.Path = pulumi.String(path)
			}
			if boundary != nil && props.Name == nil && props.NamePrefix == nil {
				props.NamePrefix = pulumi.String(prefix)
			}
			return &pulumi.ResourceTransformationResult{Props: props, Opts: opts}
		case *iam.PolicyArgs:
			if props == nil || props.Path != nil {
				return nil
			}
			props.Path = pulumi.String(path)
			return &pulumi.ResourceTransformationResult{Props: props, Opts: opts}
		}
		return nil
	})
}

// newKeyUsers adds deployments.operatorRoleArns to the users of every KMS key the components
// write with kmskey.Policy (the stack's roles and deploy role, by IAM path): the operators run
// `pulumi up` from workstations and create the encrypted resources then. Components know only
// the stack's path; the operators are config, which only main.go reads.
func (d *deployment) newKeyUsers(ctx *pulumi.Context) error {
	operators := d.cfg.Deployments.OperatorRoleArns
	if len(operators) == 0 {
		return nil
	}
	return ctx.RegisterStackTransformation(func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		props, ok := args.Props.(*kms.KeyArgs)
		if !ok || props == nil || props.Policy == nil {
			return nil
		}
		if plain, ok := props.Policy.(pulumi.String); ok {
			out, err := deployaccess.KeyPolicyWithOperators(string(plain), operators)
			if err != nil {
				return nil // kmskey.Policy wrote it; an unparsable policy is left for AWS to refuse
			}
			props.Policy = pulumi.String(out)
		} else {
			props.Policy = props.Policy.ToStringPtrOutput().ApplyT(func(p *string) (*string, error) {
				if p == nil {
					return nil, nil
				}
				out, err := deployaccess.KeyPolicyWithOperators(*p, operators)
				return &out, err
			}).(pulumi.StringPtrOutput)
		}
		return &pulumi.ResourceTransformationResult{Props: props, Opts: args.Opts}
	})
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
			AccountId:               d.cfg.AccountId,
			WatchedRegion:           other,
			Mode:                    db.AutoFailover,
			AfterMinutes:            db.AutoFailoverAfterMinutes,
			ProbeUrl:                edge.ProbeURL(d.cfg.Edge.Names().Viewer(), other, d.cfg.Compute.HealthCheckPath),
			FailoverName:            d.cfg.Edge.Names().FailoverOrigin(),
			OwnOriginName:           d.cfg.Edge.Names().Regional(region),
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
			stackoutputs.DetectorFunctionName:    det.FunctionName,
			stackoutputs.DetectorLogGroupName:    det.LogGroupName,
			stackoutputs.DetectorPromoteAlarm:    det.PromoteAlarmName,
			stackoutputs.DetectorDegradedAlarm:   det.DegradedAlarmName,
			stackoutputs.DetectorSwitchoverAlarm: det.SwitchoverAlarmName,
			stackoutputs.DetectorHeartbeatAlarm:  det.HeartbeatAlarmName,
			stackoutputs.DetectorErrorsAlarm:     det.ErrorsAlarmName,
			stackoutputs.DetectorStartRule:       det.StartRuleName,
			stackoutputs.DetectorScheduleRule:    det.ScheduleRuleName,
			stackoutputs.DetectorRoleName:        det.RoleName,
		}
	}
	export(ctx, stackoutputs.FailoverDetectors, out)
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
		AccountId:         d.cfg.AccountId,
		Organization:      dep.Organization,
		Project:           stacks.Namespace,
		Stacks:            dep.Stacks,
		Issuer:            dep.Issuer,
		CreateProvider:    dep.CreateProvider,
		Stack:             d.cfg.Stack,
		PolicyArns:        dep.PolicyArns,
		MaxSessionSeconds: dep.SessionSeconds,
	}, pulumi.Provider(d.edgeProvider()))
	if err != nil {
		return err
	}
	export(ctx, "deployRoleArn", access.RoleArn)
	return nil
}

// newPatching measures and (with compute.patchInstall) installs security patches in each region,
// on that region's provider: the baseline, the daily scan of that region's Auto Scaling instances,
// the non-compliance message on that region's topic, and the install window, the home region's a
// day after the secondary's. Images stay the patch vehicle (docs/compute.md, Patching).
func (d *deployment) newPatching(ctx *pulumi.Context) error {
	c := d.cfg.Compute
	retention := 90
	if d.cfg.IsProd() {
		retention = 365
	}
	baselines, buckets, windows := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, region := range d.cfg.Regions() {
		comp := d.computes[region]
		p, err := patching.NewPatching(ctx, "patching-"+region, &patching.Args{
			AccountId:            d.cfg.AccountId,
			Region:               region,
			AutoScalingGroupName: comp.AutoScalingGroupName,
			TargetGroupArn:       comp.TargetGroupArn,
			InstanceRoleName:     comp.InstanceRoleName,
			TopicArn:             d.observability.TopicArns.MapIndex(pulumi.String(region)),
			Stack:                d.cfg.Stack,
			PatchGroup:           d.cfg.PatchGroup(),
			ApproveAfterDays:     c.PatchApproveAfterDays,
			Install:              c.PatchInstall,
			InstallWindow:        d.cfg.PatchWindow(region),
			OutputRetentionDays:  retention,
			Protect:              d.cfg.IsProd(),
		}, pulumi.Provider(d.provider(region)))
		if err != nil {
			return err
		}
		baselines[region] = p.BaselineId
		buckets[region] = p.OutputBucket
		if c.PatchInstall {
			windows[region] = p.WindowId
		}
	}
	export(ctx, "patchBaselineIds", baselines)
	export(ctx, "patchOutputBuckets", buckets)
	if c.PatchInstall {
		export(ctx, "patchWindowIds", windows)
	}
	return nil
}
