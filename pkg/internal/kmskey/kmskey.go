// Package kmskey creates the customer-managed KMS keys every component encrypts with: rotation on,
// a 30-day deletion window, and a key policy that names exactly the AWS services allowed to use it.
package kmskey

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// Account is where a component's resources live, read from its provider.
type Account struct {
	ID        string
	Partition string
	Region    string
}

// Lookup asks which account, partition and region a component deploys to: through the provider of
// parent, or through the provider in opts (a multi-region component has none of its own to inherit).
func Lookup(ctx *pulumi.Context, parent pulumi.Resource, opts ...pulumi.InvokeOption) (Account, error) {
	opts = append([]pulumi.InvokeOption{pulumi.Parent(parent)}, opts...)
	id, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("caller identity: %w", err)
	}
	part, err := aws.GetPartition(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, opts...)
	if err != nil {
		return Account{}, fmt.Errorf("region: %w", err)
	}
	return Account{ID: id.AccountId, Partition: part.Partition, Region: region.Name}, nil
}

// RootArn is the account's root principal, through which IAM policies are allowed to grant the key.
func (a Account) RootArn() string { return fmt.Sprintf("arn:%s:iam::%s:root", a.Partition, a.ID) }

// Arn builds an ARN in the account and region: Arn("logs", "log-group:*").
func (a Account) Arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", a.Partition, service, a.Region, a.ID, resource)
}

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
