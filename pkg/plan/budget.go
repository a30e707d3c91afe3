package plan

import (
	"fmt"

	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// costOf is the monthly estimate of the stack with its budget, the failed-over estimate and the
// warnings when either exceeds the budget.
func costOf(g *graph, cfg *stacks.Config, prices PriceTable, usage Usage) Cost {
	c := estimate(g, prices, usage, cfg.PrimaryRegion, cfg.SecondaryRegion)
	c.BudgetUsd = cfg.Observability.MonthlyBudgetUsd
	_, _, desired := cfg.Compute.Capacity(true)
	serving := cfg.SecondaryRegion // failed over: the standby region serves at full capacity
	fo := estimateWith(&pricing{g: g, usage: usage, primary: serving, hours: HoursPerMonth, fullCapacity: desired}, prices, cfg.PrimaryRegion, cfg.SecondaryRegion)
	c.FailedOver = FailedOverCost{
		ServingRegion: serving, DesiredCapacity: desired,
		MonthlyTotal: fo.MonthlyTotal, ExtraMonthly: cents(fo.MonthlyTotal - c.MonthlyTotal),
	}
	c.Warnings = budgetWarnings(c)
	return c
}

// budgetWarnings says where the estimate does not fit the budget: the forecast alert of AWS
// Budgets would then page every month (or every month spent failed over).
func budgetWarnings(c Cost) []string {
	out := []string{}
	if c.BudgetUsd <= 0 {
		return out
	}
	if c.MonthlyTotal > c.BudgetUsd {
		out = append(out, fmt.Sprintf("the estimate %s exceeds the budget %s (observability.monthlyBudgetUsd): the budget alerts every month; raise it to at least %s",
			money(c.MonthlyTotal), money(c.BudgetUsd), money(cents(c.MonthlyTotal*MinBudgetHeadroom))))
	}
	if c.FailedOver.MonthlyTotal > c.BudgetUsd {
		out = append(out, fmt.Sprintf("failed over to %s the estimate is %s, above the budget %s: expect the budget alert in a month spent failed over",
			c.FailedOver.ServingRegion, money(c.FailedOver.MonthlyTotal), money(c.BudgetUsd)))
	}
	return out
}

// MinBudgetHeadroom is how far a stack's default budget must exceed its own estimate: usage
// varies from month to month, and a budget at the estimate alerts on every forecast.
const MinBudgetHeadroom = 1.2
