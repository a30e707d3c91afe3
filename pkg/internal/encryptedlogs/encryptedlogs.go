// Package encryptedlogs creates a CloudWatch Logs group encrypted with a customer-managed key of its
// own (rotation on), whose policy lets only CloudWatch Logs of the group's region use the key, and
// only for log groups of this account and region. Flow logs, WAF logs, the runbook, the detector and
// the drills each keep their logs this way.
package encryptedlogs

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/kmskey"
)

// Args describes one group and its key.
type Args struct {
	Account kmskey.Account
	// Description of the key; Sid names its CloudWatch Logs grant.
	Description, Sid string
	// NamePrefix of the group ("" lets AWS name it); GroupPattern narrows the grant to group names
	// matching it (default "*": any group of the account and region).
	NamePrefix, GroupPattern string
	RetentionDays            int
	Tags                     pulumi.StringMap
	// Protect protects the key (the group holds only what the key can decrypt).
	Protect bool
}

// Grant lets CloudWatch Logs of acct's region use a key for log groups matching pattern, pinned by
// the encryption context CloudWatch Logs sends (the documented key-policy condition).
func Grant(sid string, acct kmskey.Account, pattern string) kmskey.ServiceGrant {
	if pattern == "" {
		pattern = "*"
	}
	return kmskey.ServiceGrant{
		Sid:       sid,
		Principal: "logs." + acct.Region + ".amazonaws.com",
		Condition: map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": acct.Arn("logs", "log-group:"+pattern)}},
	}
}

// New creates the key name+"-key" and the group name, both with opts.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*kms.Key, *cloudwatch.LogGroup, error) {
	key, err := kmskey.New(ctx, name+"-key", kmskey.Args{
		Description: args.Description,
		Account:     args.Account,
		Services:    []kmskey.ServiceGrant{Grant(args.Sid, args.Account, args.GroupPattern)},
	}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.Protect(args.Protect))...)
	if err != nil {
		return nil, nil, err
	}
	group := &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(args.RetentionDays),
		KmsKeyId:        key.Arn,
		Tags:            args.Tags,
	}
	if args.NamePrefix != "" {
		group.NamePrefix = pulumi.String(args.NamePrefix)
	}
	g, err := cloudwatch.NewLogGroup(ctx, name, group, opts...)
	if err != nil {
		return nil, nil, err
	}
	return key, g, nil
}
