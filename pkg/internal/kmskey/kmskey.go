// Package kmskey creates the customer-managed KMS keys every component encrypts with: rotation on,
// a 30-day deletion window, and a key policy that names exactly the AWS services allowed to use it.
package kmskey

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// Account is where a component's resources live (account id from config, region, partition).
type Account = awsenv.Account

// ServiceGrant lets one AWS service principal use the key.
type ServiceGrant struct {
	Sid       string
	Principal string   // e.g. "logs.us-east-1.amazonaws.com"
	Actions   []string // defaults to EncryptDecrypt
	Condition map[string]map[string]any
}

// EncryptDecrypt are the data-key actions a service needs to encrypt and read back its data.
var EncryptDecrypt = []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}

// Args describes one key.
type Args struct {
	Description string
	Account     Account
	Services    []ServiceGrant
}

// Policy returns the key policy: the account administers the key through IAM, and each listed
// service may use it for data keys. Nothing else.
func Policy(args Args) iampolicy.Document {
	statements := []iampolicy.Statement{{
		Sid:       "AccountAdministersKeyThroughIAM",
		Effect:    "Allow",
		Principal: iampolicy.AWS(args.Account.RootArn()),
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	}}
	for i, s := range args.Services {
		actions := s.Actions
		if len(actions) == 0 {
			actions = EncryptDecrypt
		}
		sid := s.Sid
		if sid == "" {
			sid = fmt.Sprintf("AllowService%d", i)
		}
		statements = append(statements, iampolicy.Statement{
			Sid:       sid,
			Effect:    "Allow",
			Principal: iampolicy.Service(s.Principal),
			Action:    actions,
			Resource:  []string{"*"},
			Condition: s.Condition,
		})
	}
	return iampolicy.New(statements...)
}

// New creates a customer-managed key with rotation on.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*kms.Key, error) {
	key, err := kms.NewKey(ctx, name, &kms.KeyArgs{
		Description:          pulumi.String(args.Description),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(Policy(args).JSON()),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("kms key %s: %w", name, err)
	}
	return key, nil
}
