package database

import (
	"context"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const (
	regionA = "us-east-1" // home region (primaryRegion)
	regionB = "us-west-2"

	tGlobal    = "aws:rds/globalCluster:GlobalCluster"
	tCluster   = "aws:rds/cluster:Cluster"
	tInstance  = "aws:rds/clusterInstance:ClusterInstance"
	tParams    = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	tSubnets   = "aws:rds/subnetGroup:SubnetGroup"
	tKey       = "aws:kms/key:Key"
	tSG        = "aws:ec2/securityGroup:SecurityGroup"
	tIngress   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	tRole      = "aws:iam/role:Role"
	tAttach    = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tSecret    = "aws:secretsmanager/secret:Secret"
	tVersion   = "aws:secretsmanager/secretVersion:SecretVersion"
	tPassword  = "random:index/randomPassword:RandomPassword"
	tComponent = "multi-region-ha:database:GlobalDatabase"
)

// testArgs is a prod-like database with its home in home and its standby in standby. The
// regional inputs (VPC, subnets, client group) are the literal IDs the networks and computes of
// each region would hand over.
func testArgs(home, standby string) *Args {
	return &Args{
		AccountId:                        offline.AccountID,
		Home:                             regionArgs(home, 2),
		Standby:                          regionArgs(standby, 1),
		Engine:                           "aurora-postgresql",
		EngineVersion:                    "16.6",
		InstanceClass:                    "db.r6g.large",
		DatabaseName:                     "app",
		MasterUsername:                   "dbadmin",
		BackupRetentionDays:              30,
		PerformanceInsightsRetentionDays: 7,
		MonitoringIntervalSeconds:        15,
		DeletionProtection:               true,
		Protect:                          true,
	}
}

func regionArgs(region string, instances int) RegionArgs {
	return RegionArgs{
		Region:                region,
		VpcId:                 pulumi.String("vpc-" + region),
		SubnetIds:             pulumi.ToStringArray([]string{"subnet-db-a-" + region, "subnet-db-b-" + region}),
		ClientSecurityGroupId: pulumi.String("sg-app-" + region),
		Instances:             instances,
	}
}

// outputs holds the component's resolved outputs by their pulumi tag.
type outputs map[string]internals.UnsafeAwaitOutputResult

// run builds the component with one explicit provider per region and a random provider, as main
// does. mutate edits the args after the providers are filled in.
func run(t *testing.T, stack string, args *Args) (*offline.Mocks, outputs) {
	t.Helper()
	m, out, err := tryRun(t, stack, args)
	require.NoError(t, err)
	return m, out
}

func tryRun(t *testing.T, stack string, args *Args) (*offline.Mocks, outputs, error) {
	t.Helper()
	out := outputs{}
	m, err := offlinetest.Run(t, stack, nil, func(ctx *pulumi.Context) error {
		providers := map[string]*aws.Provider{}
		for _, r := range []string{regionA, regionB} {
			p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{
				Region: pulumi.String(r),
				DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
					"Project": pulumi.String(offline.Project), "Environment": pulumi.String(stack), "ManagedBy": pulumi.String("pulumi"),
				}},
			})
			if err != nil {
				return err
			}
			providers[r] = p
		}
		rp, err := random.NewProvider(ctx, "random", nil)
		if err != nil {
			return err
		}
		if args != nil {
			args.Home.Provider = providers[args.Home.Region]
			args.Standby.Provider = providers[args.Standby.Region]
			args.RandomProvider = rp
		}
		g, err := NewGlobalDatabase(ctx, "database", args)
		if err != nil {
			return err
		}
		return awaitOutputs(g, out)
	})
	return m, out, err
}

// awaitOutputs resolves every typed output field of g into out, keyed by its pulumi tag.
func awaitOutputs(g *GlobalDatabase, out outputs) error {
	v := reflect.ValueOf(g).Elem()
	for i := 0; i < v.NumField(); i++ {
		tag := v.Type().Field(i).Tag.Get("pulumi")
		o, ok := v.Field(i).Interface().(pulumi.Output)
		if tag == "" || !ok {
			continue
		}
		r, err := internals.UnsafeAwaitOutput(context.Background(), o)
		if err != nil {
			return err
		}
		out[tag] = r
	}
	return nil
}

// named returns the resource of typ and name, failing the test when it is missing.
func named(t *testing.T, m *offline.Mocks, typ, name string) *offline.Resource {
	t.Helper()
	r := m.Named(typ, name)
	require.NotNil(t, r, "%s %s", typ, name)
	return r
}

func cluster(t *testing.T, m *offline.Mocks, region string) *offline.Resource {
	return named(t, m, tCluster, "database-"+region+"-cluster")
}

func key(t *testing.T, m *offline.Mocks, region string) *offline.Resource {
	return named(t, m, tKey, "database-"+region+"-key")
}

// arn is a resource's recorded "arn" output.
func arn(r *offline.Resource) string { return offline.Lookup(r.Outputs, "arn").StringValue() }
