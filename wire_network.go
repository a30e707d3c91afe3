package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/network"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

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
