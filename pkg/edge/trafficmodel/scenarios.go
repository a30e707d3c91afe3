package trafficmodel

// Scenario is one row of the failover table: a world and what must follow from it.
type Scenario struct {
	Name  string
	World World
	// Serves, Writer, ViewerWritesSucceed, ForcedPrimary: the expected answer ("" Writer: nobody).
	Serves              string
	Writer              string
	ViewerWritesSucceed bool
	ForcedPrimary       bool
	// Desired is the expected desired capacity per region, in terms of the configured sizes.
	Desired func(c Capacity) map[string]int
	// Why says what the row proves, or which Route 53 rule forces a bad answer.
	Why string
}

// Scenarios is the table of issue #12 ("How it is proven") for a home and a standby region. The
// package tests run it on the edge's plan; the whole-program tests run it on the health checks and
// records the program registers.
func Scenarios(home, standby string) []Scenario {
	steady := func(c Capacity) map[string]int { return map[string]int{home: c.Serving, standby: c.StandbyMin} }
	promoted := func(c Capacity) map[string]int { return map[string]int{home: c.HomeMin, standby: c.Serving} }
	homeGone := func(c Capacity) map[string]int { return map[string]int{home: 0, standby: c.Serving} }
	standbyGone := func(c Capacity) map[string]int { return map[string]int{home: c.Serving, standby: 0} }
	unpromoted := func(c Capacity) map[string]int { return map[string]int{home: 0, standby: c.StandbyMin} }
	r := func(kv ...any) map[string]Region {
		out := map[string]Region{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1].(Region)
		}
		return out
	}
	return []Scenario{
		{Name: "steady state", World: World{GlobalPrimary: home},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "home is live, holds the primary, the standby does not claim it"},
		{Name: "home region lost, before promotion", World: World{GlobalPrimary: home, Regions: r(home, Region{Lost: true})},
			Serves: standby, Writer: "", Desired: unpromoted,
			Why: "the standby serves reads; writes fail until the runbook promotes it (no write forwarding, no cross-region path)"},
		{Name: "home region lost, after promotion", World: World{GlobalPrimary: standby, Regions: r(home, Region{Lost: true})},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: homeGone,
			Why: "the promoted standby serves and writes; the runbook raised it to the serving size"},
		{Name: "home back after an unplanned failover, rebuilt as a secondary", World: World{GlobalPrimary: standby},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: promoted,
			Why: "home's primary path answers 503 (topology: the standby is primary): traffic stays away until a failback"},
		{Name: "home back after an unplanned failover, left detached (stale)", World: World{GlobalPrimary: standby, Regions: r(home, Region{Stale: true})},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: promoted,
			Why: "home still claims the primary, but the standby's inverted primary check takes the PRIMARY record out"},
		{Name: "stale home primary while the standby is promoted", World: World{GlobalPrimary: standby, Regions: r(home, Region{Stale: true, WriterBlipSeconds: 5})},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: promoted,
			Why: "a stale old primary never gets traffic while the other region is the primary"},
		{Name: "planned switchover to the standby", World: World{GlobalPrimary: standby},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: promoted,
			Why: "no record or check changes: the answers of the primary paths move the traffic"},
		{Name: "failback to home", World: World{GlobalPrimary: home},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "home holds the primary again; the standby's primary path answers 503"},
		{Name: "in-region writer failover at home while home writes", World: World{GlobalPrimary: home, Regions: r(home, Region{WriterBlipSeconds: 30})},
			Serves: home, Writer: home, Desired: steady,
			Why: "the cached topology answer holds through the blip: no traffic moves (writes pause for the blip)"},
		{Name: "in-region writer failover in the standby while home writes", World: World{GlobalPrimary: home, Regions: r(standby, Region{WriterBlipSeconds: 30})},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "the standby keeps answering 503 on its primary path: nothing changes"},
		{Name: "in-region writer failover in the promoted standby", World: World{GlobalPrimary: standby, Regions: r(standby, Region{WriterBlipSeconds: 30})},
			Serves: standby, Writer: standby, Desired: promoted,
			Why: "the promoted standby keeps its cached 200: traffic stays (writes pause for the blip)"},
		{Name: "in-region writer failover at home while the standby writes", World: World{GlobalPrimary: standby, Regions: r(home, Region{WriterBlipSeconds: 30})},
			Serves: standby, Writer: standby, ViewerWritesSucceed: true, Desired: promoted,
			Why: "home keeps answering 503 on its primary path: nothing changes"},
		{Name: "standby lost while home writes", World: World{GlobalPrimary: home, Regions: r(standby, Region{Lost: true})},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: standbyGone,
			Why: "an unreachable standby's inverted primary check counts healthy: home keeps the traffic"},
		{Name: "both applications unhealthy", World: World{GlobalPrimary: home, Regions: r(home, Region{AppDown: true}, standby, Region{AppDown: true})},
			Serves: home, Writer: home, ForcedPrimary: true, Desired: steady,
			Why: "Route 53 rule: with every record of a failover pair unhealthy it answers the PRIMARY; viewers get errors"},
		{Name: "Route 53's checkers cut off from home", World: World{GlobalPrimary: home, Regions: r(home, Region{CheckersCutOff: true})},
			Serves: standby, Writer: home, Desired: steady,
			Why: "Route 53 forces a bad answer: home looks dead to the checkers, so the unpromoted standby serves reads and writes fail; the standby's detector sees home answer while DNS names the standby and pages \"switchover recommended\" (never a promotion)"},
		{Name: "partition between the two regions (home serves the world)", World: World{GlobalPrimary: home},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "Route 53's checkers elsewhere still reach home, so DNS keeps naming it; the standby's detector sees app, replication and RDS API gone but DNS on home: it pages degraded and never promotes"},
		{Name: "Route 53's checkers cut off from the standby", World: World{GlobalPrimary: home, Regions: r(standby, Region{CheckersCutOff: true})},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "the standby's inverted primary check counts healthy when unreachable: home keeps the traffic"},
		{Name: "every process in home restarts for 15 s", World: World{GlobalPrimary: home, Regions: r(home, Region{AppRestartSeconds: 15})},
			Serves: home, Writer: home, ViewerWritesSucceed: true, Desired: steady,
			Why: "no traffic moves: no checker can see its failure threshold of consecutive failures in 15 s (10 s x 3 in prod), and the ALB's 10 s x 3 target health keeps the targets; viewers see errors for the 15 s only"},
		{Name: "home database unreachable longer than the hold", World: World{GlobalPrimary: home, Regions: r(home, Region{WriterBlipSeconds: 120})},
			Serves: standby, Writer: home, Desired: steady,
			Why: "after PrimaryHoldSeconds home's primary path answers 503: the standby serves reads until the database is back or promoted"},
	}
}
