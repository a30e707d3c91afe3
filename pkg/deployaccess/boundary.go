package deployaccess

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// BoundaryPolicy caps every role a deployment creates. A permissions boundary grants nothing; it is
// the most a role's own policies can take effect for, and what it does not allow is denied. It
// allows every action outside IAM, Organizations and Account management except sts:AssumeRole (no
// chaining), and within IAM only:
//   - reads (iam:Get*, iam:List*): AWS Config's recorder (AWS_ConfigRole) records the account's IAM
//     roles, policies and users in the home region;
//   - iam:PassRole of the stack's own roles (role/<path>*) to the services the program uses
//     (PassedToServices): the patch window's role hands the automation role to
//     ssm:StartAutomationExecution.
//
// No IAM write is allowed, so a program role can never create, change or attach anything in IAM,
// and it can hand a role only to a service the deploy role could hand it to itself. The explicit
// deny keeps Organizations, Account and role chaining out even if the allow is ever widened.
func BoundaryPolicy(sc Scope) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Statement{
			Sid: "ServiceRolesMayDoTheirJob", Effect: "Allow",
			NotAction: []string{"iam:*", "organizations:*", "account:*", "sts:AssumeRole"}, Resource: []string{"*"},
		},
		iampolicy.Statement{Sid: "ReadIAM", Effect: "Allow", Action: []string{"iam:Get*", "iam:List*"}, Resource: []string{"*"}},
		iampolicy.Statement{
			Sid: "PassTheStacksRolesToItsServices", Effect: "Allow", Action: []string{"iam:PassRole"},
			Resource:  []string{sc.All("role")},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": PassedToServices}},
		},
		// The deploy role is under the path too; its trust admits only Pulumi's web identities, so
		// no service could use it, but no program role has a reason to hand it anywhere.
		iampolicy.Statement{
			Sid: "NeverPassTheDeployRole", Effect: "Deny", Action: []string{"iam:PassRole"},
			Resource: []string{sc.DeployRoleArn()},
		},
		iampolicy.Statement{
			Sid:      "NeverOrganizationsAccountOrRoleChaining",
			Effect:   "Deny",
			Action:   []string{"organizations:*", "account:*", "sts:AssumeRole"},
			Resource: []string{"*"},
		},
	)
}

// BoundaryArgs configures the boundary policy.
type BoundaryArgs struct {
	AccountId string
	// Project and Stack place the boundary and name what it lets roles pass (Scope).
	Project, Stack string
}

// Boundary is the permissions boundary every program role carries when deployments are on.
type Boundary struct {
	pulumi.ResourceState
	PolicyArn pulumi.StringOutput `pulumi:"policyArn"`
}

// NewBoundary creates the boundary policy (IAM is global: pass the us-east-1 provider).
func NewBoundary(ctx *pulumi.Context, name string, args *BoundaryArgs, opts ...pulumi.ResourceOption) (*Boundary, error) {
	if args == nil {
		return nil, fmt.Errorf("deployaccess %s: args are required", name)
	}
	acct := awsenv.AccountIn(args.AccountId, "us-east-1")
	if err := acct.Validate(); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	sc := NewScope(acct.Partition, acct.ID, args.Project, args.Stack)
	if err := sc.check(); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	b := &Boundary{}
	if err := ctx.RegisterComponentResource("multi-region-ha:deployaccess:Boundary", name, b, opts...); err != nil {
		return nil, err
	}
	// Under the stack's path with a name of its own (not the pre-path "<prefix>boundary"), so an
	// existing stack creates this one, moves its roles onto it and only then deletes the old one.
	p, err := iam.NewPolicy(ctx, name+"-policy", &iam.PolicyArgs{
		Name:        pulumi.String(sc.BoundaryName()),
		Path:        pulumi.String(sc.Path()),
		Description: pulumi.String("Permissions boundary of every role of stack " + args.Stack + ": no IAM writes, Organizations, Account or role chaining"),
		Policy:      pulumi.String(BoundaryPolicy(sc).JSON()),
		Tags:        pulumi.StringMap{"Name": pulumi.String(sc.BoundaryName())},
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
