package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// keyPolicy is the policy of a region's database key: the account administers it through IAM, and
// principals of the account may use it through RDS (storage, Performance Insights) and Secrets
// Manager of that region, creating grants only for AWS resources.
func keyPolicy(acct kmskey.Account) iampolicy.Document {
	through := map[string]any{
		"kms:CallerAccount": acct.ID,
		"kms:ViaService": []string{
			fmt.Sprintf("rds.%s.amazonaws.com", acct.Region),
			fmt.Sprintf("secretsmanager.%s.amazonaws.com", acct.Region),
		},
	}
	doc := kmskey.Policy(kmskey.Args{Account: acct})
	doc.Statement = append(doc.Statement,
		iampolicy.Statement{
			Sid:       "UseThroughRdsAndSecretsManager",
			Effect:    "Allow",
			Principal: iampolicy.AWS(acct.RootArn()),
			Action:    kmskey.EncryptDecrypt,
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{"StringEquals": through},
		},
		iampolicy.Statement{
			Sid:       "GrantsForRdsAndSecretsManagerResources",
			Effect:    "Allow",
			Principal: iampolicy.AWS(acct.RootArn()),
			Action:    []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]any{
				"StringEquals": through,
				"Bool":         {"kms:GrantIsForAWSResource": "true"},
			},
		},
	)
	return doc
}

// newKey creates a region's customer-managed key (rotation on, 30-day deletion window).
func newKey(ctx *pulumi.Context, name, component string, acct kmskey.Account, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	return kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.Sprintf("Aurora global database %s, %s: storage, Performance Insights, credentials", component, acct.Region),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy(acct).JSON()),
		Tags:                 nameTag(name),
	}, opts...)
}
