package stacks

// Compute is the `compute` config object.
type Compute struct{}

func defaultCompute(prod bool) Compute { return Compute{} }

func validateCompute(c *Config, p *problems) {}
