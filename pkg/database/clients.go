package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// clientReadPolicy lets an application role read the credentials secret of one region: the secret (or
// its replica) in that region and the region's key, only through Secrets Manager.
func clientReadPolicy(secretArn, keyArn, region string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid:      "ReadDatabaseCredentials",
			Effect:   "Allow",
			Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
			Resource: []string{secretArn},
		},
		iampolicy.Statement{
			Sid:       "DecryptThroughSecretsManager",
			Effect:    "Allow",
			Action:    []string{"kms:Decrypt"},
			Resource:  []string{keyArn},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "secretsmanager." + region + ".amazonaws.com"}},
		},
	)
}

// grantClientRead attaches clientReadPolicy to the region's application role, so instances find the
// writer endpoint and credentials at boot without the program wiring them into user data.
func grantClientRead(ctx *pulumi.Context, reg *regional, secretArn pulumi.StringOutput) error {
	if reg.args.ClientRoleName == nil {
		return nil
	}
	region := reg.args.Region
	policy := pulumi.All(secretArn, reg.key.Arn).ApplyT(func(v []any) string {
		return clientReadPolicy(v[0].(string), v[1].(string), region).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, reg.prefix+"-client-read", &iam.RolePolicyArgs{
		Role:   reg.args.ClientRoleName,
		Policy: policy,
	}, reg.opts...); err != nil {
		return fmt.Errorf("client read grant in %s: %w", region, err)
	}
	return nil
}
