package observability

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/costexplorer"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// budgetTagFilter is the cost filter value of an activated cost allocation tag: user:<Key>$<Value>.
func budgetTagFilter(key, value string) string { return fmt.Sprintf("user:%s$%s", key, value) }

// budgetThresholds: warn on 80% actually spent, and on 100% forecast before it is spent.
var budgetThresholds = []struct {
	percent float64
	kind    string
}{{80, "ACTUAL"}, {100, "FORECASTED"}}

// newBudget is the stack's monthly cost budget, filtered by its cost allocation tag. Budgets is a
// global service: it always sits on the us-east-1 provider (never one chosen by role, which would
// replace it when the role moves), and notifies the us-east-1 topic and straight to the emails (so
// the warning arrives even if the topic's subscriptions were never confirmed).
func (o *Observability) newBudget(ctx *pulumi.Context, name string, primary *regional, args *Args) error {
	var notes budgets.BudgetNotificationArray
	for _, th := range budgetThresholds {
		n := budgets.BudgetNotificationArgs{
			ComparisonOperator:     pulumi.String("GREATER_THAN"),
			NotificationType:       pulumi.String(th.kind),
			Threshold:              pulumi.Float64(th.percent),
			ThresholdType:          pulumi.String("PERCENTAGE"),
			SubscriberSnsTopicArns: pulumi.StringArray{primary.topicArn},
		}
		if len(args.AlarmEmails) > 0 {
			n.SubscriberEmailAddresses = pulumi.ToStringArray(args.AlarmEmails)
		}
		notes = append(notes, n)
	}
	budget, err := budgets.NewBudget(ctx, name+"-budget", &budgets.BudgetArgs{
		NamePrefix:  pulumi.String(fmt.Sprintf("%s-%s-", name, ctx.Stack())),
		BudgetType:  pulumi.String("COST"),
		TimeUnit:    pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(strconv.FormatFloat(args.MonthlyBudgetUsd, 'f', 2, 64)),
		LimitUnit:   pulumi.String("USD"),
		CostFilters: budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String(budgetTagFilter(args.BudgetTagKey, args.BudgetTagValue))},
		}},
		Notifications: notes,
		Tags:          nameTag(name + "-budget"),
	}, o.opts(primary.site, pulumi.DependsOn([]pulumi.Resource{primary.topicPolicy}))...)
	if err != nil {
		return err
	}
	o.BudgetName = budget.Name
	if args.ActivateBudgetTag {
		return o.activateBudgetTag(ctx, name, primary, args)
	}
	return nil
}

// activateBudgetTag activates the budget's tag key for cost allocation. The budget does not wait
// for it: the filter is valid either way, and costs count from activation on (AWS does not apply
// an activation to past usage). The activation is retained on delete: the key is the account's, not
// the stack's, and another stack (staging next to prod) filters on it too.
func (o *Observability) activateBudgetTag(ctx *pulumi.Context, name string, primary *regional, args *Args) error {
	_, err := costexplorer.NewCostAllocationTag(ctx, name+"-budget-tag", &costexplorer.CostAllocationTagArgs{
		TagKey: pulumi.String(args.BudgetTagKey),
		Status: pulumi.String("Active"),
	}, o.opts(primary.site, pulumi.RetainOnDelete(true))...)
	if err != nil {
		return fmt.Errorf("activate cost allocation tag %s: %w", args.BudgetTagKey, err)
	}
	return nil
}
