package failover

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// The switchover relay. AWS's guide runs SwitchoverGlobalCluster from the current primary's region,
// and Step Functions SDK integrations call only the state machine's own region. A runbook that
// switches over INTO its region therefore cannot make that call itself: it invokes this function in
// its own region, which makes the one call in the other region (the current primary's, where the
// guide makes it; a switchover needs both regions healthy anyway). The function can do nothing
// else: the global cluster, the target (this region's cluster) and the region it calls are fixed in
// its environment, and its role may only switch over onto this region's cluster.
//
// It answers {"ok": true}, or {"ok": false, "refused": <bool>, "error": <code>, "message": <text>}:
// refused is true for RDS's "a promotion is under way or done" errors, which the runbook treats
// like a refusal of its own calls (re-read the topology, never promote again). boto3's standard
// retry mode retries throttling and transient errors with exponential backoff and jitter.
const relaySource = `import os

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REFUSED = {"InvalidGlobalClusterStateFault", "InvalidDBClusterStateFault"}
RDS = boto3.client("rds", region_name=os.environ["PRIMARY_REGION"],
                   config=Config(retries={"mode": "standard", "max_attempts": 8}, connect_timeout=5, read_timeout=20))


def handler(event, context):
    try:
        RDS.switchover_global_cluster(
            GlobalClusterIdentifier=os.environ["GLOBAL_CLUSTER_IDENTIFIER"],
            TargetDbClusterIdentifier=os.environ["TARGET_CLUSTER_ARN"],
        )
        return {"ok": True, "calledIn": os.environ["PRIMARY_REGION"]}
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "ClientError")
        return {"ok": False, "refused": code in REFUSED, "error": "Rds." + code, "message": str(e)}
    except BotoCoreError as e:
        return {"ok": False, "refused": False, "error": "Rds." + type(e).__name__, "message": str(e)}
`

// relayRuntime is a Lambda runtime that ships boto3 (the function needs no package).
const relayRuntime = "python3.12"

// RelayPolicy is the relay role's policy: switch over the global cluster onto this region's cluster
// (SwitchoverGlobalCluster is authorised on the global cluster and on the member clusters), and
// write its own log group.
func RelayPolicy(partition, accountID, globalClusterIdentifier string, clusterArns []string, logGroupArn string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "SwitchOverOntoThisRegionsCluster",
			Effect:   "Allow",
			Action:   []string{"rds:SwitchoverGlobalCluster"},
			Resource: append([]string{GlobalClusterArn(partition, accountID, globalClusterIdentifier)}, clusterArns...),
		},
		iampolicy.Statement{
			Sid:      "WriteOwnLogs",
			Effect:   "Allow",
			Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{logGroupArn + ":*"},
		},
	)
}

// newRelay creates the relay function of runbook name, in the runbook's region.
func newRelay(ctx *pulumi.Context, name string, f *Failover, acct kmskey.Account, key *kms.Key, clusterArns pulumi.StringArrayInput, args *Args) (*lambda.Function, error) {
	child := pulumi.Parent(f)
	tags := func(n string) pulumi.StringMap {
		return pulumi.StringMap{"Name": pulumi.String(n), "Role": pulumi.String("failover-switchover-relay")}
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-relay-logs", &cloudwatch.LogGroupArgs{
		NamePrefix:      pulumi.String("/aws/lambda/" + name + "-relay-"),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            tags(name + "-relay-logs"),
	}, child)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-relay-role", &iam.RoleArgs{
		Description: pulumi.String("Switchover relay of " + name + ": switches the global cluster over onto " + args.Region + " from the current primary's region"),
		// No aws:SourceAccount condition: AWS documents the execution role's trust with the Lambda
		// principal alone (Lambda developer guide, "execution role"), and a condition the service does
		// not send would stop every invocation. A role cannot be passed to another account anyway.
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("lambda.amazonaws.com", "").JSON()),
		Tags:             tags(name + "-relay-role"),
	}, child)
	if err != nil {
		return nil, err
	}
	policy, err := iam.NewRolePolicy(ctx, name+"-relay", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(args.GlobalClusterIdentifier, clusterArns, args.TargetClusterArn, group.Arn).ApplyT(func(v []any) string {
			return RelayPolicy(acct.Partition, acct.ID, v[0].(string), uniqueWith(v[1].([]string), v[2].(string)), v[3].(string)).JSON()
		}).(pulumi.StringOutput),
	}, child)
	if err != nil {
		return nil, err
	}
	return lambda.NewFunction(ctx, name+"-relay", &lambda.FunctionArgs{
		Description:   pulumi.String(fmt.Sprintf("Calls SwitchoverGlobalCluster in %s onto the cluster of %s (runbook %s)", args.Peer.Region, args.Region, name)),
		Runtime:       pulumi.String(relayRuntime),
		Handler:       pulumi.String("index.handler"),
		Architectures: pulumi.StringArray{pulumi.String("arm64")},
		MemorySize:    pulumi.Int(128),
		Timeout:       pulumi.Int(120),
		Role:          role.Arn,
		Code:          pulumi.NewAssetArchive(map[string]any{"index.py": pulumi.NewStringAsset(relaySource)}),
		Environment: &lambda.FunctionEnvironmentArgs{Variables: pulumi.StringMap{
			"PRIMARY_REGION":            pulumi.String(args.Peer.Region),
			"GLOBAL_CLUSTER_IDENTIFIER": args.GlobalClusterIdentifier,
			"TARGET_CLUSTER_ARN":        args.TargetClusterArn,
		}},
		// The environment holds no secret (identifiers only): the AWS-managed key suffices.
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: group.Name},
		Tags:          tags(name + "-relay"),
	}, child, pulumi.DependsOn([]pulumi.Resource{policy}))
}
