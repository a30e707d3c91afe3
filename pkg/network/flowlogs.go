package network

import (
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/encryptedlogs"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// newFlowLogs records ALL traffic of the VPC to a CloudWatch log group encrypted with its own
// customer-managed key, delivered by a role that may write to that group and nothing else.
func newFlowLogs(ctx *pulumi.Context, name string, n *Network, vpc *ec2.Vpc, args *Args, opts ...pulumi.ResourceOption) error {
	acct := awsenv.AccountIn(args.AccountId, args.Region)
	_, group, err := encryptedlogs.New(ctx, name+"-flow-logs", encryptedlogs.Args{
		Account: acct, Description: "VPC flow logs of " + name, Sid: "CloudWatchLogsEncryptsFlowLogs",
		NamePrefix: "", GroupPattern: "", RetentionDays: args.FlowLogRetentionDays,
		Tags: nameTag(name + "-flow-logs"), Protect: args.Protect,
	}, opts...)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs-role", &iam.RoleArgs{
		Description:      pulumi.String("Delivers VPC flow logs of " + name + " to CloudWatch Logs"),
		AssumeRolePolicy: pulumi.String(flowLogsTrustPolicy(acct).JSON()),
		Tags:             nameTag(name + "-flow-logs-role"),
	}, opts...)
	if err != nil {
		return err
	}
	write, err := iam.NewRolePolicy(ctx, name+"-flow-logs-write", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: group.Arn.ApplyT(func(arn string) string {
			return flowLogsWritePolicy(acct, arn).JSON()
		}).(pulumi.StringOutput),
	}, opts...)
	if err != nil {
		return err
	}
	// The role must be able to write before the flow log first delivers (AWS checks the permissions
	// then, not when the role ARN is accepted); otherwise the first minutes record delivery errors.
	_, err = ec2.NewFlowLog(ctx, name+"-flow-log", &ec2.FlowLogArgs{
		VpcId:                  vpc.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   nameTag(name + "-flow-log"),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{write}))...)
	return err
}

// flowLogsTrustPolicy lets VPC flow logs of this account and region, and nothing else, assume the
// delivery role (aws:SourceAccount and aws:SourceArn against the confused deputy, as AWS recommends).
func flowLogsTrustPolicy(acct kmskey.Account) iampolicy.Document {
	return iampolicy.AssumeRoleFrom("vpc-flow-logs.amazonaws.com", acct.ID,
		fmt.Sprintf("arn:%s:ec2:%s:%s:vpc-flow-log/*", acct.Partition, acct.Region, acct.ID))
}

// flowLogsWritePolicy lets the delivery role write streams and events to its one log group.
// AWS documents DescribeLogGroups among the permissions flow log delivery needs; it lists groups, so
// it is granted on the account's log groups of the region (it reveals names, never events).
// CreateLogGroup is left out: the group is created here, and the service must not recreate it.
func flowLogsWritePolicy(acct kmskey.Account, groupArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "WriteOwnLogGroup",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			Resource: []string{groupArn, groupArn + ":*"},
		},
		iampolicy.Statement{
			Sid:      "FindLogGroup",
			Effect:   "Allow",
			Action:   []string{"logs:DescribeLogGroups"},
			Resource: []string{acct.Arn("logs", "log-group:*")},
		},
	)
}
