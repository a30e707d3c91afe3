package drill

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/multi-region-ha/multi-region-ha/pkg/internal/iampolicy"
)

// IAM is the part of IAM the failover drill uses: one inline policy on the surviving region's
// runbook and detector roles, put before the fault and deleted after it.
type IAM interface {
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, opts ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, opts ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
}

// IsolationPolicyName is the inline policy the failover drill puts on the roles.
const IsolationPolicyName = "drill-region-isolation"

// IsolationGrace is how long after the drill's timeout the deny still holds: the drill deletes the
// policy on every way out (done, timeout, Ctrl-C); the grace covers the deletion itself.
const IsolationGrace = 5 * time.Minute

// IsolationPropagation is how long the failover drill waits after putting the deny before it
// starts the fault: IAM changes take time to apply everywhere ("Changes that I make are not always
// immediately visible", IAM troubleshooting; eventual consistency). The wait is on the timeline.
const IsolationPropagation = 20 * time.Second

// IsolationPolicy denies every action whose aws:RequestedRegion is region, until until
// (aws:CurrentTime DateLessThan): to the roles it is put on, region looks dark, as in a real loss,
// while the rest of the account keeps reaching it. The time condition makes the deny end by itself
// if the drill dies before it deletes the policy: nothing outlives the drill by more than the grace.
func IsolationPolicy(region string, until time.Time) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:      "DrillFaultedRegionIsDark",
		Effect:   "Deny",
		Action:   []string{"*"},
		Resource: []string{"*"},
		Condition: map[string]map[string]any{
			"StringEquals": {"aws:RequestedRegion": region},
			"DateLessThan": {"aws:CurrentTime": until.UTC().Format(time.RFC3339)},
		},
	})
}

// roleNameOf is the name of a role from its ARN (the last segment of its path).
func roleNameOf(arn string) string {
	i := strings.LastIndex(arn, "/")
	if i < 0 {
		return arn
	}
	return arn[i+1:]
}

// isolate puts the isolation policy on every role; on an error it takes back what it put.
func (w *watch) isolate(ctx context.Context, until time.Time) error {
	doc := IsolationPolicy(w.region, until).JSON()
	for _, role := range w.isolatedRoles {
		if _, err := w.d.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: aws.String(role), PolicyName: aws.String(IsolationPolicyName), PolicyDocument: aws.String(doc),
		}); err != nil {
			w.unisolate(ctx)
			return fmt.Errorf("deny %s to role %s: %w", w.region, role, err)
		}
		w.putOn = append(w.putOn, role)
	}
	w.event("%s denied to %s (inline policy %s, aws:RequestedRegion; expires by itself at %s)",
		w.region, strings.Join(w.isolatedRoles, " and "), IsolationPolicyName, until.UTC().Format(time.RFC3339))
	return nil
}

// unisolate deletes the policy from every role it was put on, whatever the context says.
func (w *watch) unisolate(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	var left []string
	for _, role := range w.putOn {
		if _, err := w.d.IAM.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(IsolationPolicyName)}); err != nil {
			left = append(left, role)
			w.event("could not remove %s from %s: %v; it expires by itself, or: aws iam delete-role-policy --role-name %s --policy-name %s",
				IsolationPolicyName, role, err, role, IsolationPolicyName)
		}
	}
	if len(w.putOn) > 0 && len(left) == 0 {
		w.event("%s no longer denied to %s", w.region, strings.Join(w.putOn, " and "))
	}
	w.putOn = left
}
