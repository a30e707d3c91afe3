package deployaccess

import (
	"errors"
	"fmt"
	"github.com/multi-region-ha/multi-region-ha/pkg/awsenv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DeployAccess is the OIDC provider (or a reference to it) and the deploy role.
type DeployAccess struct {
	pulumi.ResourceState

	ProviderArn pulumi.StringOutput `pulumi:"providerArn"`
	RoleArn     pulumi.StringOutput `pulumi:"roleArn"`
	RoleName    pulumi.StringOutput `pulumi:"roleName"`
}

const defaultMaxSessionSeconds = 3600

func (a *Args) check() error {
	var errs []error
	if a.Organization == "" {
		errs = append(errs, errors.New("Organization is required"))
	}
	if a.Project == "" {
		errs = append(errs, errors.New("Project is required"))
	}
	if len(a.Stacks) == 0 {
		errs = append(errs, errors.New("Stacks must list at least one stack"))
	}
	for _, s := range append([]string{a.Organization, a.Project}, a.Stacks...) {
		if strings.ContainsAny(s, "*?:") {
			errs = append(errs, fmt.Errorf("%q: names in the trusted subject may not contain '*', '?' or ':'", s))
		}
	}
	if !strings.HasPrefix(a.Issuer, "https://") {
		errs = append(errs, fmt.Errorf("Issuer %q must be an https:// URL", a.Issuer))
	}
	seen := map[string]bool{}
	for _, arn := range a.PolicyArns {
		if seen[policyName(arn)] {
			errs = append(errs, fmt.Errorf("PolicyArns lists two policies named %q", policyName(arn)))
		}
		seen[policyName(arn)] = true
	}
	if len(a.PolicyArns) == 0 {
		errs = append(errs, errors.New("PolicyArns must list at least one managed policy"))
	}
	if err := NewScope("aws", a.AccountId, a.Project, a.Stack).check(); err != nil {
		errs = append(errs, err)
	}
	if a.MaxSessionSeconds != 0 && (a.MaxSessionSeconds < 3600 || a.MaxSessionSeconds > 43200) {
		errs = append(errs, fmt.Errorf("MaxSessionSeconds %d is outside IAM's 3600 to 43200", a.MaxSessionSeconds))
	}
	return errors.Join(errs...)
}

// NewDeployAccess creates (or references) the OIDC provider and creates the deploy role.
func NewDeployAccess(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*DeployAccess, error) {
	if args == nil {
		return nil, fmt.Errorf("deployaccess %s: args are required", name)
	}
	if err := args.check(); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	d := &DeployAccess{}
	if err := ctx.RegisterComponentResource("multi-region-ha:deployaccess:DeployAccess", name, d, opts...); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	if err := d.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	if err := ctx.RegisterResourceOutputs(d, pulumi.Map{
		"providerArn": d.ProviderArn, "roleArn": d.RoleArn, "roleName": d.RoleName,
	}); err != nil {
		return nil, fmt.Errorf("deployaccess %s: %w", name, err)
	}
	return d, nil
}

func (d *DeployAccess) build(ctx *pulumi.Context, name string, args *Args) error {
	child := pulumi.Parent(d)
	// IAM is global; the account's partition follows us-east-1, where the program registers it.
	acct := awsenv.AccountIn(args.AccountId, "us-east-1")
	d.ProviderArn = pulumi.String(ProviderArn(acct.Partition, acct.ID, args.Issuer)).ToStringOutput()
	var deps []pulumi.Resource
	if args.CreateProvider {
		provider, err := iam.NewOpenIdConnectProvider(ctx, name+"-oidc", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String(args.Issuer),
			ClientIdLists: pulumi.StringArray{pulumi.String(args.Organization)},
			Tags:          pulumi.StringMap{"Name": pulumi.String(name + "-oidc")},
		}, child)
		if err != nil {
			return err
		}
		d.ProviderArn = provider.Arn
		deps = append(deps, provider)
	}
	sc := NewScope(acct.Partition, acct.ID, args.Project, args.Stack)
	maxSession := args.MaxSessionSeconds
	if maxSession == 0 {
		maxSession = defaultMaxSessionSeconds
	}
	trust := d.ProviderArn.ApplyT(func(arn string) string {
		return TrustPolicy(arn, args.Issuer, args.Organization, args.Project, args.Stacks).JSON()
	}).(pulumi.StringOutput)
	// The name is fixed (deployment settings reference the role's ARN) and names are unique per
	// account whatever the path, so a change of path (the move to /<project>/<stack>/) must delete
	// the old role before creating the new one: the role is changed by an administrator from a
	// workstation anyway (it denies itself every change), and is gone only for that moment.
	role, err := iam.NewRole(ctx, name+"-role", &iam.RoleArgs{
		Name:               pulumi.String(sc.DeployRoleName()),
		Path:               pulumi.String(sc.Path()),
		Description:        pulumi.String(fmt.Sprintf("Pulumi Deployments of %s/%s (stacks %s) via OIDC", args.Organization, args.Project, strings.Join(args.Stacks, ", "))),
		AssumeRolePolicy:   trust,
		MaxSessionDuration: pulumi.Int(maxSession),
		Tags:               pulumi.StringMap{"Name": pulumi.String(sc.DeployRoleName()), "Role": pulumi.String("pulumi-deployments")},
	}, child, pulumi.DependsOn(deps), pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-iam", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(RolePolicy(sc, args.Issuer).JSON()),
	}, child); err != nil {
		return err
	}
	for _, arn := range args.PolicyArns {
		// Named by the policy, not its position, so reordering the list replaces nothing.
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+policyName(arn), &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arn),
		}, child); err != nil {
			return err
		}
	}
	d.RoleArn = role.Arn
	d.RoleName = role.Name
	return nil
}

// policyName is the last path segment of a managed policy ARN ("PowerUserAccess").
func policyName(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}
