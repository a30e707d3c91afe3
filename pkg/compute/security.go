package compute

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CloudFrontOriginFacing is the AWS-managed prefix list of CloudFront's origin-facing addresses. It
// weighs 55 rules against a security group's inbound quota, so the ALB's group holds it alone.
const CloudFrontOriginFacing = "com.amazonaws.global.cloudfront.origin-facing"

// Route53HealthChecksPrefixList is the AWS-managed prefix list of Route 53's health checkers as seen
// from region. It weighs 25 rules, so it cannot join CloudFront's 55 in one group of the default 60
// inbound rules: the ALB carries a second group for it alone.
func Route53HealthChecksPrefixList(region string) string {
	return "com.amazonaws." + region + ".route53-healthchecks"
}

// Weights of the managed prefix lists against a security group's inbound-rule quota (default 60).
const (
	CloudFrontOriginFacingWeight = 55
	Route53HealthChecksWeight    = 25
	DefaultInboundRulesPerGroup  = 60
)

// securityGroups are the ALB's groups (CloudFront's; Route 53's checkers') and the instances'. Every
// rule is a standalone resource (none inline), each with a description.
type securityGroups struct {
	alb, albHealthChecks, app *ec2.SecurityGroup
}

func (c *Compute) newSecurityGroups(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*securityGroups, error) {
	alb, err := ec2.NewSecurityGroup(ctx, name+"-alb-sg", &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("ALB of " + name + ": HTTPS from CloudFront origin-facing addresses only"),
		Tags:        nameTag(name + "-alb-sg"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	albHealthChecks, err := ec2.NewSecurityGroup(ctx, name+"-alb-hc-sg", &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("ALB of " + name + ": HTTPS from Route 53 health checkers only (liveness and global-primary paths)"),
		Tags:        nameTag(name + "-alb-hc-sg"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	app, err := ec2.NewSecurityGroup(ctx, name+"-app-sg", &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("Instances of " + name + ": app port from the ALB only"),
		Tags:        nameTag(name + "-app-sg"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	ingress := []struct {
		name string
		args *vpc.SecurityGroupIngressRuleArgs
	}{
		{name + "-alb-in-https-cloudfront", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: alb.ID(),
			Description:     pulumi.String("HTTPS from CloudFront origin-facing addresses"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			PrefixListId:    pulumi.String(args.CloudFrontPrefixListId),
		}},
		{name + "-alb-in-https-route53", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: albHealthChecks.ID(),
			Description:     pulumi.String("HTTPS from Route 53 health checkers (the listener forwards them only the health paths)"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			PrefixListId:    args.HealthCheckPrefixListId,
		}},
		{name + "-app-in-alb", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           app.ID(),
			Description:               pulumi.Sprintf("App port %d from the ALB", args.AppPort),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(args.AppPort),
			ToPort:                    pulumi.Int(args.AppPort),
			ReferencedSecurityGroupId: alb.ID(),
		}},
	}
	for _, r := range ingress {
		r.args.Tags = nameTag(r.name)
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, r.name, r.args, opts...); err != nil {
			return nil, err
		}
	}

	egress := []struct {
		name string
		args *vpc.SecurityGroupEgressRuleArgs
	}{
		{name + "-alb-out-app", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId:           alb.ID(),
			Description:               pulumi.Sprintf("App port %d to the instances", args.AppPort),
			IpProtocol:                pulumi.String("tcp"),
			FromPort:                  pulumi.Int(args.AppPort),
			ToPort:                    pulumi.Int(args.AppPort),
			ReferencedSecurityGroupId: app.ID(),
		}},
		{name + "-app-out-https", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: app.ID(),
			Description:     pulumi.String("HTTPS to AWS APIs (SSM, CloudWatch) and package mirrors through NAT or endpoints"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
		}},
	}
	for i, cidr := range args.DatabaseSubnetCidrs {
		egress = append(egress, struct {
			name string
			args *vpc.SecurityGroupEgressRuleArgs
		}{fmt.Sprintf("%s-app-out-db-%d", name, i), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: app.ID(),
			Description:     pulumi.Sprintf("Database port %d to database subnet %s", args.DatabasePort, cidr),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(args.DatabasePort),
			ToPort:          pulumi.Int(args.DatabasePort),
			CidrIpv4:        pulumi.String(cidr),
		}})
	}
	for _, r := range egress {
		r.args.Tags = nameTag(r.name)
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, r.name, r.args, opts...); err != nil {
			return nil, err
		}
	}
	return &securityGroups{alb: alb, albHealthChecks: albHealthChecks, app: app}, nil
}
