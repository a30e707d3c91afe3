package drills

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// PolicyParams are the values a drill role's policies embed.
type PolicyParams struct {
	Partition, AccountID, Region string
	AutoScalingGroupName         string
	VpcId                        string
	ClusterArn                   string
}

func (p PolicyParams) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p.Partition, service, p.Region, p.AccountID, resource)
}

// TrustPolicy lets AWS FIS assume a drill role only for experiments of this account and region
// (aws:SourceAccount and aws:SourceArn, as AWS recommends against the confused deputy).
func TrustPolicy(partition, accountID, region string) iampolicy.Document {
	return iampolicy.AssumeRoleFrom("fis.amazonaws.com", accountID,
		fmt.Sprintf("arn:%s:fis:%s:%s:experiment/*", partition, region, accountID))
}

// LoggingActions are what FIS needs to deliver experiment logs to CloudWatch Logs (vended log
// delivery, which takes no resource-level permissions).
var LoggingActions = []string{
	"logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
	"logs:ListLogDeliveries", "logs:DescribeResourcePolicies", "logs:PutResourcePolicy", "logs:DescribeLogGroups",
}

// RolePolicy is the inline policy of the role of a drill kind: exactly the actions its template
// runs, each on the resources it touches (the application's instances by their Auto Scaling group
// tag, the network ACLs FIS creates by their managedByFIS tag, the stack's VPC and cluster by ARN),
// plus target resolution and log delivery.
func RolePolicy(kind string, p PolicyParams) iampolicy.Document {
	var st []iampolicy.Statement
	asgTag := map[string]map[string]any{"StringEquals": {"aws:ResourceTag/" + AutoScalingGroupTag: p.AutoScalingGroupName}}
	switch kind {
	case KindInstance:
		st = append(st,
			iampolicy.Statement{Sid: "TerminateAppInstances", Effect: "Allow", Action: []string{"ec2:TerminateInstances"},
				Resource: []string{p.arn("ec2", "instance/*")}, Condition: asgTag},
			describeInstances())
	case KindAZ:
		st = append(st,
			iampolicy.Statement{Sid: "StopAndStartAppInstances", Effect: "Allow", Action: []string{"ec2:StopInstances", "ec2:StartInstances"},
				Resource: []string{p.arn("ec2", "instance/*")}, Condition: asgTag},
			describeInstances(),
			// Restarting instances with encrypted volumes needs a grant on the volumes' key, for EC2 only.
			iampolicy.Statement{Sid: "RestartEncryptedVolumes", Effect: "Allow", Action: []string{"kms:CreateGrant"},
				Resource: []string{p.arn("kms", "key/*")},
				Condition: map[string]map[string]any{
					"StringEquals": {"kms:ViaService": "ec2." + p.Region + ".amazonaws.com"},
					"Bool":         {"kms:GrantIsForAWSResource": "true"},
				}},
		)
		st = append(st, networkStatements(p)...)
		st = append(st,
			iampolicy.Statement{Sid: "FailoverOwnCluster", Effect: "Allow", Action: []string{"rds:FailoverDBCluster"}, Resource: []string{p.ClusterArn}},
			iampolicy.Statement{Sid: "ResolveClusters", Effect: "Allow", Action: []string{"rds:DescribeDBClusters"}, Resource: []string{p.arn("rds", "cluster:*")}},
			iampolicy.Statement{Sid: "ResolveWriterZone", Effect: "Allow", Action: []string{"rds:DescribeDBInstances"}, Resource: []string{p.arn("rds", "db:*")}},
		)
	case KindRegion:
		st = append(st, networkStatements(p)...)
	}
	st = append(st,
		iampolicy.Statement{Sid: "ResolveTaggedTargets", Effect: "Allow", Action: []string{"tag:GetResources"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "DeliverExperimentLogs", Effect: "Allow", Action: LoggingActions, Resource: []string{"*"}},
	)
	return iampolicy.New(st...)
}

func describeInstances() iampolicy.Statement {
	// Describe calls take no resource-level permissions.
	return iampolicy.Statement{Sid: "DescribeInstances", Effect: "Allow", Action: []string{"ec2:DescribeInstances"}, Resource: []string{"*"}}
}

// networkStatements are aws:network:disrupt-connectivity's permissions as AWS's AZ scenario grants
// them, narrowed to this account, region and VPC: FIS creates a network ACL tagged managedByFIS=true,
// fills and deletes only such ACLs, and swaps subnet associations for the action's duration.
func networkStatements(p PolicyParams) []iampolicy.Statement {
	managed := "true"
	return []iampolicy.Statement{
		{Sid: "TagManagedNacl", Effect: "Allow", Action: []string{"ec2:CreateTags"}, Resource: []string{p.arn("ec2", "network-acl/*")},
			Condition: map[string]map[string]any{"StringEquals": {"ec2:CreateAction": "CreateNetworkAcl", "aws:RequestTag/managedByFIS": managed}}},
		{Sid: "CreateManagedNacl", Effect: "Allow", Action: []string{"ec2:CreateNetworkAcl"}, Resource: []string{p.arn("ec2", "network-acl/*")},
			Condition: map[string]map[string]any{"StringEquals": {"aws:RequestTag/managedByFIS": managed}}},
		{Sid: "CreateNaclInStackVpc", Effect: "Allow", Action: []string{"ec2:CreateNetworkAcl"}, Resource: []string{p.arn("ec2", "vpc/"+p.VpcId)}},
		{Sid: "ModifyManagedNacl", Effect: "Allow", Action: []string{"ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"}, Resource: []string{p.arn("ec2", "network-acl/*")},
			Condition: map[string]map[string]any{"StringEquals": {"ec2:ResourceTag/managedByFIS": managed}}},
		{Sid: "SwapNaclAssociations", Effect: "Allow", Action: []string{"ec2:ReplaceNetworkAclAssociation"},
			Resource: []string{p.arn("ec2", "subnet/*"), p.arn("ec2", "network-acl/*")}},
		{Sid: "ReadPrefixLists", Effect: "Allow", Action: []string{"ec2:GetManagedPrefixListEntries"}, Resource: []string{p.arn("ec2", "prefix-list/*")}},
		{Sid: "DescribeNetwork", Effect: "Allow", Action: []string{"ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs"}, Resource: []string{"*"}},
	}
}
