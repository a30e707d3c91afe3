package plan

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sfn"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

type fixtureComponent struct{ pulumi.ResourceState }

// fixture is a small two-region stack with one of each relationship the plan draws: CloudFront to
// a failover pair of records, Aurora global replication, a backup copy, a secret replica, and an
// EventBridge-started runbook. Components are stand-ins registered under the project's type tokens.
func fixture(ctx *pulumi.Context) error {
	east, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
	if err != nil {
		return err
	}
	west, err := aws.NewProvider(ctx, "aws-us-west-2", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
	if err != nil {
		return err
	}
	comp := func(pkg, typ, name string) *fixtureComponent {
		c := &fixtureComponent{}
		if err == nil {
			err = ctx.RegisterComponentResource("multi-region-ha:"+pkg+":"+typ, name, c)
		}
		return c
	}
	in := func(c *fixtureComponent, p *aws.Provider) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(p)}
	}

	// network
	net := comp("network", "Network", "network-us-east-1")
	if _, err := ec2.NewVpc(ctx, "network-us-east-1-vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, in(net, east)...); err != nil {
		return err
	}
	for _, az := range []string{"a", "b"} {
		eip, err := ec2.NewEip(ctx, "network-us-east-1-nat-"+az, &ec2.EipArgs{Domain: pulumi.String("vpc")}, in(net, east)...)
		if err != nil {
			return err
		}
		if _, err := ec2.NewNatGateway(ctx, "network-us-east-1-nat-"+az, &ec2.NatGatewayArgs{SubnetId: pulumi.String("subnet-" + az), AllocationId: eip.ID()}, in(net, east)...); err != nil {
			return err
		}
	}

	// compute, one per region
	albs := map[string]*lb.LoadBalancer{}
	for _, r := range []struct {
		region   string
		p        *aws.Provider
		capacity int
	}{{"us-east-1", east, 3}, {"us-west-2", west, 2}} {
		c := comp("compute", "Compute", "compute-"+r.region)
		alb, err := lb.NewLoadBalancer(ctx, "compute-"+r.region+"-alb", &lb.LoadBalancerArgs{
			LoadBalancerType: pulumi.String("application"), Subnets: pulumi.ToStringArray([]string{"a", "b", "c"}),
		}, in(c, r.p)...)
		if err != nil {
			return err
		}
		albs[r.region] = alb
		lt, err := ec2.NewLaunchTemplate(ctx, "compute-"+r.region+"-lt", &ec2.LaunchTemplateArgs{InstanceType: pulumi.String("m7i.large")}, in(c, r.p)...)
		if err != nil {
			return err
		}
		if _, err := autoscaling.NewGroup(ctx, "compute-"+r.region+"-asg", &autoscaling.GroupArgs{
			MinSize: pulumi.Int(1), MaxSize: pulumi.Int(6), DesiredCapacity: pulumi.Int(r.capacity),
			LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{Id: lt.ID(), Version: pulumi.String("1")},
		}, in(c, r.p)...); err != nil {
			return err
		}
	}

	// database: global cluster, writer in us-east-1, replica after the writer's instances
	db := comp("database", "GlobalDatabase", "database")
	gc, err := rds.NewGlobalCluster(ctx, "database-global", &rds.GlobalClusterArgs{
		GlobalClusterIdentifier: pulumi.String("database-global"), Engine: pulumi.String("aurora-postgresql"),
	}, in(db, east)...)
	if err != nil {
		return err
	}
	pg, err := rds.NewClusterParameterGroup(ctx, "database-us-east-1-params", &rds.ClusterParameterGroupArgs{
		Family:     pulumi.String("aurora-postgresql16"),
		Parameters: rds.ClusterParameterGroupParameterArray{rds.ClusterParameterGroupParameterArgs{Name: pulumi.String("rds.global_db_rpo"), Value: pulumi.String("30")}},
	}, in(db, east)...)
	if err != nil {
		return err
	}
	writer, err := rds.NewCluster(ctx, "database-us-east-1", &rds.ClusterArgs{
		Engine: pulumi.String("aurora-postgresql"), GlobalClusterIdentifier: gc.ID(), DbClusterParameterGroupName: pg.Name,
		MasterUsername: pulumi.String("app"), MasterPassword: pulumi.String("x"),
	}, in(db, east)...)
	if err != nil {
		return err
	}
	var writerInstances []pulumi.Resource
	for _, i := range []string{"1", "2"} {
		inst, err := rds.NewClusterInstance(ctx, "database-us-east-1-"+i, &rds.ClusterInstanceArgs{
			ClusterIdentifier: writer.ID(), InstanceClass: pulumi.String("db.r6g.large"), Engine: pulumi.String("aurora-postgresql"),
		}, in(db, east)...)
		if err != nil {
			return err
		}
		writerInstances = append(writerInstances, inst)
	}
	replica, err := rds.NewCluster(ctx, "database-us-west-2", &rds.ClusterArgs{
		Engine: pulumi.String("aurora-postgresql"), GlobalClusterIdentifier: gc.ID(),
	}, append(in(db, west), pulumi.DependsOn(writerInstances))...)
	if err != nil {
		return err
	}
	if _, err := rds.NewClusterInstance(ctx, "database-us-west-2-1", &rds.ClusterInstanceArgs{
		ClusterIdentifier: replica.ID(), InstanceClass: pulumi.String("db.r6g.large"), Engine: pulumi.String("aurora-postgresql"),
	}, in(db, west)...); err != nil {
		return err
	}
	if _, err := secretsmanager.NewSecret(ctx, "database-credentials", &secretsmanager.SecretArgs{
		Replicas: secretsmanager.SecretReplicaArray{secretsmanager.SecretReplicaArgs{Region: pulumi.String("us-west-2")}},
	}, in(db, east)...); err != nil {
		return err
	}

	// edge: failover pair of records and CloudFront on the failover name
	edge := comp("edge", "Edge", "edge")
	for _, r := range []struct{ region, role string }{{"us-east-1", "PRIMARY"}, {"us-west-2", "SECONDARY"}} {
		if _, err := route53.NewRecord(ctx, "edge-failover-"+r.region, &route53.RecordArgs{
			ZoneId: pulumi.String("Z1"), Name: pulumi.String("origin.app.example.com"), Type: pulumi.String("A"),
			SetIdentifier:           pulumi.String(r.region),
			FailoverRoutingPolicies: route53.RecordFailoverRoutingPolicyArray{route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(r.role)}},
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name: albs[r.region].DnsName, ZoneId: albs[r.region].ZoneId, EvaluateTargetHealth: pulumi.Bool(true),
			}},
		}, in(edge, east)...); err != nil {
			return err
		}
	}
	if _, err := cloudfront.NewDistribution(ctx, "edge-cdn", &cloudfront.DistributionArgs{
		Enabled: pulumi.Bool(true),
		Origins: cloudfront.DistributionOriginArray{cloudfront.DistributionOriginArgs{
			OriginId: pulumi.String("failover"), DomainName: pulumi.String("origin.app.example.com"),
		}},
		DefaultCacheBehavior: cloudfront.DistributionDefaultCacheBehaviorArgs{
			AllowedMethods: pulumi.ToStringArray([]string{"GET", "HEAD"}), CachedMethods: pulumi.ToStringArray([]string{"GET", "HEAD"}),
			TargetOriginId: pulumi.String("failover"), ViewerProtocolPolicy: pulumi.String("redirect-to-https"),
		},
		Restrictions:      cloudfront.DistributionRestrictionsArgs{GeoRestriction: cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")}},
		ViewerCertificate: cloudfront.DistributionViewerCertificateArgs{CloudfrontDefaultCertificate: pulumi.Bool(true)},
	}, in(edge, east)...); err != nil {
		return err
	}

	// observability: backup copied to the other region, replication lag alarm
	obs := comp("observability", "Observability", "observability")
	target, err := backup.NewVault(ctx, "observability-us-west-2-vault", &backup.VaultArgs{Name: pulumi.String("vault-west")}, in(obs, west)...)
	if err != nil {
		return err
	}
	source, err := backup.NewVault(ctx, "observability-us-east-1-vault", &backup.VaultArgs{Name: pulumi.String("vault-east")}, in(obs, east)...)
	if err != nil {
		return err
	}
	if _, err := backup.NewPlan(ctx, "observability-us-east-1-plan", &backup.PlanArgs{Rules: backup.PlanRuleArray{backup.PlanRuleArgs{
		RuleName: pulumi.String("daily"), TargetVaultName: source.Name,
		CopyActions: backup.PlanRuleCopyActionArray{backup.PlanRuleCopyActionArgs{DestinationVaultArn: target.Arn}},
	}}}, in(obs, east)...); err != nil {
		return err
	}
	if _, err := cloudwatch.NewMetricAlarm(ctx, "observability-replication-lag", &cloudwatch.MetricAlarmArgs{
		ComparisonOperator: pulumi.String("GreaterThanThreshold"), EvaluationPeriods: pulumi.Int(3),
		MetricName: pulumi.String("AuroraGlobalDBReplicationLag"), Namespace: pulumi.String("AWS/RDS"),
		Dimensions: pulumi.StringMap{"DBClusterIdentifier": pulumi.String("database-us-west-2-cluster"), "SourceRegion": pulumi.String("us-east-1")},
		Period:     pulumi.Int(60), Statistic: pulumi.String("Average"), Threshold: pulumi.Float64(1000),
	}, in(obs, west)...); err != nil {
		return err
	}

	// failover: a runbook an EventBridge rule starts
	fo := comp("failover", "Failover", "failover")
	sm, err := sfn.NewStateMachine(ctx, "failover-runbook", &sfn.StateMachineArgs{Definition: pulumi.String("{}"), RoleArn: pulumi.String("arn:aws:iam::123456789012:role/r")}, in(fo, west)...)
	if err != nil {
		return err
	}
	rule, err := cloudwatch.NewEventRule(ctx, "failover-trigger", &cloudwatch.EventRuleArgs{EventPattern: pulumi.String("{}")}, in(fo, west)...)
	if err != nil {
		return err
	}
	_, err = cloudwatch.NewEventTarget(ctx, "failover-trigger", &cloudwatch.EventTargetArgs{Rule: rule.Name, Arn: sm.Arn}, in(fo, west)...)
	return err
}

func fixtureReport(t *testing.T) *Report {
	t.Helper()
	m := offlinetest.MustRun(t, "test", nil, fixture)
	cfg := &stacks.Config{Stack: "test", Environment: "prod", PrimaryRegion: "us-east-1", SecondaryRegion: "us-west-2"}
	cfg.Edge.HealthCheckIntervalSeconds, cfg.Edge.HealthCheckFailureThreshold = 10, 3
	return assemble(m.Resources(), m.Invokes(), cfg, DefaultUsage(), Prices)
}

// fixtureDiagram draws the fixture with every dependency (allEdges) or the paths only.
func fixtureDiagram(t *testing.T, allEdges bool) string {
	t.Helper()
	m := offlinetest.MustRun(t, "test", nil, fixture)
	return diagramOf(newGraph(m.Resources(), m.Invokes()), "us-east-1", "us-west-2", allEdges)
}

func TestDiagramDrawsTheKnownRelationships(t *testing.T) {
	d := fixtureReport(t).Diagram
	lines := strings.Split(d, "\n")
	for _, want := range []string{
		`  n_edge_global -->|failover PRIMARY, origin| n_compute_us_east_1`,
		`  n_edge_global -->|failover SECONDARY, origin| n_compute_us_west_2`,
		`  n_database_us_east_1 -->|Aurora global replication, secret replica| n_database_us_west_2`,
		`  n_observability_us_east_1 -->|backup copy| n_observability_us_west_2`,
	} {
		assert.Contains(t, lines, want, d)
	}
	assert.Equal(t, "flowchart LR", lines[0])
	global := strings.Index(d, `subgraph r_global["global: CloudFront, Route 53, WAF"]`)
	primary := strings.Index(d, `subgraph r_us_east_1["us-east-1 (primary)"]`)
	secondary := strings.Index(d, `subgraph r_us_west_2["us-west-2 (secondary)"]`)
	require.True(t, global >= 0 && primary > global && secondary > primary, "places in order global, primary, secondary:\n%s", d)
	assert.NotContains(t, d, "n_network_us_east_1", "by default only boxes on a path are drawn")
	all := fixtureDiagram(t, true)
	assert.Contains(t, all, `n_network_us_east_1["network-us-east-1<br/>VPC, NAT x2<br/>5 resources"]`)
	assert.NotContains(t, all, "n_compute_us_east_1 -.-> n_network_us_east_1", "compute uses nothing of the fixture network")

	again := fixtureReport(t).Diagram
	assert.Equal(t, d, again, "the diagram is deterministic")
}

func TestFixtureInventoryCostFailoverAndDeploy(t *testing.T) {
	r := fixtureReport(t)

	components := map[string]int{}
	for _, c := range r.Inventory.Components {
		components[c.Component+" "+c.Type] = c.Resources
	}
	assert.Equal(t, map[string]int{
		"network-us-east-1 multi-region-ha:network:Network":         5,
		"compute-us-east-1 multi-region-ha:compute:Compute":         3,
		"compute-us-west-2 multi-region-ha:compute:Compute":         3,
		"database multi-region-ha:database:GlobalDatabase":          8,
		"edge multi-region-ha:edge:Edge":                            3,
		"observability multi-region-ha:observability:Observability": 4,
		"failover multi-region-ha:failover:Failover":                3,
	}, components)
	assert.Equal(t, 29, r.Inventory.Total)
	assert.Equal(t, []string{"aws-us-east-1", "aws-us-west-2"}, r.Inventory.Providers)

	items := map[string]float64{}
	for _, it := range r.Cost.Items {
		items[it.Region+"/"+it.Component+"/"+it.Item] = it.Monthly
	}
	for key, want := range map[string]float64{
		"us-east-1/compute-us-east-1/EC2 m7i.large (desired capacity)":  220.75, // 3 x 730 x 0.1008
		"us-west-2/compute-us-west-2/EC2 m7i.large (desired capacity)":  147.17, // 2 x 730 x 0.1008
		"us-east-1/database/Aurora db.r6g.large":                        379.60, // 2 x 730 x 0.26
		"us-west-2/database/Aurora db.r6g.large":                        189.80,
		"us-east-1/database/Aurora storage":                             5.00, // 50 GB x 0.10
		"us-west-2/database/Aurora storage":                             5.00,
		"us-east-1/database/Secrets Manager secret":                     0.40,
		"us-west-2/database/Secrets Manager replica":                    0.40,
		"us-east-1/network-us-east-1/NAT gateway":                       65.70, // 2 x 730 x 0.045
		"us-east-1/observability/AWS Backup storage":                    1.05,  // 50 GB x 0.021
		"global/edge/CloudFront data transfer out beyond the free 1 TB": 0,     // 100 GB, inside the always-free tier
	} {
		got, ok := items[key]
		assert.True(t, ok, "no cost line %s", key)
		assert.Equal(t, want, got, key)
	}
	var sum float64
	for _, rc := range r.Cost.Regions {
		sum += rc.Monthly
	}
	assert.InDelta(t, r.Cost.MonthlyTotal, sum, 0.001)

	// The fixture registers no health check (config: 10 s x 3), ALBs without clientKeepAlive and
	// origins without connection settings: AWS's defaults (3600 s, 3 x 10 s) are what counts.
	// The read timeout too: CloudFront's 30 s, 3 attempts against a black-holed origin = 90 s in flight.
	assert.Equal(t, TrafficFailover{Available: true, Note: r.Failover.Traffic.Note, BoundedBy: r.Failover.Traffic.BoundedBy,
		DetectionSeconds: 30, EvaluationSeconds: 10, DNSSeconds: 60, ConnectionsSeconds: 3600, OriginAttemptsSeconds: 30,
		TotalSeconds: 30 + 10 + 3600 + 30, TypicalSeconds: 30 + 10 + 3600 + 30, BoundSeconds: 34 + 10 + 60 + 90,
		Bound: ReadsBound{DetectionSeconds: 34, EvaluationSeconds: 10, DNSSeconds: 60, InFlightSeconds: 90, StaticSeconds: 90,
			TotalSeconds: 34 + 10 + 60 + 90, BoundedBy: r.Failover.Traffic.Bound.BoundedBy},
		IntervalSeconds: 10, FailureThreshold: 3,
		ClientKeepAliveSeconds: 3600, OriginConnectionAttempts: 3, OriginConnectionTimeoutSeconds: 10, OriginReadTimeoutSeconds: 30}, r.Failover.Traffic)
	assert.Contains(t, r.Failover.Traffic.Bound.BoundedBy, "in flight")
	assert.Contains(t, r.Failover.Traffic.BoundedBy, "keep-alive")
	db := r.Failover.Database
	assert.True(t, db.Available)
	assert.Equal(t, "aurora-postgresql", db.Engine)
	assert.Equal(t, "us-east-1", db.WriterRegion)
	assert.Equal(t, []string{"us-west-2"}, db.ReplicaRegions)
	assert.Equal(t, 30, db.RPOSeconds)
	assert.Equal(t, 1000, db.LagAlarmMs)
	assert.Contains(t, db.Automation, "automatic: EventBridge")

	// The secondary cluster waits for the writer's instances: 1 + 5 + 10 + 5 + 10 minutes.
	fd := r.FirstDeploy
	assert.Equal(t, 31.0, fd.TotalMinutes)
	var chain []string
	for _, s := range fd.Chain {
		chain = append(chain, s.Name)
	}
	require.Len(t, chain, 5)
	assert.Equal(t, "database-global", chain[0])
	assert.Equal(t, "database-us-west-2", chain[3])
	assert.Equal(t, "database-us-west-2-1", chain[4])
	assert.Greater(t, fd.SerialMinutes, fd.TotalMinutes)
}

func TestTrafficAndDatabaseAreNotAvailableUntilWired(t *testing.T) {
	m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		_, err = ec2.NewVpc(ctx, "vpc", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")}, pulumi.Provider(p))
		return err
	})
	cfg := &stacks.Config{Stack: "test", Environment: "staging", PrimaryRegion: "us-east-1", SecondaryRegion: "us-west-2"}
	r := assemble(m.Resources(), m.Invokes(), cfg, DefaultUsage(), Prices)
	assert.Equal(t, TrafficFailover{Note: "n/a (edge not wired)"}, r.Failover.Traffic)
	assert.Equal(t, "n/a (database not wired)", r.Failover.Database.Note)
	assert.False(t, r.Failover.Database.Available)
	assert.Equal(t, "(program)", r.Inventory.Components[0].Component)
}
