package stacks

// Observability is the `observability` config object.
type Observability struct{}

func defaultObservability(prod bool) Observability { return Observability{} }

func validateObservability(c *Config, p *problems) {}
