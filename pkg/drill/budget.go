package drill

import (
	"time"

	planreport "github.com/multi-region-ha/multi-region-ha/pkg/plan"
	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// SwitchoverAllowance is how long the runbook may take from its start until the target region hosts
// the writer: the plan's own promotion budget (plan.PromotionSeconds, reported as
// failover.database.promotionSeconds: AWS's one to two minutes for a global switchover or failover
// plus the runbook's 30 s poll), so the drill and `go run . plan` hold the same number. The region
// drill starts the runbook itself, so the plan's detection time is not part of what it measures.
const SwitchoverAllowance = planreport.PromotionSeconds * time.Second

// InRegionFailoverAllowance bounds the AZ drill's database recovery: Aurora's in-region failover to a
// replica in another zone. The FailoverDBCluster API reference says failover times are typically
// less than 35 seconds; the allowance rounds that up to a minute.
const InRegionFailoverAllowance = time.Minute

// Budget is what the drill's measurements are held to.
type Budget struct {
	// Traffic is the stack's worst-case bound for reads after a dark home region (detection with the
	// checkers' connect timeout + evaluation + alias TTL + a request in flight), from the edge's own
	// calculation (stacks.Edge.FailoverBudget().Bound, pkg/edge/edgecalc): viewers must be served
	// again within it after the fault began. A drill holds the promise, the bound, not the typical
	// figure: a drill that lands between the two did what the plan says can happen.
	Traffic time.Duration
	// TrafficBreakdown names what bounds Traffic.
	Detection, Evaluation, DNS time.Duration
	// Database bounds the region drill's database recovery: runbook start to the writer in the
	// target region.
	Database time.Duration
	// InRegion bounds the AZ drill's database recovery: the writer failing over out of the zone.
	InRegion time.Duration
}

// BudgetOf computes the budget of a stack from its validated config, in-process.
func BudgetOf(cfg *stacks.Config) Budget {
	b := cfg.Edge.FailoverBudget().Bound
	return Budget{Traffic: b.Total, Detection: b.Detection, Evaluation: b.Evaluation, DNS: b.DNS, Database: SwitchoverAllowance, InRegion: InRegionFailoverAllowance}
}
