package network

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Network is one region's VPC and everything that shapes its traffic.
type Network struct {
	pulumi.ResourceState

	VpcId                pulumi.StringOutput      `pulumi:"vpcId"`
	VpcCidr              pulumi.StringOutput      `pulumi:"vpcCidr"`
	AvailabilityZones    pulumi.StringArrayOutput `pulumi:"availabilityZones"`
	PublicSubnetIds      pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	PrivateSubnetIds     pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	DatabaseSubnetIds    pulumi.StringArrayOutput `pulumi:"databaseSubnetIds"`
	PublicRouteTableId   pulumi.StringOutput      `pulumi:"publicRouteTableId"`
	PrivateRouteTableIds pulumi.StringArrayOutput `pulumi:"privateRouteTableIds"`
	DatabaseRouteTableId pulumi.StringOutput      `pulumi:"databaseRouteTableId"`
}

// NewNetwork builds the network of one region. Pass that region's provider with pulumi.Provider:
// every child inherits it.
func NewNetwork(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Network, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	n := &Network{}
	if err := ctx.RegisterComponentResource("multi-region-ha:network:Network", name, n, opts...); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	if err := n.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":                n.VpcId,
		"vpcCidr":              n.VpcCidr,
		"availabilityZones":    n.AvailabilityZones,
		"publicSubnetIds":      n.PublicSubnetIds,
		"privateSubnetIds":     n.PrivateSubnetIds,
		"databaseSubnetIds":    n.DatabaseSubnetIds,
		"publicRouteTableId":   n.PublicRouteTableId,
		"privateRouteTableIds": n.PrivateRouteTableIds,
		"databaseRouteTableId": n.DatabaseRouteTableId,
	}); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	return n, nil
}

func (n *Network) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(n)
	zones := args.AvailabilityZones

	vpc, err := ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.Cidr),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               nameTag(name + "-vpc"),
	}, child)
	if err != nil {
		return err
	}
	if err := lockDownDefaults(ctx, name, vpc, child); err != nil {
		return err
	}

	tiers, err := newSubnets(ctx, name, vpc, zones, args, child)
	if err != nil {
		return err
	}
	routes, err := newRouting(ctx, name, vpc, zones, tiers, args, child)
	if err != nil {
		return err
	}
	if err := newNetworkAcls(ctx, name, vpc, tiers, args, child); err != nil {
		return err
	}
	if err := newFlowLogs(ctx, name, n, vpc, args, child); err != nil {
		return err
	}
	if _, err := ec2.NewVpcEndpoint(ctx, name+"-s3-endpoint", &ec2.VpcEndpointArgs{
		VpcId:           vpc.ID(),
		ServiceName:     pulumi.Sprintf("com.amazonaws.%s.s3", regionOf(zones[0])),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   append(routes.private, routes.database),
		Tags:            nameTag(name + "-s3-endpoint"),
	}, child); err != nil {
		return err
	}

	n.VpcId = vpc.ID().ToStringOutput()
	n.VpcCidr = vpc.CidrBlock
	n.AvailabilityZones = pulumi.ToStringArray(zones).ToStringArrayOutput()
	// Subnet ids resolve once their tier is routed: consumers (the ALB, the Auto Scaling group, the
	// database subnet group) then wait for the internet gateway route, NAT routes and associations.
	n.PublicSubnetIds = subnetsReady(tiers.ids(TierPublic), routes.ready[TierPublic])
	n.PrivateSubnetIds = subnetsReady(tiers.ids(TierPrivate), routes.ready[TierPrivate])
	n.DatabaseSubnetIds = subnetsReady(tiers.ids(TierDatabase), routes.ready[TierDatabase])
	n.PublicRouteTableId = routes.public.ToStringOutput()
	n.PrivateRouteTableIds = routes.private.ToStringArrayOutput()
	n.DatabaseRouteTableId = routes.database.ToStringOutput()
	return nil
}

// lockDownDefaults takes over the VPC's default security group, network ACL and main route table
// with no rules and no routes, so nothing that lands on them by accident is reachable or routed.
func lockDownDefaults(ctx *pulumi.Context, name string, vpc *ec2.Vpc, opts ...pulumi.ResourceOption) error {
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(name + "-default-sg-unused"),
	}, opts...); err != nil {
		return err
	}
	if _, err := ec2.NewDefaultNetworkAcl(ctx, name+"-default-nacl", &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: vpc.DefaultNetworkAclId,
		Tags:                nameTag(name + "-default-nacl-deny-all"),
	}, append(opts, pulumi.IgnoreChanges([]string{"subnetIds"}))...); err != nil {
		return err
	}
	_, err := ec2.NewDefaultRouteTable(ctx, name+"-main-rt", &ec2.DefaultRouteTableArgs{
		DefaultRouteTableId: vpc.DefaultRouteTableId,
		Tags:                nameTag(name + "-main-rt-no-routes"),
	}, opts...)
	return err
}

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }

// regionOf returns the region of an Availability Zone name ("us-east-1a" -> "us-east-1").
func regionOf(az string) string { return strings.TrimRight(az, "abcdefghijklmnopqrstuvwxyz") }

// zoneSuffix returns the zone letter of an Availability Zone name ("us-east-1a" -> "a").
func zoneSuffix(az string) string { return strings.TrimPrefix(az, regionOf(az)) }
