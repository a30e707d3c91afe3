// Package kmskey creates the customer-managed KMS keys every component encrypts with: rotation on,
// a 30-day deletion window, and a key policy that names exactly who may use it: the AWS services
// (with their source conditions), the stack's roles and deploy role (by IAM path) and its operators.
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

// AdminActions administer a key without using it: the account keeps them through IAM, so the key
// can never become unmanageable (kms:PutKeyPolicy among them: CreateKey and PutKeyPolicy refuse a
// policy that would not let the caller put the next one, unless the lockout safety check is
// bypassed, which the program never does). No Encrypt, Decrypt, GenerateDataKey, ReEncrypt or
// CreateGrant: a grant is a use, and "kms:Create*" would include it.
var AdminActions = []string{
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListKeyPolicies",
	"kms:ListKeyRotations", "kms:ListResourceTags", "kms:ListGrants", "kms:ListRetirableGrants", "kms:ListAliases",
	"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:EnableKey", "kms:DisableKey", "kms:EnableKeyRotation",
	"kms:DisableKeyRotation", "kms:RotateKeyOnDemand", "kms:UpdateKeyDescription", "kms:TagResource", "kms:UntagResource",
	"kms:RevokeGrant", "kms:RetireGrant", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
}

// UseActions are what a principal of the stack does with a key; grants come separately, and only
// for AWS resources (GrantActions).
var (
	UseActions   = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"}
	GrantActions = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
)

// Args describes one key.
type Args struct {
	Description string
	Account     Account
	// Users are who besides the services may use the key: the stack's IAM path (every program role
	// and the deploy role) and the operators' roles (New defaults to StackUsers; main.go adds the
	// operators to every key with WithOperators).
	Users Users
	// Via, when set, lets Users use the key only through these services (kms:ViaService), e.g. RDS
	// and Secrets Manager of the key's region.
	Via      []string
	Services []ServiceGrant
}

// Users are the principals of the account that may use a stack's keys, matched by aws:PrincipalArn
// (the role's ARN, path included, for a role session; IAM user guide, "AWS global condition context
// keys"), never named as principals: KMS validates a policy's principals when the policy is put
// (CreateKey, PutKeyPolicy: "The principals in the key policy must exist and be visible to KMS"),
// so naming a role the same deployment creates would order every key after every role and fail
// whenever a role is replaced.
type Users struct {
	// Path is the stack's IAM path ("/multi-region-ha/prod/").
	Path string
	// RoleArns are exact role ARNs of the operators who run `pulumi up` from a workstation
	// (deployments.operatorRoleArns).
	RoleArns []string
}

// StackUsers are the users of the stack ctx deploys: its IAM path (deployaccess.StackPath) and the
// operators' roles.
func StackUsers(ctx *pulumi.Context, operatorRoleArns []string) Users {
	return Users{Path: "/" + ctx.Project() + "/" + ctx.Stack() + "/", RoleArns: operatorRoleArns}
}

func (u Users) patterns(acct Account) []string {
	out := []string{fmt.Sprintf("arn:%s:iam::%s:role%s*", acct.Partition, acct.ID, u.Path)}
	return append(out, u.RoleArns...)
}

// Policy returns the key policy: the account administers the key through IAM (AdminActions only);
// the stack's roles, its deploy role and the operators may use it (the account delegates to their
// IAM policies, narrowed by aws:PrincipalArn), optionally only through Via; each listed service may
// use it for data keys. Nothing else: a principal of the account outside the stack, PowerUserAccess
// and all, cannot use the key.
func Policy(args Args) iampolicy.Document {
	root := iampolicy.AWS(args.Account.RootArn())
	users := map[string]map[string]any{"ArnLike": {"aws:PrincipalArn": args.Users.patterns(args.Account)}}
	grants := map[string]map[string]any{"ArnLike": users["ArnLike"], "Bool": {"kms:GrantIsForAWSResource": "true"}}
	if len(args.Via) > 0 {
		via := map[string]any{"kms:ViaService": args.Via, "kms:CallerAccount": args.Account.ID}
		users["StringEquals"], grants["StringEquals"] = via, via
	}
	statements := []iampolicy.Statement{
		{Sid: "AccountAdministersKeyThroughIAM", Effect: "Allow", Principal: root, Action: AdminActions, Resource: []string{"*"}},
		{Sid: "StackPrincipalsUseKey", Effect: "Allow", Principal: root, Action: UseActions, Resource: []string{"*"}, Condition: users},
		{Sid: "StackPrincipalsGrantForAWSResources", Effect: "Allow", Principal: root, Action: GrantActions, Resource: []string{"*"}, Condition: grants},
	}
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
	if args.Users.Path == "" {
		args.Users = StackUsers(ctx, nil)
	}
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

// usersSids are the statements of Policy that admit Users.
var usersSids = map[string]bool{"StackPrincipalsUseKey": true, "StackPrincipalsGrantForAWSResources": true}

// WithOperators adds the operators' role ARNs to the users of a key policy written by Policy, so
// main.go can give every key of the program the same operators without each component carrying
// them. A policy without those statements is returned unchanged.
func WithOperators(policy string, roleArns []string) (string, error) {
	if len(roleArns) == 0 {
		return policy, nil
	}
	doc, err := iampolicy.Parse(policy)
	if err != nil {
		return "", err
	}
	for i, st := range doc.Statement {
		if !usersSids[st.Sid] || st.Condition["ArnLike"] == nil {
			continue
		}
		patterns := append(toStrings(st.Condition["ArnLike"]["aws:PrincipalArn"]), roleArns...)
		doc.Statement[i].Condition["ArnLike"]["aws:PrincipalArn"] = patterns
	}
	return doc.JSON(), nil
}

func toStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []string:
		out = append(out, x...)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
