package stacks

// defaults returns the profile of env ("prod" or "staging"): what a stack gets for every key it
// does not set. Prod buys resilience (a NAT gateway per AZ, three AZs, a year of flow logs);
// staging buys thrift with the same shape.
func defaults(env string) *Config {
	prod := env == Prod
	return &Config{
		Environment:     env,
		PrimaryRegion:   "us-east-1",
		SecondaryRegion: "us-west-2",
		Tags:            map[string]string{},
		Network:         defaultNetwork(prod),
		Compute:         defaultCompute(prod),
		Database:        defaultDatabase(prod),
		Edge:            defaultEdge(prod),
		Observability:   defaultObservability(prod),
		Deployments:     defaultDeployments(prod),
		Drills:          defaultDrills(prod),
	}
}

func defaultNetwork(prod bool) Network {
	n := Network{
		NatGateways:          NatSingle,
		AzCount:              2,
		FlowLogRetentionDays: 30,
		Primary:              RegionNetwork{Cidr: "10.0.0.0/16"},
		Secondary:            RegionNetwork{Cidr: "10.1.0.0/16"},
	}
	if prod {
		n.NatGateways, n.AzCount, n.FlowLogRetentionDays = NatPerAz, 3, 365
	}
	return n
}
