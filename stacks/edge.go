package stacks

// Edge is the `edge` config object.
type Edge struct{}

func defaultEdge(prod bool) Edge { return Edge{} }

func validateEdge(c *Config, p *problems) {}
