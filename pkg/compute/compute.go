package compute

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Compute is one region's application tier.
type Compute struct {
	pulumi.ResourceState

	AlbArn               pulumi.StringOutput `pulumi:"albArn"`
	AlbDnsName           pulumi.StringOutput `pulumi:"albDnsName"`
	AlbZoneId            pulumi.StringOutput `pulumi:"albZoneId"`
	AlbArnSuffix         pulumi.StringOutput `pulumi:"albArnSuffix"`
	TargetGroupArn       pulumi.StringOutput `pulumi:"targetGroupArn"`
	TargetGroupArnSuffix pulumi.StringOutput `pulumi:"targetGroupArnSuffix"`
	AutoScalingGroupName pulumi.StringOutput `pulumi:"autoScalingGroupName"`
	AppSecurityGroupId   pulumi.StringOutput `pulumi:"appSecurityGroupId"`
	AlbSecurityGroupId   pulumi.StringOutput `pulumi:"albSecurityGroupId"`
	AccessLogsBucket     pulumi.StringOutput `pulumi:"accessLogsBucket"`
	// InstanceRoleName is the instances' IAM role, for grants other components own (the database
	// lets it read its credentials secret).
	InstanceRoleName pulumi.StringOutput `pulumi:"instanceRoleName"`
	// OriginVerifySecret is the secret origin header value, for CloudFront to send. Always secret.
	OriginVerifySecret pulumi.StringOutput `pulumi:"originVerifySecret"`
}

// NewCompute builds the application tier of one region. Pass that region's provider with
// pulumi.Provider: every child and lookup inherits it.
func NewCompute(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Compute, error) {
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("compute %s: %w", name, err)
	}
	a := args.withDefaults()
	c := &Compute{}
	if err := ctx.RegisterComponentResource("multi-region-ha:compute:Compute", name, c, opts...); err != nil {
		return nil, fmt.Errorf("compute %s: %w", name, err)
	}
	if err := c.build(ctx, name, &a); err != nil {
		return nil, fmt.Errorf("compute %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"albArn":               c.AlbArn,
		"albDnsName":           c.AlbDnsName,
		"albZoneId":            c.AlbZoneId,
		"albArnSuffix":         c.AlbArnSuffix,
		"targetGroupArn":       c.TargetGroupArn,
		"targetGroupArnSuffix": c.TargetGroupArnSuffix,
		"autoScalingGroupName": c.AutoScalingGroupName,
		"appSecurityGroupId":   c.AppSecurityGroupId,
		"albSecurityGroupId":   c.AlbSecurityGroupId,
		"accessLogsBucket":     c.AccessLogsBucket,
		"instanceRoleName":     c.InstanceRoleName,
		"originVerifySecret":   c.OriginVerifySecret,
	}); err != nil {
		return nil, fmt.Errorf("compute %s: %w", name, err)
	}
	return c, nil
}

func (c *Compute) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(c)
	acct, err := kmskey.Lookup(ctx, c)
	if err != nil {
		return err
	}
	sgs, err := c.newSecurityGroups(ctx, name, args, child)
	if err != nil {
		return err
	}
	logs, err := c.newAccessLogBucket(ctx, name, args, acct, child)
	if err != nil {
		return err
	}
	lbs, err := c.newLoadBalancing(ctx, name, args, sgs, logs, child)
	if err != nil {
		return err
	}
	group, err := c.newInstances(ctx, name, args, acct, sgs, lbs, child)
	if err != nil {
		return err
	}
	if err := c.newDatabaseDiscovery(ctx, name, args, acct, group.role, child); err != nil {
		return err
	}

	c.AlbArn = lbs.alb.Arn
	c.AlbDnsName = lbs.alb.DnsName
	c.AlbZoneId = lbs.alb.ZoneId
	c.AlbArnSuffix = lbs.alb.ArnSuffix
	c.TargetGroupArn = lbs.target.Arn
	c.TargetGroupArnSuffix = lbs.target.ArnSuffix
	c.AutoScalingGroupName = group.group.Name
	c.AppSecurityGroupId = sgs.app.ID().ToStringOutput()
	c.AlbSecurityGroupId = sgs.alb.ID().ToStringOutput()
	c.AccessLogsBucket = logs.bucket.Bucket
	c.InstanceRoleName = group.role.Name
	c.OriginVerifySecret = pulumi.ToSecret(args.OriginVerifySecret.ToStringOutput()).(pulumi.StringOutput)
	return nil
}

// nameTag is the Name tag the console shows; everything else comes from the provider's defaultTags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }

// roleTags is the Name tag plus the region's current role.
func roleTags(value, role string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(value), "Role": pulumi.String(role)}
}
