package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// routeTables are the ids of the VPC's route tables per tier.
type routeTables struct {
	public   pulumi.IDOutput
	private  pulumi.StringArray // one per AZ with perAz NAT, otherwise one shared
	database pulumi.IDOutput
	// ready holds, per tier, the ids of the associations and default routes that make the tier's
	// subnets usable: subnet id outputs resolve only after them (see subnetsReady).
	ready map[Tier][]pulumi.IDOutput
}

const anywhere = "0.0.0.0/0"

// newRouting builds the internet gateway, NAT gateways and route tables:
//   - public: default route to the internet gateway;
//   - private: default route to a NAT gateway (its own AZ's with perAz), none with NatNone;
//   - database: no default route at all, so the tier stays isolated whatever the NAT strategy.
func newRouting(ctx *pulumi.Context, name string, vpc *ec2.Vpc, zones []string, tiers *subnetTiers, args *Args, opts ...pulumi.ResourceOption) (*routeTables, error) {
	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(name + "-igw"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	public, err := ec2.NewRouteTable(ctx, name+"-public-rt", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(name + "-public-rt"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	rt := &routeTables{ready: map[Tier][]pulumi.IDOutput{}}
	publicDefault, err := ec2.NewRoute(ctx, name+"-public-default", &ec2.RouteArgs{
		RouteTableId:         public.ID(),
		DestinationCidrBlock: pulumi.String(anywhere),
		GatewayId:            igw.ID(),
	}, opts...)
	if err != nil {
		return nil, err
	}
	rt.ready[TierPublic] = append(rt.ready[TierPublic], publicDefault.ID())
	if err := associate(ctx, name, tiers, TierPublic, zones, func(int) pulumi.IDOutput { return public.ID() }, rt, opts...); err != nil {
		return nil, err
	}

	nats, err := newNatGateways(ctx, name, zones, tiers, igw, args, opts...)
	if err != nil {
		return nil, err
	}
	privateTables := 1
	if args.NatGateways == NatPerAz {
		privateTables = len(zones)
	}
	var private []*ec2.RouteTable
	for i := 0; i < privateTables; i++ {
		tableName := name + "-private-rt"
		if privateTables > 1 {
			tableName = fmt.Sprintf("%s-private-rt-%s", name, zoneSuffix(zones[i]))
		}
		table, err := ec2.NewRouteTable(ctx, tableName, &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  nameTag(tableName),
		}, opts...)
		if err != nil {
			return nil, err
		}
		private = append(private, table)
		rt.private = append(rt.private, table.ID().ToStringOutput())
		if len(nats) == 0 {
			continue
		}
		natDefault, err := ec2.NewRoute(ctx, tableName+"-default", &ec2.RouteArgs{
			RouteTableId:         table.ID(),
			DestinationCidrBlock: pulumi.String(anywhere),
			NatGatewayId:         nats[i%len(nats)].ID(),
		}, opts...)
		if err != nil {
			return nil, err
		}
		rt.ready[TierPrivate] = append(rt.ready[TierPrivate], natDefault.ID())
	}
	if err := associate(ctx, name, tiers, TierPrivate, zones, func(i int) pulumi.IDOutput { return private[i%len(private)].ID() }, rt, opts...); err != nil {
		return nil, err
	}

	database, err := ec2.NewRouteTable(ctx, name+"-database-rt", &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  nameTag(name + "-database-rt-isolated"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if err := associate(ctx, name, tiers, TierDatabase, zones, func(int) pulumi.IDOutput { return database.ID() }, rt, opts...); err != nil {
		return nil, err
	}
	rt.public = public.ID()
	rt.database = database.ID()
	return rt, nil
}

// newNatGateways puts NAT gateways, each with its own Elastic IP, in the first public subnets.
func newNatGateways(ctx *pulumi.Context, name string, zones []string, tiers *subnetTiers, igw *ec2.InternetGateway, args *Args, opts ...pulumi.ResourceOption) ([]*ec2.NatGateway, error) {
	var nats []*ec2.NatGateway
	for i := 0; i < natCount(args.NatGateways, len(zones)); i++ {
		suffix := zoneSuffix(zones[i])
		eip, err := ec2.NewEip(ctx, fmt.Sprintf("%s-nat-eip-%s", name, suffix), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   nameTag(fmt.Sprintf("%s-nat-eip-%s", name, suffix)),
		}, opts...)
		if err != nil {
			return nil, err
		}
		// A NAT gateway is useless until the VPC has its internet gateway.
		nat, err := ec2.NewNatGateway(ctx, fmt.Sprintf("%s-nat-%s", name, suffix), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     tiers.subnets[TierPublic][i].ID(),
			Tags:         nameTag(fmt.Sprintf("%s-nat-%s", name, suffix)),
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return nil, err
		}
		nats = append(nats, nat)
	}
	return nats, nil
}

// associate attaches every subnet of tier to the table tableFor returns for its AZ index, and
// records the associations among the tier's readiness.
func associate(ctx *pulumi.Context, name string, tiers *subnetTiers, tier Tier, zones []string, tableFor func(i int) pulumi.IDOutput, rt *routeTables, opts ...pulumi.ResourceOption) error {
	for i, s := range tiers.subnets[tier] {
		a, err := ec2.NewRouteTableAssociation(ctx, fmt.Sprintf("%s-%s-%s-rta", name, tier, zoneSuffix(zones[i])), &ec2.RouteTableAssociationArgs{
			SubnetId:     s.ID(),
			RouteTableId: tableFor(i),
		}, opts...)
		if err != nil {
			return err
		}
		rt.ready[tier] = append(rt.ready[tier], a.ID())
	}
	return nil
}

// subnetsReady returns ids, resolving only once every resource behind ready exists, and carrying
// them as dependencies to whatever consumes the ids. AWS refuses an internet-facing load balancer in
// a VPC whose internet gateway is not attached yet ("InvalidSubnet: VPC ... has no internet
// gateway"), and an instance launched before its subnet's NAT route boots without egress; the
// subnet resources alone do not wait for either.
func subnetsReady(ids pulumi.StringArrayOutput, ready []pulumi.IDOutput) pulumi.StringArrayOutput {
	all := []any{ids}
	for _, r := range ready {
		all = append(all, r)
	}
	return pulumi.All(all...).ApplyT(func(v []any) []string { return v[0].([]string) }).(pulumi.StringArrayOutput)
}
