package compute

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Auto Scaling behaviour.
const (
	instanceWarmupSeconds = 120 // before a new instance's metrics count for scaling and refresh
	// Instance refresh launches replacements first and never drops below the desired capacity.
	// AWS refuses a refresh whose MaxHealthyPercentage exceeds MinHealthyPercentage by more than 100
	// (ValidationError at StartInstanceRefresh, i.e. at the first launch template change, not at
	// creation), so the pair is 100/200.
	minHealthyPercentage = 100
	maxHealthyPercentage = 200
	cpuTargetPercent     = 50 // target tracking on average CPU
)

// groupMetrics are the Auto Scaling group metrics published to CloudWatch (1-minute granularity).
var groupMetrics = []string{
	"GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances",
	"GroupPendingInstances", "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances",
}

// GroupIgnoredChanges are the Auto Scaling group inputs `pulumi up` leaves to runtime: only
// desiredCapacity, which target tracking and the failover runbook change (the runbook raises the
// promoted region's desired capacity at once and never touches min or max, so a change of
// minSize or maxSize in config still reaches the group on the next `pulumi up`).
var GroupIgnoredChanges = []string{"desiredCapacity"}

// requestCountResourceLabel is ALBRequestCountPerTarget's resource label: app/<name>/<id>/targetgroup/<name>/<id>.
func requestCountResourceLabel(albSuffix, targetGroupSuffix pulumi.StringOutput) pulumi.StringOutput {
	return pulumi.Sprintf("%s/%s", albSuffix, targetGroupSuffix)
}

type instances struct {
	group *autoscaling.Group
	role  *iam.Role
}

func (c *Compute) newInstances(ctx *pulumi.Context, name string, args *Args, acct kmskey.Account, sgs *securityGroups, lbs *loadBalancing, opts ...pulumi.ResourceOption) (*instances, error) {
	// The AMI is pinned in config (compute.amiIds, refreshed by `go run . pin --images`): a new
	// image shows in the preview as a new launch template version only when someone pins it.
	ami := args.AmiId
	userData, err := renderUserData(args)
	if err != nil {
		return nil, err
	}

	key, err := kms.NewKey(ctx, name+"-ebs-key", &kms.KeyArgs{
		Description:          pulumi.String("Root volumes of the instances of " + name),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(ebsKeyPolicy(acct, kmskey.StackUsers(ctx, nil)).JSON()),
		Tags:                 nameTag(name + "-ebs-key"),
	}, append(opts, pulumi.Protect(args.DeletionProtection))...)
	if err != nil {
		return nil, err
	}

	role, err := iam.NewRole(ctx, name+"-instance-role", &iam.RoleArgs{
		Description:      pulumi.String("Instances of " + name + ": Session Manager and CloudWatch agent only"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com", "").JSON()),
		Tags:             nameTag(name + "-instance-role"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	var attachments []pulumi.Resource
	for i, arn := range instanceManagedPolicies(acct.Partition) {
		attachment, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-instance-policy-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, opts...)
		if err != nil {
			return nil, err
		}
		attachments = append(attachments, attachment)
	}
	discovery, err := newDatabaseDiscovery(ctx, name, args, acct, role, opts...)
	if err != nil {
		return nil, err
	}
	if discovery != nil {
		attachments = append(attachments, discovery)
	}
	profile, err := iam.NewInstanceProfile(ctx, name+"-instance-profile", &iam.InstanceProfileArgs{
		Role: role.Name,
		Tags: nameTag(name + "-instance-profile"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	lt, err := ec2.NewLaunchTemplate(ctx, name+"-lt", &ec2.LaunchTemplateArgs{
		Description:          pulumi.String("Instances of " + name),
		ImageId:              pulumi.String(ami),
		InstanceType:         pulumi.String(args.InstanceType),
		UserData:             pulumi.String(userData),
		UpdateDefaultVersion: pulumi.Bool(true),
		IamInstanceProfile:   &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"), // IMDSv2 only
			HttpPutResponseHopLimit: pulumi.Int(1),
			InstanceMetadataTags:    pulumi.String("disabled"),
		},
		Monitoring: &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(true)},
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex:              pulumi.Int(0),
			AssociatePublicIpAddress: pulumi.String("false"),
			DeleteOnTermination:      pulumi.String("true"),
			SecurityGroups:           pulumi.StringArray{sgs.app.ID()},
		}},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String(args.RootDeviceName),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeType:          pulumi.String("gp3"),
				VolumeSize:          pulumi.Int(args.RootVolumeSize),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            key.Arn,
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: instanceTags(name, args)},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("network-interface"), Tags: instanceTags(name, args)},
		},
		Tags: nameTag(name + "-lt"),
	}, append(opts, pulumi.DependsOn(attachments))...)
	if err != nil {
		return nil, err
	}

	group, err := autoscaling.NewGroup(ctx, name+"-asg", &autoscaling.GroupArgs{
		VpcZoneIdentifiers:     args.PrivateSubnetIds,
		MinSize:                pulumi.Int(args.MinSize),
		MaxSize:                pulumi.Int(args.MaxSize),
		DesiredCapacity:        pulumi.Int(args.DesiredCapacity),
		HealthCheckType:        pulumi.String("ELB"),
		HealthCheckGracePeriod: pulumi.Int(args.HealthCheckGracePeriod),
		DefaultInstanceWarmup:  pulumi.Int(instanceWarmupSeconds),
		TargetGroupArns:        pulumi.StringArray{lbs.target.Arn},
		CapacityRebalance:      pulumi.Bool(true),
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(minHealthyPercentage),
				MaxHealthyPercentage: pulumi.Int(maxHealthyPercentage),
				// No automatic rollback: the provider points the group at the new template version
				// (UpdateAutoScalingGroup) before it starts the refresh, so the configuration AWS
				// restores on rollback is the new version itself (terraform-provider-aws#34189), and a
				// "rollback" relaunches the failing version. docs/compute.md has the operator's way back.
				AutoRollback:   pulumi.Bool(false),
				InstanceWarmup: pulumi.String(strconv.Itoa(instanceWarmupSeconds)),
			},
		},
		EnabledMetrics:     pulumi.ToStringArray(groupMetrics),
		MetricsGranularity: pulumi.String("1Minute"),
		Tags:               groupTags(name, args),
	}, append(opts,
		// Scaling and the failover runbook own the desired capacity after creation: `pulumi up` with
		// unchanged config must neither shrink the serving region nor undo the runbook's raise.
		pulumi.IgnoreChanges(GroupIgnoredChanges),
		// Register instances only once the target group serves the listener.
		pulumi.DependsOn([]pulumi.Resource{lbs.rule}),
	)...)
	if err != nil {
		return nil, err
	}

	if _, err := autoscaling.NewPolicy(ctx, name+"-cpu-target", &autoscaling.PolicyArgs{
		AutoscalingGroupName:    group.Name,
		PolicyType:              pulumi.String("TargetTrackingScaling"),
		EstimatedInstanceWarmup: pulumi.Int(instanceWarmupSeconds),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ASGAverageCPUUtilization"),
			},
			TargetValue: pulumi.Float64(cpuTargetPercent),
		},
	}, opts...); err != nil {
		return nil, err
	}
	// Requests per target follow the traffic wherever Route 53 and CloudFront send it: once a
	// failover moves viewers to this region, this policy (not a deploy) scales it out to MaxSize.
	// The resource label is "<load balancer arn suffix>/<target group arn suffix>" (AWS
	// PredefinedMetricSpecification.ResourceLabel for ALBRequestCountPerTarget).
	if _, err := autoscaling.NewPolicy(ctx, name+"-requests-target", &autoscaling.PolicyArgs{
		AutoscalingGroupName:    group.Name,
		PolicyType:              pulumi.String("TargetTrackingScaling"),
		EstimatedInstanceWarmup: pulumi.Int(instanceWarmupSeconds),
		TargetTrackingConfiguration: &autoscaling.PolicyTargetTrackingConfigurationArgs{
			PredefinedMetricSpecification: &autoscaling.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs{
				PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
				ResourceLabel:        requestCountResourceLabel(lbs.alb.ArnSuffix, lbs.target.ArnSuffix),
			},
			TargetValue: pulumi.Float64(float64(args.TargetRequestsPerInstance)),
		},
	}, opts...); err != nil {
		return nil, err
	}
	return &instances{group: group, role: role}, nil
}

// instanceTags are the tags of the instances' volumes and network interfaces. They carry no Role:
// they live in the launch template, and a role swap (every failover) changing the template would
// start an instance refresh in the region that has just taken over the traffic. The Role tag
// reaches instances through the group's tags, which roll nothing.
func instanceTags(name string, args *Args) pulumi.StringMap {
	tags := pulumi.StringMap{}
	for k, v := range args.Tags {
		tags[k] = pulumi.String(v)
	}
	tags["Name"] = pulumi.String(name)
	return tags
}

// groupTags are the Auto Scaling group's tags, each propagated to the instances it launches.
func groupTags(name string, args *Args) autoscaling.GroupTagArray {
	all := map[string]string{}
	for k, v := range args.Tags {
		all[k] = v
	}
	for k, v := range args.InstanceTags {
		all[k] = v
	}
	all["Name"] = name
	all["Role"] = args.Role
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tags := autoscaling.GroupTagArray{}
	for _, k := range keys {
		tags = append(tags, &autoscaling.GroupTagArgs{Key: pulumi.String(k), Value: pulumi.String(all[k]), PropagateAtLaunch: pulumi.Bool(true)})
	}
	return tags
}
