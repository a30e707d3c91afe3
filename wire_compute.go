package main

import (
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/compute"
)

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
