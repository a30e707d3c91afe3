package network

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multi-region-ha/multi-region-ha/pkg/offline"
	"github.com/multi-region-ha/multi-region-ha/pkg/offline/offlinetest"
)

const region = "eu-west-1"

func testArgs(nat string) *Args {
	return &Args{
		Cidr:                 "10.0.0.0/16",
		AccountId:            offline.AccountID,
		Region:               region,
		AvailabilityZones:    []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"},
		AzCount:              3,
		PublicSubnets:        []string{"10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21"},
		PrivateSubnets:       []string{"10.0.64.0/21", "10.0.72.0/21", "10.0.80.0/21"},
		DatabaseSubnets:      []string{"10.0.128.0/21", "10.0.136.0/21", "10.0.144.0/21"},
		NatGateways:          nat,
		DatabasePorts:        []int{5432},
		FlowLogRetentionDays: 365,
	}
}

// runNetwork builds one Network on an explicit eu-west-1 provider under mocks.
func runNetwork(t *testing.T, args *Args) *offline.Mocks {
	t.Helper()
	return offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		_, err = NewNetwork(ctx, "network-"+region, args, pulumi.Provider(p))
		return err
	})
}

func TestEveryChildIsParentedAndOnTheRegionsProvider(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	comps := m.OfType("multi-region-ha:network:Network")
	require.Len(t, comps, 1)
	descendants := m.Descendants(comps[0].URN)
	custom := 0
	for _, r := range m.Resources() {
		if !r.Custom || r.Type == "pulumi:providers:aws" {
			continue
		}
		custom++
		assert.Equal(t, region, r.Region, "%s %s", r.Type, r.Name)
		assert.Contains(t, descendants, r, "%s %s is not under the component", r.Type, r.Name)
	}
	assert.Greater(t, custom, 30)
	for _, inv := range m.Invokes() {
		assert.Equal(t, region, inv.Region, "invoke %s", inv.Token)
	}
}

func TestSubnetsPerTierAndZone(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	subnets := m.OfType("aws:ec2/subnet:Subnet")
	require.Len(t, subnets, 9)
	want := map[string]struct{ cidr, az, tier string }{
		"network-eu-west-1-public-a":   {"10.0.0.0/21", "eu-west-1a", "public"},
		"network-eu-west-1-public-c":   {"10.0.16.0/21", "eu-west-1c", "public"},
		"network-eu-west-1-private-b":  {"10.0.72.0/21", "eu-west-1b", "private"},
		"network-eu-west-1-database-a": {"10.0.128.0/21", "eu-west-1a", "database"},
		"network-eu-west-1-database-c": {"10.0.144.0/21", "eu-west-1c", "database"},
	}
	for name, w := range want {
		s := m.Named("aws:ec2/subnet:Subnet", name)
		require.NotNil(t, s, name)
		assert.Equal(t, w.cidr, s.Str("cidrBlock"), name)
		assert.Equal(t, w.az, s.Str("availabilityZone"), name)
		assert.Equal(t, w.tier, s.Tags()["Tier"], name)
		assert.False(t, s.Bool("mapPublicIpOnLaunch"), name)
	}
	vpc := m.OfType("aws:ec2/vpc:Vpc")[0]
	assert.Equal(t, "10.0.0.0/16", vpc.Str("cidrBlock"))
	assert.True(t, vpc.Bool("enableDnsSupport"))
	assert.True(t, vpc.Bool("enableDnsHostnames"))
}

func TestZonesArePinnedNeverLookedUp(t *testing.T) {
	args := testArgs(NatSingle)
	args.AvailabilityZones = []string{"eu-west-1b", "eu-west-1c", "eu-west-1a"}
	m := runNetwork(t, args)
	assert.Equal(t, "eu-west-1b", m.Named("aws:ec2/subnet:Subnet", "network-eu-west-1-public-b").Str("availabilityZone"))
	assert.Equal(t, "10.0.0.0/21", m.Named("aws:ec2/subnet:Subnet", "network-eu-west-1-public-b").Str("cidrBlock"), "first pinned zone takes the first CIDR")
	assert.Empty(t, m.Invokes(), "pinned zones need no lookup")

	args.AvailabilityZones = nil
	_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "network-"+region, args)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0 AvailabilityZones for AzCount 3")
}

func TestNatStrategies(t *testing.T) {
	cases := []struct {
		strategy       string
		nats           int
		privateTables  int
		privateDefault int
	}{
		{NatPerAz, 3, 3, 3},
		{NatSingle, 1, 1, 1},
		{NatNone, 0, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.strategy, func(t *testing.T) {
			m := runNetwork(t, testArgs(tc.strategy))
			nats := m.OfType("aws:ec2/natGateway:NatGateway")
			assert.Len(t, nats, tc.nats)
			assert.Len(t, m.OfType("aws:ec2/eip:Eip"), tc.nats)
			igw := m.OfType("aws:ec2/internetGateway:InternetGateway")[0]
			publicSubnetIds := map[string]bool{}
			for _, s := range m.OfType("aws:ec2/subnet:Subnet") {
				if s.Tags()["Tier"] == "public" {
					publicSubnetIds[s.ID] = true
				}
			}
			for _, nat := range nats {
				assert.True(t, publicSubnetIds[nat.Str("subnetId")], "NAT %s must sit in a public subnet", nat.Name)
				assert.True(t, nat.DependsOn(igw), "NAT %s must wait for the internet gateway", nat.Name)
			}

			tables := routeTablesByTier(m)
			assert.Len(t, tables["private"], tc.privateTables)
			defaults := 0
			for _, route := range m.OfType("aws:ec2/route:Route") {
				table := route.Str("routeTableId")
				switch {
				case tables["private"][table]:
					defaults++
					assert.NotEmpty(t, route.Str("natGatewayId"), "private default route goes through NAT")
				case tables["public"][table]:
					assert.Equal(t, igw.ID, route.Str("gatewayId"))
				default:
					t.Errorf("route %s on a table that must have no routes", route.Name)
				}
			}
			assert.Equal(t, tc.privateDefault, defaults)
		})
	}
}

func TestPerAzNatKeepsEachZonesEgressInItsZone(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	for _, zone := range []string{"a", "b", "c"} {
		route := m.Named("aws:ec2/route:Route", "network-eu-west-1-private-rt-"+zone+"-default")
		require.NotNil(t, route, zone)
		assert.Equal(t, "network-eu-west-1-nat-"+zone+"-id", route.Str("natGatewayId"))
		assoc := m.Named("aws:ec2/routeTableAssociation:RouteTableAssociation", "network-eu-west-1-private-"+zone+"-rta")
		require.NotNil(t, assoc, zone)
		assert.Equal(t, "network-eu-west-1-private-rt-"+zone+"-id", assoc.Str("routeTableId"))
		assert.Equal(t, "network-eu-west-1-private-"+zone+"-id", assoc.Str("subnetId"))
	}
}

func TestDatabaseTierIsIsolated(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	dbTable := m.Named("aws:ec2/routeTable:RouteTable", "network-eu-west-1-database-rt")
	require.NotNil(t, dbTable)
	assert.Equal(t, 0, dbTable.Len("routes"), "no inline routes")
	for _, route := range m.OfType("aws:ec2/route:Route") {
		assert.NotEqual(t, dbTable.ID, route.Str("routeTableId"), "route %s on the database table", route.Name)
	}
	for _, zone := range []string{"a", "b", "c"} {
		assoc := m.Named("aws:ec2/routeTableAssociation:RouteTableAssociation", "network-eu-west-1-database-"+zone+"-rta")
		require.NotNil(t, assoc)
		assert.Equal(t, dbTable.ID, assoc.Str("routeTableId"))
	}
	main := m.OfType("aws:ec2/defaultRouteTable:DefaultRouteTable")
	require.Len(t, main, 1)
	assert.Equal(t, 0, main[0].Len("routes"), "the main route table carries no routes")
}

func TestNetworkAclsPerTier(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	acl := m.Named("aws:ec2/networkAcl:NetworkAcl", "network-eu-west-1-database-nacl")
	require.NotNil(t, acl)
	assert.Equal(t, []string{"network-eu-west-1-database-a-id", "network-eu-west-1-database-b-id", "network-eu-west-1-database-c-id"}, acl.Strings("subnetIds"))
	for i := 0; i < acl.Len("ingress"); i++ {
		rule := acl.Plain("ingress").([]any)[i].(map[string]any)
		if rule["action"] == "allow" {
			assert.Contains(t, []any{"10.0.64.0/21", "10.0.72.0/21", "10.0.80.0/21"}, rule["cidrBlock"])
			assert.Equal(t, 5432.0, rule["fromPort"])
			assert.Equal(t, 5432.0, rule["toPort"])
		}
	}
	for _, tier := range []string{"public", "private"} {
		a := m.Named("aws:ec2/networkAcl:NetworkAcl", "network-eu-west-1-"+tier+"-nacl")
		require.NotNil(t, a, tier)
		assert.Len(t, a.Strings("subnetIds"), 3)
	}
	def := m.OfType("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")
	require.Len(t, def, 1)
	assert.Equal(t, 0, def[0].Len("ingress"), "the default NACL denies everything")
	assert.Equal(t, 0, def[0].Len("egress"))
}

func TestDefaultSecurityGroupIsStripped(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	sgs := m.OfType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	require.Len(t, sgs, 1)
	assert.Equal(t, "network-eu-west-1-vpc-id", sgs[0].Str("vpcId"))
	assert.False(t, sgs[0].Has("ingress") && sgs[0].Len("ingress") > 0)
	assert.False(t, sgs[0].Has("egress") && sgs[0].Len("egress") > 0)
}

func TestFlowLogsAreEncryptedAndLeastPrivilege(t *testing.T) {
	args := testArgs(NatPerAz)
	args.Protect = true
	m := runNetwork(t, args)

	key := m.Named("aws:kms/key:Key", "network-eu-west-1-flow-logs-key")
	require.NotNil(t, key)
	assert.True(t, key.Bool("enableKeyRotation"))
	assert.True(t, key.Protect, "prod protects the key")
	policy := key.JSON("policy")
	require.NotNil(t, policy)
	assert.Contains(t, key.Str("policy"), `"Service":["logs.eu-west-1.amazonaws.com"]`)

	group := m.OfType("aws:cloudwatch/logGroup:LogGroup")[0]
	assert.Equal(t, key.Outputs["arn"].StringValue(), group.Str("kmsKeyId"))
	assert.Equal(t, 365.0, group.Num("retentionInDays"))

	flow := m.OfType("aws:ec2/flowLog:FlowLog")[0]
	assert.Equal(t, "ALL", flow.Str("trafficType"))
	assert.Equal(t, "network-eu-west-1-vpc-id", flow.Str("vpcId"))
	assert.Equal(t, "cloud-watch-logs", flow.Str("logDestinationType"))
	assert.Equal(t, group.Outputs["arn"].StringValue(), flow.Str("logDestination"))

	role := m.Named("aws:iam/role:Role", "network-eu-west-1-flow-logs-role")
	assert.Equal(t, role.Outputs["arn"].StringValue(), flow.Str("iamRoleArn"))
	trust := role.JSON("assumeRolePolicy")["Statement"].([]any)
	require.Len(t, trust, 1)
	assert.Equal(t, map[string]any{"Service": []any{"vpc-flow-logs.amazonaws.com"}}, trust[0].(map[string]any)["Principal"])
	assert.Equal(t, map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": offline.AccountID},
		"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:ec2:eu-west-1:" + offline.AccountID + ":vpc-flow-log/*"},
	}, trust[0].(map[string]any)["Condition"], "only this account's flow logs of this region assume the role")

	write := m.OfType("aws:iam/rolePolicy:RolePolicy")
	require.Len(t, write, 1)
	assert.Equal(t, role.ID, write[0].Str("role"))
	// AWS checks the role's permissions when the flow log first delivers: created before the policy,
	// the flow log starts with delivery errors.
	assert.True(t, flow.DependsOn(write[0]), "the flow log waits for its role's write policy")
	statements := write[0].JSON("policy")["Statement"].([]any)
	require.Len(t, statements, 2)
	st := statements[0].(map[string]any)
	assert.ElementsMatch(t, []any{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, st["Action"])
	groupArn := group.Outputs["arn"].StringValue()
	assert.Equal(t, []any{groupArn, groupArn + ":*"}, st["Resource"], "the role writes to its own log group only")
	describe := statements[1].(map[string]any)
	assert.Equal(t, []any{"logs:DescribeLogGroups"}, describe["Action"], "AWS lists DescribeLogGroups among the permissions delivery needs")
	assert.Equal(t, []any{"arn:aws:logs:eu-west-1:" + offline.AccountID + ":log-group:*"}, describe["Resource"])
	for _, raw := range statements {
		for _, a := range raw.(map[string]any)["Action"].([]any) {
			assert.NotEqual(t, "logs:CreateLogGroup", a, "the service must not recreate a deleted group")
		}
	}
}

func TestFlowLogKeyLetsCloudWatchLogsUseItForThisRegionsLogGroupsOnly(t *testing.T) {
	m := runNetwork(t, testArgs(NatSingle))
	key := m.Named("aws:kms/key:Key", "network-eu-west-1-flow-logs-key")
	require.NotNil(t, key)
	var logs map[string]any
	for _, raw := range key.JSON("policy")["Statement"].([]any) {
		st := raw.(map[string]any)
		if p, _ := st["Principal"].(map[string]any); p != nil && p["Service"] != nil {
			require.Nil(t, logs, "one service statement")
			logs = st
		}
	}
	require.NotNil(t, logs)
	assert.Equal(t, []any{"logs.eu-west-1.amazonaws.com"}, logs["Principal"].(map[string]any)["Service"], "the regional CloudWatch Logs principal")
	assert.Subset(t, logs["Action"], []any{"kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"})
	for _, a := range logs["Action"].([]any) {
		assert.NotContains(t, []any{"kms:*", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant"}, a)
	}
	assert.Equal(t, map[string]any{"ArnLike": map[string]any{
		"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:" + offline.AccountID + ":log-group:*",
	}}, logs["Condition"], "the encryption context pins the key to this account's log groups of the region")
}

func TestS3GatewayEndpointServesPrivateAndDatabaseTables(t *testing.T) {
	m := runNetwork(t, testArgs(NatPerAz))
	ep := m.OfType("aws:ec2/vpcEndpoint:VpcEndpoint")
	require.Len(t, ep, 1)
	assert.Equal(t, "com.amazonaws.eu-west-1.s3", ep[0].Str("serviceName"))
	assert.Equal(t, "Gateway", ep[0].Str("vpcEndpointType"))
	assert.ElementsMatch(t, []string{
		"network-eu-west-1-private-rt-a-id", "network-eu-west-1-private-rt-b-id", "network-eu-west-1-private-rt-c-id",
		"network-eu-west-1-database-rt-id",
	}, ep[0].Strings("routeTableIds"))
}

func TestBadArgsFailBeforeAnyResource(t *testing.T) {
	cases := map[string]func(*Args){
		"nil-safe subnet count": func(a *Args) { a.PrivateSubnets = a.PrivateSubnets[:1] },
		"unknown strategy":      func(a *Args) { a.NatGateways = "some" },
		"no database port":      func(a *Args) { a.DatabasePorts = nil },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			args := testArgs(NatPerAz)
			mutate(args)
			m, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
				_, err := NewNetwork(ctx, "network-x", args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "network network-x:")
			assert.Empty(t, m.Resources())
		})
	}
	_, err := offlinetest.Run(t, "test", nil, func(ctx *pulumi.Context) error {
		_, err := NewNetwork(ctx, "network-x", nil)
		return err
	})
	assert.ErrorContains(t, err, "args are required")
}

// routeTablesByTier maps tier -> set of route table ids, from the tables' associations.
func routeTablesByTier(m *offline.Mocks) map[string]map[string]bool {
	tierOfSubnet := map[string]string{}
	for _, s := range m.OfType("aws:ec2/subnet:Subnet") {
		tierOfSubnet[s.ID] = s.Tags()["Tier"]
	}
	out := map[string]map[string]bool{"public": {}, "private": {}, "database": {}}
	for _, a := range m.OfType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		out[tierOfSubnet[a.Str("subnetId")]][a.Str("routeTableId")] = true
	}
	return out
}

// TestSubnetIdsResolveOnlyOnceTheTierIsRouted: AWS refuses an internet-facing ALB while the VPC's
// internet gateway is not attached, and instances launched before their NAT route boot without
// egress. Consumers of the subnet id outputs must therefore depend on the routes and associations.
func TestSubnetIdsResolveOnlyOnceTheTierIsRouted(t *testing.T) {
	for _, nat := range []string{NatPerAz, NatSingle, NatNone} {
		t.Run(nat, func(t *testing.T) {
			m := offlinetest.MustRun(t, "test", nil, func(ctx *pulumi.Context) error {
				p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
				if err != nil {
					return err
				}
				n, err := NewNetwork(ctx, "network-"+region, testArgs(nat), pulumi.Provider(p))
				if err != nil {
					return err
				}
				if _, err := lb.NewLoadBalancer(ctx, "consumer-alb", &lb.LoadBalancerArgs{Subnets: n.PublicSubnetIds}, pulumi.Provider(p)); err != nil {
					return err
				}
				if _, err := autoscaling.NewGroup(ctx, "consumer-asg", &autoscaling.GroupArgs{
					MinSize: pulumi.Int(1), MaxSize: pulumi.Int(1), VpcZoneIdentifiers: n.PrivateSubnetIds,
				}, pulumi.Provider(p)); err != nil {
					return err
				}
				_, err = rds.NewSubnetGroup(ctx, "consumer-db", &rds.SubnetGroupArgs{SubnetIds: n.DatabaseSubnetIds}, pulumi.Provider(p))
				return err
			})
			alb := m.Named("aws:lb/loadBalancer:LoadBalancer", "consumer-alb")
			asg := m.Named("aws:autoscaling/group:Group", "consumer-asg")
			db := m.Named("aws:rds/subnetGroup:SubnetGroup", "consumer-db")
			require.NotNil(t, alb)
			require.NotNil(t, asg)
			require.NotNil(t, db)
			assert.Equal(t, []string{"network-eu-west-1-public-a-id", "network-eu-west-1-public-b-id", "network-eu-west-1-public-c-id"}, alb.Strings("subnets"), "the ids themselves are unchanged, in AZ order")
			assert.Equal(t, []string{"network-eu-west-1-private-a-id", "network-eu-west-1-private-b-id", "network-eu-west-1-private-c-id"}, asg.Strings("vpcZoneIdentifiers"))

			route := m.Named("aws:ec2/route:Route", "network-eu-west-1-public-default")
			require.NotNil(t, route)
			assert.True(t, alb.DependsOn(route), "the ALB waits for the internet gateway route")
			for _, zone := range []string{"a", "b", "c"} {
				for _, c := range []struct {
					consumer *offline.Resource
					tier     string
				}{{alb, "public"}, {asg, "private"}, {db, "database"}} {
					assoc := m.Named("aws:ec2/routeTableAssociation:RouteTableAssociation", fmt.Sprintf("network-eu-west-1-%s-%s-rta", c.tier, zone))
					require.NotNil(t, assoc)
					assert.True(t, c.consumer.DependsOn(assoc), "%s waits for %s", c.consumer.Name, assoc.Name)
				}
			}
			natRoutes := 0
			for _, r := range m.OfType("aws:ec2/route:Route") {
				if r.Has("natGatewayId") {
					natRoutes++
					assert.True(t, asg.DependsOn(r), "instances wait for their NAT route %s", r.Name)
					assert.False(t, alb.DependsOn(r), "the ALB need not wait for NAT")
				}
			}
			assert.Equal(t, natCount(nat, 3), natRoutes)
		})
	}
}
