package stacks

// Deployments is the `deployments` config object.
type Deployments struct{}

func defaultDeployments(prod bool) Deployments { return Deployments{} }

func validateDeployments(c *Config, p *problems) {}
