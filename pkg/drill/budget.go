package drill

import (
	"time"

	"github.com/multi-region-ha/multi-region-ha/stacks"
)

// SwitchoverAllowance is how long a planned Aurora global switchover may take from the runbook's
// start until the target region hosts the writer: AWS describes it as typically one to two minutes
// (the plan report's database section says the same); the budget takes the upper end. When the plan
// computes a database recovery time of its own, this is where it belongs.
const SwitchoverAllowance = 2 * time.Minute

// InRegionFailoverAllowance bounds the AZ drill's database recovery: Aurora's in-region failover to a
// replica in another zone. The FailoverDBCluster API reference says failover times are typically
// less than 35 seconds; the allowance rounds that up to a minute.
const InRegionFailoverAllowance = time.Minute

// Budget is what the drill's measurements are held to.
type Budget struct {
	// Traffic is the stack's computed traffic failover budget (detection + evaluation + DNS), from the
	// edge's own calculation (stacks.Edge.FailoverBudget, pkg/edge/edgecalc): viewers must be served
	// again within it after the fault began.
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
	b := cfg.Edge.FailoverBudget()
	return Budget{Traffic: b.Total, Detection: b.Detection, Evaluation: b.Evaluation, DNS: b.DNS, Database: SwitchoverAllowance, InRegion: InRegionFailoverAllowance}
}
