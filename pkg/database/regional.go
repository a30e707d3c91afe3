package database

import (
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/database/dbspec"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// regional is what each region has before its cluster exists. Every name carries the region code
// and no role, and no input depends on whether the region writes, so a failover changes nothing here.
type regional struct {
	args       RegionArgs
	prefix     string // name + "-" + region
	acct       kmskey.Account
	opts       []pulumi.ResourceOption // parent and the region's provider
	key        *kms.Key
	subnets    *rds.SubnetGroup
	sg         *ec2.SecurityGroup
	params     *rds.ClusterParameterGroup
	monitoring *monitoringRole // nil when enhanced monitoring is off
}

type monitoringRole struct {
	role       *iam.Role
	attachment *iam.RolePolicyAttachment
}

// newRegional builds a region's key, subnet group, security group, cluster parameter group and
// enhanced monitoring role.
func (g *GlobalDatabase) newRegional(ctx *pulumi.Context, name string, r RegionArgs, args *Args) (*regional, error) {
	acct := awsenv.AccountIn(args.AccountId, r.Region)
	var err error
	reg := &regional{
		args:   r,
		prefix: name + "-" + r.Region,
		acct:   acct,
		opts:   []pulumi.ResourceOption{pulumi.Parent(g), pulumi.Provider(r.Provider)},
	}
	port := dbspec.Port(args.Engine)

	if reg.key, err = newKey(ctx, reg.prefix+"-key", name, acct, append(reg.opts, pulumi.Protect(args.Protect))...); err != nil {
		return nil, err
	}
	if reg.subnets, err = rds.NewSubnetGroup(ctx, reg.prefix+"-subnets", &rds.SubnetGroupArgs{
		Description: pulumi.Sprintf("Database subnets of %s in %s", name, r.Region),
		SubnetIds:   r.SubnetIds,
		Tags:        nameTag(reg.prefix + "-subnets"),
	}, reg.opts...); err != nil {
		return nil, err
	}
	if reg.sg, err = ec2.NewSecurityGroup(ctx, reg.prefix+"-sg", &ec2.SecurityGroupArgs{
		VpcId:       r.VpcId,
		Description: pulumi.Sprintf("Aurora %s in %s: port %d from the application instances only", name, r.Region, port),
		Tags:        nameTag(reg.prefix + "-sg"),
	}, reg.opts...); err != nil {
		return nil, err
	}
	if _, err = vpc.NewSecurityGroupIngressRule(ctx, reg.prefix+"-sg-in-app", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           reg.sg.ID(),
		Description:               pulumi.Sprintf("%s port %d from the application instances of %s", args.Engine, port, r.Region),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(port),
		ToPort:                    pulumi.Int(port),
		ReferencedSecurityGroupId: r.ClientSecurityGroupId,
		Tags:                      nameTag(reg.prefix + "-sg-in-app"),
	}, reg.opts...); err != nil {
		return nil, err
	}
	if reg.params, err = newParameterGroup(ctx, reg.prefix+"-params", name, r.Region, args, reg.opts...); err != nil {
		return nil, err
	}
	if args.MonitoringIntervalSeconds > 0 {
		if reg.monitoring, err = newMonitoringRole(ctx, reg.prefix+"-monitoring", acct, reg.opts...); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// newParameterGroup is a region's cluster parameter group. Both regions get the same parameters: a
// promoted secondary keeps the group it had, so it must already force TLS the day it becomes the
// writer. No RPO bound (validate refuses RpoSeconds): in two regions it would stop the new writer.
func newParameterGroup(ctx *pulumi.Context, name, component, region string, args *Args, opts ...pulumi.ResourceOption) (*rds.ClusterParameterGroup, error) {
	var params rds.ClusterParameterGroupParameterArray
	for _, p := range dbspec.ClusterParametersFor(args.Engine, args.RpoSeconds, args.WriteForwarding) {
		params = append(params, rds.ClusterParameterGroupParameterArgs{
			Name:        pulumi.String(p.Name),
			Value:       pulumi.String(p.Value),
			ApplyMethod: pulumi.String(p.ApplyMethod),
		})
	}
	return rds.NewClusterParameterGroup(ctx, name, &rds.ClusterParameterGroupArgs{
		Family:      pulumi.String(dbspec.ParameterFamily(args.Engine, args.EngineVersion)),
		Description: pulumi.Sprintf("Aurora %s in %s: TLS required", component, region),
		Parameters:  params,
		Tags:        nameTag(name),
	}, opts...)
}

// enhancedMonitoringPolicy is the AWS managed policy RDS enhanced monitoring needs.
const enhancedMonitoringPolicy = "service-role/AmazonRDSEnhancedMonitoringRole"

// newMonitoringRole is the role RDS assumes to publish enhanced monitoring metrics, trusted only
// by monitoring.rds.amazonaws.com on behalf of this account.
func newMonitoringRole(ctx *pulumi.Context, name string, acct kmskey.Account, opts ...pulumi.ResourceOption) (*monitoringRole, error) {
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:      pulumi.Sprintf("RDS enhanced monitoring of %s", name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("monitoring.rds.amazonaws.com", acct.ID).JSON()),
		Tags:             nameTag(name),
	}, opts...)
	if err != nil {
		return nil, err
	}
	attachment, err := iam.NewRolePolicyAttachment(ctx, name+"-policy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.Sprintf("arn:%s:iam::aws:policy/%s", acct.Partition, enhancedMonitoringPolicy),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &monitoringRole{role: role, attachment: attachment}, nil
}

// nameTag is the Name tag; the providers add the stack's tags.
func nameTag(value string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(value)} }
