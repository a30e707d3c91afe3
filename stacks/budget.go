package stacks

// Default monthly budgets (observability.monthlyBudgetUsd), in USD. Each covers its stack's own
// estimate with at least 1.2x headroom, and the estimate while failed over, at the list prices of
// `go run . plan` (pkg/plan's price table, default usage): staging about $810 a month, prod about
// $1,510 ($1,590 failed over; both include a second db.r6g.large, $190 a month: stacks/database.go). A test in pkg/plan recomputes the estimate of each committed stack
// and fails when its default budget no longer covers it, so a change that raises the cost raises
// the budget with it. The numbers live here because stacks owns the defaults, and pkg/plan
// imports stacks, never the reverse.
const (
	StagingMonthlyBudgetUsd = 1000.0
	ProdMonthlyBudgetUsd    = 2000.0
)

// DefaultMonthlyBudgetUsd is the default budget of environment env (prod or staging).
func DefaultMonthlyBudgetUsd(env string) float64 {
	if env == Prod {
		return ProdMonthlyBudgetUsd
	}
	return StagingMonthlyBudgetUsd
}
