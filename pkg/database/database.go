package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
)

// GlobalDatabase is an Aurora global database across two regions. "Primary" outputs describe the
// home region's cluster (primaryRegion) and "Secondary" ones the standby's: they name clusters by
// region, not by role, and do not move when the writer does. Which cluster writes now is runtime
// state; GlobalEndpoint always reaches it.
type GlobalDatabase struct {
	pulumi.ResourceState

	GlobalClusterId  pulumi.StringOutput `pulumi:"globalClusterId"`
	GlobalClusterArn pulumi.StringOutput `pulumi:"globalClusterArn"`
	// GlobalEndpoint is the global writer endpoint: it follows the writer through switchovers and
	// failovers without a deployment.
	GlobalEndpoint pulumi.StringOutput `pulumi:"globalEndpoint"`
	// HomeRegion is where the global cluster was created (primaryRegion); StandbyRegion the other.
	HomeRegion    pulumi.StringOutput `pulumi:"homeRegion"`
	StandbyRegion pulumi.StringOutput `pulumi:"standbyRegion"`

	PrimaryClusterArn        pulumi.StringOutput `pulumi:"primaryClusterArn"`
	PrimaryClusterIdentifier pulumi.StringOutput `pulumi:"primaryClusterIdentifier"`
	PrimaryEndpoint          pulumi.StringOutput `pulumi:"primaryEndpoint"`
	PrimaryReaderEndpoint    pulumi.StringOutput `pulumi:"primaryReaderEndpoint"`

	SecondaryClusterArn        pulumi.StringOutput `pulumi:"secondaryClusterArn"`
	SecondaryClusterIdentifier pulumi.StringOutput `pulumi:"secondaryClusterIdentifier"`
	SecondaryReaderEndpoint    pulumi.StringOutput `pulumi:"secondaryReaderEndpoint"`

	Port pulumi.IntOutput `pulumi:"port"`

	// SecretArn is the credentials secret's ARN in the home region, SecondarySecretArn its replica's
	// ARN in the standby region (both readable; SecretArns has both keyed by region).
	SecretArn          pulumi.StringOutput    `pulumi:"secretArn"`
	SecondarySecretArn pulumi.StringOutput    `pulumi:"secondarySecretArn"`
	SecretArns         pulumi.StringMapOutput `pulumi:"secretArns"`

	SecurityGroupIds    pulumi.StringMapOutput      `pulumi:"securityGroupIds"`
	KmsKeyArns          pulumi.StringMapOutput      `pulumi:"kmsKeyArns"`
	ClusterIdentifiers  pulumi.StringMapOutput      `pulumi:"clusterIdentifiers"`
	ClusterArns         pulumi.StringMapOutput      `pulumi:"clusterArns"`
	ReaderEndpoints     pulumi.StringMapOutput      `pulumi:"readerEndpoints"`
	InstanceIdentifiers pulumi.StringArrayMapOutput `pulumi:"instanceIdentifiers"`
	// SubnetGroupNames and ParameterGroupNames (by region) are what a cluster rebuilt into the global
	// database needs; the runbook's rejoin commands name them.
	SubnetGroupNames    pulumi.StringMapOutput `pulumi:"subnetGroupNames"`
	ParameterGroupNames pulumi.StringMapOutput `pulumi:"parameterGroupNames"`
}

// NewGlobalDatabase builds the global database. The regional children are named by region code
// (name-<region>-cluster, name-<region>-key, ...), the global cluster and the secret by name alone,
// on the home region's provider. No input names the writer, so a failover changes nothing here.
func NewGlobalDatabase(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*GlobalDatabase, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	g := &GlobalDatabase{}
	if err := ctx.RegisterComponentResource("multi-region-ha:database:GlobalDatabase", name, g, opts...); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if err := g.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"globalClusterId":            g.GlobalClusterId,
		"globalClusterArn":           g.GlobalClusterArn,
		"globalEndpoint":             g.GlobalEndpoint,
		"homeRegion":                 g.HomeRegion,
		"standbyRegion":              g.StandbyRegion,
		"primaryClusterArn":          g.PrimaryClusterArn,
		"primaryClusterIdentifier":   g.PrimaryClusterIdentifier,
		"primaryEndpoint":            g.PrimaryEndpoint,
		"primaryReaderEndpoint":      g.PrimaryReaderEndpoint,
		"secondaryClusterArn":        g.SecondaryClusterArn,
		"secondaryClusterIdentifier": g.SecondaryClusterIdentifier,
		"secondaryReaderEndpoint":    g.SecondaryReaderEndpoint,
		"port":                       g.Port,
		"secretArn":                  g.SecretArn,
		"secondarySecretArn":         g.SecondarySecretArn,
		"secretArns":                 g.SecretArns,
		"securityGroupIds":           g.SecurityGroupIds,
		"kmsKeyArns":                 g.KmsKeyArns,
		"clusterIdentifiers":         g.ClusterIdentifiers,
		"clusterArns":                g.ClusterArns,
		"readerEndpoints":            g.ReaderEndpoints,
		"instanceIdentifiers":        g.InstanceIdentifiers,
		"subnetGroupNames":           g.SubnetGroupNames,
		"parameterGroupNames":        g.ParameterGroupNames,
	}); err != nil {
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return g, nil
}

func (g *GlobalDatabase) build(ctx *pulumi.Context, name string, args *Args) error {
	regions := map[string]*regional{}
	for _, r := range args.regions() {
		reg, err := g.newRegional(ctx, name, r, args)
		if err != nil {
			return err
		}
		regions[r.Region] = reg
	}
	// The home cluster was created first, with the credentials; the standby joined it as a secondary.
	// "writer" and "reader" below are the creation order AWS requires, not the roles of today.
	writer, reader := regions[args.Home.Region], regions[args.Standby.Region]
	home, away := writer, reader

	global, err := rds.NewGlobalCluster(ctx, name+"-global", &rds.GlobalClusterArgs{
		GlobalClusterIdentifier: pulumi.String(globalClusterIdentifier(ctx.Project(), ctx.Stack(), name)),
		Engine:                  pulumi.String(args.Engine),
		EngineVersion:           pulumi.String(args.EngineVersion),
		StorageEncrypted:        pulumi.Bool(true),
		DeletionProtection:      pulumi.Bool(args.DeletionProtection),
		Tags:                    nameTag(name + "-global"),
	}, append(home.opts, pulumi.Protect(args.Protect))...)
	if err != nil {
		return fmt.Errorf("global cluster: %w", err)
	}

	password, err := newPassword(ctx, name+"-master-password", args, pulumi.Parent(g))
	if err != nil {
		return fmt.Errorf("master password: %w", err)
	}

	project, stack := ctx.Project(), ctx.Stack()
	writerCluster, err := newCluster(ctx, writer, global, args, &credentials{
		username: args.MasterUsername, database: args.DatabaseName, password: password.Result,
	}, project, stack, name, nil)
	if err != nil {
		return err
	}
	writerInstances, err := newInstances(ctx, writer, writerCluster, args)
	if err != nil {
		return err
	}
	// AWS accepts a secondary only once the primary has an instance ("MasterUsername must be
	// provided" otherwise), and the secondary carries no credentials of its own.
	waitFor := make([]pulumi.Resource, 0, len(writerInstances))
	for _, i := range writerInstances {
		waitFor = append(waitFor, i)
	}
	readerCluster, err := newCluster(ctx, reader, global, args, nil, project, stack, name, waitFor)
	if err != nil {
		return err
	}
	readerInstances, err := newInstances(ctx, reader, readerCluster, args)
	if err != nil {
		return err
	}

	secret, err := newSecret(ctx, name+"-credentials", home, away, global, writerCluster, password.Result, args)
	if err != nil {
		return err
	}

	g.GlobalClusterId = global.GlobalClusterIdentifier
	g.GlobalClusterArn = global.Arn
	g.GlobalEndpoint = global.Endpoint
	g.HomeRegion = pulumi.String(args.Home.Region).ToStringOutput()
	g.StandbyRegion = pulumi.String(args.Standby.Region).ToStringOutput()
	g.PrimaryClusterArn = writerCluster.Arn
	g.PrimaryClusterIdentifier = writerCluster.ClusterIdentifier
	g.PrimaryEndpoint = writerCluster.Endpoint
	g.PrimaryReaderEndpoint = writerCluster.ReaderEndpoint
	g.SecondaryClusterArn = readerCluster.Arn
	g.SecondaryClusterIdentifier = readerCluster.ClusterIdentifier
	g.SecondaryReaderEndpoint = readerCluster.ReaderEndpoint
	g.Port = pulumi.Int(dbspec.Port(args.Engine)).ToIntOutput()

	arnIn := func(region string) pulumi.StringOutput {
		return secret.Arn.ApplyT(func(arn string) string { return secretArnIn(arn, region) }).(pulumi.StringOutput)
	}
	g.SecretArn = arnIn(args.Home.Region)
	g.SecondarySecretArn = arnIn(args.Standby.Region)

	secretArns, sgs, keys, ids, arns, readers := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	instanceIds := pulumi.StringArrayMap{}
	subnetGroups, paramGroups := pulumi.StringMap{}, pulumi.StringMap{}
	for _, c := range []struct {
		reg       *regional
		cluster   *rds.Cluster
		instances []*rds.ClusterInstance
	}{{writer, writerCluster, writerInstances}, {reader, readerCluster, readerInstances}} {
		region := c.reg.args.Region
		secretArns[region] = arnIn(region)
		if err := grantClientRead(ctx, c.reg, arnIn(region)); err != nil {
			return err
		}
		sgs[region] = c.reg.sg.ID().ToStringOutput()
		keys[region] = c.reg.key.Arn
		ids[region] = c.cluster.ClusterIdentifier
		arns[region] = c.cluster.Arn
		readers[region] = c.cluster.ReaderEndpoint
		subnetGroups[region] = c.reg.subnets.Name
		paramGroups[region] = c.reg.params.Name
		var list pulumi.StringArray
		for _, i := range c.instances {
			list = append(list, i.Identifier)
		}
		instanceIds[region] = list
	}
	g.SecretArns = secretArns.ToStringMapOutput()
	g.SecurityGroupIds = sgs.ToStringMapOutput()
	g.KmsKeyArns = keys.ToStringMapOutput()
	g.ClusterIdentifiers = ids.ToStringMapOutput()
	g.ClusterArns = arns.ToStringMapOutput()
	g.ReaderEndpoints = readers.ToStringMapOutput()
	g.InstanceIdentifiers = instanceIds.ToStringArrayMapOutput()
	g.SubnetGroupNames = subnetGroups.ToStringMapOutput()
	g.ParameterGroupNames = paramGroups.ToStringMapOutput()
	return nil
}
