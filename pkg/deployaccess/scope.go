package deployaccess

import (
	"fmt"
	"strings"
)

// Scope is where one stack's IAM lives. Every role, customer-managed policy and instance profile
// the program creates for the stack, the deploy role and the permissions boundary included, is
// created under the IAM path /<project>/<stack>/, and every grant, boundary condition and guardrail
// matches that path, never a name prefix: role/multi-region-ha/prod/* cannot match a role of stack
// prod-eu (role/multi-region-ha/prod-eu/...), whereas role/multi-region-ha-prod-* did. Stack names
// cannot contain '/' (Pulumi allows letters, digits, '-', '_' and '.'), so one stack's path is never
// a prefix of another's.
//
// IAM role, policy and instance-profile names stay unique per account whatever the path (IAM user
// guide, "IAM identifiers"), so names still start with NamePrefix for people reading the console;
// they carry no authority.
type Scope struct {
	Partition, AccountID, Project, Stack string
}

// NewScope is the scope of stack in an account.
func NewScope(partition, accountID, project, stack string) Scope {
	return Scope{Partition: partition, AccountID: accountID, Project: project, Stack: stack}
}

// Path is the IAM path of the stack: "/multi-region-ha/prod/".
func (s Scope) Path() string { return StackPath(s.Project, s.Stack) }

// StackPath is the IAM path of a stack's roles, policies and instance profiles.
func StackPath(project, stack string) string { return "/" + project + "/" + stack + "/" }

// NamePrefix starts the names of the stack's IAM ("multi-region-ha-prod-"), for readability and
// per-account uniqueness only.
func (s Scope) NamePrefix() string { return NamePrefix(s.Project, s.Stack) }

// NamePrefix starts the names of a stack's IAM ("multi-region-ha-prod-"); it grants nothing.
func NamePrefix(project, stack string) string { return project + "-" + stack + "-" }

// Arn is the ARN of the stack's IAM entity of kind ("role", "policy", "instance-profile") named
// name, under the stack's path.
func (s Scope) Arn(kind, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", s.Partition, s.AccountID, kind, s.Path(), name)
}

// All matches every IAM entity of kind under the stack's path (and nothing of another stack).
func (s Scope) All(kind string) string { return s.Arn(kind, "*") }

// BoundaryName is the permissions boundary's name. It changed with the move to paths
// ("<prefix>boundary" before): names are unique per account whatever the path, so the new policy
// is created before the old one is deleted without colliding with it.
func (s Scope) BoundaryName() string { return s.NamePrefix() + "role-boundary" }

// BoundaryArn is the ARN of the boundary policy: fixed, so the deploy role's policy names it.
func (s Scope) BoundaryArn() string { return s.Arn("policy", s.BoundaryName()) }

// DeployRoleName is the deploy role's fixed name (deployment settings files reference its ARN).
func (s Scope) DeployRoleName() string { return RoleName(s.Project, s.Stack) }

// DeployRoleArn is the deploy role's ARN, path included.
func (s Scope) DeployRoleArn() string { return s.Arn("role", s.DeployRoleName()) }

// check refuses a scope whose path would not be one stack's alone.
func (s Scope) check() error {
	for _, v := range []string{s.Project, s.Stack} {
		if v == "" || strings.ContainsAny(v, "/*?") {
			return fmt.Errorf("project %q and stack %q must be non-empty and contain no '/', '*' or '?' (the IAM path /<project>/<stack>/)", s.Project, s.Stack)
		}
	}
	return nil
}
