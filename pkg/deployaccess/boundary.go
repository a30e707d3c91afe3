package deployaccess

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// NamePrefix is what every IAM role, instance profile and policy a deployment may create or change
// is named with ("multi-region-ha-prod-"): the deploy role's IAM grants stop at it.
func NamePrefix(project, stack string) string { return project + "-" + stack + "-" }

// BoundaryName is the permissions boundary policy's name under the prefix.
func BoundaryName(prefix string) string { return prefix + "boundary" }

// BoundaryArn is the ARN of the boundary policy: fixed, so the deploy role's policy names it.
func BoundaryArn(partition, accountID, prefix string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy/%s", partition, accountID, BoundaryName(prefix))
}

// BoundaryPolicy caps every role a deployment creates: whatever policies are attached to it, it
// can do nothing in IAM, AWS Organizations or Account management, and cannot assume other roles. The
// program's service roles (instances, flow logs, enhanced monitoring, Step Functions, EventBridge,
// Config, Backup) need none of that.
func BoundaryPolicy() iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{Sid: "ServiceRolesMayDoTheirJob", Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}},
		iampolicy.Statement{
			Sid:      "NeverIAMOrganizationsOrRoleChaining",
			Effect:   "Deny",
			Action:   []string{"iam:*", "organizations:*", "account:*", "sts:AssumeRole"},
			Resource: []string{"*"},
		},
	)
}

// BoundaryArgs configures the boundary policy.
type BoundaryArgs struct {
	AccountId string
	// Prefix is NamePrefix of the stack.
	Prefix string
}

// Boundary is the permissions boundary every program role carries when deployments are on.
type Boundary struct {
	pulumi.ResourceState
	PolicyArn pulumi.StringOutput `pulumi:"policyArn"`
}

// NewBoundary creates the boundary policy (IAM is global: pass the us-east-1 provider).
func NewBoundary(ctx *pulumi.Context, name string, args *BoundaryArgs, opts ...pulumi.ResourceOption) (*Boundary, error) {
	if args == nil || args.Prefix == "" {
		return nil, fmt.Errorf("deployaccess %s: Prefix is required", name)
	}
	if err := awsenv.AccountIn(args.AccountId, "us-east-1").Validate(); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	b := &Boundary{}
	if err := ctx.RegisterComponentResource("multi-region-ha:deployaccess:Boundary", name, b, opts...); err != nil {
		return nil, err
	}
	p, err := iam.NewPolicy(ctx, name+"-policy", &iam.PolicyArgs{
		Name:        pulumi.String(BoundaryName(args.Prefix)),
		Description: pulumi.String("Permissions boundary of every role the " + args.Prefix + " stack creates: no IAM, Organizations, Account or role chaining"),
		Policy:      pulumi.String(BoundaryPolicy().JSON()),
		Tags:        pulumi.StringMap{"Name": pulumi.String(BoundaryName(args.Prefix))},
	}, pulumi.Parent(b))
	if err != nil {
		return nil, err
	}
	b.PolicyArn = p.Arn
	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"policyArn": p.Arn}); err != nil {
		return nil, err
	}
	return b, nil
}
