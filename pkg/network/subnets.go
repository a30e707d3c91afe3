package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// subnetTiers holds every subnet of the VPC by tier, in AZ order, with the CIDRs they were given.
type subnetTiers struct {
	subnets map[Tier][]*ec2.Subnet
	cidrs   map[Tier][]string
}

func newSubnets(ctx *pulumi.Context, name string, vpc *ec2.Vpc, zones []string, args *Args, opts ...pulumi.ResourceOption) (*subnetTiers, error) {
	t := &subnetTiers{
		subnets: map[Tier][]*ec2.Subnet{},
		cidrs: map[Tier][]string{
			TierPublic:   args.PublicSubnets,
			TierPrivate:  args.PrivateSubnets,
			TierDatabase: args.DatabaseSubnets,
		},
	}
	for _, tier := range Tiers {
		for i, az := range zones {
			subnetName := fmt.Sprintf("%s-%s-%s", name, tier, zoneSuffix(az))
			s, err := ec2.NewSubnet(ctx, subnetName, &ec2.SubnetArgs{
				VpcId:            vpc.ID(),
				CidrBlock:        pulumi.String(t.cidrs[tier][i]),
				AvailabilityZone: pulumi.String(az),
				// Nothing launched here gets a public address: the ALB brings its own, and instances
				// live in the private tier.
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags: pulumi.StringMap{
					"Name": pulumi.String(subnetName),
					"Tier": pulumi.String(tier.String()),
				},
			}, opts...)
			if err != nil {
				return nil, err
			}
			t.subnets[tier] = append(t.subnets[tier], s)
		}
	}
	return t, nil
}

// ids returns the subnet ids of tier, in AZ order.
func (t *subnetTiers) ids(tier Tier) pulumi.StringArrayOutput {
	ids := pulumi.StringArray{}
	for _, s := range t.subnets[tier] {
		ids = append(ids, s.ID().ToStringOutput())
	}
	return ids.ToStringArrayOutput()
}
