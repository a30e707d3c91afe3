package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// keyPolicy is the policy of a region's database key: the account administers it through IAM, and
// only the stack's principals (users) may use it, and only through RDS (storage, Performance
// Insights) and Secrets Manager of that region, creating grants only for AWS resources. Any other
// principal of the account, whatever its IAM policies, cannot read the credentials secret.
func keyPolicy(acct kmskey.Account, users kmskey.Users) iampolicy.Document {
	return kmskey.Policy(kmskey.Args{Account: acct, Users: users, Via: []string{
		fmt.Sprintf("rds.%s.amazonaws.com", acct.Region),
		fmt.Sprintf("secretsmanager.%s.amazonaws.com", acct.Region),
	}})
}

// newKey creates a region's customer-managed key (rotation on, 30-day deletion window).
func newKey(ctx *pulumi.Context, name, component string, acct kmskey.Account, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	return kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.Sprintf("Aurora global database %s, %s: storage, Performance Insights, credentials", component, acct.Region),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy(acct, kmskey.StackUsers(ctx, nil)).JSON()),
		Tags:                 nameTag(name),
	}, opts...)
}
